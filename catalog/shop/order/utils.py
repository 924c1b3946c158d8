"""Oscar's order placement with a stock hold that cannot oversell (see allocation.py)."""

from django.db.models import Q
from oscar.apps.order import utils as oscar_utils
from oscar.core.loading import get_model

from catalog.shop.partner.availability import CooperativeAvailability
from pooling.services import lock_promises

from .allocation import allocate_basket_lines
from .statuses import CANCELLED

Order = get_model("order", "Order")


def promise_for(basket_line) -> dict:
    """The ship week and made-to-order units the basket line's availability promised at this request."""
    availability = getattr(getattr(basket_line, "purchase_info", None), "availability", None)
    if not isinstance(availability, CooperativeAvailability):
        return {}
    lead = availability.lead(basket_line.quantity)
    return {"promised_week": lead.due_week, "promised_to_make": max(0, basket_line.quantity - availability.free)}


class OrderNumberGenerator(oscar_utils.OrderNumberGenerator):
    """Oscar's ``100000 + basket id``, with a suffix when that basket's earlier orders were all cancelled.

    A card capture that fails after placement cancels the order and gives the buyer the basket back; without
    a fresh number the unique order number would block their second attempt. A basket whose order is still
    alive keeps the plain number, so a double submit runs into the unique constraint instead of a 2nd order.
    """

    def order_number(self, basket):
        base = str(super().order_number(basket))
        earlier = list(
            Order._default_manager.filter(Q(number=base) | Q(number__startswith=f"{base}-")).values_list(
                "status", flat=True
            )
        )
        if not earlier or any(status != CANCELLED for status in earlier):
            return base
        return f"{base}-{len(earlier) + 1}"


class OrderCreator(oscar_utils.OrderCreator):
    def __init__(self):
        self._order_lines = {}  # basket line pk → the order line made from it

    def create_order_model(self, *args, **kwargs):
        # The first write of Oscar's placement transaction: take the promise lock before any stock or capacity
        # row, so concurrent placements and routing rounds queue in one order (pooling/services/promises.py).
        lock_promises()
        return super().create_order_model(*args, **kwargs)

    def create_line_models(self, order, basket_line, extra_line_fields=None):
        # Keep the promise the buyer just saw for this line (ready now, or made by a week).
        extra_line_fields = {**promise_for(basket_line), **(extra_line_fields or {})}
        order_line = super().create_line_models(order, basket_line, extra_line_fields)
        self._order_lines[basket_line.pk] = order_line
        return order_line

    def update_stock_records(self, line):
        # Oscar 4.2 calls this inside its order transaction, once per *basket* line, in stockrecord order, after
        # making every order line. Hold for the order line: it carries the promise, and the ledger names it.
        order_line = self._order_lines[line.pk]
        allocate_basket_lines(lines=[order_line], order=order_line.order)
