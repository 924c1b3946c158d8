"""Loans in kind (paket usaha): the package's value is the principal, the materials move through the material
ledger in the disbursement's transaction (keyed by the loan: a second disbursement moves nothing), a member's own
materials are bought (its account credited), and a shortage refuses the whole disbursement with nothing changed."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from books import ledger, selectors as books_selectors
from books.models import Posting
from inventory.models import MaterialMovement
from savings import services
from savings.models import Instalment, Loan, PassbookLine

from .conftest import (
    PACKAGE,
    assert_passbooks_match_books,
    loan_product,
    material_balances,
    member,
    package,
    pay_up,
    stock_up,
)

pytestmark = pytest.mark.django_db
DAY0 = datetime.date(2026, 3, 2)


@pytest.fixture
def in_kind_product(coop):
    return loan_product(coop, name="Paket usaha", instalments=6, in_kind=True)


def _approved(loan, coop, board_user_2):
    services.loan_approve(loan=loan, user=coop)
    services.loan_approve(loan=loan, user=board_user_2)
    return loan


def test_materials_from_a_members_own_stock_are_bought_from_it(in_kind_product, coop, board_user_2):
    borrower, seller = member("m02"), member("m08")
    pay_up(borrower, coop, DAY0)
    stock_up(seller, times=1)
    loan = services.loan_apply(
        product=in_kind_product, shares=[(borrower, None)], package=package(), stock_from=seller, user=coop, on=DAY0
    )
    assert loan.principal == 25_000 and not loan.coop_stock  # no amount given: the package's value
    before = material_balances([borrower, seller])
    seller_before = books_selectors.balances().get(ledger.member_account("m08"), 0)
    _approved(loan, coop, board_user_2)

    services.loan_disburse(loan=loan, user=coop, on=DAY0)
    services.loan_disburse(loan=loan, user=coop, on=DAY0)  # a second click: nothing more moves

    after = material_balances([borrower, seller])
    for code, quantity in (("kulit-sapi-b", 4), ("sol-karet", 2), ("benang", 30)):
        assert after["m02", code] - before["m02", code] == quantity
        assert before["m08", code] - after["m08", code] == quantity
    assert MaterialMovement.objects.filter(source=f"loan:{loan.reference}").count() == 3 * 2
    balances = books_selectors.balances()
    assert balances[ledger.member_account("m08")] - seller_before == 25_000  # the cooperative owes the seller
    assert balances.get(services.MATERIALS, 0) == 0
    assert balances[services.loan_code(loan, borrower)] == -25_000
    [line] = PassbookLine.objects.filter(member=borrower, kind="loan")
    assert line.amount == 25_000 and line.channel == services.IN_KIND
    assert Instalment.objects.filter(share__loan=loan).count() == 6
    assert_passbooks_match_books([borrower, seller])


@pytest.fixture
def two_borrowers(coop, board_user_2):
    """An approved group loan in kind to m02 and m03, from the cooperative's materials kept by m08."""
    a, b, store = member("m02"), member("m03"), member("m08")
    for m in (a, b):
        pay_up(m, coop, DAY0)
    group = services.group_create(code="kenanga", name="Kenanga", leader=a, members=[a, b], user=coop)
    product = loan_product(coop, name="Paket kelompok", for_groups=True, in_kind=True)
    loan = services.loan_apply(
        product=product,
        group=group,
        shares=[(a, 25_000), (b, 25_000)],
        package=package(),
        stock_from=store,
        coop_stock=True,
        user=coop,
        on=DAY0,
    )
    return _approved(loan, coop, board_user_2), [a, b, store]


def _assert_nothing_changed(loan, members, before, postings):
    assert Loan.objects.get(pk=loan.pk).status == Loan.Status.APPROVED
    assert Posting.objects.count() == postings
    assert not MaterialMovement.objects.filter(source=f"loan:{loan.reference}").exists()
    assert material_balances(members) == before
    assert not Instalment.objects.filter(share__loan=loan).exists()
    assert not PassbookLine.objects.filter(loan=loan).exists()


def test_not_enough_material_refuses_the_disbursement_and_changes_nothing(two_borrowers, coop):
    loan, members = two_borrowers
    before = material_balances(members)
    if before["m08", "kulit-sapi-b"] >= 8:  # the seeded store happens to hold enough: ask for all it has, twice
        loan.package.filter(material__code="kulit-sapi-b").update(quantity=before["m08", "kulit-sapi-b"])
    postings = Posting.objects.count()

    with pytest.raises(services.Refusal) as refused:
        services.loan_disburse(loan=loan, user=coop, on=DAY0)

    assert refused.value.field == "package"
    assert "m08" in refused.value.messages[0] and "Not enough" in refused.value.messages[0]
    _assert_nothing_changed(loan, members, before, postings)


