"""Fixtures for the agreed-price tests: the demo agreement, and fresh products whose members disagree on price.

The session database is seeded by tests/conftest.py; the demo agreement (catalog/demo.py) is added once here,
so these tests pass whether or not the demo seed calls it already (it is idempotent).
"""

from __future__ import annotations

import itertools
from decimal import Decimal

import pytest
from oscar.core.loading import get_model

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
