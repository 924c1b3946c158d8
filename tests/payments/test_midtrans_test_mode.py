"""Test modes impossible in production (issue 18): the fake Midtrans and its pretend Snap page work only where
settings allow them and only for the buyer's own order; production refuses the fake settings and registers none
of the fake pages; the test bank page of test card mode serves only this session's payment; the test card form
validates expiry and CVC like a real one."""

from __future__ import annotations

import pytest
from django.core.management.utils import get_random_secret_key
from django.test import Client
from django.urls import reverse

from catalog.shop.checkout import midtrans_gateway
from catalog.shop.checkout.forms import CardForm
from catalog.shop.order import statuses
from tests.test_deploy import _production

from .helpers import place_order, to_preview, variant_with_stock
from .midtrans_helpers import midtrans_order


@pytest.fixture
def fake_mode(settings):
    settings.MIDTRANS_SERVER_KEY = settings.MIDTRANS_CLIENT_KEY = ""
    settings.GUYUB_FAKE_MIDTRANS = True
    assert midtrans_gateway.is_fake()


@pytest.mark.django_db
def test_fake_gateway_pays_a_bca_virtual_account_for_the_buyers_own_order(client, fake_mode):
    order, record, response = midtrans_order(client)
    assert response.status_code == 302 and response["Location"].startswith(
        f"http://testserver{reverse('checkout:midtrans-test-pay')}"
    )
    page = client.get(response["Location"])
    assert page.status_code == 200 and b"test-midtrans-mode" in page.content
    # Another visitor guessing the order number gets nothing.
    assert Client().get(response["Location"]).status_code == 404
    assert Client().post(response["Location"], {"result": "bank_transfer"}).status_code == 404
    paid = client.post(response["Location"], {"result": "bank_transfer"}, follow=True)
    assert paid.status_code == 200
    order.refresh_from_db()
    assert order.status == statuses.PAID and order.midtrans_payment.payment_type == "bank_transfer"


@pytest.mark.django_db
def test_fake_gateway_expiry_releases_the_stock(client, fake_mode):
    order, record, response = midtrans_order(client)
    client.post(response["Location"], {"result": "expire"})
    order.refresh_from_db()
    record.refresh_from_db()
    assert order.status == statuses.CANCELLED and record.num_allocated == 0


PRODUCTION_URLS = (
    "import django; django.setup()\n"
    "from django.urls import resolve, reverse, NoReverseMatch\n"
    "from catalog.shop.checkout import midtrans_gateway, stripe_gateway\n"
    "print('offered', midtrans_gateway.available(), stripe_gateway.card_entry())\n"
    "pages = [('test-bank', '/checkout/test-card/bank/'), ('midtrans-test-pay', '/checkout/midtrans/test-pay/')]\n"
    "for name, path in pages:\n"
    "    try:\n        reverse('checkout:' + name); print(name, 'reversed')\n"
    "    except NoReverseMatch:\n        print(name, 'absent')\n"
    "    match = resolve(path)\n    print(name, 'resolves-to', match.url_name)\n"
    "print('notification', resolve('/checkout/midtrans/notification/').url_name)\n"
)


def test_production_registers_no_fake_page_and_offers_no_gateway_without_keys(tmp_path):
    result = _production(tmp_path, code=PRODUCTION_URLS, DJANGO_SECRET_KEY=get_random_secret_key())
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "offered False None" in lines  # no keys: neither Midtrans nor cards, only bank transfer
    assert "test-bank absent" in lines and "midtrans-test-pay absent" in lines
    # The paths fall through to Wagtail's pages (a 404 there), never to a fake.
    for name in ("test-bank", "midtrans-test-pay"):
        [resolved] = [line for line in lines if line.startswith(f"{name} resolves-to")]
        assert resolved.split()[-1] not in ("test-bank", "midtrans-test-pay")
    assert "notification midtrans-notification" in lines


@pytest.mark.parametrize("variable", ["GUYUB_FAKE_MIDTRANS", "GUYUB_FAKE_CARD_PAYMENTS"])
def test_production_refuses_the_fakes(tmp_path, variable):
    result = _production(tmp_path, "check", DJANGO_SECRET_KEY=get_random_secret_key(), **{variable: "1"})
    assert result.returncode != 0 and "ImproperlyConfigured" in result.stderr and variable in result.stderr


def test_deploy_check_flags_the_fake_gateway(settings):
    from catalog.shop.checkout.checks import fake_midtrans_off

    settings.GUYUB_FAKE_MIDTRANS = True
    assert [e.id for e in fake_midtrans_off(None)] == ["guyub.E102"]
    settings.GUYUB_FAKE_MIDTRANS = False
    assert fake_midtrans_off(None) == []


# --- the test bank page (3-D Secure in test card mode) ----------------------------------------------
@pytest.mark.django_db
def test_test_bank_page_serves_only_this_sessions_payment(client):
    product, _record = variant_with_stock(3)
    preview = to_preview(client, product=product, method="card", card="4000 0025 0000 3155")
    response = place_order(client, preview)
    assert response.status_code == 302 and reverse("checkout:test-bank") in response["Location"]
    bank_url = response["Location"]
    assert client.get(bank_url).status_code == 200
    stranger = Client()
    assert stranger.get(bank_url).status_code == 404
    assert stranger.post(bank_url, {"result": "ok"}).status_code == 404
    intent_id = bank_url.split("payment_intent=")[1]
    from catalog.shop.checkout import stripe_gateway

    assert stripe_gateway.fake_stripe().intents.get(intent_id)["status"] == "requires_action"  # untouched
    # Another id in the buyer's own session is refused too.
    other = bank_url.replace(intent_id, intent_id[:-1] + ("0" if intent_id[-1] != "0" else "1"))
    assert client.get(other).status_code == 404


# --- the test card form ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("expiry", "cvc", "field"),
    [
        ("01/20", "123", "expiry"),  # in the past
        ("13/30", "123", "expiry"),  # no month 13
        ("1230", "123", "expiry"),  # not MM/YY
        ("", "123", "expiry"),
        ("12/34", "12", "cvc"),
        ("12/34", "12345", "cvc"),
        ("12/34", "abc", "cvc"),
        ("12/34", "", "cvc"),
    ],
)
def test_card_form_validates_expiry_and_cvc(expiry, cvc, field):
    form = CardForm({"card_number": "4242 4242 4242 4242", "expiry": expiry, "cvc": cvc}, entry="test_cards")
    assert not form.is_valid()
    assert field in form.errors


@pytest.mark.parametrize(("expiry", "cvc"), [("12/34", "123"), ("08/2031", "1234"), (" 1/40", "999")])
def test_card_form_accepts_a_valid_expiry_and_cvc(expiry, cvc):
    form = CardForm({"card_number": "4242 4242 4242 4242", "expiry": expiry, "cvc": cvc}, entry="test_cards")
    assert form.is_valid(), form.errors
    assert form.cleaned_data["payment_method"] == "pm_card_visa"


def test_card_form_accepts_this_month():
    from django.utils import timezone

    today = timezone.localdate()
    form = CardForm(
        {"card_number": "4242424242424242", "expiry": f"{today.month:02d}/{today.year % 100:02d}", "cvc": "123"},
        entry="test_cards",
    )
    assert form.is_valid(), form.errors


def test_card_form_refuses_non_ascii_digits_without_a_500():
    # "²".isdigit() is true but int("²") raises: the Luhn check must never see it.
    form = CardForm({"card_number": "\u00b2" * 16, "expiry": "12/34", "cvc": "123"}, entry="test_cards")
    assert not form.is_valid()
    assert "card_number" in form.errors
