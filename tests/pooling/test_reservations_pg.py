"""200 buyers race on PostgreSQL (issue 12's "done when"): for 5 units split 3+2 over two members with no
capacity, exactly 5 orders are placed; for spare capacity 3 and no stock, exactly 3; every placed line is covered.

Each buyer is a thread with its own connection running the placement's transaction as Oscar's OrderCreator does
(promise lock, then the stock hold and the pool's reservation). At most ``CONNECTIONS`` buyers hold a connection
at once (the test server allows 200 in all), all of them released by one barrier.
"""

from __future__ import annotations

import threading

import pytest
from django.db import transaction
from oscar.core.loading import get_model

from catalog.shop.order.allocation import InsufficientStock, allocate_basket_lines
from inventory.selectors import current_week, stock_discrepancies
from pooling import services
from pooling.models import RoutingRequest
from pooling.promise_check import uncovered_lines
from tests.factories import make_order
from tests.pg_helpers import restore_seed_after_module, run_together  # noqa: F401 — puts the seed back
from tests.pooling.test_reservations import only_maker, set_free

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
BUYERS = 200
CONNECTIONS = 60
Line = get_model("order", "Line")
Order = get_model("order", "Order")


def race(orders) -> list:
    """Every buyer places its order at once; "placed", "refused" or the unexpected exception, per buyer."""
    seats = threading.BoundedSemaphore(CONNECTIONS)

    def buyer(i):
        try:
            with seats:
                with transaction.atomic():
                    services.lock_promises()  # OrderCreator.create_order_model takes it first, too
                    line = Line.objects.select_related("stockrecord", "product").get(order=orders[i])
                    allocate_basket_lines(lines=[line], order=orders[i])
        except InsufficientStock:
            return "refused"
        return "placed"

    return run_together(len(orders), buyer, timeout=300)


def orders_for(variant, *, promised_to_make: int, promised_week=None):
    from inventory.models import Member
    from inventory.services import stockrecord_for

    record = stockrecord_for(member=Member.objects.get(code="m01"), product=variant)
    orders = [make_order([(record, 1, 0)]) for _ in range(BUYERS)]
    Line.objects.filter(order__in=orders).update(promised_to_make=promised_to_make, promised_week=promised_week)
    return orders


def test_200_buyers_race_for_stock_then_for_capacity(variant):
    """One test for both races: the transactional test flushes the seed the variant comes from."""
    race_for_stock(variant)
    race_for_capacity(variant)


def race_for_stock(variant):
    set_free(variant, m02=3, m03=2)
    only_maker(variant, code=None)
    orders = orders_for(variant, promised_to_make=0)
    results = race(orders)
    assert results.count("placed") == 5, [r for r in results if r not in ("placed", "refused")][:3]
    assert results.count("refused") == BUYERS - 5
    placed = [order for order, result in zip(orders, results) if result == "placed"]
    assert sum(Line.objects.filter(order__in=placed).values_list("num_allocated", flat=True)) == 5
    assert not {row.line.order_id for row in uncovered_lines()} & {order.pk for order in placed}
    assert stock_discrepancies() == []


def race_for_capacity(variant):
    set_free(variant)
    only_maker(variant, code="m04", weekly=3)
    from pooling import selectors

    spare = selectors.weekly_spare(variant.get_product_class())[0]
    assert spare == 3, "m04 must start the week with no load"
    orders = orders_for(variant, promised_to_make=1, promised_week=current_week())
    results = race(orders)
    assert results.count("placed") == 3, [r for r in results if r not in ("placed", "refused")][:3]
    placed = [order for order, result in zip(orders, results) if result == "placed"]
    assert RoutingRequest.objects.filter(order_line__order__in=placed).count() == 3
    assert not {row.line.order_id for row in uncovered_lines()} & {order.pk for order in placed}
