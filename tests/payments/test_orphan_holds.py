"""No card hold without a record (issue 12.6): a PENDING CardPayment with the idempotency key is committed before
Stripe is called; when the answer never reaches our database, the sweep finds the intent at Stripe by the
metadata we sent and cancels it (or links it to its order). Two sweeps at once report each capture once (12.9)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from catalog.shop.order import services, statuses
from catalog.shop.order.cards import sweep_card_authorisations
from catalog.shop.payment.models import CardPayment

from .helpers import last_order, place_order, to_preview, variant_with_stock
from .test_webhooks import card_order

pytestmark = pytest.mark.django_db


def later(minutes=6):
    return timezone.now() + timedelta(minutes=minutes)


def second_sweep_while_stripe_answers(fake_stripe, call: str) -> list:
    """While the fake Stripe answers the first sweep's ``call`` ("_capture" or "_cancel"), a second sweep runs
    (once: its own calls answer plainly); the list returned holds its report afterwards."""
    reports = []
    original = getattr(fake_stripe, call)
    started = False

    def other_sweep_meanwhile(intent, params):
        nonlocal started
        answer = original(intent, params)
        if not started:
            started = True
            reports.append(sweep_card_authorisations(now=later(31)))
        return answer

    setattr(fake_stripe, call, other_sweep_meanwhile)
    return reports


def test_a_pending_record_exists_before_stripe_is_called(client, fake_stripe):
    product, _record = variant_with_stock(2)
    preview = to_preview(client, product=product, method="card")
    seen = []
    original = fake_stripe._create

    def stripe_receives_the_request(params):
        seen.append(list(CardPayment.objects.values("status", "attempt_key", "intent_id", "order_number")))
        return original(params)

    fake_stripe._create = stripe_receives_the_request
    place_order(client, preview)

    [create] = fake_stripe.calls("create")
    [[pending]] = seen
    assert pending["status"] == CardPayment.PENDING and pending["intent_id"] is None
    assert pending["attempt_key"] == create.idempotency_key == create.params["metadata"]["guyub_attempt"]
    payment = CardPayment.objects.get()
    assert payment.attempt_key == create.idempotency_key and payment.status == CardPayment.CAPTURED
    assert payment.order == last_order()


def test_a_crash_between_stripes_answer_and_our_record_is_resolved_by_the_sweep(client, fake_stripe, monkeypatch):
    product, record = variant_with_stock(2)
    preview = to_preview(client, product=product, method="card")

    def worker_killed(**kwargs):
        raise RuntimeError("worker killed while recording Stripe's answer")

    monkeypatch.setattr(services, "record_card_authorisation", worker_killed)
    place_order(client, preview)
    monkeypatch.undo()

    [intent] = fake_stripe.intents.values()
    assert intent["status"] == "requires_capture"  # money held at Stripe...
    payment = CardPayment.objects.get()
    assert payment.status == CardPayment.PENDING and payment.intent_id is None  # ...and a record of it
    assert last_order() is None
    assert sweep_card_authorisations(now=timezone.now()) == {"captured": [], "cancelled": []}  # too young

    done = sweep_card_authorisations(now=later())

    assert done == {"captured": [], "cancelled": [intent["id"]]}
    assert fake_stripe.intents[intent["id"]]["status"] == "canceled"
    [search] = fake_stripe.calls("search")
    assert payment.attempt_key in search.params["query"]
    payment.refresh_from_db()
    assert payment.intent_id == intent["id"] and payment.status == CardPayment.CANCELLED
    record.refresh_from_db()
    assert record.num_allocated == 0
    assert sweep_card_authorisations(now=later()) == {"captured": [], "cancelled": []}  # settled for good


def test_an_orphan_whose_order_exists_is_linked_and_captured(client, fake_stripe):
    order, payment, _record = card_order(client, fake_stripe, capture="lost")
    # As if the answer had been lost: the order waits, the record knows only the attempt.
    CardPayment.objects.filter(pk=payment.pk).update(status=CardPayment.PENDING, intent_id=None, order=None)
    order.sources.all().delete()

    done = sweep_card_authorisations(now=later())

    assert done["captured"] == [payment.intent_id] and done["cancelled"] == []
    payment.refresh_from_db()
    order.refresh_from_db()
    assert payment.order == order and payment.status == CardPayment.CAPTURED
    assert order.status == statuses.PAID
    assert fake_stripe.intents[payment.intent_id]["status"] == "succeeded"


def test_an_attempt_that_never_reached_stripe_is_closed(fake_stripe):
    payment, created = services.begin_card_authorisation(
        attempt_key="guyub:100321:authorise:" + "f" * 32, order_number="100321", amount=100000, claim="c"
    )
    assert created
    assert sweep_card_authorisations(now=later()) == {"captured": [], "cancelled": []}
    payment.refresh_from_db()
    assert payment.status == CardPayment.FAILED and fake_stripe.intents == {}


def test_two_sweeps_at_once_report_each_capture_once(client, fake_stripe, settings):
    """The second sweep runs while the first one's capture call is answered: one capture at Stripe, one in the
    report (the old report counted it in both)."""
    settings.GUYUB_CARD_AUTHORISATION_GRACE_MINUTES = 30
    order, payment, _record = card_order(client, fake_stripe, capture="lost")
    meanwhile = second_sweep_while_stripe_answers(fake_stripe, "_capture")
    first = sweep_card_authorisations(now=later(31))
    second = meanwhile[0]

    assert len(first["captured"]) + len(second["captured"]) == 1
    order.refresh_from_db()
    assert order.status == statuses.PAID and order.payment_events.count() == 1
    assert fake_stripe.intents[payment.intent_id]["amount_received"] == int(order.total_incl_tax) * 100


def test_two_sweeps_at_once_report_each_cancellation_once(fake_stripe, settings):
    from decimal import Decimal

    from catalog.shop.checkout import stripe_gateway as gateway

    settings.GUYUB_CARD_AUTHORISATION_GRACE_MINUTES = 30
    orphan = gateway.authorise(
        order_number="100778", attempt="e" * 32, amount=Decimal("90000"), payment_method="pm_card_visa"
    )
    services.record_card_authorisation(
        intent_id=orphan.id, order_number="100778", amount=Decimal("90000"), status=CardPayment.AUTHORISED
    )
    meanwhile = second_sweep_while_stripe_answers(fake_stripe, "_cancel")
    first = sweep_card_authorisations(now=later(31))
    assert len(first["cancelled"]) + len(meanwhile[0]["cancelled"]) == 1
