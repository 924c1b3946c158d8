"""Refunds from Oscar's dashboard: per line or an amount, through Stripe for cards (idempotent), recorded for
transfers; cancelling a paid order gives the money back."""

from decimal import Decimal

import pytest
from django.urls import reverse

from catalog.shop.order import refunds, statuses
from catalog.shop.payment.models import BankTransfer, CardPayment

from .helpers import last_order, place_order, to_preview, variant_with_stock
from .test_webhooks import card_order, post_event

pytestmark = pytest.mark.django_db


def messages_of(response):
    return " ".join(str(m) for m in response.context["messages"])


def detail(order):
    return reverse("dashboard:order-detail", kwargs={"number": order.number})


def refund_line(staff, line, quantity=1, **extra):
    """Staff refund ``quantity`` units of an order line from the dashboard's line actions."""
    return staff.post(
        detail(line.order),
        {
            "line_action": "create_payment_event",
            "selected_line": [line.pk],
            f"selected_line_qty_{line.pk}": quantity,
            "payment_event_type": "refunded",
            **extra,
        },
        follow=True,
    )


def test_line_refund_goes_through_stripe_for_the_selected_units(client, fake_stripe, order_staff, webhook_secret):
    order, payment, _record = card_order(client, fake_stripe, units=3)
    line = order.lines.get()
    assert line.quantity == 1
    unit = line.unit_price_incl_tax

    response = refund_line(order_staff, line, amount="")

    assert "Payment event created" in messages_of(response)
    [call] = fake_stripe.calls("refund")
    assert call.params["amount"] == str(int(unit) * 100) and call.params["payment_intent"] == payment.intent_id
    assert call.idempotency_key.startswith(f"guyub:{order.number}:refund:")
    payment.refresh_from_db()
    assert payment.amount_refunded == unit
    event = order.payment_events.get(event_type__code="refunded")
    assert event.amount == unit and event.line_quantities.get().quantity == 1
    # The same line cannot be refunded twice.
    again = refund_line(order_staff, line)
    assert "too large" in messages_of(again)
    assert len(fake_stripe.calls("refund")) == 1
    # Stripe's charge.refunded for the same refund records nothing more.
    charge = fake_stripe.charge_for(payment.intent_id)
    assert post_event(client, fake_stripe.event("charge.refunded", charge)).json()["outcome"] == "no change"


def test_amount_refund_from_the_payment_box_and_its_limit(client, fake_stripe, order_staff):
    order, payment, _record = card_order(client, fake_stripe, units=3)
    page = order_staff.get(detail(order))
    assert b'id="refund-form"' in page.content
    order_staff.post(
        detail(order),
        {"order_action": "create_order_payment_event", "payment_event_type": "refunded", "amount": "10000"},
    )
    too_much = order_staff.post(
        detail(order),
        {
            "order_action": "create_order_payment_event",
            "payment_event_type": "refunded",
            "amount": str(order.total_incl_tax),
        },
        follow=True,
    )
    assert "At most" in messages_of(too_much)
    payment.refresh_from_db()
    assert payment.amount_refunded == Decimal("10000")
    assert len(fake_stripe.refunds) == 1


def test_a_refund_retried_after_a_crash_is_not_paid_twice(client, fake_stripe, monkeypatch):
    order, payment, _record = card_order(client, fake_stripe, units=3)
    from catalog.shop.order import services

    real = services.record_payment_event

    def crash(*args, **kwargs):
        raise RuntimeError("the database went away after Stripe refunded")

    monkeypatch.setattr(services, "record_payment_event", crash)
    with pytest.raises(RuntimeError):
        refunds.refund_order(order=order, amount=Decimal("20000"))
    monkeypatch.setattr(services, "record_payment_event", real)
    refunds.refund_order(order=order, amount=Decimal("20000"))

    assert len(fake_stripe.calls("refund")) == 2 and len(fake_stripe.refunds) == 1  # Stripe replayed the refund
    payment.refresh_from_db()
    assert payment.amount_refunded == Decimal("20000")
    assert order.payment_events.filter(event_type__code="refunded").count() == 1


def test_transfer_refunds_are_recorded_not_sent(client, order_staff, fake_stripe):
    product, _record = variant_with_stock(2)
    place_order(client, to_preview(client, product=product, method="transfer"))
    order = last_order()
    order_staff.post(detail(order), {"order_action": "change_order_status", "new_status": statuses.PAID})
    order_staff.post(
        detail(order),
        {"order_action": "create_order_payment_event", "payment_event_type": "refunded", "amount": "5000"},
    )
    transfer = BankTransfer.objects.get(order=order)
    assert transfer.amount_refunded == Decimal("5000")
    assert order.payment_events.get(event_type__code="refunded").amount == Decimal("5000")
    assert fake_stripe.requests == []
    with pytest.raises(refunds.RefundError):
        refunds.refund_order(order=order, amount=Decimal("5000.50"))


def test_cancelling_a_paid_card_order_refunds_it_and_releases_stock(client, fake_stripe, order_staff):
    order, payment, record = card_order(client, fake_stripe, units=2)
    order_staff.post(detail(order), {"order_action": "change_order_status", "new_status": statuses.CANCELLED})
    order.refresh_from_db()
    payment.refresh_from_db()
    record.refresh_from_db()
    assert order.status == statuses.CANCELLED
    assert payment.amount_refunded == order.total_incl_tax
    assert fake_stripe.calls("refund")[0].params["amount"] == str(int(order.total_incl_tax) * 100)
    assert record.num_allocated == 0


def test_cancelling_a_waiting_card_order_cancels_the_authorisation(client, fake_stripe, order_staff):
    order, payment, record = card_order(client, fake_stripe, units=2, capture="lost")
    order_staff.post(detail(order), {"order_action": "change_order_status", "new_status": statuses.CANCELLED})
    order.refresh_from_db()
    payment.refresh_from_db()
    assert order.status == statuses.CANCELLED and payment.status == CardPayment.CANCELLED
    assert fake_stripe.intents[payment.intent_id]["status"] == "canceled"
    assert fake_stripe.calls("refund") == []


def test_staff_capture_a_waiting_card_payment(client, fake_stripe, order_staff):
    order, payment, _record = card_order(client, fake_stripe, capture="lost")
    page = order_staff.get(detail(order))
    assert b'id="capture-card"' in page.content
    order_staff.post(detail(order), {"order_action": "change_order_status", "new_status": statuses.PAID})
    order.refresh_from_db()
    assert order.status == statuses.PAID
    assert fake_stripe.intents[payment.intent_id]["status"] == "succeeded"
