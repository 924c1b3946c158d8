"""Order statuses: English codes stored on the order, translated when shown (``status_label``).

settings.OSCAR_ORDER_STATUS_PIPELINE (end of settings/base.py) uses the same strings; keep them in step.
"""
from django.utils.translation import gettext, gettext_noop

AWAITING_PAYMENT = gettext_noop("Awaiting payment")
PAID = gettext_noop("Paid")
IN_PRODUCTION = gettext_noop("In production")
SHIPPED = gettext_noop("Shipped")
COMPLETE = gettext_noop("Complete")
CANCELLED = gettext_noop("Cancelled")

ALL = (AWAITING_PAYMENT, PAID, IN_PRODUCTION, SHIPPED, COMPLETE, CANCELLED)
# Stock is still held (allocated, not yet consumed) in these statuses.
HOLDING_STOCK = (AWAITING_PAYMENT, PAID, IN_PRODUCTION)


def status_label(status: str) -> str:
    return gettext(status) if status in ALL else status
