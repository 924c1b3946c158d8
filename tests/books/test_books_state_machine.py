"""A state machine of the events that move money (orders shipped, refunds, stock taken, pool work, loan
settlements, dues, payouts, replays): the trial balance stays 0, every posting balances, each member's balance
is the sum of its statement entries, and replaying any event posts nothing."""

import datetime
import itertools
from decimal import Decimal

import pytest
from django.utils import timezone
from hypothesis import strategies as st
from hypothesis.stateful import initialize, invariant, precondition, rule

from books import ledger, selectors, services
from books.models import BankAccount, FeeRate, Leg, Posting
from tests.state_machines import DatabaseMachine, run_database_machine

from .conftest import member, paid_order, refund

pytestmark = pytest.mark.django_db
CODES = ["m01", "m02", "m03", "m04"]  # members; the goods come from the records of stocked members
_keys = itertools.count()


class MoneyEvents(DatabaseMachine):
    def __init__(self):
        super().__init__()
        self.orders, self.shipped, self.replays = [], [], []

    @initialize()
    def setup(self):
        from django.contrib.auth import get_user_model

        users = get_user_model().objects
        self.board1, self.board2 = users.get(email="board1@guyub.example"), users.get(email="board2@guyub.example")
        FeeRate.objects.create(percent=Decimal("7.50"), effective_from=datetime.date(2000, 1, 1))
        from oscar.core.loading import get_model

        self.records = list(
            get_model("partner", "StockRecord")
            .objects.filter(partner__member__code__in=CODES)
            .select_related("product", "partner")
            .order_by("pk")[:6]
        )
        for code in CODES:
            BankAccount.objects.create(
                member=member(code), bank="BRI", number="0012345678", holder=code, status=BankAccount.Status.CONFIRMED
            )

    @rule(
        lines=st.lists(st.tuples(st.integers(0, 5), st.integers(1, 4), st.integers(1, 400)), min_size=1, max_size=3),
        shipping=st.integers(0, 3),
    )
    def place(self, lines, shipping):
        order = paid_order(
            [(self.records[i % len(self.records)], q, p * 1000) for i, q, p in lines], shipping=shipping * 10000
        )
        self.orders.append(order)

    @precondition(lambda self: self.orders)
    @rule(data=st.data())
    def ship(self, data):
        from catalog.shop.order import services as order_services

        order = data.draw(st.sampled_from(self.orders))
        order_services.mark_shipped(order=order)
        self.shipped.append(order)
        self.replays.append(lambda: services.post_order_shipped(order=order))

    @precondition(lambda self: self.orders)
    @rule(data=st.data(), percent=st.integers(1, 100), by_line=st.booleans())
    def refund_some(self, data, percent, by_line):
        order = data.draw(st.sampled_from(self.orders))
        if by_line:
            line = order.lines.order_by("pk").first()
            event = refund(order, line.unit_price_incl_tax, lines=[line], quantities=[1])
        else:
            event = refund(order, (order.total_incl_tax * percent / 100).quantize(Decimal(1)))
        self.replays.append(lambda: services.post_refund(order=order, event=event))

    @precondition(lambda self: self.orders)
    @rule(data=st.data(), giver=st.sampled_from(CODES), units=st.integers(1, 3))
    def take_stock(self, data, giver, units):
        order = data.draw(st.sampled_from(self.orders))
        line = order.lines.order_by("pk").first()
        taker = line.stockrecord.partner.member
        if taker.code == giver:
            return
        args = {"line": line, "giver": member(giver), "taker": taker, "units": units}
        services.post_stock_taken(**args)
        self.replays.append(lambda: services.post_stock_taken(**args))

    @rule(maker=st.sampled_from(CODES), owner=st.sampled_from(CODES), units=st.integers(1, 5))
    def pool_work(self, maker, owner, units):
        from tests.books.test_postings import _work

        wo = _work("overflow", member(maker), member(owner), product=self.records[0].product, units=units)
        services.post_work_handed_over(work_order=wo)
        self.replays.append(lambda: services.post_work_handed_over(work_order=wo))

    @rule(lender=st.sampled_from(CODES), borrower=st.sampled_from(CODES), amount=st.integers(1, 10**6))
    def settle_loan(self, lender, borrower, amount):
        if lender == borrower:
            return

        class Loan:
            pk, material = 10**6 + next(_keys), "kulit"

        Loan.lender, Loan.borrower = member(lender), member(borrower)
        services.post_loan_settlement(loan=Loan, amount=amount)
        self.replays.append(lambda: services.post_loan_settlement(loan=Loan, amount=amount))

    @rule()
    def dues(self):
        services.charge_monthly_dues()
        self.replays.append(lambda: services.charge_monthly_dues())

    @rule()
    def payout(self):
        try:
            run = services.payout_run_create(user=self.board1)
        except services.Refusal:
            return
        services.payout_run_approve(run=run, user=self.board2)
        services.payout_run_export(run=run, user=self.board1)
        services.payout_run_mark_paid(run=run, bank_reference="BRI-1", user=self.board1)
        self.replays.append(lambda: services.payout_run_mark_paid(run=run, bank_reference="BRI-1", user=self.board1))

    @precondition(lambda self: self.replays)
    @rule(data=st.data())
    def replay(self, data):
        again = data.draw(st.sampled_from(self.replays))
        before = (Posting.objects.count(), selectors.balances())
        again()
        assert (Posting.objects.count(), selectors.balances()) == before

    @invariant()
    def books_balance(self):
        assert selectors.trial_balance()["total"] == 0
        sums = {}
        for posting_id, amount in Leg.objects.values_list("posting_id", "amount"):
            sums[posting_id] = sums.get(posting_id, 0) + amount
        assert all(total == 0 for total in sums.values())

    @invariant()
    def members_balance_is_the_sum_of_their_entries(self):
        balances = selectors.balances()
        month = ledger.month_start(timezone.localdate())
        for code in CODES:
            statement = selectors.statement(member(code), month)
            assert statement.closing == balances.get(ledger.member_account(code), 0)


def test_money_events_keep_the_books_balanced():
    run_database_machine(MoneyEvents, max_examples=12, steps=12)
