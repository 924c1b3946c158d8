"""Midtrans in tests: a fake Midtrans injected as midtransclient's HTTP layer (no network), and a buyer who
places an order paid through it."""

from __future__ import annotations

import json
from contextlib import contextmanager

from django.urls import reverse

from catalog.shop.checkout import midtrans_gateway
from catalog.shop.checkout.fakemidtrans import FakeMidtrans

from .helpers import last_order, place_order, to_payment_method, variant_with_stock

SERVER_KEY = "SB-Mid-server-guyub-tests"
CLIENT_KEY = "SB-Mid-client-guyub-tests"


@contextmanager
def fake_midtrans(settings):
    settings.MIDTRANS_SERVER_KEY, settings.MIDTRANS_CLIENT_KEY = SERVER_KEY, CLIENT_KEY
    fake = FakeMidtrans(server_key=SERVER_KEY)
    with midtrans_gateway.use_http(fake):
        yield fake


def midtrans_order(client, *, units=3, quantity=2, **kwargs):
    """Checkout → Midtrans → placed; returns (order, stockrecord, response that sends the buyer to Snap)."""
    product, record = variant_with_stock(units)
    to_payment_method(client, product=product, quantity=quantity, **kwargs)
    response = client.post(reverse("checkout:payment-method"), {"method": "midtrans"})
    assert response.status_code == 302, response.content[:500]
    preview = client.get(reverse("checkout:payment-details"), follow=True)
    assert preview.status_code == 200
    response = place_order(client, preview)
    return last_order(), record, response


def notify(client, payload: dict):
    return client.post(
        reverse("checkout:midtrans-notification"), data=json.dumps(payload), content_type="application/json"
    )
