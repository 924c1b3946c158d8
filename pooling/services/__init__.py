"""Writes of the pooling app (issue #6). Keyword-only arguments, one transaction each; a refusal raises
PoolingError (an InventoryError: a translated message for the member) and writes nothing.

* reserve_order_line(line=)                 at placement: other members' stock, then capacity, reserved at once
* plan_order(order=)                        stock first, the rest becomes a routing request per line
* lock_promises()                           the lock placements and routing rounds take first
* overflow_post(member=, product=, quantity=, due_week=)
* route_request(request_id=)                one routing round, idempotent per (request, round)
* work_order_accept / work_order_decline / work_order_made / work_order_hand_over(work_order=, user=)
* expire_work_orders(now=)                  unanswered offers count as declined and are routed again
* routing_settings_update(...)              the board's weights and response time
* withdraw_order(order=)                     a cancelled order's routing stops, its open work is withdrawn
                                             (catalog.shop's cancel_order calls it in its transaction)
* prefer_maker(basket=, product=, code=)    the buyer came from an artisan's page: prefer that maker
* reserve_planned_line(line=, member=, work=, due_week=, held=)
                                            at placement: offered to the makers of a plan given (a trade quote's),
                                            or held for them until the buyer's deposit arrives
* release_held_work(order=)                 the deposit arrived: the held work orders go out as offers
"""

from inventory.services import InventoryError

from .planned import PlannedWork, release_held_work, reserve_planned_line
from .promises import PromiseBroken, lock_promises
from .routing import (
    PoolingError,
    enqueue_routing,
    overflow_post,
    plan_order,
    prefer_maker,
    reroute,
    reserve_order_line,
    route_request,
)
from .work import (
    expire_work_orders,
    routing_settings_update,
    withdraw_order,
    work_order_accept,
    work_order_decline,
    work_order_hand_over,
    work_order_made,
)

__all__ = [
    "InventoryError",
    "PlannedWork",
    "PoolingError",
    "PromiseBroken",
    "lock_promises",
    "reserve_order_line",
    "release_held_work",
    "reserve_planned_line",
    "enqueue_routing",
    "expire_work_orders",
    "overflow_post",
    "plan_order",
    "prefer_maker",
    "reroute",
    "route_request",
    "routing_settings_update",
    "work_order_accept",
    "work_order_decline",
    "work_order_hand_over",
    "work_order_made",
    "withdraw_order",
]
