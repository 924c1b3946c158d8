"""Signals: a cancelled order is withdrawn; a basket addition remembers the buyer's maker. (A placed order is
reserved inside its own placement: catalog.shop.order.allocation calls pooling.services.reserve_order_line.)"""
from django.dispatch import receiver
from oscar.apps.basket.signals import basket_addition
from oscar.apps.order.signals import order_status_changed

SESSION_MAKER = "pooling_maker"


@receiver(order_status_changed, dispatch_uid="pooling.order_cancelled")
def withdraw_cancelled_order(sender, order, old_status, new_status, **kwargs):
    """A cancelled order (unpaid transfer, failed capture, staff) must not keep members making its goods.
    Runs inside the cancellation's transaction: both happen or neither."""
    from catalog.shop.order import statuses

    from .services import withdraw_order

    if new_status == statuses.CANCELLED:
        withdraw_order(order=order)


@receiver(basket_addition, dispatch_uid="pooling.basket_addition")
def remember_maker(sender, product, request=None, **kwargs):
    """The buyer came from an artisan's page (?maker=m03, kept in the session): prefer that maker."""
    code = request.session.get(SESSION_MAKER) if request is not None else None
    basket = getattr(request, "basket", None)
    if not code or basket is None or not basket.pk:
        return
    from inventory.models import Member

    from .models import MakerPreference

    member = Member.objects.active().filter(code=code).first()
    if member is not None:
        MakerPreference.objects.update_or_create(basket=basket, product=product, defaults={"member": member})
