"""Midtrans Snap (issue 18): offered only with keys or the explicit fake; placement holds the stock and sends
the buyer to Snap; the HTTP notification is verified (signature_key), validated (400, never 500), checked
against the order total and applied once; expiry releases the stock; a status check on the buyer's return and
in the sweep recovers a lost notification; refunds through Midtrans for e-wallets/QRIS, manual for VAs.
Every Midtrans call goes to the fake injected as midtransclient's HTTP layer: no network."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from catalog.shop.checkout import midtrans_gateway
from catalog.shop.checkout.forms import PaymentMethodForm
from catalog.shop.order import midtrans, refunds, statuses
from catalog.shop.payment.models import MidtransNotification, MidtransPayment

from .midtrans_helpers import SERVER_KEY, fake_midtrans, midtrans_order, notify

pytestmark = pytest.mark.django_db


@pytest.fixture
def fake(settings):
    with fake_midtrans(settings) as gateway:
        yield gateway


@pytest.fixture
def placed(client, fake):
    order, record, response = midtrans_order(client)
    return order, record, response


def test_placed_awaiting_payment_with_held_stock_and_sent_to_snap(placed, fake, settings):
    order, record, response = placed
    assert order.status == statuses.AWAITING_PAYMENT
    payment = order.midtrans_payment
    assert payment.status == MidtransPayment.PENDING and payment.amount == order.total_incl_tax
    record.refresh_from_db()
    assert record.num_allocated == 2
    assert response.status_code == 302 and response["Location"] == payment.redirect_url
    assert payment.redirect_url.startswith("https://app.sandbox.midtrans.com/snap/")
    held = payment.expires_at - payment.created_at
    assert abs(held - timedelta(minutes=settings.GUYUB_MIDTRANS_EXPIRY_MINUTES)) < timedelta(seconds=5)
    tx = fake.transactions[order.number]
    assert tx["gross_amount"] == f"{order.total_incl_tax:.0f}.00"
    assert tx["expiry_minutes"] <= settings.GUYUB_MIDTRANS_EXPIRY_MINUTES


def test_good_signature_settlement_marks_paid_once(client, placed, fake):
    order = placed[0]
    fake.choose(order.number, "bank_transfer")
    payload = fake.pay(order.number, "bank_transfer")
    first = notify(client, payload)
    assert first.status_code == 200 and first.json()["outcome"] == "paid"
    for _ in range(3):
        again = notify(client, payload)
        assert again.status_code == 200 and again.json()["outcome"] == "duplicate"
    order.refresh_from_db()
    assert order.status == statuses.PAID
    assert order.payment_events.count() == 1
    assert order.midtrans_payment.payment_type == "bank_transfer"
    # A late "pending" (reordered delivery) changes nothing.
    late = fake.payload({**fake.transactions[order.number], "transaction_status": "pending"})
    assert notify(client, late).json()["outcome"] == "no change"
    order.refresh_from_db()
    assert order.status == statuses.PAID


def test_bad_signature_is_refused(client, placed, fake):
    order = placed[0]
    payload = fake.pay(order.number)
    payload["signature_key"] = "0" * 128
    response = notify(client, payload)
    assert response.status_code == 403
    payload = fake.pay(order.number)
    payload["gross_amount"] = "1.00"  # tampered amount: the signature no longer matches
    assert notify(client, payload).status_code == 403
    order.refresh_from_db()
    assert order.status == statuses.AWAITING_PAYMENT
    assert not MidtransNotification.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"[1, 2]",
        b'{"order_id": 5}',
        b'{"order_id": "A", "status_code": "200", "gross_amount": "1.5.0", "transaction_status": "settlement",'
        b' "transaction_id": "abc", "signature_key": "x"}',
        b'{"order_id": "A", "status_code": "2000", "gross_amount": "10.00", "transaction_status": "settlement",'
        b' "transaction_id": "abc", "signature_key": "x"}',
        b'{"order_id": "A", "status_code": "200", "gross_amount": "10.00", "transaction_status": "weird",'
        b' "transaction_id": "abc", "signature_key": "x"}',
        b'{"order_id": "A", "status_code": "200", "gross_amount": "10.00", "transaction_status": "settlement",'
        b' "transaction_id": "abc", "signature_key": 7}',
        b"\xff\xfe",
        b"[" * 60000,  # nesting deeper than Python's recursion limit: RecursionError, not a 500
    ],
)
def test_malformed_notifications_get_400_with_a_reason(client, fake, body):
    response = client.post(reverse("checkout:midtrans-notification"), data=body, content_type="application/json")
    assert response.status_code == 400
    assert response.content.startswith(b"malformed notification")


def test_amount_mismatch_is_not_paid(client, placed, fake):
    order = placed[0]
    tx = fake.transactions[order.number]
    tx.update(transaction_status="settlement", payment_type="gopay", gross_amount="1000.00")
    payload = fake.payload(tx)  # correctly signed, but for another amount
    response = notify(client, payload)
    assert response.status_code == 200 and response.json()["outcome"] == "amount mismatch"
    order.refresh_from_db()
    assert order.status == statuses.AWAITING_PAYMENT
    assert order.midtrans_payment.status == MidtransPayment.PENDING
    assert order.notes.filter(message__contains="not marked paid").exists()


def test_expiry_releases_the_stock(client, placed, fake):
    order, record, _response = placed
    fake.choose(order.number)
    assert notify(client, fake.expire(order.number)).json()["outcome"] == "cancelled"
    order.refresh_from_db()
    record.refresh_from_db()
    assert order.status == statuses.CANCELLED and record.num_allocated == 0
    assert order.midtrans_payment.status == MidtransPayment.EXPIRED
    # A settlement arriving after the expiry (reordered) is recorded for staff, never "paid".
    payload = fake.pay(order.number)
    assert notify(client, payload).json()["outcome"] == "paid after cancellation"
    order.refresh_from_db()
    assert order.status == statuses.CANCELLED and order.payment_events.count() == 0


def test_status_check_on_return_recovers_a_lost_notification(client, placed, fake):
    order = placed[0]
    fake.pay(order.number, "qris")  # Midtrans has it paid; its notification never arrives
    response = client.get(reverse("checkout:midtrans-return"), {"order_id": order.number})
    assert response.status_code == 302 and response["Location"].startswith(reverse("checkout:thank-you"))
    order.refresh_from_db()
    assert order.status == statuses.PAID
    assert MidtransNotification.objects.get().source == MidtransNotification.STATUS_CHECK
    assert any(path.endswith(f"/v2/{order.number}/status") for _method, path in fake.calls)
    # The notification that finally arrives is a duplicate of what the status check saw.
    assert notify(client, fake.notification(order.number)).json()["outcome"] == "duplicate"
    page = client.get(response["Location"]).content.decode()
    assert 'id="midtrans-payment"' in page


def test_return_shows_nothing_to_another_session(client, placed, fake):
    order = placed[0]
    from django.test import Client

    stranger = Client()
    response = stranger.get(reverse("checkout:midtrans-return"), {"order_id": order.number})
    assert response.status_code == 302 and response["Location"] == reverse("checkout:order-lookup")


def test_sweep_checks_status_and_expires_payments_midtrans_never_saw(client, placed, fake):
    order, record, _response = placed
    later = timezone.now() + timedelta(minutes=10)
    assert midtrans.sweep(now=later) == {"paid": [], "cancelled": []}  # not started yet, not expired
    past_expiry = order.midtrans_payment.expires_at + timedelta(minutes=10)
    assert midtrans.sweep(now=past_expiry) == {"paid": [], "cancelled": [order.number]}
    order.refresh_from_db()
    record.refresh_from_db()
    assert order.status == statuses.CANCELLED and record.num_allocated == 0


def test_sweep_marks_paid_when_the_notification_was_lost(client, placed, fake):
    order = placed[0]
    fake.pay(order.number, "gopay")
    assert midtrans.sweep(now=timezone.now() + timedelta(minutes=10))["paid"] == [order.number]
    order.refresh_from_db()
    assert order.status == statuses.PAID


def test_gateway_down_at_placement_cancels_and_releases(client, settings):
    class Down:
        def request(self, method, url, **kwargs):
            import requests

            raise requests.ConnectionError("no route to Midtrans")

    settings.MIDTRANS_SERVER_KEY, settings.MIDTRANS_CLIENT_KEY = SERVER_KEY, "client"
    with midtrans_gateway.use_http(Down()):
        order, record, response = midtrans_order(client)
    order.refresh_from_db()
    record.refresh_from_db()
    assert order.status == statuses.CANCELLED and record.num_allocated == 0
    assert response.status_code == 200 and "could not be reached" in response.content.decode()


def test_refund_through_midtrans_for_ewallets_and_manual_for_virtual_accounts(client, fake, staff_user):
    order, _record, _response = midtrans_order(client)
    assert notify(client, fake.pay(order.number, "gopay")).json()["outcome"] == "paid"
    refunds.refund_order(order=order, amount=Decimal(1000), user=staff_user)
    assert any(path.endswith(f"/v2/{order.number}/refund") for _m, path in fake.calls)
    assert fake.transactions[order.number]["refunded"] == 1000
    payment = MidtransPayment.objects.get(order=order)
    assert payment.amount_refunded == 1000
    assert order.notes.filter(message__contains="through Midtrans").exists()
    with pytest.raises(refunds.RefundError):
        refunds.refund_order(order=order, amount=order.total_incl_tax, user=staff_user)  # more than is left


def test_virtual_account_refund_is_recorded_as_manual(client, fake, staff_user):
    order, _record, _response = midtrans_order(client)
    notify(client, fake.pay(order.number, "bank_transfer"))
    calls = len(fake.calls)
    refunds.refund_order(order=order, amount=Decimal(500), user=staff_user)
    assert len(fake.calls) == calls  # Midtrans cannot refund a VA: not asked
    assert order.notes.filter(message__contains="send it back to the buyer by bank transfer").exists()
    assert MidtransPayment.objects.get(order=order).amount_refunded == 500


def test_no_keys_means_not_offered(settings):
    settings.MIDTRANS_SERVER_KEY = settings.MIDTRANS_CLIENT_KEY = ""
    settings.GUYUB_FAKE_MIDTRANS = False
    assert not midtrans_gateway.available()
    choices = [
        code for code, _label in PaymentMethodForm(midtrans=midtrans_gateway.available()).fields["method"].choices
    ]
    assert "midtrans" not in choices
    settings.MIDTRANS_SERVER_KEY = SERVER_KEY  # one key alone is not enough either
    assert not midtrans_gateway.available()
    with pytest.raises(midtrans_gateway.NotConfigured):
        midtrans_gateway.fake()


def test_no_keys_payment_page_offers_no_midtrans(client, settings):
    settings.MIDTRANS_SERVER_KEY = settings.MIDTRANS_CLIENT_KEY = ""
    settings.GUYUB_FAKE_MIDTRANS = False
    from .helpers import to_payment_method, variant_with_stock

    product, _record = variant_with_stock(2)
    to_payment_method(client, product=product)
    page = client.get(reverse("checkout:payment-method")).content.decode()
    assert 'value="transfer"' in page and 'value="midtrans"' not in page
    assert client.post(reverse("checkout:payment-method"), {"method": "midtrans"}).status_code == 200  # refused


def test_signature_is_midtrans_documented_sha512():
    import hashlib

    expected = hashlib.sha512(b"GY-1" + b"200" + b"150000.00" + SERVER_KEY.encode()).hexdigest()
    assert midtrans_gateway.signature("GY-1", "200", "150000.00", SERVER_KEY) == expected
