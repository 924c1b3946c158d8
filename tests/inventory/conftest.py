"""Inventory fixtures. The session's demo seed (tests/conftest.py) already gives the cooperative its
inventory: materials, bills, opening balances."""

from __future__ import annotations

import itertools

import pytest
from oscar.core.loading import get_model

_keys = itertools.count()


@pytest.fixture
def key():
    """A fresh idempotency key per call: key() → "t-1", "t-2", …"""
    return lambda: f"t-{next(_keys)}"


@pytest.fixture
def material(db):
    from inventory.models import Material

    return lambda code: Material.objects.get(code=code)


@pytest.fixture
def variant_of(db):
    """variant_of(member) → a (product variant, stockrecord) the member stocks and may produce."""
    from inventory import selectors

    def pick(member):
        for record in selectors.member_stock(member):
            if selectors.bill_for(record.product):
                return record.product, record
        raise AssertionError(f"{member.code} stocks nothing with a bill")

    return pick


def make_order(lines):
    """An Oscar order with one line per (stockrecord, quantity) — lines of several members in one order."""
    from decimal import Decimal

    from django.contrib.sites.models import Site
    from django.utils import timezone

    Order = get_model("order", "Order")
    Line = get_model("order", "Line")
    number = f"T{next(_keys):06d}"
    order = Order.objects.create(
        number=number,
        site=Site.objects.get_current(),
        currency="IDR",
        total_incl_tax=Decimal(0),
        total_excl_tax=Decimal(0),
        date_placed=timezone.now(),
        status="Pending",
    )
    for record, quantity in lines:
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
            num_allocated=quantity,
        )
    return order


@pytest.fixture(autouse=True)
def _english(english_messages):
    """These tests match the English wording of refusals."""
