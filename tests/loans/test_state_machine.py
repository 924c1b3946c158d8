"""Property tests: random request / accept (whole or part) / hand over / receive / recall / partial return /
settle / cancel / decline among many members, with wrong parties and bad quantities mixed in.

The machine runs against the plain-Python LoanBook alone (many examples) and against the database
services with the LoanBook alongside (fewer examples): both must accept and refuse the same actions, and
end with the same balances and loans. Invariants: material is conserved, every transaction balances, no
balance goes negative, an open loan's outstanding equals handed over − returned − settled.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, settings, strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule, run_state_machine_as_test

from pooling.loans import rules

D = Decimal
MEMBERS = ["m01", "m02", "m03", "m04", "m05", "m06"]
OPENING = {"m01": D(0), "m02": D(40), "m03": D("25.50"), "m04": D(10), "m05": D(60), "m06": D(3)}
TODAY = datetime.date(2030, 1, 7)  # the rules model's clock; the database uses its real today
PRICE = D(30000)
NO_MIRROR = object()

members = st.sampled_from(MEMBERS)
quantities = st.one_of(
    st.integers(1, 30).map(D), st.decimals("0.25", "20", places=2), st.sampled_from([D("0.001"), D(0), D(-1), D(1000)])
)
maybe_part = st.one_of(st.none(), quantities)


class LoanMachine(RuleBasedStateMachine):
    """Drives the LoanBook; subclasses mirror each action on another implementation (``mirror``)."""

    def __init__(self):
        super().__init__()
        self.book = rules.LoanBook(
            balances={(m, "hide"): q for m, q in OPENING.items()},
            prices={"hide": PRICE},
            places={"hide": 2},
            max_active=3,
        )
        self.total = sum(OPENING.values())

    def mirror(self, action: str, loan_id, member, quantity=None):
        """Apply the same action elsewhere; return the exception it raised (None when it succeeded)."""
        return NO_MIRROR

    def run(self, action, model_call, loan_id, member, quantity=None):
        try:
            result = model_call()
            model_error = None
        except rules.LoanRuleError as error:
            result, model_error = None, error
        other_error = self.mirror(action, loan_id if loan_id is not None else result, member, quantity)
        if other_error is NO_MIRROR:
            return result
        assert (model_error is None) == (other_error is None), (action, model_error, other_error)
        return result

    # --- actions -----------------------------------------------------------------------------------

    @rule(borrower=members, lender=members, quantity=quantities)
    def request(self, borrower, lender, quantity):
        self.run(
            "request",
            lambda: self.book.request(borrower, lender, "hide", quantity, today=TODAY, needed_by=TODAY),
            None,
            borrower,
            (lender, quantity),
        )

    def _pick(self, data, action):
        """A loan and who acts on it: mostly one the action is offered to now, sometimes any loan and the
        lender, the borrower or a stranger (who must be refused). Drawn only at random, the steps rarely line
        up and returns and settlements would hardly ever run."""
        fitting = [
            (i, who)
            for i, loan in self.book.loans.items()
            for who in (loan.lender, loan.borrower)
            if action
            in rules.offered_actions(
                loan.state,
                loan.role_of(who),
                handed_over=loan.handed_over_confirmed,
                received=loan.received_confirmed,
                proposed_by=loan.settlement_proposed_by,
                paid=False,
            )
        ]
        if fitting and data.draw(st.integers(0, 9), label="aim"):
            return data.draw(st.sampled_from(fitting), label="offered")
        loan_id = data.draw(st.sampled_from(list(self.book.loans)), label="loan")
        loan = self.book.loans[loan_id]
        return loan_id, data.draw(st.sampled_from([loan.lender, loan.borrower, "m06"]), label="who")

    @precondition(lambda self: self.book.loans)
    @rule(data=st.data(), quantity=maybe_part)
    def accept(self, data, quantity):
        loan_id, who = self._pick(data, "accept")
        self.run("accept", lambda: self.book.accept(loan_id, who, quantity), loan_id, who, quantity)

    @precondition(lambda self: self.book.loans)
    @rule(data=st.data(), action=st.sampled_from(["decline", "cancel", "recall"]))
    def simple(self, data, action):
        loan_id, who = self._pick(data, action)
        call = {"decline": self.book.decline, "cancel": self.book.cancel, "recall": self.book.recall}[action]
        self.run(action, lambda: call(loan_id, who), loan_id, who)

    @precondition(lambda self: self.book.loans)
    @rule(data=st.data(), action=st.sampled_from(["hand_over", "receive"]))
    def confirm(self, data, action):
        loan_id, who = self._pick(data, action)
        self.run(action, lambda: self.book.confirm(loan_id, who, action), loan_id, who)

    @precondition(lambda self: self.book.loans)
    @rule(data=st.data(), quantity=quantities)
    def give_back(self, data, quantity):
        loan_id, who = self._pick(data, "return")
        loan = self.book.loans[loan_id]
        if loan.outstanding > 0 and data.draw(st.booleans(), label="exact rest"):
            quantity = loan.outstanding
        self.run("return", lambda: self.book.return_(loan_id, who, quantity), loan_id, who, quantity)

    @precondition(lambda self: self.book.loans)
    @rule(data=st.data(), action=st.sampled_from(["propose_settlement", "agree_settlement"]))
    def settle(self, data, action):
        loan_id, who = self._pick(data, action)
        self.run(action, lambda: self.book.settle(loan_id, who, action), loan_id, who)

    # --- invariants --------------------------------------------------------------------------------

    @invariant()
    def material_is_conserved(self):
        assert self.book.total("hide") == self.total
        assert all(q >= 0 for q in self.book.balances.values())
        assert all(sum(delta for _, delta in tx) == 0 for tx in self.book.transactions)

    @invariant()
    def outstanding_is_never_negative_and_follows_the_state(self):
        for loan in self.book.loans.values():
            assert loan.outstanding >= 0
            if loan.state in rules.OUTSTANDING:
                assert loan.outstanding > 0 and loan.handed == loan.quantity
            if loan.state in (rules.REQUESTED, rules.ACCEPTED, rules.DECLINED, rules.CANCELLED):
                assert loan.handed == 0

    @invariant()
    def loans_explain_every_balance(self):
        """A member holds its opening balance plus what it borrowed minus what it lent, net of returns
        (material settled in money stays with the borrower)."""
        for code in MEMBERS:
            moved = sum(
                (
                    (l.handed - l.returned) * ((l.borrower == code) - (l.lender == code))
                    for l in self.book.loans.values()
                ),
                D(0),
            )
            assert self.book.balances[(code, "hide")] == OPENING[code] + moved, code


def test_rules_model():
    run_state_machine_as_test(LoanMachine, settings=settings(max_examples=300, stateful_step_count=40, deadline=None))


class DatabaseLoanMachine(LoanMachine):
    """The same actions through the services, inside a savepoint rolled back after each example."""

    def __init__(self):
        from django.db import transaction

        from inventory.models import Material, Member
        from inventory.services import material_move
        from pooling.loans.models import MaterialPrice

        super().__init__()
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        self.members = {m.code: m for m in Member.objects.filter(code__in=MEMBERS).select_related("partner")}
        self.material = Material.objects.create(code="sm-hide", name="Kulit uji", grade="A", unit="sqft")
        MaterialPrice.objects.create(material=self.material, price=PRICE)
        for code, qty in OPENING.items():
            if qty:
                material_move(
                    member=self.members[code],
                    material=self.material,
                    kind="opening",
                    quantity=qty,
                    idempotency_key=f"sm-open-{code}",
                )
        self.loans = []
        self.keys = 0
        self.last = None

    def teardown(self):
        from django.db import transaction

        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    def key(self):
        self.keys += 1
        return f"sm-{self.keys}"

    def mirror(self, action, loan_id, member, quantity=None):
        from django.utils import timezone

        from pooling.loans import services

        try:
            if action == "request":
                lender, quantity = quantity
                loan = services.loan_request(
                    borrower=self.members[member],
                    lender=self.members[lender],
                    material=self.material,
                    quantity=quantity,
                    needed_by=timezone.localdate(),
                    idempotency_key=self.key(),
                )
                self.loans.append(loan)
                return None
            kwargs = {"quantity": quantity} if action in ("accept", "return") else {}
            call = services.ACTIONS[action]
            key = self.key()
            call(loan=self.loans[loan_id - 1], member=self.members[member], idempotency_key=key, **kwargs)
            self.last = (
                call,
                dict(loan=self.loans[loan_id - 1], member=self.members[member], idempotency_key=key, **kwargs),
            )
        except services.LoanError as error:
            return error
        return None

    @precondition(lambda self: self.last is not None)
    @rule()
    def double_submit(self):
        """The last successful action submitted again with its token changes nothing."""
        before = self.db_state()
        call, kwargs = self.last
        call(**kwargs)
        assert self.db_state() == before

    def db_state(self):
        from inventory.models import MaterialBalance
        from pooling.loans.models import MaterialLoan

        balances = dict(MaterialBalance.objects.filter(material=self.material).values_list("member__code", "quantity"))
        loans = list(
            MaterialLoan.objects.filter(material=self.material)
            .order_by("pk")
            .values_list("state", "handed_over", "returned", "settled", "settlement_amount")
        )
        return balances, loans

    @invariant()
    def database_matches_the_model(self):
        balances, loans = self.db_state()
        for code in MEMBERS:
            assert D(balances.get(code, 0)) == self.book.balances[(code, "hide")], code
        model = [(l.state, l.handed, l.returned, l.settled, l.amount) for l in self.book.loans.values()]
        assert [(s, D(h), D(r), D(t), D(a)) for s, h, r, t, a in loans] == model

    def check_ledger(self):
        from django.db.models import Sum

        from inventory.models import MaterialMovement
        from inventory.selectors import material_discrepancies

        sums = (
            MaterialMovement.objects.filter(material=self.material, transfer__isnull=False)
            .values("transfer")
            .annotate(s=Sum("delta"))
        )
        assert all(D(row["s"]) == 0 for row in sums)  # each transaction balances
        assert not [d for d in material_discrepancies() if d["material_id"] == self.material.pk]


@pytest.mark.django_db
def test_database_services_match_the_model():
    class Checked(DatabaseLoanMachine):
        def teardown(self):
            self.check_ledger()
            super().teardown()

    run_state_machine_as_test(
        Checked,
        settings=settings(
            max_examples=20,
            stateful_step_count=25,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
