"""What Stripe reports is reconciled against the order (issue 12.7): never more refunded than captured, a full
refund cancels the order and gives its stock back, a refund that beats "succeeded" does not end Paid, and a
capture of another amount than the order total never marks the order paid. IDR travels as rupiah × 100."""

import logging
from decimal import Decimal

import pytest

from catalog.shop.order import statuses
from catalog.shop.payment.models import CardPayment

from .helpers import assert_cancelled_once_with_stock_back
from .test_webhooks import card_order, post_event

pytestmark = pytest.mark.django_db


def minor(rupiah) -> int:
    return int(rupiah) * 100


def test_a_refund_report_larger_than_the_capture_is_capped_and_logged(client, fake_stripe, webhook_secret, caplog):
    order, payment, record = card_order(client, fake_stripe, units=3)
    total = order.total_incl_tax
    charge = fake_stripe.charge_for(payment.intent_id)
    report = fake_stripe.event("charge.refunded", {**charge, "amount_refunded": minor(total) * 2})

    with caplog.at_level(logging.ERROR, logger="guyub.orders"):
        outcome = post_event(client, report).json()["outcome"]

    assert outcome == f"refund recorded: {total:.0f}"
    payment.refresh_from_db()
    assert payment.amount_refunded == total == payment.amount_captured
    assert sum(e.amount for e in order.payment_events.filter(event_type__code="refunded")) == total
    assert order.sources.get().amount_refunded == total
    assert any("refunded" in r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR)
    assert order.notes.filter(message__contains="only").exists()


def test_a_full_refund_at_stripe_cancels_the_order_and_releases_its_stock(client, fake_stripe, webhook_secret):
    order, payment, record = card_order(client, fake_stripe, units=3)
    record.refresh_from_db()
    assert order.status == statuses.PAID and record.num_allocated == 1
    charge = fake_stripe.charge_for(payment.intent_id)

    post_event(client, fake_stripe.event("charge.refunded", {**charge, "amount_refunded": minor(order.total_incl_tax)}))

    assert_cancelled_once_with_stock_back(order, record)


def test_a_partial_refund_keeps_the_order(client, fake_stripe, webhook_secret):
    order, payment, record = card_order(client, fake_stripe, units=3)
    charge = fake_stripe.charge_for(payment.intent_id)
    post_event(client, fake_stripe.event("charge.refunded", {**charge, "amount_refunded": minor(10000)}))
    order.refresh_from_db()
    assert order.status == statuses.PAID


def test_a_refund_reported_before_succeeded_does_not_end_paid(client, fake_stripe, webhook_secret):
    order, payment, record = card_order(client, fake_stripe, units=2, capture="lost")
    intent = fake_stripe.intents[payment.intent_id]
    fake_stripe._capture(intent, {})
    succeeded = fake_stripe.event("payment_intent.succeeded", dict(fake_stripe.intents[payment.intent_id]))
    charge = fake_stripe.charge_for(payment.intent_id)
    refunded = fake_stripe.event("charge.refunded", {**charge, "amount_refunded": charge["amount"], "refunded": True})

    outcomes = [post_event(client, e).json()["outcome"] for e in (refunded, succeeded)]

    assert outcomes == [f"refund recorded: {order.total_incl_tax:.0f}", "no change"]
    order.refresh_from_db()
    payment.refresh_from_db()
    record.refresh_from_db()
    assert order.status == statuses.CANCELLED and record.num_allocated == 0
    assert payment.status == CardPayment.CAPTURED and payment.amount_refunded == payment.amount_captured


def test_succeeded_for_another_amount_does_not_mark_the_order_paid(client, fake_stripe, webhook_secret, caplog):
    order, payment, _record = card_order(client, fake_stripe, capture="lost")
    intent = {**fake_stripe.intents[payment.intent_id], "status": "succeeded", "amount_received": 100}  # 1 IDR

    with caplog.at_level(logging.ERROR, logger="guyub.orders"):
        post_event(client, fake_stripe.event("payment_intent.succeeded", intent))

    order.refresh_from_db()
    payment.refresh_from_db()
    assert order.status == statuses.AWAITING_PAYMENT and not order.payment_events.exists()
    assert payment.status == CardPayment.CAPTURED and payment.amount_captured == Decimal("1")
    assert order.notes.filter(message__contains="not marked paid").exists()
    assert any(r.levelno == logging.ERROR and order.number in r.getMessage() for r in caplog.records)
