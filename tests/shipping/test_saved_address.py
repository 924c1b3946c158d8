"""A signed-in buyer's saved address (Oscar's address book, with the Indonesian fields) is offered on the
shipping-address step and shipped to in one click (issue 15: "saved addresses reused at checkout")."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from oscar.core.loading import get_class, get_model

from tests.payments.helpers import SURABAYA, add_to_basket, variant_with_stock

UserAddress = get_model("address", "UserAddress")
UserAddressForm = get_class("address.forms", "UserAddressForm")

pytestmark = pytest.mark.django_db


def _saved_address(user):
    """Budi's Surabaya address (one name: no last name), saved through the address book's form."""
    form = UserAddressForm(user, data=SURABAYA)
    assert form.is_valid(), form.errors
    return form.save()


def test_saved_address_is_offered_and_shipped_to_in_one_click(client, buyer_user):
    UserAddress.objects.filter(user=buyer_user).delete()
    saved = _saved_address(buyer_user)
    product, _record = variant_with_stock(1)
    client.force_login(buyer_user)
    add_to_basket(client, product)

    page = client.get(reverse("checkout:shipping-address"))
    assert page.status_code == 200
    assert list(page.context["addresses"]) == [saved]
    html = page.content.decode()
    form = re.search(rf'(?s)<form[^>]*id="select_shipping_address_{saved.pk}".*?</form>', html)
    assert form, "no 'ship to this address' form for the saved address"
    assert 'name="action" value="ship_to"' in form[0] and f'name="address_id" value="{saved.pk}"' in form[0]
    for shown in ("Jl. Tunjungan No. 1", "Genteng", "Kota Surabaya", "Jawa Timur", "60111"):
        assert shown in html, shown

    response = client.post(reverse("checkout:shipping-address"), {"action": "ship_to", "address_id": saved.pk})
    assert response.status_code == 302 and response["Location"] == reverse("checkout:shipping-method")
    step = client.get(response["Location"])
    assert step.status_code == 200, step.status_code
    address = step.context["shipping_address"]
    assert (address.first_name, address.line1, address.district, address.subdistrict, address.line4) == (
        "Budi",
        "Jl. Tunjungan No. 1",
        "Genteng",
        "Genteng",
        "Kota Surabaya",
    )
    assert (address.state, address.postcode, str(address.phone_number)) == ("Jawa Timur", "60111", "+6281234567890")


def test_another_buyers_or_a_made_up_address_is_a_404_not_a_500(client, buyer_user, artisan_a):
    theirs = _saved_address(artisan_a)
    product, _record = variant_with_stock(1)
    client.force_login(buyer_user)
    add_to_basket(client, product)
    for address_id in (theirs.pk, "abc", "", "\u00b2", "9" * 30):  # "²".isdigit() is true
        response = client.post(reverse("checkout:shipping-address"), {"action": "ship_to", "address_id": address_id})
        assert response.status_code == 404, (address_id, response.status_code)
    assert "shipping" not in client.session.get("checkout_data", {})
