"""Order emails speak the buyer's language: the one used at checkout, kept on the order, also for emails sent
later by staff (whose own request may be in another language) or by the expiry job."""

import json
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import translation
from django.utils.translation import gettext

from catalog.shop.order import statuses
from catalog.shop.order.transfers import release_expired_transfers

from .conftest import ROOT
from .helpers import last_order, place_order, to_preview, variant_with_stock
from .test_refunds import detail

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("payments_translations")]
ID = json.loads((ROOT / "locale" / "id-payments.json").read_text(encoding="utf-8"))


def order_in(client, language, method="transfer"):
    product, _record = variant_with_stock(3)
    preview = to_preview(client, product=product, method=method, language=language)
    place_order(client, preview)
    return last_order()


def test_order_email_in_indonesian(client):
    order = order_in(client, "id")
    assert order.language == "id"
    [email] = mail.outbox
    assert email.subject == ID["Your Guyub order %(number)s has been received"] % {"number": order.number}
    assert ID["Please transfer"] in email.body and ID["Transfer reference"] in email.body
    with translation.override("id"):  # Oscar's msgid, translated by Oscar's or the project's catalogue
        contains = gettext("Your order contains:")
    assert contains != "Your order contains:" and contains in email.body
    assert ID["Awaiting payment"] in email.body
    assert "Rp " in email.body and ",00" not in email.body  # whole rupiah


def test_order_email_in_english(client):
    order = order_in(client, "en")
    assert order.language == "en"
    [email] = mail.outbox
    assert email.subject == f"Your Guyub order {order.number} has been received"
    assert "Please transfer" in email.body and "Awaiting payment" in email.body
    assert ID["Please transfer"] not in email.body


def test_later_emails_keep_the_buyers_language(client, order_staff, django_capture_on_commit_callbacks):
    order = order_in(client, "id")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):  # staff works in English (order_staff)
        order_staff.post(detail(order), {"order_action": "change_order_status", "new_status": statuses.PAID})
    with django_capture_on_commit_callbacks(execute=True):
        order_staff.post(detail(order), {"order_action": "change_order_status", "new_status": statuses.SHIPPED})
    paid, shipped = mail.outbox
    assert paid.subject == ID["Payment received for your Guyub order %(number)s"] % {"number": order.number}
    assert shipped.subject == ID["Your Guyub order %(number)s is on its way"] % {"number": order.number}
    assert ID["Good news: your order %(number)s has been shipped."] % {"number": order.number} in shipped.body


def test_expiry_email_in_english_for_an_english_buyer(client, django_capture_on_commit_callbacks):
    order = order_in(client, "en")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        release_expired_transfers(now=order.bank_transfer.expires_at + timedelta(minutes=1))
    [email] = mail.outbox
    assert email.subject == f"Your Guyub order {order.number} has been cancelled"
    assert "did not receive the bank transfer" in email.body


def test_card_order_email_says_paid(client, fake_stripe):
    order_in(client, "id", method="card")
    [email] = mail.outbox
    assert ID["Paid by card. Thank you!"] in email.body and ID["Paid"] in email.body
    assert ID["Please transfer"] not in email.body
