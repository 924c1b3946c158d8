"""A state machine of deposits, withdrawals (some refused), loans (individual and a group's, some funded from
sukarela), repayments, group covers, early repayments, defaults (days pass, nobody pays) and the SHU keeps every
passbook equal to its entries in the books, no savings balance below zero and the trial balance at 0; a refused
change writes nothing."""

import datetime
import itertools

import pytest
from django.contrib.auth import get_user_model
from hypothesis import strategies as st
from hypothesis.stateful import initialize, invariant, precondition, rule

from books.models import Posting
from savings import selectors, services
from savings.models import Loan, LoanShare, PassbookLine
from tests.state_machines import DatabaseMachine, run_database_machine

from .conftest import assert_passbooks_match_books, loan_product, member, pay_up

pytestmark = pytest.mark.django_db
CODES = ["m01", "m02", "m03", "m04", "m05"]
_keys = itertools.count()


def k():
    return f"sm:{next(_keys)}"


class SavingsEvents(DatabaseMachine):
    @initialize()
    def setup(self):
        from common.roles import treasurer_group
        from inventory.models import Member

        users = get_user_model().objects
        self.t, self.b2 = users.get(email="board1@guyub.example"), users.get(email="board2@guyub.example")
        self.t.groups.add(treasurer_group())
        Member.objects.filter(code__in=CODES).update(joined=datetime.date(2025, 1, 3))
        services.rule_add(kind="pokok", amount=50_000, effective_from=datetime.date(2020, 1, 1), user=self.t)
        services.rule_add(kind="wajib", amount=10_000, effective_from=datetime.date(2020, 1, 1), user=self.t)
        self.day = datetime.date(2026, 1, 5)
        self.members = [member(c) for c in CODES]
        for m in self.members:
            pay_up(m, self.t, self.day)
        self.product = loan_product(self.t, name="sm", min_amount=1_000, max_amount=200_000, jasa_percent="2")
        self.group_product = loan_product(
            self.t,
            name="sm-group",
            min_amount=1_000,
            max_amount=50_000,
            instalments=3,
            frequency="daily",
            jasa_method="declining",
            for_groups=True,
        )
        self.group = services.group_create(
            code="sm", name="sm", leader=self.members[0], members=self.members[:3], user=self.t
        )

    def _unchanged(self, action):
        before = (Posting.objects.count(), PassbookLine.objects.count())
        with pytest.raises(services.Refusal):
            action()
        assert (Posting.objects.count(), PassbookLine.objects.count()) == before

    @rule(
        i=st.integers(0, 4),
        kind=st.sampled_from(["sukarela", "wajib"]),
        amount=st.integers(1, 300_000),
        channel=st.sampled_from(["cash", "transfer"]),
    )
    def deposit(self, i, kind, amount, channel):
        services.deposit(
            member=self.members[i],
            kind=kind,
            amount=amount,
            channel=channel,
            idempotency_key=k(),
            user=self.t,
            on=self.day,
        )

    @rule(i=st.integers(0, 4), amount=st.integers(1, 400_000))
    def withdraw(self, i, amount):
        m = self.members[i]
        available = services.savings_account(m).sukarela
        action = lambda: services.withdraw(  # noqa: E731
            member=m, amount=amount, channel="cash", idempotency_key=k(), user=self.t, on=self.day
        )
        if amount > available:
            self._unchanged(action)
        else:
            action()

    @rule(i=st.integers(0, 4), amount=st.integers(1_000, 200_000), funder=st.integers(0, 4), funded=st.integers(0, 100))
    def borrow(self, i, amount, funder, funded):
        m = self.members[i]
        if services.eligibility(m, self.day):
            self._unchanged(
                lambda: services.loan_apply(product=self.product, shares=[(m, amount)], user=self.t, on=self.day)
            )
            return
        funds = []
        give = min(services.savings_account(self.members[funder]).sukarela, amount * funded // 100)
        if funder != i and give > 0:
            funds = [(self.members[funder], give)]
        loan = services.loan_apply(product=self.product, shares=[(m, amount)], fundings=funds, user=self.t, on=self.day)
        services.loan_approve(loan=loan, user=self.t)
        services.loan_approve(loan=loan, user=self.b2)
        services.loan_disburse(loan=loan, channel="cash", user=self.t, on=self.day)

    @rule(amounts=st.lists(st.integers(1_000, 50_000), min_size=3, max_size=3))
    def group_borrows(self, amounts):
        members = self.members[:3]
        if any(services.eligibility(m, self.day, self.group) for m in members):
            return
        loan = services.loan_apply(
            product=self.group_product,
            group=self.group,
            shares=list(zip(members, amounts, strict=True)),
            user=self.t,
            on=self.day,
        )
        services.loan_approve(loan=loan, user=self.t)
        services.loan_approve(loan=loan, user=self.b2)
        services.loan_disburse(loan=loan, channel="transfer", user=self.t, on=self.day)

    def _running(self):
        shares = LoanShare.objects.filter(loan__status=Loan.Status.DISBURSED, instalments__paid_on__isnull=True)
        return list(shares.distinct().select_related("loan", "member").order_by("pk"))

    @precondition(lambda self: self._running())
    @rule(data=st.data(), percent=st.integers(1, 120), cover=st.booleans())
    def repay(self, data, percent, cover):
        share = data.draw(st.sampled_from(self._running()))
        owed = selectors.share_view(share, self.day).outstanding
        amount = max(1, owed * percent // 100)
        covered = []
        if cover and share.loan.group_id:
            covered = [m for m in share.loan.group.members.all() if m.pk != share.member_id]
        action = lambda: services.repay(  # noqa: E731
            share=share,
            amount=amount,
            channel="cash",
            idempotency_key=k(),
            user=self.t,
            on=self.day,
            covered_by=covered,
        )
        if amount > owed:
            self._unchanged(action)
        else:
            action()

    @precondition(lambda self: self._running())
    @rule(data=st.data())
    def repay_early(self, data):
        share = data.draw(st.sampled_from(self._running()))
        amount = services.early_amount(share, self.day)
        services.repay(
            share=share, amount=amount, channel="cash", idempotency_key=k(), user=self.t, on=self.day, early=True
        )
        assert selectors.share_view(share, self.day).outstanding == 0

    @rule(days=st.integers(1, 20))
    def days_pass(self, days):
        """Nobody pays: instalments fall into arrears (a default), members fall behind on wajib."""
        self.day += datetime.timedelta(days=days)

    @rule(i=st.integers(0, 4))
    def catch_up(self, i):
        pay_up(self.members[i], self.t, self.day)

    @rule(surplus=st.integers(1, 10**7), by_savings=st.integers(0, 60), by_sales=st.integers(0, 40))
    def shu(self, surplus, by_savings, by_sales):
        """The SHU of the current year (once): prepared by the treasurer, approved by another board member."""
        from savings.models import ShuRun

        if ShuRun.objects.filter(year=self.day.year).exists():
            return
        run = services.shu_prepare(
            year=self.day.year, surplus=surplus, savings_percent=by_savings, sales_percent=by_sales, user=self.t
        )
        services.shu_approve(run=run, user=self.b2)

    @invariant()
    def passbooks_equal_the_books(self):
        if hasattr(self, "members"):
            assert_passbooks_match_books(self.members)


def test_savings_events_keep_passbooks_and_books_equal():
    run_database_machine(SavingsEvents, max_examples=10, steps=15)
