"""Capacity and load per member per ISO week: the load ledger, own orders, per-class capacity."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from oscar.core.loading import get_model

from inventory import selectors, services
from inventory.models import Member, MemberClassCapacity, OwnOrder
from inventory.services import InventoryError

ProductClass = get_model("catalogue", "ProductClass")
pytestmark = pytest.mark.django_db


def week(offset=0):
    return selectors.current_week() + datetime.timedelta(weeks=offset)


def load_of(member, w):
    return selectors.capacity_calendar([member], first_week=w, weeks=1)[member][0].load


def test_load_add_and_release_by_source(member_a):
    w = week(5)
    before = load_of(member_a, w)
    services.load_add(member=member_a, week=w, units=7, source="work-order:1", idempotency_key="wo-1-add")
    services.load_add(member=member_a, week=w, units=7, source="work-order:1", idempotency_key="wo-1-add")  # retry
    assert load_of(member_a, w) == before + 7
    services.load_release(member=member_a, week=w, units=3, source="work-order:1")
    assert load_of(member_a, w) == before + 4
    with pytest.raises(InventoryError, match="Only 4 units"):
        services.load_release(member=member_a, week=w, units=5, source="work-order:1")
    with pytest.raises(InventoryError):
        services.load_release(member=member_a, week=w, units=1, source="work-order:2")


def test_weeks_are_mondays_and_units_positive(member_a):
    with pytest.raises(InventoryError, match="Monday"):
        services.load_add(member=member_a, week=week(1) + datetime.timedelta(days=2), units=1, source="x")
    with pytest.raises(InventoryError):
        services.load_add(member=member_a, week=week(1), units=0, source="x")


def test_own_order_loads_its_due_week_and_cancelling_releases_it(member_a):
    w = week(3)
    before = load_of(member_a, w)
    pc = member_a.skills.first()
    order = services.own_order_create(member=member_a, product_class=pc, quantity=9, due_week=w, note="Toko")
    assert load_of(member_a, w) == before + 9
    services.own_order_close(order=order, status=OwnOrder.Status.CANCELLED)
    assert load_of(member_a, w) == before
    with pytest.raises(InventoryError, match="already closed"):
        services.own_order_close(order=order, status=OwnOrder.Status.DONE)


def test_done_own_order_keeps_its_load(member_a):
    w = week(4)
    before = load_of(member_a, w)
    order = services.own_order_create(member=member_a, product_class=member_a.skills.first(), quantity=2, due_week=w)
    services.own_order_close(order=order, status=OwnOrder.Status.DONE)
    assert load_of(member_a, w) == before + 2


def test_calendar_spare_utilisation_and_class_capacity(member_a, member_b):
    pc = ProductClass.objects.order_by("pk").first()
    MemberClassCapacity.objects.update_or_create(member=member_a, product_class=pc, defaults={"weekly_capacity": 3})
    w = week(6)
    services.load_add(member=member_b, week=w, units=member_b.weekly_capacity + 2, source="work-order:9")
    calendar = selectors.capacity_calendar(
        type(member_a).objects.filter(pk__in=[member_a.pk, member_b.pk]), first_week=w, weeks=2, product_class=pc
    )
    by_code = {m.code: rows for m, rows in calendar.items()}
    assert by_code["m01"][0].capacity == 3
    assert [r.week for r in by_code["m02"]] == [w, w + datetime.timedelta(weeks=1)]
    overloaded = by_code["m02"][0]
    assert overloaded.spare == 0 and overloaded.utilisation > 100
    assert overloaded.iso == f"{w.isocalendar()[0]}-W{w.isocalendar()[1]:02d}"
    assert member_a.capacity_for(pc) == 3


def test_class_calendar_of_many_members_takes_as_many_queries_as_of_one(member_a):
    """Routing passes a list of members: their class capacities are read in one query, not one each."""
    pc = member_a.skills.first()

    def queries(members):
        with CaptureQueriesContext(connection) as ctx:
            selectors.capacity_calendar(members, weeks=2, product_class=pc)
        return len(ctx)

    every = list(Member.objects.all())
    assert len(every) > 2
    assert queries(every) == queries([Member.objects.get(pk=member_a.pk)])
