"""Read-mostly admin: loans change only through the services (so the ledgers stay balanced)."""

from django.contrib import admin

from common.admin import ReadOnlyAdmin

from .models import LoanEvent, LoanNotice, LoanSettings, MaterialLoan, MaterialPrice


class EventInline(admin.TabularInline):
    model = LoanEvent
    extra = 0
    can_delete = False
    readonly_fields = ["action", "quantity", "amount", "member", "user", "created_at"]
    fields = readonly_fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(MaterialLoan)
class MaterialLoanAdmin(ReadOnlyAdmin):
    list_display = ["pk", "lender", "borrower", "material", "quantity", "returned", "settled", "state", "due_on"]
    list_filter = ["state", "material"]
    inlines = [EventInline]


@admin.register(LoanNotice)
class LoanNoticeAdmin(ReadOnlyAdmin):
    list_display = ["member", "loan", "kind", "created_at"]


@admin.register(LoanSettings)
class LoanSettingsAdmin(admin.ModelAdmin):
    list_display = ["notice_days", "max_active_loans", "default_term_days", "updated_at"]


@admin.register(MaterialPrice)
class MaterialPriceAdmin(admin.ModelAdmin):
    list_display = ["material", "price", "updated_at"]
