"""The money books' rules, in plain Python (no Django), so they can be tested and reused alone.

Money is whole rupiah, always ``int`` (never float; a Decimal with a fraction is refused, never rounded away).
A **posting** is one event's effect: two or more **legs** on accounts whose amounts sum to zero. Balances are
*credit-positive*: what the cooperative owes (a member's account), has earned (fees, dues) or has paid out
(refunds, payouts) is positive; the buyers' money it received is negative. So a member's balance is what the
cooperative owes the member (negative: the member owes the cooperative), and every trial balance totals 0.

``Books`` below is the in-memory reference the property tests compare the database against.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation


def gettext_noop(message: str) -> str:
    return message


class BooksError(ValueError):
    """A refused posting or amount; ``template % params`` is the English message, ``field`` the form field."""

    template = gettext_noop("The posting was refused.")

    def __init__(self, template: str | None = None, *, field: str | None = None, **params) -> None:
        if template is not None:
            self.template = template
        self.params, self.field = params, field
        super().__init__(self.template % params if params else self.template)


MAX_AMOUNT = 10_000_000_000  # Rp 10 billion: far above any one posting a cooperative of workshops makes
MAX_FEE_PERCENT = Decimal(50)

# The kinds of posting, as the statement and the command line name them.
KINDS = ("sale", "fee", "work", "transfer", "pool", "refund", "loan", "dues", "payout", "adjustment")
# Simpan-pinjam (savings/, issue 19) posts into the same books: deposits and withdrawals of savings, money loans
# (disbursement, instalments, tanggung renteng cover) and the year's surplus (SHU).
KINDS += ("savings", "credit", "shu")
# The statement and the command line show only the ten kinds (other tools read them); the simpan-pinjam
# kinds are named by the nearest public one: a money loan is a loan, the SHU an adjustment of the balance, and a
# savings deposit or withdrawal money moved between the member's account and its savings (a transfer).
PUBLIC_KINDS = KINDS[:10]
PUBLIC_KIND = {"credit": "loan", "shu": "adjustment", "savings": "transfer"}


def public_kind(kind: str) -> str:
    """The kind a statement shows for a posting of ``kind`` (one of ``PUBLIC_KINDS``)."""
    return PUBLIC_KIND.get(kind, kind)


# The cooperative's own accounts (a member's account is "member:<code>").
BUYERS, FEES, REFUNDS, PAYOUTS, DUES = "coop:buyers", "coop:fees", "coop:refunds", "coop:payouts", "coop:dues"
COOP_ACCOUNTS = {
    BUYERS: gettext_noop("Buyer payments received"),
    FEES: gettext_noop("Cooperative fee income"),
    REFUNDS: gettext_noop("Refunds paid to buyers"),
    PAYOUTS: gettext_noop("Payouts made to members"),
    DUES: gettext_noop("Monthly dues (iuran)"),
}


def member_account(code: str) -> str:
    return f"member:{code}"


# --- Amounts ---------------------------------------------------------------------------------------


THOUSANDS = re.compile(r"^-?[0-9]{1,3}(\.[0-9]{3})+$")


def rupiah(value, *, field: str = "amount", positive: bool = False) -> int:
    """Whole rupiah as an int; floats, fractions, non-numbers and absurd sizes are refused."""
    if isinstance(value, bool) or isinstance(value, float):
        raise BooksError(gettext_noop("%(value)s is not a whole number of rupiah."), field=field, value=value)
    if isinstance(value, str) and THOUSANDS.match(value.strip()):
        value = value.strip().replace(".", "")  # 150.000 as Indonesians write it
    try:
        number = (
            value if isinstance(value, Decimal) else Decimal(str(value).strip() if isinstance(value, str) else value)
        )
    except (InvalidOperation, ValueError, TypeError):
        raise BooksError(gettext_noop("%(value)s is not a whole number of rupiah."), field=field, value=value) from None
    if not number.is_finite() or number != number.to_integral_value():
        raise BooksError(gettext_noop("%(value)s is not a whole number of rupiah."), field=field, value=value)
    if abs(number) > MAX_AMOUNT:
        raise BooksError(
            gettext_noop("The amount must be at most Rp %(max)s."),
            field=field,
            max=format_rupiah(MAX_AMOUNT, prefix=False),
        )
    if positive and number <= 0:
        raise BooksError(gettext_noop("The amount must be more than zero."), field=field)
    return int(number)


def format_rupiah(amount: int, *, prefix: bool = True) -> str:
    """Rp 150.000 (Indonesian thousands dots, no minor unit); negative as -Rp 150.000."""
    digits = f"{abs(int(amount)):,}".replace(",", ".")
    text = f"Rp {digits}" if prefix else digits
    return f"-{text}" if amount < 0 else text


def percent_of(amount: int, percent: Decimal) -> int:
    """``percent`` % of ``amount`` in whole rupiah, half a rupiah rounded up (away from zero)."""
    value = (Decimal(amount) * Decimal(percent) / 100).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return int(value)


def fee_percent(value, *, field: str = "percent") -> Decimal:
    try:
        number = Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        raise BooksError(gettext_noop("%(value)s is not a percentage."), field=field, value=value) from None
    if not number.is_finite() or number != number.quantize(Decimal("0.01")):
        raise BooksError(
            gettext_noop("%(value)s is not a percentage with at most two decimals."), field=field, value=value
        )
    if number < 0 or number > MAX_FEE_PERCENT:
        raise BooksError(
            gettext_noop("The fee must be between 0 and %(max)s percent."), field=field, max=MAX_FEE_PERCENT
        )
    return number.quantize(Decimal("0.01"))


def split_in_proportion(amount: int, weights: Sequence[int]) -> list[int]:
    """``amount`` split by ``weights`` into whole rupiah that add up to exactly ``amount`` (largest remainder)."""
    total = sum(weights)
    if total == 0:
        return [0] * len(weights)
    shares = [amount * w // total for w in weights]
    rest = amount - sum(shares)
    order = sorted(range(len(weights)), key=lambda i: (-(amount * weights[i] % total), i))
    for i in order[:rest]:
        shares[i] += 1
    return shares


@dataclass(frozen=True)
class LineCredit:
    """What a shipped line put in the books and what earlier refunds already took back."""

    gross: int
    fee: int
    reversed_gross: int = 0
    reversed_fee: int = 0


def refund_reversal(credits: Sequence[LineCredit], wanted_gross: Sequence[int]) -> list[tuple[int, int]]:
    """Per line, (gross, fee) a refund takes back: the gross asked for, capped at what is left of the line,
    and the fee in the same proportion of the line (capped too), so refunds never take back more than a
    line earned however they add up."""
    out = []
    for credit, wanted in zip(credits, wanted_gross, strict=True):
        gross = max(0, min(wanted, credit.gross - credit.reversed_gross))
        fee = 0
        if credit.gross:
            fee_to_date = Decimal(credit.fee) * (credit.reversed_gross + gross) / credit.gross
            fee = int(fee_to_date.quantize(Decimal(1), rounding=ROUND_HALF_UP)) - credit.reversed_fee
        out.append((gross, max(0, min(fee, credit.fee - credit.reversed_fee))))
    return out


# --- Postings --------------------------------------------------------------------------------------


def check_legs(legs: Mapping[str, int]) -> dict[str, int]:
    """A posting's legs (account → amount): whole rupiah, at least two non-zero legs, summing to zero."""
    clean = {account: rupiah(amount) for account, amount in legs.items()}
    clean = {account: amount for account, amount in clean.items() if amount}
    if len(clean) < 2:
        raise BooksError(gettext_noop("A posting needs at least two accounts with an amount."))
    if sum(clean.values()) != 0:
        raise BooksError(
            gettext_noop("A posting's amounts must add up to zero (they add up to %(sum)s)."), sum=sum(clean.values())
        )
    return clean


