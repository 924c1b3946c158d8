"""Simpan-pinjam in the Django admin: read-only for everyone (money moves only through the services)."""

from django.contrib import admin

from common.admin import ReadOnlyAdmin

from .models import (
    Funding,
    Group,
    Instalment,
    Loan,
    LoanPayment,
    LoanProduct,
    LoanShare,
    PackageLine,
    PassbookLine,
    Reminder,
    SavingsAccount,
    SavingsRule,
    ShuLine,
    ShuRun,
)


@admin.register(SavingsAccount)
class SavingsAccountAdmin(ReadOnlyAdmin):
    list_display = ("member", "pokok", "wajib", "sukarela", "lent")


@admin.register(PassbookLine)
class PassbookLineAdmin(ReadOnlyAdmin):
    list_display = ("date", "member", "kind", "amount", "balance", "text")
    list_filter = ("kind",)


@admin.register(Loan)
class LoanAdmin(ReadOnlyAdmin):
    list_display = ("reference", "product", "group", "status", "disbursed_on")
    list_filter = ("status",)


@admin.register(Reminder)
class ReminderAdmin(ReadOnlyAdmin):
    list_display = ("sent_on", "instalment", "kind", "email")
    list_filter = ("kind",)


for model in (
    SavingsRule,
    Group,
    LoanProduct,
    LoanShare,
    PackageLine,
    Instalment,
    Funding,
    LoanPayment,
    ShuRun,
    ShuLine,
):
    admin.site.register(model, ReadOnlyAdmin)
