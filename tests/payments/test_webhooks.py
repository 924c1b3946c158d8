"""Stripe webhooks: signatures verified, every event id recorded once with its effect, duplicates and any
arrival order have a single effect. Events are signed like Stripe signs them (generate_signature_header)."""

import json
from decimal import Decimal

import pytest
import stripe
from django.core import mail
from django.urls import reverse

from catalog.shop.order import statuses
from catalog.shop.payment.models import CardPayment, ProcessedWebhookEvent

from .conftest import WEBHOOK_SECRET
from .helpers import assert_cancelled_once_with_stock_back, last_order, place_order, to_preview, variant_with_stock

pytestmark = pytest.mark.django_db


def post_event(client, event, *, secret=WEBHOOK_SECRET, signature=None):
    payload = json.dumps(event)
    header = signature if signature is not None else stripe.WebhookSignature.generate_signature_header(payload, secret)
    return client.post(
        reverse("checkout:stripe-webhook"), data=payload, content_type="application/json", HTTP_STRIPE_SIGNATURE=header
    )


def card_order(client, fake, *, units=2, capture="ok"):
    """A card order; ``capture="lost"``: the capture call and the check afterwards both fail (Stripe down)."""
    product, record = variant_with_stock(units)
    preview = to_preview(client, product=product, method="card")
    if capture == "lost":
        fake.fail_next("capture", status=500, code="api_error")
        fake.fail_next("retrieve", status=500, code="api_error")
    response = place_order(client, preview)
    assert response.status_code == 302, response.context and response.context.get("error")
    order = last_order()
    return order, CardPayment.objects.get(order=order), record


def test_bad_signature_is_rejected_and_nothing_recorded(client, fake_stripe, webhook_secret):
    order, payment, _record = card_order(client, fake_stripe, capture="lost")
    event = fake_stripe.event("payment_intent.succeeded", fake_stripe.intents[payment.intent_id])

    assert post_event(client, event, secret="whsec_someone_else").status_code == 400
    assert post_event(client, event, signature="t=1,v1=deadbeef").status_code == 400
    assert post_event(client, event, signature="").status_code == 400

    assert ProcessedWebhookEvent.objects.count() == 0
    order.refresh_from_db()
    assert order.status == statuses.AWAITING_PAYMENT


def test_webhooks_are_refused_when_no_secret_is_configured(client, settings):
    settings.STRIPE_WEBHOOK_SECRET = ""
    response = post_event(client, {"id": "evt_1", "type": "payment_intent.succeeded", "data": {"object": {}}})
    assert response.status_code == 400
    assert ProcessedWebhookEvent.objects.count() == 0


def test_lost_capture_is_settled_by_the_webhook_once(
    client, fake_stripe, webhook_secret, django_capture_on_commit_callbacks
):
    """The buyer's capture call got no answer (order kept awaiting payment); Stripe's event settles it."""
    order, payment, record = card_order(client, fake_stripe, capture="lost")
    assert order.status == statuses.AWAITING_PAYMENT and payment.status == CardPayment.AUTHORISED
    assert [m.subject for m in mail.outbox] == [f"Your Guyub order {order.number} has been received"]
    # Stripe did capture after all (e.g. the answer was lost on the way back).
    fake_stripe._capture(fake_stripe.intents[payment.intent_id], {})
    event = fake_stripe.event("payment_intent.succeeded", fake_stripe.intents[payment.intent_id])

    with django_capture_on_commit_callbacks(execute=True):
        first = post_event(client, event)
        again = post_event(client, event)

    assert first.status_code == 200 and first.json()["outcome"] == "captured"
    assert again.status_code == 200 and again.json()["outcome"] == "duplicate"
    order.refresh_from_db()
    assert order.status == statuses.PAID
    assert order.payment_events.filter(event_type__code="paid").count() == 1
    assert order.status_changes.filter(new_status=statuses.PAID).count() == 1
    assert ProcessedWebhookEvent.objects.filter(event_id=event["id"]).count() == 1
    assert mail.outbox[-1].subject == f"Payment received for your Guyub order {order.number}"
    assert len(mail.outbox) == 2


def test_reordered_and_repeated_events_have_a_single_effect(client, fake_stripe, webhook_secret):
    order, payment, _record = card_order(client, fake_stripe, capture="lost")
    fake_stripe._capture(fake_stripe.intents[payment.intent_id], {})
    intent = fake_stripe.intents[payment.intent_id]
    succeeded = fake_stripe.event("payment_intent.succeeded", intent)
    authorised = fake_stripe.event("payment_intent.amount_capturable_updated", {**intent, "status": "requires_capture"})
    failed = fake_stripe.event("payment_intent.payment_failed", {**intent, "status": "requires_payment_method"})

    outcomes = [post_event(client, e).json()["outcome"] for e in (succeeded, authorised, failed, succeeded, authorised)]

    assert outcomes == ["captured", "no change", "no change", "duplicate", "duplicate"]
    payment.refresh_from_db()
    order.refresh_from_db()
    assert payment.status == CardPayment.CAPTURED and order.status == statuses.PAID
    assert order.payment_events.count() == 1


