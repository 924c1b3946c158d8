"""Inventory fixtures. The session's demo seed (tests/conftest.py) already gives the cooperative its
inventory: materials, bills, opening balances."""

from __future__ import annotations

import pytest


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


@pytest.fixture(autouse=True)
def _english(english_messages):
    """These tests match the English wording of refusals."""
