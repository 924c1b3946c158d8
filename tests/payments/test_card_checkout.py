"""Card payments through Stripe (a fake, no network): authorise → place the order → capture; declines,
capture failures and lost stock races never leave a buyer charged without an order."""

import pytest
from django.core import mail
from django.urls import reverse

from catalog.shop.order import statuses
from catalog.shop.payment.models import CardPayment

from .helpers import last_order, place_order, to_preview, variant_with_stock

pytestmark = pytest.mark.django_db


def test_card_happy_path_authorises_places_then_captures(client, fake_stripe):
    product, record = variant_with_stock(3)
    preview = to_preview(client, product=product, quantity=2, method="card")
    basket_total = preview.context["order_total"].incl_tax

    response = place_order(client, preview)

    assert response.status_code == 302 and response["Location"].startswith(reverse("checkout:thank-you"))
    order = last_order()
    assert order.status == statuses.PAID
    assert order.total_incl_tax == basket_total
    create, capture = fake_stripe.calls("create"), fake_stripe.calls("capture")
    assert len(create) == 1 and len(capture) == 1
    # IDR is not zero-decimal for Stripe: rupiah × 100, currency idr, manual capture.
    assert create[0].params["amount"] == str(int(basket_total) * 100)
    assert create[0].params["currency"] == "idr"
    assert create[0].params["capture_method"] == "manual"
    assert create[0].params["metadata"]["order_number"] == order.number
    assert all(call.idempotency_key and order.number in call.idempotency_key for call in create + capture)
    assert fake_stripe.requests.index(create[0]) < fake_stripe.requests.index(capture[0])
    payment = CardPayment.objects.get(order=order)
    assert payment.status == CardPayment.CAPTURED and payment.amount_captured == basket_total
    record.refresh_from_db()
    assert record.num_allocated == 2 and record.num_in_stock == 3
    assert order.payment_events.get(event_type__code="paid").amount == basket_total
    assert order.sources.get().amount_debited == basket_total
    assert len(mail.outbox) == 1 and order.number in mail.outbox[0].subject
    thank_you = client.get(reverse("checkout:thank-you"))
    assert b"card-payment" in thank_you.content and b"test-card-mode" in thank_you.content


def test_declined_card_places_no_order_and_says_why(client, fake_stripe):
    product, record = variant_with_stock(3)
    preview = to_preview(client, product=product, method="card", card="4000 0000 0000 0002")

    response = place_order(client, preview)

    assert response.status_code == 200  # back on the card step, with the reason
    assert "Your card was declined." in response.context["error"]
    assert "No payment was taken" in response.context["error"]
    assert last_order() is None
    assert fake_stripe.calls("capture") == []
    assert CardPayment.objects.get().status == CardPayment.FAILED
    record.refresh_from_db()
    assert record.num_allocated == 0
    # The basket is the buyer's again: a second try with a good card goes through.
    retry = client.post(
        reverse("checkout:preview"), {"card_number": "4242424242424242", "expiry": "12/34", "cvc": "123"}
    )
    assert place_order(client, retry).status_code == 302
    assert last_order().status == statuses.PAID


def test_insufficient_funds_message(client, fake_stripe):
    product, _record = variant_with_stock(1)
    preview = to_preview(client, product=product, method="card", card="4000000000009995")
    response = place_order(client, preview)
    assert "insufficient funds" in response.context["error"]
    assert last_order() is None


def test_capture_failure_cancels_order_releases_stock_and_authorisation(client, fake_stripe):
    product, record = variant_with_stock(2)
    preview = to_preview(client, product=product, method="card")
    fake_stripe.fail_next("capture", status=402, code="card_declined", message="Capture refused")

    response = place_order(client, preview)

    assert response.status_code == 200
    assert "could not be charged" in response.context["error"]
    order = last_order()
    assert order.status == statuses.CANCELLED
    record.refresh_from_db()
    assert record.num_allocated == 0
    cancel = fake_stripe.calls("cancel")
    intent_id = cancel[0].path.split("/")[3]
    assert len(cancel) == 1 and cancel[0].idempotency_key == f"guyub:{order.number}:cancel:{intent_id}"
    intent = fake_stripe.intents[CardPayment.objects.get(order=order).intent_id]
    assert intent["status"] == "canceled" and intent["amount_received"] == 0
    assert CardPayment.objects.get(order=order).status == CardPayment.CANCELLED
    assert mail.outbox == []  # no "order received" for an order the buyer was told failed

    # Trying again with the same basket gets a fresh order number and works.
    retry = client.post(
        reverse("checkout:preview"), {"card_number": "4242424242424242", "expiry": "12/34", "cvc": "123"}
    )
    assert place_order(client, retry).status_code == 302
    second = last_order()
    assert second.number == f"{order.number}-2" and second.status == statuses.PAID