def test_a_shortage_met_midway_undoes_the_packages_already_given(two_borrowers, coop, monkeypatch):
    """The store holds one package for two borrowers and the up-front check is skipped (as when another request
    takes the material in between): the second transfer refuses, and the first borrower's is undone with it."""
    from savings.services import in_kind

    loan, members = two_borrowers
    store = members[2]
    have = material_balances([store])
    stock_up(store, times=1)
    for code, quantity, _price in PACKAGE:  # one borrower's package takes all the store has
        loan.package.filter(material__code=code).update(quantity=have["m08", code] + Decimal(quantity))
    monkeypatch.setattr(in_kind, "_check_stock", lambda *args: None)
    before, postings = material_balances(members), Posting.objects.count()

    with pytest.raises(services.Refusal) as refused:
        services.loan_disburse(loan=loan, user=coop, on=DAY0)

    assert refused.value.field == "package"
    _assert_nothing_changed(loan, members, before, postings)


def test_the_application_checks_the_package(in_kind_product, coop):
    borrower, store = member("m02"), member("m08")
    pay_up(borrower, coop, DAY0)
    money = loan_product(coop, name="Uang", min_amount=1_000, instalments=2)

    def refused(**kwargs):
        args = {
            "product": in_kind_product,
            "shares": [(borrower, None)],
            "package": package(),
            "stock_from": store,
            "user": coop,
            "on": DAY0,
        }
        with pytest.raises(services.Refusal) as error:
            services.loan_apply(**{**args, **kwargs})
        return error.value

    assert refused(product=money, shares=[(borrower, 25_000)]).field == "package"  # money has no package
    assert refused(package=[]).field == "package"
    assert refused(stock_from=None).field == "stock_from"
    assert refused(stock_from=borrower).field == "stock_from"
    assert "25.000" in refused(shares=[(borrower, 20_000)]).messages[0]  # in kind: the package's value
    half_pair = refused(package=package((("sol-karet", "1.5", 3_000),)))
    soles = package((("sol-karet", "1", 1),))[0][0]
    assert half_pair.field == "package" and half_pair.messages[0].startswith(soles.display_name)
    assert refused(package=package((("benang", "30", 0),))).field == "package"
    twice = package((("benang", "30", 100), ("benang", "10", 100)))
    assert refused(package=twice).field == "package"
    assert not Loan.objects.exists()


def test_the_board_applies_in_kind_and_the_treasurer_disburses_through_the_pages(
    client_as, in_kind_product, coop, board_user_2
):
    borrower, store = member("m02"), member("m08")
    pay_up(borrower, coop, timezone.localdate())  # the pages apply and disburse today
    stock_up(store, times=1)
    client = client_as("board")
    response = client.post(
        reverse("savings:loans"),
        {
            "product": in_kind_product.pk,
            "shares": "m02",
            "package": "kulit-sapi-b=4@4.000; sol-karet=2@3000; benang=30@100",
            "stock_from": store.pk,
            "coop_stock": "1",
            "purpose": "paket usaha",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    loan = Loan.objects.get()
    assert loan.principal == 25_000 and loan.coop_stock and loan.stock_from == store
    assert [(p.material.code, p.value) for p in loan.package.order_by("id")] == [
        ("kulit-sapi-b", 16_000),
        ("sol-karet", 6_000),
        ("benang", 3_000),
    ]
    bad = client.post(
        reverse("savings:loans"), {"product": in_kind_product.pk, "shares": "m02", "package": "kulit-sapi-b=4"}
    )
    assert bad.status_code == 400 and b"material code = quantity @ price per unit" in bad.content
    services.loan_approve(loan=loan, user=board_user_2)
    page = client.get(reverse("savings:loan", args=[loan.reference]))
    assert b'data-package="' in page.content and b"kept by m08" in page.content
    services.loan_approve(loan=loan, user=coop)
    assert client.post(reverse("savings:loan", args=[loan.reference]), {"disburse": "1"}).status_code == 302
    loan.refresh_from_db()
    assert loan.status == Loan.Status.DISBURSED
    assert books_selectors.balances()[services.MATERIALS] == 25_000
