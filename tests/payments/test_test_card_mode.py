"""Test card mode is explicit and shared (issues 13.2, 12.3): the fake Stripe only with GUYUB_FAKE_CARD_PAYMENTS
(never in production), its state in the database so every process sees one fake account, random intent ids;
with no key and no test mode the card method is simply not offered."""

import os
import subprocess
import sys
from decimal import Decimal

import pytest
import stripe
from django.urls import reverse

from catalog.shop.checkout import stripe_gateway as gateway
from catalog.shop.checkout.checks import fake_card_payments_off
from catalog.shop.checkout.fakestore import DatabaseStore
from catalog.shop.checkout.fakestripe import FakeStripe, FakeStripeHTTPClient
from catalog.shop.payment.models import FakeStripeObject

from .helpers import to_payment_method, variant_with_stock

pytestmark = pytest.mark.django_db
SITE = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "site")


def process():
    """What one gunicorn worker or the db_worker builds for itself: its own fake, the shared database store."""
    fake = FakeStripe(store=DatabaseStore())
    return fake, stripe.StripeClient("sk_test_guyub_fake_stripe", http_client=FakeStripeHTTPClient(fake))


def authorise(attempt, number="100001"):
    return gateway.authorise(
        order_number=number, attempt=attempt, amount=Decimal("275000"), payment_method="pm_card_visa"
    )


def test_two_processes_share_one_fake_account_and_never_collide_on_ids():
    web, web_client = process()
    worker, worker_client = process()
    with gateway.use_client(web_client):
        first = authorise("a" * 32)
        web_ids = {authorise(f"{n:032x}").id for n in range(5)}
    with gateway.use_client(worker_client):
        # The worker sees the web's intent and captures it; the web then sees it captured.
        assert gateway.retrieve(first.id).status == "requires_capture"
        assert gateway.capture(intent_id=first.id, order_number="100001").status == "succeeded"
        worker_ids = {authorise(f"{n:032x}", number="100002").id for n in range(5)}
        # A double click served by two workers: the same key is one authorisation, not two.
        assert authorise("a" * 32).id == first.id
    assert web.intents[first.id]["status"] == "succeeded"
    assert len(web_ids | worker_ids | {first.id}) == 11  # per-process counters gave both pi_fake000001
    assert len(worker.intents) == 11 == FakeStripeObject.objects.filter(kind="payment_intent").count()


def test_the_demo_fake_keeps_its_state_in_the_database(settings):
    settings.STRIPE_SECRET_KEY, settings.GUYUB_FAKE_CARD_PAYMENTS = "", True
    intent = authorise("c" * 32)
    assert FakeStripeObject.objects.filter(kind="payment_intent", key=intent.id).exists()
    assert gateway.fake_stripe().intents[intent.id]["status"] == "requires_capture"


def test_no_key_and_no_test_mode_offers_no_card(client, settings):
    settings.STRIPE_SECRET_KEY, settings.GUYUB_FAKE_CARD_PAYMENTS = "", False
    settings.GUYUB_FAKE_MIDTRANS = False  # no gateway key and no fake either: bank transfer alone
    assert gateway.card_entry() is None and not gateway.is_fake()
    with pytest.raises(gateway.GatewayError):
        gateway.client()  # never a silent fallback to the fake
    product, _record = variant_with_stock(2)
    to_payment_method(client, product=product)
    page = client.get(reverse("checkout:payment-method"))
    assert [value for value, _label in page.context["form"].fields["method"].choices] == ["transfer"]
    refused = client.post(reverse("checkout:payment-method"), {"method": "card"})
    assert refused.status_code == 200 and "method" in refused.context["form"].errors
    assert client.post(reverse("checkout:payment-method"), {"method": "transfer"}).status_code == 302


def _import_production(**env):
    environment = {k: v for k, v in os.environ.items() if k not in ("GUYUB_FAKE_CARD_PAYMENTS", "DJANGO_DEBUG")}
    environment.update(DJANGO_SECRET_KEY="a-real-looking-secret-key-for-this-test-only-0123456789", **env)
    code = "import guyub.settings.production as p; print('FAKE', p.GUYUB_FAKE_CARD_PAYMENTS)"
    return subprocess.run(
        [sys.executable, "-c", code], cwd=SITE, env=environment, capture_output=True, text=True, timeout=60
    )


def test_production_settings_refuse_test_mode():
    refused = _import_production(GUYUB_FAKE_CARD_PAYMENTS="1")
    assert refused.returncode != 0 and "ImproperlyConfigured" in refused.stderr
    assert "GUYUB_FAKE_CARD_PAYMENTS" in refused.stderr
    fine = _import_production()
    assert fine.returncode == 0, fine.stderr
    assert "FAKE False" in fine.stdout


def test_deploy_check_refuses_test_mode(settings):
    settings.GUYUB_FAKE_CARD_PAYMENTS = True
    assert [e.id for e in fake_card_payments_off(None)] == ["guyub.E101"]
    settings.GUYUB_FAKE_CARD_PAYMENTS = False
    assert fake_card_payments_off(None) == []
