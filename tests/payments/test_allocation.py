"""The guarded stock hold (catalog/shop/order/allocation.py), sequentially — safe on SQLite. The concurrent
version runs on PostgreSQL in test_concurrency.py."""

from decimal import Decimal

import pytest
from django.db import transaction
from oscar.core.loading import get_class, get_model

from catalog.shop.order.allocation import InsufficientStock, allocate_basket_lines, release_order_lines
from inventory.models import StockMovement

from .helpers import variant_with_stock

pytestmark = pytest.mark.django_db
Basket = get_model("basket", "Basket")
Selector = get_class("partner.strategy", "Selector")


def basket_with(*items):
    basket = Basket.objects.create()
    basket.strategy = Selector().strategy()
    for product, quantity in items:
        basket.add_product(product, quantity)
    return basket


def test_guarded_allocation_refuses_an_oversell_and_keeps_what_was_held():
    product, record = variant_with_stock(3)
    first, second = basket_with((product, 2)), basket_with((product, 2))

    with transaction.atomic():
        allocate_basket_lines(lines=first.all_lines())
    with pytest.raises(InsufficientStock) as refused, transaction.atomic():
        allocate_basket_lines(lines=second.all_lines())

    assert refused.value.available == 1 and refused.value.requested == 2
    assert "only 1" in str(refused.value)
    record.refresh_from_db()
    assert (record.num_in_stock, record.num_allocated) == (3, 2)


def test_exactly_the_last_units_can_be_held_then_nothing_more():
    product, record = variant_with_stock(2)
    with transaction.atomic():
        allocate_basket_lines(lines=basket_with((product, 2)).all_lines())
    with pytest.raises(InsufficientStock) as refused, transaction.atomic():
        allocate_basket_lines(lines=basket_with((product, 1)).all_lines())
    assert "sold out" in str(refused.value)
    record.refresh_from_db()
    assert record.num_allocated == record.num_in_stock == 2


def test_a_refused_line_undoes_the_holds_of_the_lines_before_it():
    # Lines are held in stockrecord order: "a" (held first) must be the lower record, or nothing is undone.
    (product_a, record_a), (product_b, record_b) = sorted(
        (variant_with_stock(5, index=0), variant_with_stock(5, index=1)), key=lambda pair: pair[1].pk
    )
    basket = basket_with((product_a, 2), (product_b, 1))
    type(record_b).objects.filter(pk=record_b.pk).update(num_allocated=5)  # b sold out meanwhile

    with pytest.raises(InsufficientStock), transaction.atomic():
        allocate_basket_lines(lines=basket.all_lines())

    record_a.refresh_from_db()
    assert record_a.num_allocated == 0


def test_null_allocations_count_as_zero():
    product, record = variant_with_stock(1)
    type(record).objects.filter(pk=record.pk).update(num_allocated=None)
    with transaction.atomic():
        allocate_basket_lines(lines=basket_with((product, 1)).all_lines())
    record.refresh_from_db()
    assert record.num_allocated == 1


def test_oscar_order_creator_uses_the_guard(client):
    """Placing through Oscar's OrderCreator (our fork) refuses an oversell too — no checkout view needed."""
    from oscar.apps.shipping.methods import Free
    from oscar.core import prices

    OrderCreator = get_class("order.utils", "OrderCreator")
    product, record = variant_with_stock(1)
    # Both buyers saw the last unit "ready to ship" (their lines' availability is read before either places).
    baskets = [basket_with((product, 1)) for _ in range(2)]
    for basket in baskets:
        assert all(line.purchase_info.availability.code == "instock" for line in basket.all_lines())
    for attempt, basket in enumerate(baskets):
        total = prices.Price(currency="IDR", excl_tax=basket.total_excl_tax, incl_tax=basket.total_incl_tax)
        free = Free()
        place = lambda: OrderCreator().place_order(  # noqa: E731
            basket=basket,
            total=total,
            shipping_method=free,
            shipping_charge=free.calculate(basket),
            order_number=f"T{attempt}",
        )
        if attempt == 0:
            order = place()
        else:
            with pytest.raises(InsufficientStock):
                place()
    record.refresh_from_db()
    assert record.num_allocated == 1
    assert StockMovement.objects.get(kind="allocated", order_line__order=order).allocated_delta == 1
    release_order_lines(order=order)
    release_order_lines(order=order)  # twice is harmless
    record.refresh_from_db()
    assert record.num_allocated == 0 and total.incl_tax > Decimal(0)
