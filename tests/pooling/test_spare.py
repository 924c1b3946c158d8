"""The spare capacity the shop promises from (``weekly_spare``) is one class of ``weekly_spare_by_class``: checked
here against the rule written out by hand from the capacity calendar, so the shared code cannot drift unseen."""

from __future__ import annotations

import datetime
from collections import defaultdict

import pytest

from inventory import ledger
from inventory.models import Member, MemberClassCapacity
from inventory.selectors import capacity_calendar, current_week
from pooling import selectors
from pooling.models import RoutingRequest, WorkOrder
from tests.factories import work_order

pytestmark = pytest.mark.django_db


def spare_by_hand(product_class, weeks: int) -> list[int]:
    """Class capacity − committed load − unanswered offers and work held for a deposit per week, then the units
    not yet routed taken from the earliest weeks."""
    first = current_week()
    calendar_weeks = ledger.weeks_from(first, weeks)
    makers = Member.objects.active().filter(skills=product_class)
    calendar = capacity_calendar(makers, first_week=first, weeks=weeks, product_class=product_class)
    offered = defaultdict(int)
    for offer in WorkOrder.objects.filter(member__in=list(calendar), state__in=WorkOrder.RESERVING):
        offered[offer.week] += offer.quantity
    spare = [
        max(0, sum(cells[i].spare for cells in calendar.values()) - offered[week])
        for i, week in enumerate(calendar_weeks)
    ]
    waiting = 0
    for request in RoutingRequest.objects.filter(product_class=product_class, status=RoutingRequest.Status.OPEN):
        live = sum(w.quantity for w in request.work_orders.filter(state__in=WorkOrder.LIVE))
        waiting += request.quantity - live
    waiting = max(0, waiting)
    out = []
    for units in spare:
        taken = min(units, waiting)
        out.append(units - taken)
        waiting -= taken
    return out


def test_weekly_spare_follows_capacity_load_offers_and_waiting_units():
    m01 = Member.objects.get(code="m01")
    product_class = m01.skills.order_by("pk").first()
    product = product_class.products.filter(structure="child").first() or product_class.products.first()
    week = current_week()
    # A class override, an unanswered offer, held work, and units waiting for routing: each changes the numbers.
    MemberClassCapacity.objects.update_or_create(
        member=m01, product_class=product_class, defaults={"weekly_capacity": m01.weekly_capacity + 5}
    )
    work_order(m01, quantity=2, week=week, owner=m01, product_class=product_class, product=product)
    held = week + datetime.timedelta(weeks=1)  # held for a trade deposit: its week is taken all the same
    work_order(m01, quantity=4, week=held, owner=m01, product=product, state=WorkOrder.State.HELD)
    RoutingRequest.objects.create(
        kind=RoutingRequest.Kind.OVERFLOW,
        member=m01,
        product=product,
        product_class=product_class,
        ordered=3,
        quantity=3,
        due_week=week + datetime.timedelta(weeks=1),
        status=RoutingRequest.Status.OPEN,
    )
    expected = spare_by_hand(product_class, weeks=6)
    assert selectors.weekly_spare(product_class, weeks=6) == expected
    assert selectors.weekly_spare_by_class([product_class.pk], weeks=6)[product_class.pk] == expected
    assert selectors.waiting_units(product_class) >= 3
    assert sum(expected)  # not all zeros: the comparison means something
