"""One Midtrans notification delivered 10× at once on PostgreSQL (real row locks, one connection per thread):
one payment event, one status change, one record; the others are duplicates."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse

from catalog.shop.order import statuses
from catalog.shop.payment.models import MidtransNotification
from tests.pg_helpers import restore_seed_after_module, run_together  # noqa: F401  (module fixture)

from .midtrans_helpers import fake_midtrans, midtrans_order

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
THREADS = 10


def test_notification_replayed_ten_times_concurrently_has_one_effect(client, settings):
    with fake_midtrans(settings) as fake:
        order, record, _response = midtrans_order(client)
        fake.choose(order.number, "bank_transfer")
        body = json.dumps(fake.pay(order.number, "bank_transfer"))

        def deliver(_i):
            response = Client().post(
                reverse("checkout:midtrans-notification"), data=body, content_type="application/json"
            )
            return response.status_code, response.json()["outcome"]

        outcomes = run_together(THREADS, deliver)
    assert sorted(outcomes) == [(200, "duplicate")] * (THREADS - 1) + [(200, "paid")], outcomes
    order.refresh_from_db()
    assert order.status == statuses.PAID
    assert order.payment_events.count() == 1
    assert order.status_changes.filter(new_status=statuses.PAID).count() == 1
    assert MidtransNotification.objects.filter(order_id=order.number).count() == 1
