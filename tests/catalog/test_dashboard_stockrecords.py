"""Oscar's dashboard (forked catalogue form): staff cannot type over a stockrecord's price or stock."""

import re

import pytest
from django.urls import reverse
from oscar.core.loading import get_class, get_model

pytestmark = pytest.mark.django_db
StockRecord = get_model("partner", "StockRecord")


def test_price_and_stock_are_read_only_and_ignored_when_posted(staff_user):
    form_class = get_class("dashboard.catalogue.formsets", "StockRecordFormSet").form
    record = StockRecord.objects.filter(product__structure="child").order_by("pk").first()
    before = (record.num_in_stock, record.price, record.price_currency)
    form = form_class(
        record.product.get_product_class(),
        staff_user,
        instance=record,
        data={
            "partner": record.partner_id,
            "partner_sku": record.partner_sku,
            "num_in_stock": 999,
            "price": "1",
            "price_currency": "USD",
            "low_stock_threshold": "2",
        },
    )
    assert all(form.fields[name].disabled for name in ("price", "price_currency", "num_in_stock"))
    assert form.is_valid(), form.errors
    form.save()
    record.refresh_from_db()
    assert (record.num_in_stock, record.price, record.price_currency) == before
    assert record.low_stock_threshold == 2  # the rest of the form still works


def test_the_dashboard_product_page_shows_them_disabled(client, staff_user):
    record = StockRecord.objects.filter(product__structure="child").order_by("pk").first()
    client.force_login(staff_user)
    response = client.get(reverse("dashboard:catalogue-product", kwargs={"pk": record.product_id}))
    assert response.status_code == 200
    page = response.content.decode()
    # The price's own <input> tag, not its neighbours (the stock box next to it is disabled too).
    [price_input] = re.findall(r'<input[^>]*name="stockrecords-0-price"[^>]*>', page)
    assert "disabled" in price_input


def _an_order():
    """One order placed through Oscar's OrderCreator (the seed has none)."""
    from oscar.apps.shipping.methods import Free
    from oscar.core import prices

    from tests.payments.helpers import variant_with_stock

    product, _record = variant_with_stock(2)
    basket = get_model("basket", "Basket").objects.create()
    basket.strategy = get_class("partner.strategy", "Selector")().strategy()
    basket.add_product(product, 1)
    free = Free()
    total = prices.Price(currency="IDR", excl_tax=basket.total_excl_tax, incl_tax=basket.total_incl_tax)
    return get_class("order.utils", "OrderCreator")().place_order(
        basket=basket,
        total=total,
        shipping_method=free,
        shipping_charge=free.calculate(basket),
        order_number="D1",
    )


@pytest.mark.parametrize("role", ["staff", "board"])
def test_shop_staff_and_board_can_run_the_dashboard_orders_and_catalogue(client_as, role):
    client = client_as(role)
    for name in ("dashboard:order-list", "dashboard:catalogue-product-list", "dashboard:index"):
        assert client.get(reverse(name)).status_code == 200, name
    order = _an_order()
    assert client.get(reverse("dashboard:order-detail", kwargs={"number": order.number})).status_code == 200


def test_shop_staff_may_not_delete_anything():
    from common.roles import shop_staff_group

    assert not shop_staff_group().permissions.filter(codename__startswith="delete_").exists()
