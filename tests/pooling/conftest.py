"""Pooling fixtures: orders built directly (the session's demo seed already gives members their inventory)."""

from __future__ import annotations

import itertools
from decimal import Decimal

import pytest
from oscar.core.loading import get_model

_numbers = itertools.count(1)


def make_order(lines, *, user=None):
    """An Oscar order with one line per (stockrecord, quantity, allocated at placement)."""
    from django.contrib.sites.models import Site
    from django.utils import timezone

    Order = get_model("order", "Order")
    Line = get_model("order", "Line")
    order = Order.objects.create(
        number=f"P{next(_numbers):06d}",
        site=Site.objects.get_current(),
        currency="IDR",
        user=user,
        total_incl_tax=Decimal(0),
        total_excl_tax=Decimal(0),
        date_placed=timezone.now(),
        status="Pending",
    )
    for record, quantity, allocated in lines:
        Line.objects.create(
            order=order,
            partner=record.partner,
            partner_name=record.partner.name,
            partner_sku=record.partner_sku,
            stockrecord=record,
            product=record.product,
            title=record.product.get_title(),
            upc=record.product.upc,
            quantity=quantity,
            line_price_incl_tax=Decimal(0),
            line_price_excl_tax=Decimal(0),
            line_price_before_discounts_incl_tax=Decimal(0),
            line_price_before_discounts_excl_tax=Decimal(0),
            num_allocated=allocated,
        )
    return order


@pytest.fixture
def order_factory(db):
    return make_order


@pytest.fixture
def empty_stock(db):
    """empty_stock(product): adjust every member's free units of the variant to zero (recorded adjustments)."""
    from inventory.models import StockMovement
    from inventory.services import stock_move

    StockRecord = get_model("partner", "StockRecord")

    def run(product):
        for record in StockRecord.objects.filter(product=product):
            free = (record.num_in_stock or 0) - (record.num_allocated or 0)
            if free > 0:
                stock_move(
                    stockrecord=record,
                    kind=StockMovement.Kind.ADJUSTED,
                    quantity=-free,
                    reason="test",
                    idempotency_key=f"test-empty-{record.pk}-{next(_numbers)}",
                )

    return run


@pytest.fixture
def variant(db):
    """A variant with a bill of materials that m01 stocks and has the skill for."""
    from inventory import selectors
    from inventory.models import Member

    m01 = Member.objects.get(code="m01")
    skills = set(m01.skills.values_list("pk", flat=True))
    for record in selectors.member_stock(m01):
        if record.product.get_product_class().pk in skills and selectors.bill_for(record.product):
            return record.product
    raise AssertionError("m01 stocks nothing it can make")
