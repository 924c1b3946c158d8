from django import template
from django.utils.translation import gettext

from books import ledger

register = template.Library()

KIND_LABELS = {
    "sale": ledger.gettext_noop("Sale"),
    "fee": ledger.gettext_noop("Cooperative fee"),
    "work": ledger.gettext_noop("Work for another member"),
    "transfer": ledger.gettext_noop("Stock given"),
    "pool": ledger.gettext_noop("Pool work"),
    "refund": ledger.gettext_noop("Refund"),
    "loan": ledger.gettext_noop("Material loan settled"),
    "dues": ledger.gettext_noop("Monthly dues"),
    "payout": ledger.gettext_noop("Payout"),
    "adjustment": ledger.gettext_noop("Adjustment"),
    "savings": ledger.gettext_noop("Savings"),
    "credit": ledger.gettext_noop("Money loan"),
    "shu": ledger.gettext_noop("Surplus share (SHU)"),
}


@register.filter
def rp(amount) -> str:
    """Whole rupiah as Indonesians write it: Rp 150.000."""
    return ledger.format_rupiah(int(amount or 0))


@register.filter
def kind_label(kind: str) -> str:
    return gettext(KIND_LABELS.get(kind, kind))


@register.filter
def month_label(month) -> str:
    return ledger.month_label(month)


@register.filter
def is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
