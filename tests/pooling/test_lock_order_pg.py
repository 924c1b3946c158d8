"""One lock order (issue 13, item 9): a member handing over made work and the shop cancelling the same order at
the same moment lock the routing request first, then the work order, so PostgreSQL never has to break a
deadlock between them. Before, the hand-over locked the work order first and the withdrawal the request first.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connections
from oscar.core.loading import get_model

from catalog.shop.order import services as order_services, statuses
from inventory.models import Member, StockMovement
from inventory.selectors import current_week
from inventory.services import InventoryError, stock_move, stockrecord_for
from pooling import services
from pooling.models import RoutingRequest, WorkOrder
from tests.inventory.test_concurrency_pg import restore_seed_after_module  # noqa: F401 — puts the seed back
from tests.pooling.test_reservations import only_maker, order_line, place, set_free

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
ROUNDS = 8
Order = get_model("order", "Order")


def made_work(order_factory, variant):
    """An order whose one unit m04 has made (stock at m04) and not yet handed over."""
    set_free(variant)  # earlier rounds' made units must not serve this order from stock
    order, line = order_line(order_factory, variant, quantity=1, promised_to_make=1, promised_week=current_week())
    place(order, line)
    Order.objects.filter(pk=order.pk).update(status=statuses.PAID)
    request = RoutingRequest.objects.get(order_line=line)
    services.route_request(request_id=request.pk)
    request.refresh_from_db()
    assert request.status == RoutingRequest.Status.ROUTED, (request.status, request.unrouted_reason)
    wo = WorkOrder.objects.get(request=request)
    services.work_order_accept(work_order=wo)
    record = stockrecord_for(member=wo.member, product=variant)
    stock_move(
        stockrecord=record,
        kind=StockMovement.Kind.ADJUSTED,
        quantity=1,
        reason="made (test)",
        idempotency_key=f"test-made-{wo.pk}",
    )
    WorkOrder.objects.filter(pk=wo.pk).update(state=WorkOrder.State.MADE)
    return Order.objects.get(pk=order.pk), wo


def test_hand_over_and_cancellation_racing_never_deadlock(order_factory, variant):
    only_maker(variant, code="m04", weekly=ROUNDS + 2)
    assert Member.objects.get(code="m04").skills.filter(pk=variant.get_product_class().pk).exists()
    outcomes = []
    for _round in range(ROUNDS):
        order, wo = made_work(order_factory, variant)
        barrier = threading.Barrier(2)
        results = {}

        def hand_over():
            try:
                barrier.wait(timeout=30)
                services.work_order_hand_over(work_order=wo)
                results["hand_over"] = "done"
            except InventoryError:  # the order was withdrawn first: refused cleanly
                results["hand_over"] = "refused"
            except Exception as error:  # noqa: BLE001 — a deadlock lands here
                results["hand_over"] = error
            finally:
                connections.close_all()

        def cancel():
            try:
                barrier.wait(timeout=30)
                order_services.cancel_order(order=order, reason="race test", notify=False)
                results["cancel"] = "done"
            except Exception as error:  # noqa: BLE001
                results["cancel"] = error
            finally:
                connections.close_all()

        threads = [threading.Thread(target=hand_over), threading.Thread(target=cancel)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        outcomes.append(results)
    errors = [r for r in outcomes if any(not isinstance(v, str) for v in r.values())]
    assert errors == [], errors[:2]
    assert all(r["cancel"] == "done" for r in outcomes)
