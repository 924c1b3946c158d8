"""Authorisations nobody finished: the sweep (``settle_card_payments``) captures those whose order waits and
cancels those that never became an order (a buyer who left on the 3-D Secure page)."""

from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from catalog.shop.checkout import stripe_gateway as gateway
from catalog.shop.order import statuses
from catalog.shop.order.cards import sweep_card_authorisations
from catalog.shop.payment.models import CardPayment

from .test_webhooks import card_order

pytestmark = pytest.mark.django_db


def test_orphan_authorisation_is_cancelled_and_waiting_order_captured(client, fake_stripe, settings):
    settings.GUYUB_CARD_AUTHORISATION_GRACE_MINUTES = 30
    orphan = gateway.authorise(
        order_number="100777", attempt="e" * 32, amount=Decimal("90000"), payment_method="pm_card_visa"
    )
    CardPayment.objects.create(
        intent_id=orphan.id, order_number="100777", amount=Decimal("90000"), status=CardPayment.AUTHORISED
    )
    order, payment, _record = card_order(client, fake_stripe, capture="lost")
    later = timezone.now() + timedelta(minutes=31)

    assert sweep_card_authorisations(now=timezone.now()) == {"captured": [], "cancelled": []}  # too early
    done = sweep_card_authorisations(now=later)

    assert done == {"captured": [payment.intent_id], "cancelled": [orphan.id]}
    assert fake_stripe.intents[orphan.id]["status"] == "canceled"
    order.refresh_from_db()
    assert order.status == statuses.PAID
    assert sweep_card_authorisations(now=later) == {"captured": [], "cancelled": []}  # nothing left


def test_settle_command_runs(client, fake_stripe):
    out = StringIO()
    call_command("settle_card_payments", stdout=out)
    assert "Captured 0, cancelled 0" in out.getvalue()
