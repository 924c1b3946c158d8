"""Once the order is committed the buyer hears "order placed", whatever fails afterwards (issue 12.8), and a
double click on "Place order" never undoes the other request's payment or order (issue 13.8)."""

import copy
from importlib import import_module
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.contrib.sessions.backends.base import UpdateError
from django.db import OperationalError
from django.test import Client
from django.urls import reverse
from oscar.core.loading import get_model

from catalog.shop.checkout.mixins import order_number_from, thank_you_url
from catalog.shop.order import services, statuses
from catalog.shop.payment.models import CardPayment

from .helpers import last_order, place_order, to_preview, variant_with_stock

pytestmark = pytest.mark.django_db
Basket = get_model("basket", "Basket")


def thank_you_for(response) -> str | None:
    """The order a redirect's thank-you page names (its token is signed with the time: two redirects a second
    apart differ, so compare the order, not the URL)."""
    location = urlsplit(response["Location"])
    assert location.path == reverse("checkout:thank-you")
    return order_number_from(parse_qs(location.query)["order"][0])


def confirm_data(preview):
    form = preview.context["confirm_form"]
    return {"action": "place_order", **{name: form[name].value() or "" for name in form.fields}}


def test_a_failure_after_the_commit_still_lands_on_the_thank_you_page(client, fake_stripe, monkeypatch):
    product, _record = variant_with_stock(2)
    preview = to_preview(client, product=product, method="card")

    def database_gone(self):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(Basket, "submit", database_gone)  # the step right after the placement commit
    response = place_order(client, preview)
    monkeypatch.undo()

    order = last_order()
    assert order is not None and order.status == statuses.PAID
    assert response.status_code == 302 and response["Location"].startswith(reverse("checkout:thank-you"))
    assert Basket.objects.get(pk=order.basket_id).status == Basket.FROZEN  # left behind by the failure
    page = client.get(response["Location"])
    assert page.status_code == 200 and page.context["order"] == order
    assert Basket.objects.get(pk=order.basket_id).status == Basket.SUBMITTED  # not frozen for ever
    assert CardPayment.objects.get().status == CardPayment.CAPTURED


def test_a_lost_session_after_the_commit_still_finds_the_order(client, monkeypatch):
    product, _record = variant_with_stock(2)
    preview = to_preview(client, product=product, method="transfer")
    store = import_module(settings.SESSION_ENGINE).SessionStore

    def session_deleted(self, must_create=False):
        raise UpdateError()  # e.g. the buyer signed out in another tab: Django answers 400 SessionInterrupted

    monkeypatch.setattr(store, "save", session_deleted)
    response = place_order(client, preview)
    monkeypatch.undo()

    order = last_order()
    assert order is not None and order.status == statuses.AWAITING_PAYMENT
    assert response.status_code == 302
    # Another browser without any session (or the same one whose session is gone) still sees the order.
    page = Client().get(response["Location"])
    assert page.status_code == 200 and page.context["order"] == order
    assert order.number in page.content.decode()


def test_the_thank_you_link_is_signed(client):
    product, _record = variant_with_stock(2)
    place_order(client, to_preview(client, product=product, method="transfer"))
    order = last_order()
    forged = Client().get(reverse("checkout:thank-you"), {"order": f"{order.number}:forged:signature"})
    assert forged.status_code == 302 and "order" not in (forged.context or {})


def test_a_double_click_with_a_card_never_cancels_the_other_requests_payment(client, fake_stripe, monkeypatch):
    """The second submit of the same form arrives with the same (still open) basket while the first request is
    placing the order: it must neither call Stripe again nor cancel the authorisation the first one owns."""
    product, record = variant_with_stock(3)
    preview = to_preview(client, product=product, method="card")
    data = confirm_data(preview)
    second = Client()
    second.cookies = copy.deepcopy(client.cookies)
    answers = []
    real_link = services.link_card_payment

    def second_click_arrives(*, order, intent_id):
        if not answers:
            # The second request loaded the basket before the first one froze it.
            Basket.objects.filter(pk=order.basket_id).update(status=Basket.OPEN)
            answers.append(second.post(reverse("checkout:preview"), data))
        return real_link(order=order, intent_id=intent_id)

    monkeypatch.setattr(services, "link_card_payment", second_click_arrives)
    first = client.post(reverse("checkout:preview"), data)

    order = last_order()
    assert first.status_code == 302 and first["Location"].startswith(reverse("checkout:thank-you"))
    assert order.status == statuses.PAID
    [intent] = fake_stripe.intents.values()
    assert intent["status"] == "succeeded" and fake_stripe.calls("cancel") == []
    assert len(fake_stripe.calls("create")) == 1  # the second request did not authorise again
    [other] = answers
    assert other.status_code == 302 and thank_you_for(other) == order.number
    assert Client().get(other["Location"]).context["order"] == order
    record.refresh_from_db()
    assert record.num_allocated == 1


def test_place_order_again_after_the_basket_was_submitted_shows_the_order(client, fake_stripe):
    product, _record = variant_with_stock(2)
    preview = to_preview(client, product=product, method="card")
    data = confirm_data(preview)
    assert client.post(reverse("checkout:preview"), data).status_code == 302
    order = last_order()

    again = client.post(reverse("checkout:preview"), data)  # the browser resends the form

    assert again.status_code == 302 and thank_you_for(again) == order.number
    assert last_order() == order and len(fake_stripe.calls("create")) == 1


def test_while_the_other_request_is_still_placing_the_page_waits(client):
    services.begin_card_authorisation(
        attempt_key="guyub:100555:authorise:" + "b" * 32, order_number="100555", amount=100000, claim="other"
    )
    page = client.get(thank_you_url("100555"))
    assert page.status_code == 200 and b'id="order-pending"' in page.content
    assert b'http-equiv="refresh"' in page.content
    CardPayment.objects.update(status=CardPayment.FAILED)
    gone = client.get(thank_you_url("100555"))
    assert gone.status_code == 302 and gone["Location"].endswith(reverse("basket:summary"))
