"""Oscar's basket is not forked, so its `basket_addition` signal is where the pool learns which maker the buyer
came from; the receiver only adapts the signal to `services.prefer_maker`. (A placed order is reserved inside
its placement, catalog.shop.order.allocation; a cancelled one is withdrawn by catalog.shop's cancel_order: both
call pooling.services directly.)"""

from django.dispatch import receiver
from oscar.apps.basket.signals import basket_addition

from .services import prefer_maker

SESSION_MAKER = "pooling_maker"


@receiver(basket_addition, dispatch_uid="pooling.basket_addition")
def remember_maker(sender, product, request=None, **kwargs):
    """The buyer came from an artisan's page (?maker=m03, kept in the session by RememberMaker)."""
    code = request.session.get(SESSION_MAKER) if request is not None else None
    basket = getattr(request, "basket", None)
    if code and basket is not None and basket.pk:
        prefer_maker(basket=basket, product=product, code=code)
