"""Trade fixtures: a Singapore importer with an approved account, a sandal and a belt variant with a trader tier,
and at least five members with each skill and room to make them (set on the seeded small cooperative)."""

from __future__ import annotations

import datetime
import itertools

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from .makers import sandal_and_belt_makers

_serial = itertools.count(1)


@pytest.fixture(autouse=True)
def _english(english_messages):
    yield


@pytest.fixture
def coop(db, agree):
    """Every active member makes sandals and belts (sabuk), with a
    weekly capacity of 40 and no class overrides; a sandal and a belt variant with unit and trader prices."""
    members, sandal_variant, belt_variant = sandal_and_belt_makers()
    agree(sandal_variant, 150_000)
    agree(sandal_variant, 120_000, min_quantity=100)
    agree(belt_variant, 90_000)
    agree(belt_variant, 75_000, min_quantity=100)
    return {"members": members, "sandal": sandal_variant, "belt": belt_variant}


@pytest.fixture
def importer(db):
    """An approved trade account: a Singapore importer."""
    from trade import services

    user = get_user_model().objects.create_user(email=f"importer{next(_serial)}@example.sg", password="x")
    account = services.apply_for_account(
        user=user, company="Lion City Leather Pte Ltd", contact="Mei Tan", country="Singapore", tax_number="201912345K"
    )
    return services.decide_account(account=account, by=shop_staff(), approve=True)


def shop_staff():
    return get_user_model().objects.get(email="staff@guyub.example")


def six_weeks_out() -> datetime.date:
    return timezone.localdate() + datetime.timedelta(weeks=6)


def request_sandals_and_belts(account, coop, **extra):
    """The issue's request: 600 sandals and 200 belts to Singapore, wanted six weeks out."""
    from trade import services

    return services.create_request(
        account=account,
        wanted=six_weeks_out(),
        destination="Singapore",
        lines=[(coop["sandal"].upc, 600), (coop["belt"].upc, 200)],
        **extra,
    )


def pay_by_statement(reference: str, amount, *, user=None) -> list[str]:
    """Staff upload the bank statement showing the transfer (the shop's normal confirmation of transfers)."""
    from catalog.shop.order import statements

    user = user or shop_staff()
    content = f"date,description,amount\n{timezone.localdate():%Y-%m-%d},TRF LION CITY {reference},{amount:.0f}\n"
    result = statements.dry_run(content)
    assert [row.transfer.reference for row in result.matches] == [reference], [r.reason for r in result.rows]
    return statements.apply(content, user=user, expected=result.references)


def make_and_hand_over(work_orders) -> None:
    """Each maker accepts its work order, buys the materials, records the units made and hands them over."""
    from inventory import selectors as inv
    from inventory.models import MaterialMovement
    from inventory.services import material_move
    from pooling import services as pool

    for wo in work_orders:
        pool.work_order_accept(work_order=wo)
        for material, per_unit in inv.bill_for(wo.product).items():
            material_move(
                member=wo.member,
                material=material,
                kind=MaterialMovement.Kind.PURCHASE,
                quantity=per_unit * wo.quantity + 1,
                idempotency_key=f"trade-test-mat-{wo.pk}-{material.pk}",
            )
        pool.work_order_made(work_order=wo)
        pool.work_order_hand_over(work_order=wo)
