"""The Django admin shows ledgers, agreements, loans and routing, but never changes them: every change goes
through a service (one transaction, ledgers balanced, votes and quorum kept)."""
from django.contrib import admin


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