def test_cancelled_authorisation_cancels_the_waiting_order_and_releases_stock(client, fake_stripe, webhook_secret):
    order, payment, record = card_order(client, fake_stripe, units=2, capture="lost")
    record.refresh_from_db()
    assert record.num_allocated == 1
    fake_stripe._cancel(fake_stripe.intents[payment.intent_id], {})  # e.g. the authorisation expired
    event = fake_stripe.event("payment_intent.canceled", fake_stripe.intents[payment.intent_id])

    assert post_event(client, event).json()["outcome"] == "cancelled"
    assert post_event(client, event).json()["outcome"] == "duplicate"
    # A late "authorised" from before the cancellation changes nothing.
    late = fake_stripe.event(
        "payment_intent.amount_capturable_updated",
        {**fake_stripe.intents[payment.intent_id], "status": "requires_capture"},
    )
    assert post_event(client, late).json()["outcome"] == "no change"

    assert_cancelled_once_with_stock_back(order, record)


def test_refund_totals_are_cumulative_so_old_reports_change_nothing(client, fake_stripe, webhook_secret):
    order, payment, _record = card_order(client, fake_stripe, units=3)
    assert order.status == statuses.PAID
    total = order.total_incl_tax
    charge = fake_stripe.charge_for(payment.intent_id)
    ten = int(Decimal("10000") * 100)
    first = fake_stripe.event("charge.refunded", {**charge, "amount_refunded": ten})
    second = fake_stripe.event("charge.refunded", {**charge, "amount_refunded": 3 * ten})

    outcomes = [post_event(client, e).json()["outcome"] for e in (second, first, second)]

    assert outcomes == ["refund recorded: 30000", "no change", "duplicate"]
    payment.refresh_from_db()
    assert payment.amount_refunded == Decimal("30000")
    refunds = order.payment_events.filter(event_type__code="refunded")
    assert [r.amount for r in refunds] == [Decimal("30000")]
    assert order.sources.get().amount_refunded == Decimal("30000") and total > 30000


def test_events_for_other_payments_are_recorded_and_ignored(client, webhook_secret):
    event = {
        "id": "evt_other",
        "type": "payment_intent.succeeded",
        "data": {"object": {"id": "pi_not_ours", "object": "payment_intent", "amount": 100, "metadata": {}}},
    }
    assert post_event(client, event).json()["outcome"] == "not a Guyub payment"
    assert post_event(client, {**event, "id": "evt_x", "type": "customer.created"}).json()["outcome"] == "ignored"
    assert ProcessedWebhookEvent.objects.count() == 2


def test_an_event_that_beats_our_own_record_fills_in_the_pending_one(client, fake_stripe, webhook_secret):
    """Stripe may report an authorisation before the checkout request has recorded Stripe's answer: the pending
    record (written before the call) is found by the attempt key in the metadata and gets the intent id."""
    from catalog.shop.order import services

    key = "guyub:100999:authorise:" + "a" * 32
    services.begin_card_authorisation(attempt_key=key, order_number="100999", amount=Decimal("150000"), claim="x")
    intent = {
        "id": "pi_early",
        "object": "payment_intent",
        "amount": 15000000,
        "status": "requires_capture",
        "metadata": {"order_number": "100999", "guyub_attempt": key},
    }
    outcome = post_event(client, fake_stripe.event("payment_intent.amount_capturable_updated", intent)).json()
    assert outcome["outcome"] == "authorised"
    payment = CardPayment.objects.get(intent_id="pi_early")
    assert payment.status == CardPayment.AUTHORISED and payment.amount == Decimal("150000") and payment.order is None
    assert payment.attempt_key == key and CardPayment.objects.count() == 1


def test_an_effect_that_fails_records_nothing_so_stripe_retries(client, fake_stripe, webhook_secret, monkeypatch):
    order, payment, _record = card_order(client, fake_stripe, capture="lost")
    intent = fake_stripe.intents[payment.intent_id]
    event = fake_stripe.event("payment_intent.succeeded", {**intent, "amount_received": intent["amount"]})
    from catalog.shop.order import services

    def boom(**kwargs):
        raise RuntimeError("database trouble")

    monkeypatch.setattr(services, "record_card_captured", boom)
    client.raise_request_exception = False
    assert post_event(client, event).status_code == 500
    assert ProcessedWebhookEvent.objects.count() == 0
    monkeypatch.undo()
    assert post_event(client, event).json()["outcome"] == "captured"
