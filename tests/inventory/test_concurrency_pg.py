"""Concurrent changes to one stockrecord and one material balance on PostgreSQL: no update is lost, no
balance goes negative, opposite transfers do not deadlock, one key applies once.

Threads each use their own connection (closed at the end). The tests are transactional, so Django
flushes the database after each; the module's last step puts back the migrations' rows and the seeded
cooperative so the tests that run after these still find them (tests/pg_helpers.py).
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from inventory import selectors, services
from inventory.models import Material, Member
from inventory.services import InventoryError
from tests import pg_helpers
from tests.pg_helpers import restore_seed_after_module  # noqa: F401 — puts the seed back (module fixture)

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
THREADS = 12


def run_together(count: int, work) -> list:
    """Start ``count`` threads at once on ``work(i)``; "ok", "refused" or the exception, per thread."""

    def attempt(i):
        try:
            work(i)
        except InventoryError:
            return "refused"
        return "ok"

    results = pg_helpers.run_together(count, attempt)
    assert all(r in ("ok", "refused") for r in results), results
    return results


@pytest.fixture
def record():
    """Two members of their own, a variant with a bill and m01's stockrecord of it. Made here rather than
    taken from the seed: the tests before this one in the module flushed the database."""
    from django.contrib.auth import get_user_model
    from oscar.core.loading import get_model

    from inventory.models import BillLine

    ProductClass, Product = get_model("catalogue", "ProductClass"), get_model("catalogue", "Product")
    Partner = get_model("partner", "Partner")
    pc = ProductClass.objects.create(name="Sandal", slug="pg-sandal", track_stock=True)
    parent = Product.objects.create(structure=Product.PARENT, product_class=pc, title="Sandal PG", upc="PG-1")
    product = Product.objects.create(structure=Product.CHILD, parent=parent, title="Sandal PG 40", upc="PG-1-1")
    glue = Material.objects.create(code="pg-lem", name="Lem kuning", unit="l")
    BillLine.objects.create(product_class=pc, material=glue, quantity=Decimal("0.05"))
    members = []
    for code in ("pg-a", "pg-b"):
        owner = get_user_model().objects.create(email=f"pg-{code}@guyub.example")
        member = Member.objects.create(
            partner=Partner.objects.create(code=code, name=f"Kulit {code}"),
            code=code,
            owner=owner,
            workers=3,
            address="Jl. Test",
            latitude=Decimal("-7.81"),
            longitude=Decimal("110.37"),
            weekly_capacity=10,
        )
        member.skills.add(pc)
        members.append(member)
    return members[0], services.stockrecord_for(member=members[0], product=product)


def level(record):
    record.refresh_from_db()
    return record.num_in_stock or 0


def test_concurrent_stock_adjustments_lose_no_update(record):
    _, rec = record
    services.stock_move(stockrecord=rec, kind="produced", quantity=10, idempotency_key="start")
    start = level(rec)
    results = run_together(
        THREADS,
        lambda i: services.stock_move(
            stockrecord=rec, kind="adjusted", quantity=3 if i % 3 else -1, reason="count", idempotency_key=f"adj-{i}"
        ),
    )
    assert results.count("ok") == THREADS
    expected = start + sum(3 if i % 3 else -1 for i in range(THREADS))
    assert level(rec) == expected
    assert selectors.stock_discrepancies() == []


def test_concurrent_takers_of_the_last_units_never_go_negative(record):
    _, rec = record
    services.stock_move(stockrecord=rec, kind="produced", quantity=5, idempotency_key="to-5")
    results = run_together(
        THREADS,
        lambda i: services.stock_move(stockrecord=rec, kind="allocated", quantity=1, idempotency_key=f"sell-{i}"),
    )
    assert results.count("ok") == 5 and results.count("refused") == THREADS - 5
    rec.refresh_from_db()
    assert (rec.num_in_stock, rec.num_allocated) == (5, 5)
    assert selectors.stock_discrepancies() == []


def test_concurrent_material_changes_lose_nothing_and_never_go_negative(record):
    member, _ = record
    glue = Material.objects.get(code="pg-lem")
    services.material_move(member=member, material=glue, kind="purchase", quantity="10.00", idempotency_key="glue-in")
    start = selectors.material_balance(member, glue)
    results = run_together(
        THREADS,
        lambda i: services.material_move(
            member=member,
            material=glue,
            kind="purchase" if i % 2 else "consumed",
            quantity="1.25" if i % 2 else "0.50",
            idempotency_key=f"glue-{i}",
        ),
    )
    assert results.count("ok") == THREADS
    assert selectors.material_balance(member, glue) == start + Decimal("1.25") * 6 - Decimal("0.50") * 6
    # Now more takers than material: exactly as many succeed as the balance covers.
    balance = selectors.material_balance(member, glue)
    per_taker = (balance / 4).quantize(Decimal("0.01"))
    results = run_together(
        THREADS,
        lambda i: services.material_move(
            member=member,
            material=glue,
            kind="adjusted",
            quantity=-per_taker,
            reason="race",
            idempotency_key=f"take-{i}",
        ),
    )
    assert results.count("ok") == int(balance // per_taker)
    assert selectors.material_balance(member, glue) >= 0
    assert selectors.material_discrepancies() == []


def test_opposite_transfers_do_not_deadlock_and_conserve_stock(record):
    member_a, rec_a = record
    member_b = Member.objects.get(code="pg-b")
    rec_b = services.stockrecord_for(member=member_b, product=rec_a.product)
    services.stock_move(stockrecord=rec_a, kind="produced", quantity=20, idempotency_key="fill-a")
    services.stock_move(stockrecord=rec_b, kind="produced", quantity=20, idempotency_key="fill-b")
    total = level(rec_a) + level(rec_b)

    def transfer(i):
        source, target = (rec_a, member_b) if i % 2 else (rec_b, member_a)
        services.stock_transfer(stockrecord=source, to_member=target, quantity=1, idempotency_key=f"tr-{i}")

    assert run_together(THREADS, transfer).count("ok") == THREADS
    assert level(rec_a) + level(rec_b) == total
    assert selectors.stock_discrepancies() == []


def test_one_key_sent_by_many_threads_applies_once(record):
    _, rec = record
    start = level(rec)
    results = run_together(
        THREADS, lambda i: services.stock_move(stockrecord=rec, kind="produced", quantity=1, idempotency_key="same-key")
    )
    assert results.count("ok") == THREADS  # every retry answers with the first result
    assert level(rec) == start + 1


def test_made_to_order_lines_share_the_last_units_and_never_oversell(record):
    """Buyers who accepted "made to order" race for 5 free units: each holds what is left (the conditional
    update refuses, the hold shrinks and retries), all are placed, and exactly the 5 units are held."""
    from django.db import transaction
    from oscar.core.loading import get_model

    from catalog.shop.order.allocation import allocate_basket_lines
    from tests.factories import make_order

    _, rec = record
    services.stock_move(stockrecord=rec, kind="produced", quantity=5, idempotency_key="mto-5")
    orders = [make_order([(rec, 2, 2)]) for _ in range(THREADS)]
    Line = get_model("order", "Line")
    Line.objects.filter(order__in=orders).update(promised_to_make=2)

    def place(i):
        with transaction.atomic():
            line = Line.objects.select_related("stockrecord", "product").get(order=orders[i])
            allocate_basket_lines(lines=[line], order=orders[i])

    assert run_together(THREADS, place).count("ok") == THREADS
    rec.refresh_from_db()
    assert (rec.num_in_stock, rec.num_allocated) == (5, 5)
    assert sum(Line.objects.filter(order__in=orders).values_list("num_allocated", flat=True)) == 5
    assert selectors.stock_discrepancies() == []
