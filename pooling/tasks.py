"""Background jobs (Django Tasks API): in-process by default, the database worker in production.

Jobs take ids, not objects (they may run in another process), and are idempotent: a retried
route_request finds the round's RoutingRun and stops; plan_order keeps one request per order line.
"""

from django_tasks import task
from oscar.core.loading import get_model

from . import services
from .services.sweep import sweep_routing as sweep


@task()
def route_request(request_id: int) -> int:
    run = services.route_request(request_id=request_id)
    return run.pk if run else 0


@task()
def plan_order(order_id: int) -> int:
    order = get_model("order", "Order").objects.filter(pk=order_id).first()
    return len(services.plan_order(order=order)) if order else 0


@task()
def expire_work_orders() -> int:
    return services.expire_work_orders()


@task()
def sweep_routing() -> int:
    swept = sweep()
    return swept.requeued + swept.planned
