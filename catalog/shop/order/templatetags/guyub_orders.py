from django import template

from catalog.shop.order import statuses
from catalog.shop.order.emails import bank_details
from catalog.shop.order.statuses import status_label as _status_label
from catalog.shop.payment.models import CardPayment

register = template.Library()


@register.filter
def status_label(status):
    """The order status in the reader's language (codes are English)."""
    return _status_label(status or "")


@register.inclusion_tag("oscar/customer/partials/order_payment.html")
def order_payment_panel(order):
    """Status and payment of an order for its buyer: bank details while a transfer is awaited."""
    return {
        "order": order,
        "transfer": getattr(order, "bank_transfer", None),
        "card_payment": order.card_payments.first(),
        "bank": bank_details(),
    }


@register.inclusion_tag("oscar/dashboard/orders/partials/guyub_payment.html", takes_context=True)
def order_payment_staff_panel(context, order):
    """The dashboard's payment box: confirm a transfer, capture a waiting card payment, refund."""
    transfer = getattr(order, "bank_transfer", None)
    card = order.card_payments.first()
    if card is not None and card.status == CardPayment.CAPTURED:
        refundable = card.refundable
    else:
        refundable = transfer.refundable if transfer else 0
    return {
        "request": context.get("request"),
        "csrf_token": context.get("csrf_token"),
        "order": order,
        "transfer": transfer,
        "card_payment": card,
        "refundable": refundable,
        "can_mark_paid": statuses.PAID in order.available_statuses(),
        "paid_status": statuses.PAID,
    }
