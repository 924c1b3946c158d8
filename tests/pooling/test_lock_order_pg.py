"""One lock order (issue 13, item 9): a member handing over made work and the shop cancelling the same order at
the same moment lock the routing request first, then the work order, so PostgreSQL never has to break a
deadlock between them. Before, the hand-over locked the work order first and the withdrawal the request first.
"""

from __future__ import annotations

import pytest
from oscar.core.loading import get_model

from catalog.shop.order import services as order_services, statuses
from inventory.models import Member, StockMovement
from inventory.selectors import current_week
from inventory.services import InventoryError, stock_move, stockrecord_for
from pooling import services
from pooling.models import RoutingRequest, WorkOrder
from tests.pg_helpers import restore_seed_after_module, run_together  # noqa: F401 — puts the seed back
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

        def hand_over():
            try:
                services.work_order_hand_over(work_order=wo)
            except InventoryError:  # the order was withdrawn first: refused cleanly (a deadlock is another error)
                return "refused"
            return "done"

        def cancel():
            order_services.cancel_order(order=order, reason="race test", notify=False)
            return "done"

        handed, cancelled = run_together(2, lambda i: (hand_over, cancel)[i](), timeout=60)
        outcomes.append({"hand_over": handed, "cancel": cancelled})
    errors = [r for r in outcomes if any(not isinstance(v, str) for v in r.values())]
    assert errors == [], errors[:2]
    assert all(r["cancel"] == "done" for r in outcomes)
