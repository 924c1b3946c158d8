"""Concurrent routing rounds never give a maker more than its capacity (issue 12, item 2): with the in-process
backend, rounds for different requests ran at once and each read the same spare week. Each round now takes the
promise lock before writing, and writes only the answer solved for the capacity it then sees."""

from __future__ import annotations

import datetime

import pytest
from django.db.models import Sum

from inventory.models import Member
from inventory.selectors import current_week
from pooling import services
from pooling.models import RoutingRequest, WorkOrder
from tests.pg_helpers import restore_seed_after_module, run_together  # noqa: F401 — puts the seed back
from tests.pooling.test_reservations import DUMMY_TASKS, only_maker

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
REQUESTS, CAPACITY = 12, 5


def test_concurrent_rounds_offer_no_more_than_the_makers_capacity(variant, settings):
    settings.TASKS = DUMMY_TASKS  # the requests wait; the threads below route them all at once
    only_maker(variant, code="m04", weekly=CAPACITY)
    poster = Member.objects.get(code="m02")
    due = current_week() + datetime.timedelta(weeks=1)  # two weeks of capacity: 10 units for 24 asked
    requests = [
        services.overflow_post(member=poster, product=variant, quantity=2, due_week=due).pk for _ in range(REQUESTS)
    ]
    results = run_together(REQUESTS, lambda i: services.route_request(request_id=requests[i]))
    errors = [repr(r) for r in results if isinstance(r, Exception)]
    assert errors == []
    offered = (
        WorkOrder.objects.filter(request_id__in=requests, state=WorkOrder.State.OFFERED)
        .values("member__code", "week")
        .annotate(units=Sum("quantity"))
    )
    assert offered and all(row["units"] <= CAPACITY for row in offered), list(offered)
    assert sum(row["units"] for row in offered) <= 2 * CAPACITY  # at most the two weeks' capacity
    assert not RoutingRequest.objects.filter(pk__in=requests, status=RoutingRequest.Status.OPEN).exists()
