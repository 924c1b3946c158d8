"""Money-books fixtures: paid orders made directly (no checkout), a general fee, members by code."""

from __future__ import annotations

import datetime
import itertools
from decimal import Decimal

import pytest
from django.utils import timezone
from oscar.core.loading import get_model

_numbers = itertools.count(1)
Order = get_model("order", "Order")
Line = get_model("order", "Line")


@pytest.fixture(autouse=True)
def _english(english_messages):
    """These tests match the English wording of refusals."""


@pytest.fixture
def general_fee(db, board_user):
    from books.models import FeeRate

    return FeeRate.objects.create(
        percent=Decimal("10.00"), effective_from=datetime.date(2000, 1, 1), created_by=board_user
    )


def member(code):
    from inventory.models import Member

    return Member.objects.select_related("partner").get(code=code)


def record_of(code, index=0):
    """A stockrecord of member ``code`` (its ``index``-th by pk)."""
    StockRecord = get_model("partner", "StockRecord")
    return (
        StockRecord.objects.filter(partner__member__code=code)
        .select_related("product", "partner")
        .order_by("pk")[index]
    )


def paid_order(lines, *, shipping=0, paid=True):
    """An order with (stockrecord, quantity, unit price) lines, status Paid with its payment event (or awaiting
    payment when ``paid`` is False). Lines hold no stock, so shipping it moves none."""
    from catalog.shop.order import services, statuses

    number = f"B{next(_numbers):06d}"
    total = sum(Decimal(q * p) for _r, q, p in lines) + shipping
    order = Order.objects.create(
        number=number,
        site_id=1,
        currency="IDR",
        total_incl_tax=total,
        total_excl_tax=total,
        date_placed=timezone.now(),
        status=statuses.PAID if paid else statuses.AWAITING_PAYMENT,
        shipping_incl_tax=Decimal(shipping),
        shipping_excl_tax=Decimal(shipping),
    )
    for record, quantity, price in lines:
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
            unit_price_incl_tax=Decimal(price),
            unit_price_excl_tax=Decimal(price),
            line_price_incl_tax=Decimal(price * quantity),
            line_price_excl_tax=Decimal(price * quantity),
            line_price_before_discounts_incl_tax=Decimal(price * quantity),
            line_price_before_discounts_excl_tax=Decimal(price * quantity),
            num_allocated=0,
        )
    if paid:
        services.record_payment_event(
            order, amount=total, reference=f"T-{number}", source_name=services.TRANSFER_SOURCE
        )
    return order


def refund(order, amount, lines=None, quantities=None):
    from catalog.shop.order import services

    return services.record_payment_event(
        order,
        amount=Decimal(amount),
        reference=f"R-{order.number}",
        source_name=services.TRANSFER_SOURCE,
        kind=services.REFUNDED_EVENT,
        lines=lines or [],
        quantities=quantities or [],
    )


def balance(code):
    from books import ledger, selectors

    return selectors.balances().get(ledger.member_account(code), 0)
