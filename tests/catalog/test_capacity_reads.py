"""The made-to-order capacity is read only where an answer needs it (issue 16).

A line covered by free stock is promised from stock alone (``lead_for``'s first rule), so the checkout preview of
such lines must not read the members' spare capacity (six queries in pooling.selectors); a line beyond the
free stock still reads it, once per request.
"""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from catalog.shop.partner import strategy
from catalog.shop.partner.availability import CooperativeAvailability
from tests.payments.helpers import to_preview, variant_with_stock

MONDAY = datetime.date(2026, 3, 2)


def _unread():
    raise AssertionError("the capacity was read")


def test_a_lead_time_within_free_stock_does_not_read_the_capacity():
    policy = CooperativeAvailability(free=5, spare=_unread, first_week=MONDAY, quantity=3)
    lead = policy.lead(3)
    assert lead.in_stock and lead.due_week == MONDAY
    assert policy.dispatch_date == MONDAY and policy.code == policy.CODE_IN_STOCK


def test_a_lead_time_beyond_free_stock_reads_the_capacity():
    asked = []
    policy = CooperativeAvailability(free=2, spare=lambda: asked.append(1) or [3, 3, 3], first_week=MONDAY, quantity=4)
    lead = policy.lead(4)
    assert asked == [1] and not lead.in_stock and lead.weeks == 1
    assert policy.lead(5).weeks == 1 and asked == [1]  # read once per availability


def _capacity_reads(monkeypatch):
    calls = []
    real = strategy.weekly_spare_by_class
    monkeypatch.setattr(strategy, "weekly_spare_by_class", lambda *a, **kw: calls.append(a) or real(*a, **kw))
    return calls


@pytest.mark.django_db
def test_the_preview_of_a_line_in_stock_reads_no_capacity(client, monkeypatch, english_messages):
    product, _record = variant_with_stock(5)
    to_preview(client, product=product, quantity=2, method="transfer")
    calls = _capacity_reads(monkeypatch)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("checkout:preview"))
    assert response.status_code == 200
    assert calls == [], "a line covered by free stock needs no made-to-order capacity"
    assert not [q for q in captured.captured_queries if "inventory_weeklyload" in q["sql"]]


@pytest.mark.django_db
def test_the_preview_of_a_line_beyond_stock_reads_the_capacity_once(client, monkeypatch, english_messages):
    product, _record = variant_with_stock(1)
    to_preview(client, product=product, quantity=2, method="transfer")  # one from stock, one made to order
    calls = _capacity_reads(monkeypatch)
    response = client.get(reverse("checkout:preview"))
    assert response.status_code == 200
    assert len(calls) == 1
