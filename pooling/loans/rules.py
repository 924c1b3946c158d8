"""Material-loan rules in plain Python (no Django), shared by the database services and the property tests.

A loan (pinjam bahan baku) goes: requested → accepted (whole or part) → open once the lender has confirmed
the hand-over AND the borrower the receipt (the material moves then, once) → recalled (optionally) →
returned in kind (in parts) or settled in money for the rest. Requested or accepted loans can be declined
(by the lender) or cancelled (by the borrower) while no material has moved.

Conservation: a loan's outstanding quantity is handed over − returned − settled, never below zero.
Material only moves in two balanced legs (lender −q, borrower +q, and back), so the cooperative's total of a
material never changes through loans. ``LoanBook`` below is the in-memory reference the tests drive.

Quantities follow the material ledger's rule (inventory.ledger, plain Python too). Refusal messages are
English templates (``gettext_noop``); the Django layer translates them.
"""

from __future__ import annotations

import datetime
from collections.abc import Hashable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from inventory import ledger
from inventory.ledger import gettext_noop


class LoanRuleError(ValueError):
    """A refused loan action; ``field`` names the form field it is about (None: the whole request)."""

    def __init__(self, template: str, *, field: str | None = None, **params) -> None:
        self.template, self.field, self.params = template, field, params
        super().__init__(template % params if params else template)


# --- States and who may do what ------------------------------------------------------------------

REQUESTED, ACCEPTED, OPEN, RECALLED = "requested", "accepted", "open", "recalled"
RETURNED, SETTLED, DECLINED, CANCELLED = "returned", "settled", "declined", "cancelled"
STATES = [REQUESTED, ACCEPTED, OPEN, RECALLED, RETURNED, SETTLED, DECLINED, CANCELLED]
ACTIVE = {REQUESTED, ACCEPTED, OPEN, RECALLED}  # count against the borrower's limit
OUTSTANDING = {OPEN, RECALLED}  # material is with the borrower
CLOSED = {RETURNED, SETTLED, DECLINED, CANCELLED}

LENDER, BORROWER = "lender", "borrower"

# action -> (states it is allowed in, the party who may take it; None: either party)
ACTIONS: dict[str, tuple[set[str], str | None]] = {
    "accept": ({REQUESTED}, LENDER),
    "decline": ({REQUESTED}, LENDER),
    "cancel": ({REQUESTED, ACCEPTED}, BORROWER),
    "hand_over": ({ACCEPTED}, LENDER),
    "receive": ({ACCEPTED}, BORROWER),
    "recall": ({OPEN}, LENDER),
    "return": ({OPEN, RECALLED}, BORROWER),
    "propose_settlement": ({OPEN, RECALLED}, None),
    "agree_settlement": ({OPEN, RECALLED}, None),
    "settlement_paid": ({SETTLED}, LENDER),
}


def offered_actions(
    state: str, role: str, *, handed_over: bool, received: bool, proposed_by: str | None, paid: bool
) -> list[str]:
    """The actions to offer ``role`` now: allowed in ``state`` for that party and not already done."""
    done = {
        "hand_over": handed_over,
        "receive": received,
        "propose_settlement": bool(proposed_by),
        "agree_settlement": proposed_by in (None, "", role),
        "settlement_paid": paid,
    }
    return [
        action
        for action, (states, party) in ACTIONS.items()
        if state in states and party in (None, role) and not done.get(action)
    ]


def check_action(action: str, state: str, role: str | None) -> None:
    states, party = ACTIONS[action]
    if role not in (LENDER, BORROWER):
        raise LoanRuleError(gettext_noop("Only the lender or the borrower can act on this loan."))
    if party is not None and role != party:
        if party == LENDER:
            raise LoanRuleError(gettext_noop("Only the lender can do this."))
        raise LoanRuleError(gettext_noop("Only the borrower can do this."))
    if state not in states:
        raise LoanRuleError(gettext_noop("This loan is %(state)s; that is not possible now."), state=state)


# --- Quantities and money ------------------------------------------------------------------------


def to_quantity(value, places: int) -> Decimal:
    """A positive exact quantity by the material ledger's rule, refused as a loan rule on the quantity field."""
    try:
        return ledger.to_quantity(value, places)
    except ledger.InvalidQuantity as error:
        raise LoanRuleError(error.template, field="quantity", **error.params) from None


def outstanding(handed_over: Decimal, returned: Decimal, settled: Decimal) -> Decimal:
    return handed_over - returned - settled


def check_accept(requested: Decimal, offered: Decimal) -> None:
    if offered > requested:
        raise LoanRuleError(
            gettext_noop("You can lend at most the %(requested)s asked for."), field="quantity", requested=requested
        )


def check_holds(have: Decimal, offered: Decimal) -> None:
    if have < offered:
        raise LoanRuleError(gettext_noop("You hold only %(have)s."), field="quantity", have=have)


