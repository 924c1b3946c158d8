"""A buyer walking Oscar's checkout with Django's test client, and stock set-up on the seeded catalogue."""

from __future__ import annotations

import re

from django.conf import settings
from django.urls import reverse
from oscar.core.loading import get_model

Product = get_model("catalogue", "Product")
StockRecord = get_model("partner", "StockRecord")
Order = get_model("order", "Order")

ADDRESS = {
    "first_name": "Sari",
    "last_name": "Wulandari",
    "line1": "Jl. Kauman No. 5",
    "subdistrict": "Ngupasan",
    "district": "Gondomanan",
    "line4": "Kota Yogyakarta",
    "province": "DI Yogyakarta",
    "postcode": "55122",
    "country": "ID",
    "phone_number": "+6281227001234",
}
SURABAYA = {  # a buyer with one name in Surabaya, phone written the local way (the courier tests' destination)
    **ADDRESS,
    "first_name": "Budi",
    "last_name": "",
    "line1": "Jl. Tunjungan No. 1",
    "subdistrict": "Genteng",
    "district": "Genteng",
    "line4": "Kota Surabaya",
    "province": "Jawa Timur",
    "postcode": "60111",
    "phone_number": "0812 3456 7890",
}
PICKUP = "pickup"  # the free shipping method the payment tests choose, so totals are the goods alone


def _ensure_agreed_prices(product) -> None:
    """The shop sells only at board-agreed prices (catalog/); seed the demo agreement if the seed has not."""
    from oscar.core.loading import get_class

    strategy = get_class("partner.strategy", "Selector")().strategy()
    if strategy.fetch_for_product(product).price.exists:
        return
    from catalog.demo import seed_agreed_prices

    seed_agreed_prices()


def variant_with_stock(units: int, *, index: int = 0):
    """A seeded variant whose free stock is exactly ``units``, all at one member (others emptied)."""
    product = (
        Product.objects.filter(structure=Product.CHILD, stockrecords__isnull=False).distinct().order_by("upc")[index]
    )
    records = list(product.stockrecords.order_by("pk"))
    StockRecord.objects.filter(pk__in=[r.pk for r in records[1:]]).update(num_in_stock=0, num_allocated=0)
    StockRecord.objects.filter(pk=records[0].pk).update(num_in_stock=units, num_allocated=0)
    records[0].refresh_from_db()
    _ensure_agreed_prices(product)
    return product, records[0]


def add_to_basket(client, product, quantity=1):
    response = client.post(reverse("basket:add", kwargs={"pk": product.pk}), {"quantity": quantity})
    assert response.status_code == 302, response.content[:500]


def to_payment_method(
    client, *, product, quantity=1, email="sari@example.com", language="en", guest=True, address=None, method=PICKUP
):
    """Basket → gateway (guest email) → shipping address → shipping method; ends at the payment choice."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    add_to_basket(client, product, quantity)
    if guest:
        response = client.post(reverse("checkout:index"), {"username": email, "options": "anonymous"})
        assert response.status_code == 302, response.content[:800]
    response = client.post(reverse("checkout:shipping-address"), address or ADDRESS)
    assert response.status_code == 302, _errors(response)
    response = client.post(reverse("checkout:shipping-method"), {"method_code": method})
    assert response.status_code == 302 and "payment-method" in response["Location"], response.get("Location")


def to_preview(client, *, method="transfer", card="4242 4242 4242 4242", **kwargs):
    """…then choose how to pay; returns the preview response (its context has the hidden ``confirm_form``)."""
    to_payment_method(client, **kwargs)
    response = client.post(reverse("checkout:payment-method"), {"method": method})
    assert response.status_code == 302, _errors(response)
    if method == "transfer":
        response = client.get(reverse("checkout:payment-details"), follow=True)
    else:
        response = client.post(reverse("checkout:preview"), {"card_number": card, "expiry": "12/34", "cvc": "123"})
    assert response.status_code == 200
    return response


def place_order(client, preview):
    form = preview.context["confirm_form"]
    data = {"action": "place_order", **{name: form[name].value() or "" for name in form.fields}}
    return client.post(reverse("checkout:preview"), data)


def hidden_fields(html: str) -> dict:
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html))


def last_order():
    return Order.objects.order_by("-pk").first()


def assert_cancelled_once_with_stock_back(order, record) -> None:
    """The order was cancelled by one status change and ``record`` holds nothing for it any more."""
    from catalog.shop.order import statuses

    order.refresh_from_db()
    record.refresh_from_db()
    assert order.status == statuses.CANCELLED and record.num_allocated == 0
    assert order.status_changes.filter(new_status=statuses.CANCELLED).count() == 1


def _errors(response):
    context = getattr(response, "context", None)
    if context and "form" in context:
        return context["form"].errors
    return response.content[:800]
