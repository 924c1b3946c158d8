"""The books in the Django admin: read-only for everyone (postings are facts; changes go through services)."""

from django.contrib import admin

from common.admin import ReadOnlyAdmin, ReadOnlyPermissions

from .models import Account, BankAccount, BooksSettings, ClosedMonth, FeeRate, Leg, PayoutLine, PayoutRun, Posting


class LegInline(ReadOnlyPermissions, admin.TabularInline):
    model = Leg
    fields = ("account", "amount")
    readonly_fields = fields
    extra = 0


@admin.register(Posting)
class PostingAdmin(ReadOnlyAdmin):
    list_display = ("date", "month", "kind", "reference", "idempotency_key")
    list_filter = ("kind", "month")
    search_fields = ("reference", "idempotency_key")
    inlines = [LegInline]


@admin.register(Account)
class AccountAdmin(ReadOnlyAdmin):
    list_display = ("code", "name")
    search_fields = ("code", "name")


@admin.register(PayoutRun)
class PayoutRunAdmin(ReadOnlyAdmin):
    list_display = ("pk", "status", "created_by", "approved_by", "paid_at", "bank_reference")


for model in (ClosedMonth, FeeRate, BooksSettings, BankAccount, PayoutLine):
    admin.site.register(model, ReadOnlyAdmin)
