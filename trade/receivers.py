"""What the trade app hears from the shop and the pool without a direct call (they sit below it and may not
import it): a trade order ships only once its balance transfer is confirmed; the balance is asked when the work
is ready. (The deposit and the balance arriving come through the shop's transfer port instead, calling
``services.transfer_received``: see trade/apps.py.)"""

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver
from oscar.apps.order.signals import order_status_changed

from catalog.shop.order import statuses
from pooling.models import WorkOrder

from . import services as trade_services
from .models import Quote


def _trade(order) -> bool:
    return order.number.startswith("TR") and hasattr(order, "trade_quote")


@receiver(order_status_changed, dispatch_uid="trade-balance-before-shipping")
def balance_before_shipping(sender, order, old_status, new_status, **kwargs):
    """Sent inside the shop's shipping transaction (``mark_shipped``): raising rolls the status change back."""
    if new_status == statuses.SHIPPED and _trade(order):
        reason = trade_services.balance_due(order)
        if reason:
            raise trade_services.BalanceDue(reason, field="waybill")


@receiver(post_save, sender=WorkOrder, dispatch_uid="trade-balance-when-ready")
def balance_when_ready(sender, instance, **kwargs):
    if instance.state not in (WorkOrder.State.MADE, WorkOrder.State.HANDED_OVER):
        return
    order = getattr(getattr(getattr(instance, "request", None), "order_line", None), "order", None)
    if order is None or not order.number.startswith("TR"):
        return
    transaction.on_commit(lambda: _ask_balance(order.pk))


def _ask_balance(order_pk):
    quote = Quote.objects.filter(order_id=order_pk).select_related("order").first()
    if quote is None or quote.order.status not in (statuses.PAID, statuses.IN_PRODUCTION):
        return
    if trade_services.work_ready(quote.order):
        trade_services.request_balance(quote=quote)
