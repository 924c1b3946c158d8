"""Simpan-pinjam fixtures: board1 is the treasurer (bendahara), the board's amounts are set, members joined long
enough ago to borrow, and helpers that pay a member's pokok and wajib and check passbook against books."""

from __future__ import annotations

import datetime
import itertools

import pytest
from django.contrib.auth import get_user_model

_keys = itertools.count(1)
POKOK, WAJIB = 50_000, 10_000
JOINED = datetime.date(2025, 1, 3)


@pytest.fixture(autouse=True)
def _english(english_messages):
    """These tests match the English wording of refusals."""


def key(prefix="t"):
    return f"{prefix}:{next(_keys)}"


def member(code):
    from inventory.models import Member

    return Member.objects.select_related("partner").get(code=code)


@pytest.fixture
def treasurer(db):
    from common.roles import treasurer_group

    user = get_user_model().objects.get(email="board1@guyub.example")
    user.groups.add(treasurer_group())
    return user


@pytest.fixture
def coop(db, treasurer):
    """The board's amounts in force since 2020, every member joined on JOINED."""
    from inventory.models import Member
    from savings import services

    Member.objects.update(joined=JOINED)
    services.rule_add(kind="pokok", amount=POKOK, effective_from=datetime.date(2020, 1, 1), user=treasurer)
    services.rule_add(kind="wajib", amount=WAJIB, effective_from=datetime.date(2020, 1, 1), user=treasurer)
    return treasurer


def loan_product(user, **rules):
    """A loan product the board added: weekly, 1% flat jasa, Rp 10.000–100.000 in four instalments, unless
    ``rules`` says otherwise (name, amounts, instalments, frequency, jasa, for_groups, in_kind)."""
    from savings import services

    defaults = dict(
        name="Mingguan",
        min_amount=10_000,
        max_amount=100_000,
        instalments=4,
        frequency="weekly",
        jasa_percent="1",
        jasa_method="flat",
    )
    return services.product_add(**{**defaults, **rules}, user=user)


def pay_up(m, user, on):
    """Pay the member's pokok and the wajib due by ``on`` in cash."""
    from savings import services

    account = services.savings_account(m)
    pokok = services.pokok_required(m) - account.pokok
    wajib = services.wajib_required(m, on) - account.wajib
    if pokok > 0:
        services.deposit(member=m, kind="pokok", amount=pokok, channel="cash", idempotency_key=key(), user=user, on=on)
    if wajib > 0:
        services.deposit(member=m, kind="wajib", amount=wajib, channel="cash", idempotency_key=key(), user=user, on=on)


def assert_passbooks_match_books(members):
    """Every passbook (savings row, last line of each kind, each loan) equals the books' accounts."""
    from books import selectors as books_selectors
    from savings import selectors
    from savings.models import PassbookLine

    assert books_selectors.trial_balance()["total"] == 0
    for m in members:
        book, books = selectors.passbook(m), selectors.ledger_savings(m)
        for kind in ("pokok", "wajib", "sukarela", "lent"):
            assert getattr(book, kind) == books[kind] >= 0, (m.code, kind)
            last = PassbookLine.objects.filter(member=m, kind=kind).order_by("id").last()
            assert (last.balance if last else 0) == books[kind], (m.code, kind)
            assert sum(PassbookLine.objects.filter(member=m, kind=kind).values_list("amount", flat=True)) == books[kind]
        for view in book.loans:
            assert view.principal_left == books["loans"].get(view.reference, 0), (m.code, view.reference)
            lines = PassbookLine.objects.filter(member=m, kind="loan", loan__reference=view.reference)
            assert sum(lines.values_list("amount", flat=True)) == view.principal_left


PACKAGE = (("kulit-sapi-b", "4", 4_000), ("sol-karet", "2", 3_000), ("benang", "30", 100))  # Rp 25.000 a borrower


def package(lines=PACKAGE):
    """A paket usaha as loan_apply takes it: (material, quantity, price per unit)."""
    from inventory.models import Material

    return [(Material.objects.get(code=code), quantity, price) for code, quantity, price in lines]


def stock_up(m, lines=PACKAGE, times=5):
    """``m`` buys ``times`` packages' worth of the materials (whatever it held before stays)."""
    from decimal import Decimal

    from inventory import services as inventory
    from inventory.models import Material

    for code, quantity, _price in lines:
        inventory.material_move(
            member=m,
            material=Material.objects.get(code=code),
            kind="purchase",
            quantity=Decimal(quantity) * times,
            idempotency_key=key("stock"),
        )


def material_balances(members, codes=tuple(code for code, _q, _p in PACKAGE)):
    """(member code, material code) → quantity held now (0 when none)."""
    from decimal import Decimal

    from inventory.models import MaterialBalance

    rows = MaterialBalance.objects.filter(member__in=members, material__code__in=codes)
    found = {
        (r.member.code, r.material.code): Decimal(str(r.quantity)) for r in rows.select_related("member", "material")
    }
    return {(m.code, c): found.get((m.code, c), Decimal(0)) for m in members for c in codes}
