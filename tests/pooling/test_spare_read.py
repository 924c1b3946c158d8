"""The one-statement spare read (pooling/spare.py, issue 16) against the rule written out by hand with the ORM
(test_spare.spare_by_hand), on random small cooperatives: class overrides, suspended members, loads and releases,
work in every state (only held and offered work takes weeks it is not loaded in yet), open and closed routing
requests partly given out. Hypothesis adds to one database per test run, so later examples read busier weeks."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings, strategies as st

from inventory.models import Member, MemberClassCapacity
from inventory.selectors import current_week
from inventory.services.capacity import load_add, load_release
from pooling import selectors
from pooling.models import RoutingRequest, WorkOrder
from tests.factories import MemberFactory, ProductClassFactory, work_order
from tests.pooling.test_spare import spare_by_hand

pytestmark = pytest.mark.django_db

WEEKS = 4
member_spec = st.tuples(
    st.integers(0, 12),  # weekly capacity
    st.sets(st.integers(0, 1), max_size=2),  # which of the two classes it makes
    st.one_of(st.none(), st.integers(0, 9)),  # an override for class 0
    st.booleans(),  # suspended
)
load_spec = st.tuples(st.integers(0, 3), st.integers(0, WEEKS), st.integers(1, 9), st.integers(0, 9))
work_spec = st.tuples(
    st.integers(0, 3),
    st.integers(0, WEEKS),
    st.integers(1, 6),
    st.sampled_from(list(WorkOrder.State)),
    st.integers(0, 1),
    st.booleans(),  # the request still open
    st.integers(0, 5),  # units of the request beyond this work order
)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    members=st.lists(member_spec, min_size=1, max_size=4),
    loads=st.lists(load_spec, max_size=6),
    work=st.lists(work_spec, max_size=5),
)
def test_the_one_statement_read_equals_the_rule_by_hand(members, loads, work):
    classes = [ProductClassFactory(name="Sandal uji"), ProductClassFactory(name="Dompet uji")]
    makers = []
    for capacity, skills, override, suspended in members:
        member = MemberFactory(weekly_capacity=capacity, skills=[classes[i] for i in sorted(skills)])
        if override is not None:
            MemberClassCapacity.objects.create(member=member, product_class=classes[0], weekly_capacity=override)
        if suspended:
            Member.objects.filter(pk=member.pk).update(status=Member.Status.SUSPENDED)
        makers.append(member)
    first = current_week()
    for index, week, units, released in loads:
        member, day = makers[index % len(makers)], first + datetime.timedelta(weeks=week)
        load_add(member=member, week=day, units=units, source="own-order:uji")
        if released:
            load_release(member=member, week=day, units=min(units, released), source="own-order:uji")
    for index, week, units, state, class_index, still_open, more in work:
        order = work_order(
            makers[index % len(makers)],
            quantity=units,
            week=first + datetime.timedelta(weeks=week),
            owner=makers[0],
            product_class=classes[class_index],
            state=state,
        )
        status = RoutingRequest.Status.OPEN if still_open else RoutingRequest.Status.DONE
        RoutingRequest.objects.filter(pk=order.request_id).update(quantity=units + more, status=status)

    every = selectors.weekly_spare_by_class(first_week=first, weeks=WEEKS)
    for product_class in classes:
        by_hand = spare_by_hand(product_class, weeks=WEEKS)
        assert selectors.weekly_spare(product_class, first_week=first, weeks=WEEKS) == by_hand
        assert every[product_class.pk] == by_hand


def test_the_read_is_one_query_for_any_number_of_classes():
    classes = [ProductClassFactory(name=f"Kelas baca {i}") for i in range(3)]
    MemberFactory(skills=classes)
    for wanted in ([classes[0].pk], [c.pk for c in classes], None):
        with CaptureQueriesContext(connection) as captured:
            selectors.weekly_spare_by_class(wanted)
        assert len(captured) == 1, [q["sql"][:80] for q in captured]


def test_no_classes_asked_reads_nothing():
    with CaptureQueriesContext(connection) as captured:
        assert selectors.weekly_spare_by_class([]) == {}
    assert len(captured) == 0
