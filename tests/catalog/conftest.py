"""Fixtures for the agreed-price tests: the demo agreement, and fresh products whose members disagree on price.

The session database is seeded by tests/conftest.py; the demo agreement (catalog/demo.py) is added once here,
so these tests pass whether or not the demo seed calls it already (it is idempotent).
"""

from __future__ import annotations

import itertools
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from oscar.core.loading import get_model

from catalog import services

Product = get_model("catalogue", "Product")
ProductClass = get_model("catalogue", "ProductClass")
StockRecord = get_model("partner", "StockRecord")

_serial = itertools.count(1)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    # Chained on the seeded session database, so only tests that use the database trigger it (pytest-django
    # leaves the connection on the development database when no collected test needs one).
    from catalog.demo import seed_agreed_prices

    with django_db_blocker.unblock():
        seed_agreed_prices()


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts and ends with an empty cache: a category a test made (then rolled back) must not live on
    in the category tree's cached fragment (catalog/shop/catalogue/tree_cache.py) for the next test."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def codes(error) -> dict:
    """{field: [error codes]} of a ValidationError: tests check codes, not words (the words get translated)."""
    return {field: [e.code for e in errors] for field, errors in error.error_dict.items()}


@pytest.fixture
def make_product(db, member_a, member_b):
    """A standalone product held by two members whose stockrecords carry *different* prices (to be ignored)."""

    def make(*, stored=(Decimal("111000"), Decimal("222000")), stock=(5, 9), title="Tas Uji"):
        n = next(_serial)
        product = Product.objects.create(
            structure=Product.STANDALONE,
            product_class=ProductClass.objects.get(slug="tas"),
            upc=f"TEST-{n:04d}",
            title=f"{title} {n}",
            title_en=f"Test bag {n}",
            is_public=True,
        )
        for member, price, num in zip((member_a, member_b), stored, stock):
            StockRecord.objects.create(
                product=product,
                partner=member.partner,
                partner_sku=f"{member.code}-TEST-{n}",
                price_currency="IDR",
                price=price,
                num_in_stock=num,
            )
        return product

    return make


@pytest.fixture
def agree(board_user, board_user_2, board_user_3):
    """Put a price through the board: board1 proposes, board2 and board3 approve, all at `at`."""

    def agree_price(product, amount, *, at=None, min_quantity=1, reason="test"):
        at = at or timezone.now() - timedelta(minutes=1)
        proposal = services.propose_price(
            product=product,
            amount=Decimal(amount),
            proposed_by=board_user,
            effective_from=at,
            min_quantity=min_quantity,
            reason=reason,
            now=at,
        )
        for member in (board_user_2, board_user_3):
            proposal = services.approve_proposal(proposal=proposal, board_member=member, now=at)
        assert proposal.status == "approved"
        return proposal

    return agree_price
