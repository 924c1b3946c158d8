"""Signed but malformed Stripe events are answered 400 with a reason, never 500 (issue 13.3); an unknown intent
naming a bank-transfer order never becomes a card payment; signatures from more than 5 minutes in the future
are refused (12.9). Every body here is signed like Stripe signs (generate_signature_header)."""

import json
import time

import pytest
import stripe
from django.urls import reverse

from catalog.shop.order import statuses
from catalog.shop.payment.models import CardPayment, ProcessedWebhookEvent

from .conftest import WEBHOOK_SECRET
from .helpers import last_order, place_order, to_preview, variant_with_stock
from .test_webhooks import card_order, post_event

pytestmark = pytest.mark.django_db
INTENT = {"id": "pi_x", "object": "payment_intent", "amount": 15000000, "amount_received": 15000000, "metadata": {}}


def post_raw(client, payload: str, *, timestamp=None):
    header = stripe.WebhookSignature.generate_signature_header(payload, WEBHOOK_SECRET, timestamp=timestamp)
    client.raise_request_exception = False  # a 500 must show as a 500, not as a test error
    return client.post(
        reverse("checkout:stripe-webhook"), data=payload, content_type="application/json", HTTP_STRIPE_SIGNATURE=header
    )


def event(**overrides):
    return {"id": "evt_bad", "type": "payment_intent.succeeded", "data": {"object": dict(INTENT)}, **overrides}


MALFORMED = {
    "object is a string": json.dumps(event(data={"object": "pi_x"})),
    "object is an array": json.dumps(event(data={"object": [INTENT]})),
    "data is missing": json.dumps({"id": "evt_bad", "type": "payment_intent.succeeded"}),
    "no event id": json.dumps({k: v for k, v in event().items() if k != "id"}),
    "null event id": json.dumps(event(id=None)),
    "integer type": json.dumps(event(type=42)),
    "object without id": json.dumps(event(data={"object": {**INTENT, "id": None}})),
    "text amount": json.dumps(event(data={"object": {**INTENT, "amount_received": "lots"}})),
    "float amount": json.dumps(event(data={"object": {**INTENT, "amount_received": 15000000.5}})),
    "boolean amount": json.dumps(event(data={"object": {**INTENT, "amount": True}})),
    "metadata a list": json.dumps(event(data={"object": {**INTENT, "metadata": ["order_number"]}})),
    "refund amount text": json.dumps(
        event(
            type="charge.refunded",
            data={"object": {"id": "ch_1", "payment_intent": "pi_x", "amount": 100, "amount_refunded": "100"}},
        )
    ),
    "refund without intent": json.dumps(
        event(
            type="charge.refunded",
            data={"object": {"id": "ch_1", "payment_intent": 7, "amount": 100, "amount_refunded": 100}},
        )
    ),
    "body is an array": json.dumps([event()]),
    "body is a string": json.dumps("payment_intent.succeeded"),
}


@pytest.mark.parametrize("case", list(MALFORMED))
def test_signed_malformed_events_are_400_with_a_reason(client, webhook_secret, case, caplog):
    response = post_raw(client, MALFORMED[case])
    assert response.status_code == 400, response.content[:300]
    assert response.content  # a short reason for whoever reads Stripe's delivery log
    assert ProcessedWebhookEvent.objects.count() == 0
    assert any("malformed" in r.getMessage() or "Rejected" in r.getMessage() for r in caplog.records)


def test_a_bank_transfer_order_never_becomes_a_captured_card_payment(client, webhook_secret):
    product, _record = variant_with_stock(2)
    place_order(client, to_preview(client, product=product, method="transfer"))
    order = last_order()
    intent = {
        "id": "pi_stranger",
        "object": "payment_intent",
        "status": "succeeded",
        "amount": int(order.total_incl_tax) * 100,
        "amount_received": int(order.total_incl_tax) * 100,
        "metadata": {"order_number": order.number},
    }

    response = post_event(
        client, {"id": "evt_s", "type": "payment_intent.succeeded", "object": "event", "data": {"object": intent}}
    )

    assert response.status_code == 200 and response.json()["outcome"] == "not a Guyub payment"
    assert not CardPayment.objects.exists()
    order.refresh_from_db()
    assert order.status == statuses.AWAITING_PAYMENT and not order.payment_events.exists()


def test_signatures_from_the_future_are_refused_within_five_minutes_both_ways(client, fake_stripe, webhook_secret):
    order, payment, _record = card_order(client, fake_stripe, capture="lost")
    fake_stripe._capture(fake_stripe.intents[payment.intent_id], {})
    body = json.dumps(fake_stripe.event("payment_intent.succeeded", fake_stripe.intents[payment.intent_id]))
    now = int(time.time())

    assert post_raw(client, body, timestamp=now + 3600).status_code == 400  # an hour ahead
    assert post_raw(client, body, timestamp=now + 400).status_code == 400
    assert post_raw(client, body, timestamp=now - 400).status_code == 400  # stripe's own check, the past
    assert ProcessedWebhookEvent.objects.count() == 0
    accepted = post_raw(client, body, timestamp=now + 60)  # clocks a little apart
    assert accepted.status_code == 200 and accepted.json()["outcome"] == "captured"
    order.refresh_from_db()
    assert order.status == statuses.PAID