def check_return(owed: Decimal, quantity: Decimal) -> None:
    if quantity > owed:
        raise LoanRuleError(
            gettext_noop("Only %(owed)s is still outstanding; you cannot return %(quantity)s."),
            field="quantity",
            owed=owed,
            quantity=quantity,
        )


def check_agree(proposed_by: str | None, role: str) -> None:
    """Settling in money needs both parties: the one who did not propose it agrees."""
    if proposed_by in (None, "", role):
        raise LoanRuleError(gettext_noop("The other party has to propose the settlement first."))


def settlement_amount(quantity: Decimal, price_per_unit: Decimal | None) -> Decimal:
    """What the borrower owes for ``quantity`` not returned: whole rupiah, half up."""
    if price_per_unit is None:
        raise LoanRuleError(gettext_noop("The board has not set a price for this material yet."))
    return (quantity * price_per_unit).quantize(Decimal(1), rounding=ROUND_HALF_UP)


# --- The board's limits and dates -----------------------------------------------------------------

MAX_AHEAD_DAYS = 2 * 365  # a loan is asked for at most two years ahead
MAX_TERM_DAYS = 365  # a loan runs at most a year after it is needed
# The board's settings: field -> (lowest, highest). Day counts stay within a year, so every date the
# services compute from them stays a real date.
SETTINGS_BOUNDS = {
    "notice_days": (1, MAX_TERM_DAYS),
    "max_active_loans": (1, 100),
    "default_term_days": (1, MAX_TERM_DAYS),
}


def check_setting(name: str, value) -> int:
    low, high = SETTINGS_BOUNDS[name]
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise LoanRuleError(
            gettext_noop("Must be a whole number from %(low)s to %(high)s."), field=name, low=low, high=high
        )
    return value


def return_date(needed_by: datetime.date, return_by: datetime.date | None, term_days: int) -> datetime.date:
    """The borrower's return date, or the board's usual term after the needed-by date."""
    if return_by:
        return return_by
    return needed_by + datetime.timedelta(days=min(max(term_days, 1), MAX_TERM_DAYS))


def check_dates(*, today: datetime.date, needed_by: datetime.date, return_by: datetime.date | None) -> None:
    if needed_by < today:
        raise LoanRuleError(gettext_noop("The needed-by date is in the past."), field="needed_by")
    if (needed_by - today).days > MAX_AHEAD_DAYS:
        raise LoanRuleError(
            gettext_noop("The needed-by date must be at most %(days)s days from today."),
            field="needed_by",
            days=MAX_AHEAD_DAYS,
        )
    if return_by is not None and return_by < needed_by:
        raise LoanRuleError(gettext_noop("The return date must be on or after the needed-by date."), field="return_by")
    if return_by is not None and (return_by - needed_by).days > MAX_TERM_DAYS:
        raise LoanRuleError(
            gettext_noop("The return date must be at most %(days)s days after the needed-by date."),
            field="return_by",
            days=MAX_TERM_DAYS,
        )


def check_new_loan(
    *,
    active_loans: int,
    max_active: int,
    overdue_loans: int,
    today: datetime.date,
    needed_by: datetime.date,
    return_by: datetime.date,
    same_member: bool,
) -> None:
    if same_member:
        raise LoanRuleError(gettext_noop("A workshop cannot borrow from itself."), field="lender")
    check_dates(today=today, needed_by=needed_by, return_by=return_by)
    if overdue_loans:
        raise LoanRuleError(gettext_noop("No new loans while you have an overdue loan: return it first."))
    if active_loans >= max_active:
        raise LoanRuleError(
            gettext_noop("You already have %(count)s open loans, the board's limit is %(limit)s."),
            count=active_loans,
            limit=max_active,
        )


def due_after_recall(today: datetime.date, notice_days: int, due: datetime.date | None) -> datetime.date:
    """A recall brings the due date forward to today + notice, never later than it already was."""
    recalled = today + datetime.timedelta(days=min(max(notice_days, 0), MAX_TERM_DAYS))
    return min(recalled, due) if due else recalled


def days_overdue(due: datetime.date | None, today: datetime.date) -> int:
    return max(0, (today - due).days) if due else 0


AGEING_BUCKETS = [("0-7", 0, 7), ("8-30", 8, 30), (">30", 31, None)]


def ageing_bucket(days: int) -> str:
    for name, low, high in AGEING_BUCKETS:
        if days >= low and (high is None or days <= high):
            return name
    return AGEING_BUCKETS[0][0]


def needs_recall(lender_balance: Decimal, lender_needs: Decimal) -> bool:
    """The lender's accepted work needs more of the material than it holds before the loan comes back."""
    return lender_needs > lender_balance


# --- The in-memory reference ----------------------------------------------------------------------


