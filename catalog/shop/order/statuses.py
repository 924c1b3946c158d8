"""Order statuses as the shop shows them. The codes are defined once in common.order_status (the pool reads
them too); ``status_label`` translates one for the reader."""

from django.utils.translation import gettext

from common.order_status import ALL, AWAITING_PAYMENT, CANCELLED, COMPLETE, HOLDING_STOCK, IN_PRODUCTION, PAID, SHIPPED  # noqa: F401


def status_label(status: str) -> str:
    return gettext(status) if status in ALL else status
