"""Oscar's checkout with our shipping repository: a guest to Surabaya sees pickup (free) and the couriers with
their prices and estimates, chooses JNE REG, and the order carries that charge; then staff enter the waybill
and the buyer sees it with the tracking link."""

import pytest
from django.core import mail
from django.urls import reverse
from oscar.core.loading import get_model

from catalog.shop.order import statuses
from catalog.shop.order.services import confirm_bank_transfer
from catalog.shop.shipping import rates
from catalog.shop.shipping.repository import basket_weight
from catalog.shop.shipping.rules import Destination
from tests.payments.helpers import SURABAYA, add_to_basket, last_order, place_order, variant_with_stock

Order = get_model("order", "Order")


def _to_shipping_method(client, product):
    add_to_basket(client, product)
    response = client.post(reverse("checkout:index"), {"username": "budi@example.com", "options": "anonymous"})
    assert response.status_code == 302
    response = client.post(reverse("checkout:shipping-address"), SURABAYA)
    assert response.status_code == 302, response.context["form"].errors
    return client.get(reverse("checkout:shipping-method"))


def _paid_transfer_to_surabaya(client, buyer, method_code):
    """The signed-in buyer's order of one unit to Surabaya by ``method_code``, paid by a confirmed bank transfer."""
    product, _record = variant_with_stock(2)
    client.force_login(buyer)
    add_to_basket(client, product)
    assert client.post(reverse("checkout:shipping-address"), SURABAYA).status_code == 302
    client.post(reverse("checkout:shipping-method"), {"method_code": method_code})
    client.post(reverse("checkout:payment-method"), {"method": "transfer"})
    place_order(client, client.get(reverse("checkout:payment-details"), follow=True))
    order = last_order()
    confirm_bank_transfer(order=order)
    return order


@pytest.mark.django_db
def test_guest_to_surabaya_chooses_jne_reg_and_pays_for_it(client):
    product, _record = variant_with_stock(3)
    response = _to_shipping_method(client, product)
    assert response.status_code == 200
    methods = response.context["methods"]
    codes = [m.code for m in methods]
    assert codes[0] == "pickup" and {"jne-reg", "jne-yes", "jnt-ez", "sicepat-reg", "pos-kilat"} <= set(codes)
    basket = response.context["basket"]
    weight = basket_weight(basket)
    assert weight == max(product.shipping_size()[0], 1000)  # the variant's packed weight, or its volumetric
    expected = {
        q.code: q.cost for q in rates.TableRates().quote(destination=Destination("ID", "60111"), weight_grams=weight)
    }
    html = response.content.decode()
    jne = expected["jne-reg"]
    assert "JNE REG" in html and f"Rp {jne:,}".replace(",", ".") in html and "2–3 days" in html
    assert "Pick up at the gallery" in html

    response = client.post(reverse("checkout:shipping-method"), {"method_code": "jne-reg"})
    assert response.status_code == 302 and "payment-method" in response["Location"]
    client.post(reverse("checkout:payment-method"), {"method": "transfer"})
    preview = client.get(reverse("checkout:payment-details"), follow=True)
    assert place_order(client, preview).status_code == 302
    order = last_order()
    assert order.shipping_code == "jne-reg" and order.shipping_incl_tax == jne
    assert order.total_incl_tax == order.basket_total_incl_tax + jne
    address = order.shipping_address
    assert (address.state, address.district, address.line4, str(address.phone_number)) == (
        "Jawa Timur",
        "Genteng",
        "Kota Surabaya",
        "+6281234567890",  # 0812… saved as +62…
    )
    assert address.last_name == ""


@pytest.mark.django_db
def test_pickup_is_free_and_always_offered(client):
    product, _record = variant_with_stock(2)
    response = _to_shipping_method(client, product)
    pickup = next(m for m in response.context["methods"] if m.code == "pickup")
    assert pickup.calculate(response.context["basket"]).incl_tax == 0
    client.post(reverse("checkout:shipping-method"), {"method_code": "pickup"})
    client.post(reverse("checkout:payment-method"), {"method": "transfer"})
    preview = client.get(reverse("checkout:payment-details"), follow=True)
    place_order(client, preview)
    order = last_order()
    assert order.shipping_code == "pickup" and order.shipping_incl_tax == 0
    assert order.total_incl_tax == order.basket_total_incl_tax


@pytest.mark.django_db
def test_waybill_entered_by_staff_ships_and_shows_on_the_order_page(
    client, staff_user, buyer_user, django_capture_on_commit_callbacks
):
    order = _paid_transfer_to_surabaya(client, buyer_user, "sicepat-reg")
    mail.outbox.clear()

    client.force_login(staff_user)
    url = reverse("shipping:waybill", kwargs={"order_number": order.number})
    page = client.get(url)
    assert page.status_code == 200 and page.context["form"]["courier"].value() == "sicepat"
    with django_capture_on_commit_callbacks(execute=True):  # the shipped email goes out on commit
        response = client.post(url, {"courier": "sicepat", "waybill": "0021-2345-6789"})
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == statuses.SHIPPED and order.waybill_number == "0021-2345-6789"

    client.force_login(buyer_user)
    html = client.get(reverse("customer:order", kwargs={"order_number": order.number})).content.decode()
    assert "0021-2345-6789" in html and "https://www.sicepat.com/checkAwb?awb=0021-2345-6789" in html

    shipped = [m for m in mail.outbox if order.number in m.subject or order.number in m.body]
    assert shipped and "0021-2345-6789" in shipped[-1].body and "sicepat.com" in shipped[-1].body


@pytest.mark.django_db
def test_waybill_page_is_not_for_other_buyers(client, buyer_user):
    product, _record = variant_with_stock(1)
    from tests.payments.helpers import to_preview

    place_order(client, to_preview(client, product=product))
    order = last_order()
    client.force_login(buyer_user)
    assert client.get(reverse("shipping:waybill", kwargs={"order_number": order.number})).status_code == 404


@pytest.mark.django_db
def test_the_shipping_member_finds_the_waybill_page_from_its_order_lines(client, buyer_user):
    """The member that fulfils a paid order enters its waybill from the workspace; "next" never leaves the site."""
    from inventory.models import Member

    order = _paid_transfer_to_surabaya(client, buyer_user, "jne-reg")

    member = Member.objects.get(partner_id=order.lines.get().partner_id)
    client.force_login(member.owner)
    lines_page = reverse("inventory:order-lines", kwargs={"code": member.code})
    waybill = reverse("shipping:waybill", kwargs={"order_number": order.number})
    assert waybill in client.get(lines_page).content.decode()

    response = client.post(f"{waybill}?next=https://evil.example/", {"courier": "jne", "waybill": "JNE123"})
    assert response.status_code == 302 and response["Location"] == waybill
    response = client.post(f"{waybill}?next={lines_page}", {"courier": "jne", "waybill": "JNE123"})
    assert response["Location"] == lines_page
    order.refresh_from_db()
    assert order.status == statuses.SHIPPED and order.waybill_number == "JNE123"
