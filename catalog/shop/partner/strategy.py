"""Pricing and availability for the cooperative's shop (Oscar loads this module by the partner app label).

The cooperative sells as one shop: a variant is available when any member holds it, so the line is taken
from the member with the most free stock. Every stockrecord is in Rupiah and stock is required. The
board-agreed price (catalog issue) replaces the stockrecord price as the source of truth.
"""
from oscar.apps.partner import strategy


class Selector:
    def strategy(self, request=None, user=None, **kwargs):
        return CooperativeStrategy(request)


class UseMostStockedRecord:
    """Pick the member stockrecord with the most free stock (ties: the oldest record)."""

    def select_stockrecord(self, product):
        records = list(product.stockrecords.all())  # uses prefetched records when the view prefetched them
        if not records:
            return None
        return max(records, key=lambda r: ((r.num_in_stock or 0) - (r.num_allocated or 0), -r.pk))


class CooperativeStrategy(UseMostStockedRecord, strategy.StockRequired, strategy.NoTax, strategy.Structured):
    """One price for the buyer whichever member's stock fulfils the line; Indonesian prices include tax."""
