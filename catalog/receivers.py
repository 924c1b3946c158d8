"""Keep a basket line's remembered price comparable with the price Oscar charges for it.

Oscar remembers the unit price a line had when it was added (`Line.price_incl_tax`) and warns the buyer
when the price now differs (`Line.get_warning`, shown on the basket page). With trader tiers the charged
price also depends on the quantity, so a buyer who raises a line to 12 units would be told the price "has
decreased since you added it". On every save of a line we therefore remember the price that the agreement
*in force when the line was added* gives for the line's *current* quantity: the warning then appears exactly
when the board's agreement changed while the product sat in the basket, and never for a quantity change.

A receiver, not a service call: Oscar saves basket lines itself (add, quantity forms, merges) and we do not
fork its basket, so a line's save is the one place every change passes through.
"""

from django.db.models.signals import pre_save
from django.dispatch import receiver
from django.utils import timezone
from oscar.core.loading import get_model

from .selectors import quote_for

Line = get_model("basket", "Line")


@receiver(pre_save, sender=Line, dispatch_uid="catalog.remember_agreed_line_price")
def remember_agreed_line_price(sender, instance, raw=False, **kwargs):
    if raw or not instance.product_id:
        return
    if instance.date_created:
        added_at = instance.date_created
    else:
        basket = instance.basket
        added_at = basket.strategy.now if basket.has_strategy and hasattr(basket.strategy, "now") else timezone.now()
    quote = quote_for(instance.product, at=added_at, quantity=max(instance.quantity or 1, 1))
    if quote is not None:
        instance.price_excl_tax = instance.price_incl_tax = quote.amount
