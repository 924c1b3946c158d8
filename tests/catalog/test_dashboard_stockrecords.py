"""Oscar's dashboard (forked catalogue form): staff cannot type over a stockrecord's price or stock."""
import pytest
from django.urls import reverse
from oscar.core.loading import get_class, get_model

pytestmark = pytest.mark.django_db
StockRecord = get_model("partner", "StockRecord")


def test_price_and_stock_are_read_only_and_ignored_when_posted(staff_user):
    form_class = get_class("dashboard.catalogue.formsets", "StockRecordFormSet").form
    record = StockRecord.objects.filter(product__structure="child").order_by("pk").first()
    before = (record.num_in_stock, record.price, record.price_currency)
    form = form_class(record.product.get_product_class(), staff_user, instance=record, data={
        "partner": record.partner_id, "partner_sku": record.partner_sku, "num_in_stock": 999, "price": "1",
        "price_currency": "USD", "low_stock_threshold": "2",
    })
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
    assert 'name="stockrecords-0-price"' in page
    price_input = page[page.index('name="stockrecords-0-price"') - 200:page.index('name="stockrecords-0-price"') + 200]
    assert "disabled" in price_input


@pytest.mark.parametrize("role", ["staff", "board"])
def test_shop_staff_and_board_can_run_the_dashboard_orders_and_catalogue(client_as, role):
    from oscar.core.loading import get_model

    client = client_as(role)
    for name in ("dashboard:order-list", "dashboard:catalogue-product-list", "dashboard:index"):
        assert client.get(reverse(name)).status_code == 200, name
    Order = get_model("order", "Order")
    order = Order.objects.order_by("pk").first()
    if order is not None:
        assert client.get(reverse("dashboard:order-detail", kwargs={"number": order.number})).status_code == 200


def test_shop_staff_may_not_delete_anything():
    from inventory.roles import shop_staff_group

    assert not shop_staff_group().permissions.filter(codename__startswith="delete_").exists()
