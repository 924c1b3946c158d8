"""The Django admin shows ledgers, agreements, loans, routing, stock, orders and payments, but never changes them:
every change goes through a service or Oscar's dashboard (one transaction, ledgers balanced, votes and quorum kept,
order status through its pipeline)."""

from django.contrib import admin


class ReadOnlyPermissions:
    """No add, change or delete, for anyone (superusers included): the admin's POSTs answer 403."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(ReadOnlyPermissions, admin.ModelAdmin):
    pass


def make_read_only(model, site=admin.site):
    """Swap the admin class a third party (Oscar) registered for `model` for a read-only subclass of it: same
    lists, filters and searches, its inlines read-only too."""
    current = type(site._registry[model])
    inlines = [type(f"ReadOnly{i.__name__}", (ReadOnlyPermissions, i), {}) for i in current.inlines]
    site.unregister(model)
    site.register(model, type(f"ReadOnly{current.__name__}", (ReadOnlyAdmin, current), {"inlines": inlines}))
