"""factory_boy factories for the data most tests need: people, member workshops, their public profiles, stories;
Oscar orders built directly; and stock and materials set up through the inventory services.

New tests build what they assert on with these instead of searching the small demo cooperative the session
seeds (issue 14). Each factory makes a valid row the way the services and the admin would.
"""

from __future__ import annotations

import datetime
import itertools
import uuid
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from oscar.core.loading import get_model

from inventory.models import Member

Partner = get_model("partner", "Partner")
ProductClass = get_model("catalogue", "ProductClass")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()

    email = factory.Sequence(lambda n: f"person{n}@factory.guyub.example")
    first_name = factory.Faker("first_name", locale="id_ID")
    last_name = ""


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partner

    code = factory.Sequence(lambda n: f"f{n:03d}")
    name = factory.Sequence(lambda n: f"Kulit Pabrik {n}")


class MemberFactory(factory.django.DjangoModelFactory):
    """A member workshop in Keparakan Kidul; ``skills=[product_class, ...]`` says what it can make."""

    class Meta:
        model = Member
        skip_postgeneration_save = True

    partner = factory.SubFactory(PartnerFactory)
    code = factory.LazyAttribute(lambda m: m.partner.code)
    owner = factory.SubFactory(UserFactory)
    workers = 3
    address = "Jl. Sisingamangaraja, Keparakan, Mergangsan, Yogyakarta"
    latitude = Decimal("-7.812000")
    longitude = Decimal("110.372000")
    weekly_capacity = 10
    joined = datetime.date(2020, 1, 6)

    @factory.post_generation
    def skills(self, create, extracted, **kwargs):
        if create and extracted:
            self.skills.add(*extracted)


class ProductClassFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProductClass
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Kelas {n}")


def artisan_page(member, *, story: str = "", story_en: str = ""):
    """The member's public profile under the artisans' index (Wagtail pages are added to a parent, not created)."""
    from guyub.content.models import ArtisanIndexPage, ArtisanPage

    index = ArtisanIndexPage.objects.get()
    page = ArtisanPage(
        title=member.partner.name, slug=f"p-{member.code}", partner=member.partner, story=story, story_en=story_en
    )
    index.add_child(instance=page)
    return page


_story_numbers = itertools.count(1)


def story_page(*, title: str, date: datetime.date, summary: str = "", title_en: str = "", summary_en: str = ""):
    from guyub.content.models import StoryIndexPage, StoryPage

    index = StoryIndexPage.objects.get()
    page = StoryPage(
        title=title,
        title_en=title_en,
        slug=f"story-{next(_story_numbers)}",
        date=date,
        summary=summary,
        summary_en=summary_en,
    )
    index.add_child(instance=page)
    return page


_order_numbers = itertools.count(1)


def make_order(lines, *, user=None, status: str = "Pending"):
    """An Oscar order built directly (no basket, no checkout): a line per ``(stockrecord, quantity[, allocated
    [, unit price]])``; allocated defaults to the quantity, the price to 0. Lines of several members may share it."""
    from django.contrib.sites.models import Site
    from django.utils import timezone

    Order, Line = get_model("order", "Order"), get_model("order", "Line")
    lines = [_order_line(*line) for line in lines]
    total = sum((line["line_price_incl_tax"] for line in lines), Decimal(0))
    order = Order.objects.create(
        number=f"F{next(_order_numbers):06d}",
        site=Site.objects.get_current(),
        user=user,
        currency="IDR",
        total_incl_tax=total,
        total_excl_tax=total,
        date_placed=timezone.now(),
        status=status,
    )
    for line in lines:
        Line.objects.create(order=order, **line)
    return order


def _order_line(record, quantity: int, allocated: int | None = None, price: int = 0) -> dict:
    amount = Decimal(price * quantity)
    return {
        "partner": record.partner,
        "partner_name": record.partner.name,
        "partner_sku": record.partner_sku,
        "stockrecord": record,
        "product": record.product,
        "title": record.product.get_title(),
        "upc": record.product.upc,
        "quantity": quantity,
        "num_allocated": quantity if allocated is None else allocated,
        **dict.fromkeys(
            [
                "line_price_incl_tax",
                "line_price_excl_tax",
                "line_price_before_discounts_incl_tax",
                "line_price_before_discounts_excl_tax",
            ],
            amount,
        ),
    }


# --- Stock and materials set up through the inventory services (recorded adjustments, as a member would) ---


def adjust_stock(record, change: int) -> None:
    """Add (or, negative, remove) free units of a stockrecord."""
    from inventory.models import StockMovement
    from inventory.services import stock_move

    stock_move(
        stockrecord=record,
        kind=StockMovement.Kind.ADJUSTED,
        quantity=change,
        reason="test",
        idempotency_key=f"test-stock-{uuid.uuid4()}",
    )


def adjust_material(member, material, change, *, kind: str = "adjusted") -> None:
    """Add (or, negative, remove) some of a member's material."""
    from inventory.services import material_move

    material_move(
        member=member,
        material=material,
        kind=kind,
        quantity=change,
        reason="test",
        idempotency_key=f"test-material-{uuid.uuid4()}",
    )


def give_stock(product, **units) -> None:
    """give_stock(product, m01=2): add (negative: take) free units of the variant at these members."""
    from inventory.services import stockrecord_for

    for code, change in units.items():
        adjust_stock(stockrecord_for(member=Member.objects.get(code=code), product=product), change)


def empty_stock(product) -> None:
    """No member has a free unit of the variant left."""
    for record in get_model("partner", "StockRecord").objects.filter(product=product):
        free = (record.num_in_stock or 0) - (record.num_allocated or 0)
        if free > 0:
            adjust_stock(record, -free)


def buy_material(member, material, quantity) -> None:
    """The member buys ``quantity`` of the material."""
    adjust_material(member, material, quantity, kind="purchase")


def empty_material(member, material) -> None:
    """The member has none of the material left."""
    from inventory.selectors import material_balance

    have = material_balance(member, material)
    if have > 0:
        adjust_material(member, material, -have)


def work_order(maker, *, quantity: int, week, owner=None, request=None, product=None, product_class=None, **fields):
    """A work order of ``quantity`` units for ``maker`` in ``week`` (round 1, offered now, due that week unless
    ``fields`` say otherwise), on ``request`` or on a new routing request of ``owner`` (an overflow unless
    ``kind=`` says, ``order_line=`` tying it to a shop line) for the product or product class."""
    from django.utils import timezone

    from pooling.models import RoutingRequest, WorkOrder

    if request is None:
        request = RoutingRequest.objects.create(
            kind=fields.pop("kind", RoutingRequest.Kind.OVERFLOW),
            member=owner,
            order_line=fields.pop("order_line", None),
            product=product,
            product_class=product_class or product.get_product_class(),
            quantity=quantity,
            due_week=week,
        )
    fields = {"round": 1, "due_week": week, "offered_at": timezone.now(), **fields}
    return WorkOrder.objects.create(
        request=request, member=maker, product=product, quantity=quantity, week=week, **fields
    )
