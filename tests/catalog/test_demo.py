"""The demo agreement: every purchasable product priced as its stockrecords were, plus board work to show."""

import pytest
from django.db.models import Min
from django.utils import timezone

from catalog import selectors
from catalog.demo import seed_agreed_prices
from catalog.models import AgreedPrice, PriceProposal

pytestmark = pytest.mark.django_db


def test_demo_agreement_matches_the_seeded_stockrecords_and_is_idempotent():
    now = timezone.now()
    seeded = list(
        selectors.purchasable_products().filter(upc__startswith="GY-").annotate(stored=Min("stockrecords__price"))
    )
    assert seeded  # the demo seed made products: the loop below checks something
    for product in seeded:
        assert selectors.price_in_force(product, at=now) == product.stored, product.upc
    assert PriceProposal.objects.filter(source="demo", status="pending").count() == 1
    assert AgreedPrice.objects.valid().filter(proposal__source="demo", effective_from__gt=now).count() == 1
    assert AgreedPrice.objects.filter(proposal__source="demo", min_quantity__gt=1).count() == 3
    before = (PriceProposal.objects.count(), AgreedPrice.objects.count())
    assert seed_agreed_prices() == {}
    assert (PriceProposal.objects.count(), AgreedPrice.objects.count()) == before