def merge_legs(*parts: Iterable[tuple[str, int]]) -> dict[str, int]:
    legs: dict[str, int] = {}
    for part in parts:
        for account, amount in part:
            legs[account] = legs.get(account, 0) + amount
    return legs


# --- Months ----------------------------------------------------------------------------------------


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def next_month(month: datetime.date) -> datetime.date:
    return (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


FIRST_YEAR, LAST_YEAR = 1900, 9998  # a month and its neighbours (previous, next) stay in the calendar


def parse_month(text: str, *, field: str = "month") -> datetime.date:
    try:
        year, month = str(text).split("-")
        if len(year) != 4 or len(month) != 2:
            raise ValueError
        day = datetime.date(int(year), int(month), 1)
    except (ValueError, TypeError):
        raise BooksError(gettext_noop("%(value)s is not a month written YYYY-MM."), field=field, value=text) from None
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise BooksError(
            gettext_noop("The month must be between %(first)s-01 and %(last)s-12."),
            field=field,
            first=FIRST_YEAR,
            last=LAST_YEAR,
        )
    return day


def month_label(month: datetime.date) -> str:
    return f"{month:%Y-%m}"


def booking_month(day: datetime.date, last_closed: datetime.date | None) -> datetime.date:
    """The month an event on ``day`` is booked in: its own month, or the first open one when that is closed
    (a closed month is frozen; late events go into the open month)."""
    month = month_start(day)
    if last_closed is not None and month <= last_closed:
        return next_month(last_closed)
    return month


def closable(month: datetime.date, last_closed: datetime.date | None, today: datetime.date) -> str | None:
    """Why ``month`` cannot be closed now (an English template), or None: months close in order, once ended."""
    if next_month(month) > today:
        return gettext_noop("A month can be closed only after it has ended.")
    if last_closed is not None and month <= last_closed:
        return gettext_noop("This month is already closed.")
    if last_closed is not None and month != next_month(last_closed):
        return gettext_noop("Close the months in order: the next one to close is %(month)s.")
    return None


CLOSE_DAY = 10  # months close by themselves on the 10th, before the members' meeting on the 12th


def months_due_to_close(today: datetime.date, last_closed: datetime.date | None) -> list[datetime.date]:
    """The months the clock closes on ``today``, oldest first: none before the 10th; from the 10th, last month
    and any open month before it since the last close (months close in order)."""
    if today.day < CLOSE_DAY:
        return []
    last_month = month_start(month_start(today) - datetime.timedelta(days=1))
    month = last_month if last_closed is None else next_month(last_closed)
    months = []
    while month <= last_month:
        months.append(month)
        month = next_month(month)
    return months


# --- The in-memory reference -----------------------------------------------------------------------


@dataclass
class Books:
    """Postings in memory, with the same rules as the database services: all-or-nothing, idempotent by key."""

    postings: dict[str, tuple[str, dict[str, int]]] = field(default_factory=dict)

    def post(self, key: str, kind: str, legs: Mapping[str, int]) -> bool:
        if key in self.postings:
            return False
        if kind not in KINDS:
            raise BooksError(gettext_noop("Unknown kind of posting %(kind)s."), kind=kind)
        self.postings[key] = (kind, check_legs(legs))
        return True

    def balances(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for _kind, legs in self.postings.values():
            for account, amount in legs.items():
                out[account] = out.get(account, 0) + amount
        return out

    def balance(self, account: str) -> int:
        return self.balances().get(account, 0)
