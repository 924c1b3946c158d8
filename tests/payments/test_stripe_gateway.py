"""The Stripe calls themselves, against the fake in-process and over a loopback HTTP server."""

from decimal import Decimal

import pytest
import stripe

from catalog.shop.checkout import stripe_gateway as gateway
from catalog.shop.checkout.fakestripe import FakeStripe, serve


def test_rupiah_are_sent_times_100_and_only_whole():
    assert gateway.to_minor_units(Decimal("150000")) == 15_000_000
    assert gateway.to_minor_units(Decimal("150000.00")) == 15_000_000
    assert gateway.from_minor_units(15_000_000) == Decimal("150000")
    for bad in (Decimal("150000.50"), Decimal("0"), Decimal("-1")):
        with pytest.raises(ValueError):
            gateway.to_minor_units(bad)


def authorise(**overrides):
    params = dict(order_number="100001", attempt="a" * 32, amount=Decimal("275000"), payment_method="pm_card_visa")
    return gateway.authorise(**{**params, **overrides})


def test_same_attempt_is_one_authorisation_and_a_changed_request_is_refused(fake_stripe):
    first, again = authorise(), authorise()
    assert first.id == again.id and first.status == "requires_capture" and first.amount == 27_500_000
    assert len(fake_stripe.intents) == 1
    keys = {call.idempotency_key for call in fake_stripe.calls("create")}
    assert keys == {"guyub:100001:authorise:" + "a" * 32}
    with pytest.raises(gateway.GatewayError, match="same parameters"):
        authorise(amount=Decimal("300000"))
    assert authorise(attempt="b" * 32).id != first.id  # a genuine retry is a new authorisation


def test_decline_and_capture_and_cancel(fake_stripe):
    with pytest.raises(gateway.CardDeclined) as declined:
        authorise(payment_method="pm_card_chargeDeclined", attempt="d" * 32)
    assert declined.value.intent_id in fake_stripe.intents
    assert "declined" in str(declined.value)
    intent = authorise()
    captured = gateway.capture(intent_id=intent.id, order_number="100001")
    assert captured.status == "succeeded" and captured.amount_received == 27_500_000
    assert gateway.capture(intent_id=intent.id, order_number="100001").status == "succeeded"  # replayed
    assert len(fake_stripe.calls("capture")) == 2
    other = authorise(attempt="c" * 32)
    assert gateway.cancel(intent_id=other.id, order_number="100001").status == "canceled"
    with pytest.raises(gateway.GatewayError):
        gateway.cancel(intent_id=intent.id, order_number="100002")  # captured: cannot cancel


def test_over_loopback_http_with_base_addresses():
    fake = FakeStripe()
    server = serve(fake)
    try:
        client = stripe.StripeClient("sk_test_loopback", base_addresses={"api": server.url})
        with gateway.use_client(client):
            intent = authorise()
            gateway.capture(intent_id=intent.id, order_number="100001")
            refund = gateway.refund(intent_id=intent.id, order_number="100001", amount=Decimal("25000"), key="0+25000")
        assert refund["amount"] == Decimal("25000") and refund["status"] == "succeeded"
        create = fake.calls("create")[0]
        assert create.params["amount"] == "27500000" and create.params["currency"] == "idr"
        assert create.idempotency_key == "guyub:100001:authorise:" + "a" * 32
        assert create.headers.get("Authorization") == "Bearer sk_test_loopback"
        assert fake.calls("refund")[0].params["amount"] == "2500000"
    finally:
        server.shutdown()


@pytest.mark.parametrize(
    "secret, publishable, expected",
    [
        ("", "", "test_cards"),
        ("sk_test_123", "", "test_cards"),
        ("sk_test_123", "pk_test_123", "elements"),
        ("sk_live_123", "", None),
        ("sk_live_123", "pk_live_123", "elements"),
    ],
)
def test_how_cards_are_collected(settings, secret, publishable, expected):
    settings.STRIPE_SECRET_KEY, settings.STRIPE_PUBLISHABLE_KEY = secret, publishable
    assert gateway.card_entry() == expected
    assert gateway.is_fake() is (not secret)


def test_secrets_come_only_from_the_environment():
    from pathlib import Path

    base = (Path(__file__).resolve().parents[2] / "site" / "guyub" / "settings" / "base.py").read_text()
    for name in ("STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET", "STRIPE_PUBLISHABLE_KEY"):
        assert f'{name} = os.environ.get("{name}", "")' in base
    assert "sk_live" not in base and "whsec_" not in base
