"""Simpan-pinjam rules in plain Python (no Django): instalment schedules, due dates, what a member owes in
simpanan wajib, arrears ageing, loan eligibility and the funders' share of repayments.

Money is whole rupiah (int). ``jasa`` (the loan's service fee): *flat* is a percentage of the principal for the
whole loan, spread over the instalments (the seed: Rp 25.000 at 0,8% → Rp 200, six instalments of Rp 4.200);
*declining* is a percentage per instalment period of the principal still owed.
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal


def gettext_noop(message: str) -> str:
    return message


MEETING_DAY = 12  # the members' meeting (rapat anggota) is on the 12th of every month
FREQUENCIES = ("daily", "weekly", "monthly", "meeting")
METHODS = ("flat", "declining")
MAX_INSTALMENTS = 120
MAX_JASA_PERCENT = Decimal(20)
MIN_MEMBERSHIP_MONTHS = 3
AGEING = ((1, 7, "1-7"), (8, 30, "8-30"), (31, 90, "31-90"), (91, None, ">90"))
MAX_UNIT_PRICE = 100_000_000  # Rp per unit of a material in a paket usaha
REMIND_DAYS_BEFORE = 3  # an instalment falling due within this many days gets a "due soon" reminder


def split_even(amount: int, parts: int) -> list[int]:
    """``amount`` in ``parts`` whole-rupiah parts that differ by at most one, the larger ones first."""
    base, rest = divmod(amount, parts)
    return [base + (1 if i < rest else 0) for i in range(parts)]


def add_months(day: datetime.date, months: int) -> datetime.date:
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def next_meeting(after: datetime.date) -> datetime.date:
    """The first meeting day (the 12th) strictly after ``after``."""
    this = after.replace(day=MEETING_DAY)
    return this if this > after else add_months(this, 1)


def due_dates(start: datetime.date, count: int, frequency: str) -> list[datetime.date]:
    """The instalments' due dates of a loan disbursed on ``start``: one period after it, then every period."""
    if frequency == "daily":
        return [start + datetime.timedelta(days=k) for k in range(1, count + 1)]
    if frequency == "weekly":
        return [start + datetime.timedelta(weeks=k) for k in range(1, count + 1)]
    if frequency == "monthly":
        return [add_months(start, k) for k in range(1, count + 1)]
    if frequency == "meeting":
        first = next_meeting(start)
        return [add_months(first, k) for k in range(count)]
    raise ValueError(frequency)


def percent_of(amount: int, percent: Decimal) -> int:
    return int((Decimal(amount) * Decimal(percent) / 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class Due:
    number: int
    due: datetime.date
    principal: int
    jasa: int

    @property
    def amount(self) -> int:
        return self.principal + self.jasa


def schedule(
    principal: int, count: int, frequency: str, percent: Decimal, method: str, start: datetime.date
) -> list[Due]:
    """The instalments of a loan of ``principal``: flat → equal instalments (principal + jasa spread evenly);
    declining → equal principal parts, jasa on what is still owed each period."""
    dates = due_dates(start, count, frequency)
    if method == "flat":
        jasa = percent_of(principal, percent)
        totals, fees = split_even(principal + jasa, count), split_even(jasa, count)
        return [Due(i + 1, dates[i], totals[i] - fees[i], fees[i]) for i in range(count)]
    if method == "declining":
        parts, owed, out = split_even(principal, count), principal, []
        for i in range(count):
            out.append(Due(i + 1, dates[i], parts[i], percent_of(owed, percent)))
            owed -= parts[i]
        return out
    raise ValueError(method)


def months_due(since: datetime.date, on: datetime.date) -> list[datetime.date]:
    """The months (their 1st) whose simpanan wajib is due by ``on``: from the month of ``since`` on, a month's
    wajib falls due at its meeting (the 12th)."""
    month, out = since.replace(day=1), []
    while month.replace(day=MEETING_DAY) <= on:
        out.append(month)
        month = add_months(month, 1)
    return out


def ageing_bucket(days: int) -> str | None:
    for low, high, label in AGEING:
        if days >= low and (high is None or days <= high):
            return label
    return None


@dataclass(frozen=True)
class Facts:
    """What eligibility looks at, gathered by the selectors."""

    joined: datetime.date
    today: datetime.date
    pokok_due: int  # simpanan pokok still unpaid
    wajib_due: int  # simpanan wajib behind
    loans_in_arrears: Sequence[str]  # references of the member's (or its group's) loans in arrears
    active: bool = True


def ineligible(facts: Facts) -> list[str]:
    """Why a member may not borrow now (English templates, ``%(...)s`` filled by the caller), empty if it may."""
    reasons = []
    if not facts.active:
        reasons.append(gettext_noop("The member is suspended."))
    if add_months(facts.joined, MIN_MEMBERSHIP_MONTHS) > facts.today:
        reasons.append(gettext_noop("A member can borrow after 3 months of membership (from %(from)s)."))
    if facts.pokok_due > 0:
        reasons.append(gettext_noop("Simpanan pokok is not paid yet (%(pokok)s to pay)."))
    if facts.wajib_due > 0:
        reasons.append(gettext_noop("Simpanan wajib is behind (%(wajib)s to pay)."))
    if facts.loans_in_arrears:
        reasons.append(gettext_noop("A loan is in arrears: %(loans)s."))
    return reasons


def funders_back(paid_to_date: int, total: int, funded: Sequence[int]) -> list[int]:
    """What each funder has had back once ``paid_to_date`` of ``total`` came in: its share, rounded down, so it
    never decreases and is exactly its share when all is paid."""
    if total <= 0:
        return [0] * len(funded)
    return [paid_to_date * f // total for f in funded]


def line_value(quantity: Decimal, unit_price: int) -> int:
    """The value of ``quantity`` of a material at ``unit_price`` rupiah a unit, to the nearest whole rupiah (half
    up): a package's value is a loan's principal, and money is whole rupiah."""
    return int((Decimal(quantity) * unit_price).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def reminder_kind(due: datetime.date, on: datetime.date, days_before: int = REMIND_DAYS_BEFORE) -> str | None:
    """Which reminder an unpaid instalment due on ``due`` calls for on ``on``: "arrears" once it is overdue,
    "due_soon" from ``days_before`` days before its day up to the day itself, else none."""
    if due < on:
        return "arrears"
    if (due - on).days <= days_before:
        return "due_soon"
    return None
