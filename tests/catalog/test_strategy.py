"""The shop's strategy prices by the board's agreement, whichever member's stockrecord fulfils the line."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from oscar.core.loading import get_model

from catalog.shop.partner.strategy import CooperativeStrategy, Selector

Product = get_model("catalogue", "Product")
StockRecord = get_model("partner", "StockRecord")

pytestmark = pytest.mark.django_db


def test_two_members_with_different_stored_prices_give_the_agreed_price(make_product, agree, member_a, member_b):
    product = make_product(stored=(Decimal("111000"), Decimal("222000")), stock=(5, 9))
    agree(product, 150_000)
    info = Selector().strategy().fetch_for_product(product)
    assert info.price.exists and info.price.incl_tax == Decimal("150000") and info.price.tax == 0
    assert info.stockrecord.partner == member_b.partner  # most free stock, as before
    assert info.availability.is_available_to_buy
    # Whichever member holds more, the buyer pays the same.
    StockRecord.objects.filter(product=product, partner=member_a.partner).update(num_in_stock=50)
    info = Selector().strategy().fetch_for_product(Product.objects.get(pk=product.pk))
    assert info.stockrecord.partner == member_a.partner
    assert info.price.incl_tax == Decimal("150000")
    # Even a stockrecord handed in explicitly does not bring its own price.
    record_b = StockRecord.objects.get(product=product, partner=member_b.partner)
    assert Selector().strategy().fetch_for_product(product, stockrecord=record_b).price.incl_tax == Decimal("150000")


def test_without_an_agreed_price_a_product_is_unavailable(make_product):
    product = make_product()
    info = Selector().strategy().fetch_for_product(product)
    assert not info.price.exists
    assert not info.availability.is_available_to_buy
    assert info.availability.code == "unavailable"


def test_effective_boundary_a_microsecond_before_and_at(make_product, agree, board_user, board_user_2, board_user_3):
    from catalog import services

    product = make_product()
    start = timezone.now() - timedelta(days=10)
    agree(product, 100_000, at=start)
    at = start + timedelta(days=5)
    proposal = services.propose_price(
        product=product,
        amount=Decimal("120000"),
        proposed_by=board_user,
        effective_from=at,
        now=start + timedelta(days=1),
    )
    for member in (board_user_2, board_user_3):
        services.approve_proposal(proposal=proposal, board_member=member, now=start + timedelta(days=2))
    before = CooperativeStrategy(now=at - timedelta(microseconds=1)).fetch_for_product(product)
    exactly = CooperativeStrategy(now=at).fetch_for_product(product)
    assert before.price.incl_tax == Decimal("100000")
    assert exactly.price.incl_tax == Decimal("120000")


def test_parent_shows_from_price_of_cheapest_variant(agree):
    parent = Product.objects.filter(structure=Product.PARENT).order_by("upc").last()
    children = list(parent.children.order_by("upc"))
    for child, amount in zip(children, (400_000, 350_000, 380_000)):
        agree(child, amount)
    info = Selector().strategy().fetch_for_parent(parent)
    assert info.price.is_from_price
    assert info.price.incl_tax == Decimal(min((400_000, 350_000, 380_000)[: len(children)]))


def test_the_product_page_shows_the_agreed_price_not_the_stockrecord(client, make_product, agree):
    product = make_product(stored=(Decimal("111000"), Decimal("222000")))
    agree(product, 175_000)
    html = client.get(product.get_absolute_url()).content.decode()
    assert "Rp 175.000" in html
    assert "111.000" not in html and "222.000" not in html


@pytest.mark.parametrize(("free", "can_make", "on_sale"), [(0, True, True), (0, False, False), (2, False, True)])
def test_a_parent_is_priced_and_offered_by_the_variants_members_hold_with_an_agreed_price(
    agree, member_a, monkeypatch, free, can_make, on_sale
):
    # The tile's one walk over the variants (issue 16) keeps Oscar's rules: a variant no member holds, or one
    # without an agreed price, neither sets the "from" price nor puts the parent on sale; free stock sells it,
    # else what the makers can still make.
    from catalog.shop.partner import strategy as strategy_module

    bags = get_model("catalogue", "ProductClass").objects.get(slug="tas")
    parent = Product.objects.create(structure=Product.PARENT, product_class=bags, title="Tas induk", is_public=True)
    unheld, unpriced, held = (
        Product.objects.create(structure=Product.CHILD, parent=parent, title=f"Varian {n}", is_public=True)
        for n in range(3)
    )
    StockRecord.objects.create(product=unpriced, partner=member_a.partner, partner_sku="V-UNPRICED", num_in_stock=9)
    StockRecord.objects.create(product=held, partner=member_a.partner, partner_sku="V-HELD", num_in_stock=free)
    agree(unheld, 100_000)
    agree(held, 350_000)
    spare = [3, 0] if can_make else [0, 0]
    monkeypatch.setattr(strategy_module, "weekly_spare_by_class", lambda wanted, **kw: {pk: spare for pk in wanted})

    info = Selector().strategy().fetch_for_parent(Product.objects.get(pk=parent.pk))
    assert info.price.is_from_price and info.price.incl_tax == Decimal("350000")
    assert info.availability.is_available_to_buy is on_sale
    assert info.stockrecord is None


def test_a_parent_without_a_priced_variant_is_not_for_sale(member_a):
    bags = get_model("catalogue", "ProductClass").objects.get(slug="tas")
    parent = Product.objects.create(
        structure=Product.PARENT, product_class=bags, title="Tas tanpa harga", is_public=True
    )
    child = Product.objects.create(structure=Product.CHILD, parent=parent, title="Varian", is_public=True)
    StockRecord.objects.create(product=child, partner=member_a.partner, partner_sku="V-NOPRICE", num_in_stock=9)
    info = Selector().strategy().fetch_for_parent(parent)
    assert not info.price.exists
    assert not info.availability.is_available_to_buy
