"""The routing sweep: after-commit jobs that were lost (a worker killed, the database restarted, a job that
failed) are found from their durable trace and queued again. ``manage.py clock`` runs it every few minutes.

* An open routing request whose current round has no run, queued longer ago than ``STALE`` (or never): queued
  again, at most ``MAX_ATTEMPTS`` times; after that it stays on the board's promise check for a person.
* A placed order line that has no routing request (an order placed before reservations, or one whose planning
  never ran): planned now, in its own transaction.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from oscar.core.loading import get_model

from common import order_status

from ..models import RoutingRequest, RoutingRun
from .routing import enqueue_routing, plan_order

log = logging.getLogger(__name__)
Order = get_model("order", "Order")
OrderLine = get_model("order", "Line")

STALE = datetime.timedelta(minutes=10)
MAX_ATTEMPTS = 10


@dataclass(frozen=True)
class Swept:
    requeued: int
    planned: int
    given_up: int


def lost_requests(*, now: datetime.datetime):
    """Open requests with units to make, no run for their round, queued before ``now - STALE`` or never."""
    ran = RoutingRun.objects.filter(request=OuterRef("pk"), round=OuterRef("round"))
    return (
        RoutingRequest.objects.filter(status=RoutingRequest.Status.OPEN, quantity__gt=0)
        .exclude(Exists(ran))
        .filter(Q(routing_queued_at__isnull=True) | Q(routing_queued_at__lte=now - STALE))
    )


def unplanned_orders(*, now: datetime.datetime):
    """Orders placed before ``now - STALE``, still open, with a stock-tracked line that has no routing request."""
    lines = OrderLine.objects.filter(order=OuterRef("pk"), stockrecord__isnull=False, pooling_request__isnull=True)
    return (
        Order.objects.exclude(status__in=order_status.FINISHED)
        .filter(date_placed__lte=now - STALE)
        .filter(Exists(lines))
        .order_by("pk")
    )


def sweep_routing(*, now: datetime.datetime | None = None) -> Swept:
    """Queue lost routing jobs again and plan unplanned orders; idempotent, each step its own transaction."""
    now = now or timezone.now()
    planned = 0
    for order in unplanned_orders(now=now)[:200]:
        try:
            planned += bool(plan_order(order=order))
        except Exception:  # one bad order must not stop the sweep; it stays unplanned and on the board
            log.exception("sweep: could not plan order %s", order.number)
    lost = list(lost_requests(now=now).order_by("pk").values_list("pk", "routing_attempts")[:500])
    retry = [pk for pk, attempts in lost if attempts < MAX_ATTEMPTS]
    given_up = len(lost) - len(retry)
    if retry:
        with transaction.atomic():
            enqueue_routing(retry)
    if given_up:
        log.error("sweep: %s routing request(s) still unrouted after %s attempts", given_up, MAX_ATTEMPTS)
    return Swept(requeued=len(retry), planned=planned, given_up=given_up)