@dataclass
class Loan:
    borrower: Hashable
    lender: Hashable
    material: Hashable
    requested: Decimal
    quantity: Decimal = Decimal(0)  # agreed
    state: str = REQUESTED
    handed_over_confirmed: bool = False
    received_confirmed: bool = False
    handed: Decimal = Decimal(0)
    returned: Decimal = Decimal(0)
    settled: Decimal = Decimal(0)
    amount: Decimal = Decimal(0)
    settlement_proposed_by: str | None = None

    @property
    def outstanding(self) -> Decimal:
        return outstanding(self.handed, self.returned, self.settled)

    def role_of(self, member) -> str | None:
        return LENDER if member == self.lender else BORROWER if member == self.borrower else None


@dataclass
class LoanBook:
    """Balances per (member, material) and loans; every action all-or-nothing, material moves in balanced
    transactions (recorded in ``transactions`` as lists of (account, delta))."""

    balances: dict[tuple, Decimal] = field(default_factory=dict)
    prices: dict[Hashable, Decimal] = field(default_factory=dict)
    places: dict[Hashable, int] = field(default_factory=dict)
    max_active: int = 3
    loans: dict[int, Loan] = field(default_factory=dict)
    transactions: list[list[tuple[tuple, Decimal]]] = field(default_factory=list)

    def _move(self, giver, taker, material, quantity: Decimal) -> None:
        have = self.balances.get((giver, material), Decimal(0))
        if have < quantity:
            raise LoanRuleError(gettext_noop("Not enough material to hand over: %(have)s held."), have=have)
        self.balances[(giver, material)] = have - quantity
        self.balances[(taker, material)] = self.balances.get((taker, material), Decimal(0)) + quantity
        self.transactions.append([((giver, material), -quantity), ((taker, material), quantity)])

    def _act(self, loan_id: int, action: str, member) -> Loan:
        loan = self.loans[loan_id]
        check_action(action, loan.state, loan.role_of(member))
        return loan

    def request(
        self,
        borrower,
        lender,
        material,
        quantity,
        *,
        today: datetime.date,
        needed_by: datetime.date,
        return_by: datetime.date | None = None,
    ) -> int:
        amount = to_quantity(quantity, self.places.get(material, 2))
        active = sum(1 for l in self.loans.values() if l.borrower == borrower and l.state in ACTIVE)
        check_new_loan(
            active_loans=active,
            max_active=self.max_active,
            overdue_loans=0,
            today=today,
            needed_by=needed_by,
            return_by=return_by or needed_by,
            same_member=borrower == lender,
        )
        loan_id = len(self.loans) + 1
        self.loans[loan_id] = Loan(borrower, lender, material, amount)
        return loan_id

    def accept(self, loan_id, member, quantity=None) -> None:
        loan = self._act(loan_id, "accept", member)
        offered = loan.requested if quantity is None else to_quantity(quantity, self.places.get(loan.material, 2))
        check_accept(loan.requested, offered)
        check_holds(self.balances.get((loan.lender, loan.material), Decimal(0)), offered)
        loan.quantity, loan.state = offered, ACCEPTED

    def decline(self, loan_id, member) -> None:
        self._act(loan_id, "decline", member).state = DECLINED

    def cancel(self, loan_id, member) -> None:
        self._act(loan_id, "cancel", member).state = CANCELLED

    def confirm(self, loan_id, member, action: str) -> None:
        """hand_over (lender) or receive (borrower); the second confirmation moves the material."""
        loan = self._act(loan_id, action, member)
        handed = loan.handed_over_confirmed or action == "hand_over"
        received = loan.received_confirmed or action == "receive"
        if handed and received:
            self._move(loan.lender, loan.borrower, loan.material, loan.quantity)
            loan.handed, loan.state = loan.quantity, OPEN
        loan.handed_over_confirmed, loan.received_confirmed = handed, received

    def recall(self, loan_id, member) -> None:
        self._act(loan_id, "recall", member).state = RECALLED

    def return_(self, loan_id, member, quantity) -> None:
        loan = self._act(loan_id, "return", member)
        amount = to_quantity(quantity, self.places.get(loan.material, 2))
        check_return(loan.outstanding, amount)
        self._move(loan.borrower, loan.lender, loan.material, amount)
        loan.returned += amount
        if loan.outstanding == 0:
            loan.state = RETURNED

    def settle(self, loan_id, member, action: str) -> None:
        """propose_settlement by one party, agree_settlement by the other: the rest is owed in money."""
        loan = self._act(loan_id, action, member)
        role = loan.role_of(member)
        if action == "propose_settlement":
            settlement_amount(loan.outstanding, self.prices.get(loan.material))  # refuse early without a price
            loan.settlement_proposed_by = role
            return
        check_agree(loan.settlement_proposed_by, role)
        loan.amount += settlement_amount(loan.outstanding, self.prices.get(loan.material))
        loan.settled += loan.outstanding
        loan.state = SETTLED

    def total(self, material) -> Decimal:
        return sum((q for (m, mat), q in self.balances.items() if mat == material), Decimal(0))
