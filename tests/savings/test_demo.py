"""The demo's simpan-pinjam: a year of savings, kelompok Mawar's loan repaid, kelompok Melati's in arrears (both
given in kind), the books balanced, quickly, and a second run adds nothing."""

import time

import pytest

from books import selectors as books_selectors
from savings import selectors
from savings.demo import seed_savings
from savings.models import Loan, PassbookLine

from .conftest import assert_passbooks_match_books

pytestmark = pytest.mark.django_db


def test_the_demo_seeds_savings_and_two_group_loans(english_messages):
    started = time.monotonic()
    created = seed_savings()
    assert time.monotonic() - started < 20
    assert created["loans"] == 2
    assert Loan.objects.get(group__code="mawar").status == Loan.Status.REPAID
    melati = Loan.objects.get(group__code="melati")
    assert melati.status == Loan.Status.DISBURSED
    # both given in kind: each borrower received its paket usaha of the cooperative's materials
    from inventory.models import MaterialMovement

    assert melati.product.in_kind and melati.coop_stock
    received = MaterialMovement.objects.filter(source=f"loan:{melati.reference}", kind="transfer_in")
    assert received.count() == 3 * melati.shares.count()
    late = [v for a in selectors.arrears() for v in a.loans]
    assert {v.reference for v in late} == {melati.reference}
    assert PassbookLine.objects.filter(member__code="m01", kind="wajib").count() >= 12
    assert books_selectors.trial_balance()["total"] == 0
    from inventory.models import Member

    assert_passbooks_match_books(list(Member.objects.all()))
    before = PassbookLine.objects.count()
    assert seed_savings() == {"savings postings": 0, "loans": 0}
    assert PassbookLine.objects.count() == before
