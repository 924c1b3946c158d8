"""Oscar's order placement with a stock hold that cannot oversell (see allocation.py)."""
from django.db.models import Q
from oscar.apps.order import utils as oscar_utils
from oscar.core.loading import get_model

from .allocation import allocate_basket_lines
from .statuses import CANCELLED

Order = get_model("order", "Order")
OrderDispatcher = oscar_utils.OrderDispatcher


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
    def update_stock_records(self, line):
        # Oscar calls this inside its order transaction, once per basket line, in stockrecord order.
        allocate_basket_lines(lines=[line], order=getattr(self, "_order", None))

    def create_order_model(self, *args, **kwargs):
        self._order = super().create_order_model(*args, **kwargs)
        return self._order
