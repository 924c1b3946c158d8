"""Pooling fixtures: orders built directly (the session's demo seed already gives members their inventory)."""

from __future__ import annotations

import pytest

from tests import factories


@pytest.fixture
def order_factory(db):
    return factories.make_order


@pytest.fixture
def empty_stock(db):
    """empty_stock(product): adjust every member's free units of the variant to zero (recorded adjustments)."""
    return factories.empty_stock


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
