"""A guest who refuses 3-D Secure on the test bank page gets the payment step back with their basket (issue 15),
not a 500 ("'Basket' instance needs to have a primary key" in restore_frozen_basket)."""

import pytest
from django.urls import reverse

from catalog.shop.payment.models import CardPayment
from tests.payments.helpers import last_order, place_order, to_preview, variant_with_stock

pytestmark = pytest.mark.django_db


def test_guest_refusing_three_d_secure_keeps_the_basket(client):
    product, record = variant_with_stock(1)
    preview = to_preview(client, product=product, method="card", card="4000 0025 0000 3155")
    bank_url = place_order(client, preview)["Location"]
    assert reverse("checkout:test-bank") in bank_url

    back = client.post(bank_url, {"result": "refuse"})
    response = client.get(back["Location"])

    assert response.status_code == 302, response.content[:500]
    assert response["Location"].endswith(reverse("checkout:payment-details"))
    assert last_order() is None and CardPayment.objects.get().status == CardPayment.FAILED
    basket = client.get(reverse("basket:summary"))
    assert basket.context["basket"].num_items == 1  # the guest's basket is back, open, with its line
    record.refresh_from_db()
    assert record.num_allocated == 0
