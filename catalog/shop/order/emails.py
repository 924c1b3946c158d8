"""Order emails in the buyer's language, through Oscar's communication event types.

Codes: ORDER_PLACED (Oscar's; our templates add the bank-transfer instructions), PAYMENT_CONFIRMED,
ORDER_SHIPPED, ORDER_CANCELLED. Templates: site/templates/oscar/communication/emails/commtype_<code>_*.
The language is the one the buyer used at checkout (``Order.language``), so an email sent later by staff or
by the expiry job still speaks it.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.sites.models import Site
from django.urls import reverse
from django.utils import translation
from oscar.core.loading import get_class, get_model

CommunicationEventType = get_model("communication", "CommunicationEventType")
OrderDispatcher = get_class("order.utils", "OrderDispatcher")
logger = logging.getLogger("guyub.orders")

ORDER_PLACED, PAYMENT_CONFIRMED, ORDER_SHIPPED, ORDER_CANCELLED = (
    "ORDER_PLACED",
    "PAYMENT_CONFIRMED",
    "ORDER_SHIPPED",
    "ORDER_CANCELLED",
)
NAMES = {
    ORDER_PLACED: "Order placed",
    PAYMENT_CONFIRMED: "Payment confirmed",
    ORDER_SHIPPED: "Order shipped",
    ORDER_CANCELLED: "Order cancelled",
}


def order_language(order) -> str:
    codes = {code for code, _name in settings.LANGUAGES}
    return order.language if order.language in codes else settings.LANGUAGE_CODE


def status_path(order) -> str:
    """Where the buyer follows the order: the account page, or Oscar's signed link for guests."""
    if order.user_id:
        return reverse("customer:order", kwargs={"order_number": order.number})
    return reverse("customer:anon-order", kwargs={"order_number": order.number, "hash": order.verification_hash()})


def bank_details() -> dict:
    return {
        "bank_name": settings.GUYUB_BANK_NAME,
        "account_number": settings.GUYUB_BANK_ACCOUNT_NUMBER,
        "account_holder": settings.GUYUB_BANK_ACCOUNT_HOLDER,
    }


def send_order_email(*, order, code: str, request=None) -> None:
    """Render and send ``code`` for ``order`` in the buyer's language; record Oscar's communication event."""
    CommunicationEventType.objects.get_or_create(
        code=code, defaults={"name": NAMES.get(code, code), "category": CommunicationEventType.ORDER_RELATED}
    )
    site = Site.objects.get_current(request)
    path = status_path(order)
    transfer = getattr(order, "bank_transfer", None)  # reverse one-to-one: None when paid by card
    with translation.override(order_language(order)):
        context = {
            "order": order,
            "lines": order.lines.all(),
            "site": site,
            "request": request,
            "status_path": path,
            "status_url": f"{'https' if request and request.is_secure() else 'http'}://{site.domain}{path}",
            "transfer": transfer,
            "bank": bank_details(),
        }
        dispatcher = OrderDispatcher(logger=logger)
        messages = dispatcher.dispatcher.get_messages(code, context)
        dispatcher.dispatch_order_messages(order, messages, code)