def test_capture_timeout_that_went_through_is_recorded_as_paid(client, fake_stripe):
    """A capture whose answer is lost is checked with Stripe before anything is undone."""
    product, _record = variant_with_stock(2)
    preview = to_preview(client, product=product, method="card")
    original = fake_stripe._capture

    def capture_then_fail(intent, params):
        original(intent, params)
        return 500, {"error": {"type": "api_error", "message": "lost answer"}}

    fake_stripe._capture = capture_then_fail
    assert place_order(client, preview).status_code == 302
    order = last_order()
    assert order.status == statuses.PAID
    assert fake_stripe.calls("cancel") == []


def test_buyer_who_loses_the_last_unit_is_not_charged(client, fake_stripe):
    product, record = variant_with_stock(1)
    preview = to_preview(client, product=product, method="card")
    original = fake_stripe._create

    def another_buyer_wins_while_the_bank_answers(params):
        # The stock check before payment passed; someone else's order takes the unit meanwhile.
        type(record).objects.filter(pk=record.pk).update(num_allocated=1)
        return original(params)

    fake_stripe._create = another_buyer_wins_while_the_bank_answers

    response = place_order(client, preview)

    assert response.status_code == 302 and response["Location"].endswith(reverse("basket:summary"))
    page = client.get(response["Location"])
    text = " ".join(str(m) for m in page.context["messages"])
    assert "sold out" in text and "not been charged" in text
    assert last_order() is None
    assert len(fake_stripe.calls("create")) == 1 and len(fake_stripe.calls("cancel")) == 1
    assert fake_stripe.calls("capture") == []
    assert CardPayment.objects.get().status == CardPayment.CANCELLED
    record.refresh_from_db()
    assert record.num_allocated == 1  # only the other buyer's hold


def test_three_d_secure_round_trip_in_demo_test_card_mode(client):
    """No fixture: the demo's own in-process fake Stripe and its pretend bank page (TestBankView)."""
    product, _record = variant_with_stock(1)
    preview = to_preview(client, product=product, method="card", card="4000 0025 0000 3155")

    response = place_order(client, preview)

    assert response.status_code == 302 and reverse("checkout:test-bank") in response["Location"]
    assert last_order() is None and CardPayment.objects.get().status == CardPayment.REQUIRES_ACTION
    bank = client.get(response["Location"])
    assert bank.status_code == 200 and b"test-card-mode" in bank.content
    back = client.post(response["Location"], {"result": "ok"})
    assert reverse("checkout:card-return") in back["Location"]
    done = client.get(back["Location"])
    assert done.status_code == 302 and done["Location"].startswith(reverse("checkout:thank-you"))
    assert last_order().status == statuses.PAID
    assert CardPayment.objects.get().status == CardPayment.CAPTURED


def test_three_d_secure_refused_places_no_order(client, fake_stripe):
    product, record = variant_with_stock(1)
    preview = to_preview(client, product=product, method="card", card="4000002500003155")
    place_order(client, preview)
    intent_id = CardPayment.objects.get().intent_id
    fake_stripe.authenticate(intent_id, succeed=False)
    back = client.get(reverse("checkout:card-return"), {"payment_intent": intent_id})
    assert back.status_code == 302 and back["Location"].endswith(reverse("checkout:payment-details"))
    assert last_order() is None
    assert CardPayment.objects.get().status == CardPayment.FAILED
    record.refresh_from_db()
    assert record.num_allocated == 0


def test_card_numbers_are_never_stored_or_echoed(client, fake_stripe):
    product, _record = variant_with_stock(1)
    preview = to_preview(client, product=product, method="card")
    assert b"4242424242424242" not in preview.content and b"4242 4242 4242 4242" not in preview.content.replace(
        b"<code>4242 4242 4242 4242</code>", b""
    )
    place_order(client, preview)
    assert "4242424242424242" not in str(client.session.items())
    assert all("4242424242424242" not in str(r.params) for r in fake_stripe.requests)
    assert fake_stripe.calls("create")[0].params["payment_method"] == "pm_card_visa"


def test_unknown_card_number_is_refused_in_test_card_mode(client, fake_stripe):
    product, _record = variant_with_stock(1)
    to_preview(client, product=product, method="transfer")  # walk the steps once
    client.post(reverse("checkout:payment-method"), {"method": "card"})
    response = client.post(
        reverse("checkout:preview"), {"card_number": "4111 1111 1111 1111", "expiry": "12/34", "cvc": "123"}
    )
    assert response.status_code == 200
    assert "test card numbers" in str(response.context["card_form"].errors)
    assert fake_stripe.requests == []
