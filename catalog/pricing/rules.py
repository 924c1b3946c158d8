"""The board's price rules, in plain Python (no Django) so they can be read, tested and reasoned about alone.

- Which agreed price is in force at a moment: among the agreements for a tier, the latest `effective_from`
  that is not after the moment wins (ties: the later agreement). Nothing needs to run when a scheduled price
  starts: every reader asks "what is in force now?".
- Trader tiers: a tier (min_quantity > 1) applies when the line quantity reaches it. A tier is a discount for
  buying in bulk, never a surcharge: the charged unit price is the lowest of the unit price and the tiers reached.
- Quorum: a proposal takes effect after `quorum` approvals by board members other than the proposer; it is
  rejected as soon as the rejections make that quorum unreachable.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import Enum

UNIT = 1  # min_quantity of the agreed unit price; larger values are trader tiers
MAX_RUPIAH = Decimal("1000000000")  # Rp 1 milyar per unit: anything above is a typo
MAX_MIN_QUANTITY = 10_000


@dataclass(frozen=True)
class Agreement:
    """One agreed price for one product: `amount` rupiah per unit from `min_quantity` units, from a moment on."""

    amount: Decimal
    effective_from: datetime
    min_quantity: int = UNIT
    seq: int = 0  # order of agreement; breaks ties between agreements that start at the same moment


@dataclass(frozen=True)
class Quote:
    """What a buyer pays per unit for a quantity, and why."""

    amount: Decimal  # the unit price charged
    unit_amount: Decimal  # the agreed unit price (quantity 1)
    tier_min_quantity: int | None = None  # the tier that set `amount`, None when it is the unit price
    next_tier: tuple[int, Decimal] | None = None  # (min_quantity, amount) of the next cheaper tier not reached


def _key(agreement: Agreement) -> tuple:
    return (agreement.effective_from, agreement.seq)


def in_force(agreements: Iterable[Agreement], at: datetime, min_quantity: int = UNIT) -> Agreement | None:
    """The agreement for `min_quantity` in force at `at`: the latest one that started at or before `at`."""
    return tiers_in_force(agreements, at).get(min_quantity)


def tiers_in_force(agreements: Iterable[Agreement], at: datetime) -> dict[int, Agreement]:
    """Every tier's agreement in force at `at` (the unit price under key 1), by min_quantity."""
    result: dict[int, Agreement] = {}
    for agreement in agreements:
        if agreement.effective_from > at:
            continue
        current = result.get(agreement.min_quantity)
        if current is None or _key(agreement) > _key(current):
            result[agreement.min_quantity] = agreement
    return result


def quote(agreements: Iterable[Agreement], at: datetime, quantity: int = 1) -> Quote | None:
    """The unit price for `quantity` units at `at`, or None when no unit price is agreed (not for sale)."""
    tiers = tiers_in_force(agreements, at)
    unit = tiers.get(UNIT)
    if unit is None:
        return None
    amount, tier = unit.amount, None
    next_tier = None
    for min_quantity in sorted(tiers):
        if min_quantity == UNIT:
            continue
        price = tiers[min_quantity].amount
        if min_quantity <= quantity:
            if price < amount:
                amount, tier = price, min_quantity
        elif price < amount and next_tier is None:
            next_tier = (min_quantity, price)
    return Quote(amount=amount, unit_amount=unit.amount, tier_min_quantity=tier, next_tier=next_tier)


def starts_at(effective_from: datetime, approved_at: datetime) -> datetime:
    """A price takes effect at its proposed time, but never before the board approved it."""
    return max(effective_from, approved_at)


@dataclass(frozen=True)
class Change:
    at: datetime
    old: Decimal | None
    new: Decimal
    min_quantity: int


def changes(agreements: Iterable[Agreement]) -> list[Change]:
    """The price history of one product as (when, old → new) steps per tier, oldest first."""
    last: dict[int, Decimal] = {}
    result = []
    for agreement in sorted(agreements, key=_key):
        old = last.get(agreement.min_quantity)
        result.append(Change(agreement.effective_from, old, agreement.amount, agreement.min_quantity))
        last[agreement.min_quantity] = agreement.amount
    return result


# --- Quorum --------------------------------------------------------------------------------------------


class Outcome(str, Enum):  # noqa: UP042 — str() of a member stays its value in messages and templates
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


def tally(*, approvals: int, rejections: int, eligible: int, quorum: int) -> Outcome:
    """Approved at `quorum` approvals; rejected once the voters who have not rejected cannot reach the quorum.

    `eligible` counts the board members who may vote (every board member except the proposer).
    """
    if quorum < 1:
        raise ValueError("quorum must be at least 1")
    if approvals >= quorum:
        return Outcome.APPROVED
    if eligible - rejections < quorum:
        return Outcome.REJECTED
    return Outcome.PENDING


def vote_refusal(*, voter_id, proposer_id, already_voted: bool, is_pending: bool) -> str | None:
    """Why a board member may not vote on a proposal (an error code), or None when the vote is allowed."""
    if not is_pending:
        return "not_pending"
    if voter_id == proposer_id:
        return "own_proposal"
    if already_voted:
        return "already_voted"
    return None


def withdrawal_refusal(*, by_proposer: bool, is_pending: bool, starts_at: datetime | None, now: datetime) -> str | None:
    """Why a proposal may not be withdrawn (an error code), or None when it may.

    `starts_at` is when its agreed price starts, for an approved proposal (None otherwise): an approved price
    can be withdrawn only until it starts.
    """
    if not by_proposer:
        return "only_proposer"
    if is_pending:
        return None
    if starts_at is None:
        return "not_withdrawable"
    if starts_at <= now:
        return "already_in_force"
    return None


def quorum_reachable(*, eligible: int, quorum: int) -> bool:
    return eligible >= quorum


def amount_problem(amount) -> str | None:
    """Why an amount cannot be an agreed price (an error code), or None. Prices are whole rupiah."""
    try:
        amount = Decimal(amount)
    except (ArithmeticError, TypeError, ValueError):
        return "not_whole_rupiah"
    if not amount.is_finite() or amount != amount.to_integral_value():
        return "not_whole_rupiah"
    if amount <= 0:
        return "not_positive"
    if amount > MAX_RUPIAH:
        return "too_large"
    return None


def min_quantity_problem(min_quantity) -> str | None:
    if not isinstance(min_quantity, int) or isinstance(min_quantity, bool):
        return "not_whole_number"
    if min_quantity < 1:
        return "not_positive"
    if min_quantity > MAX_MIN_QUANTITY:
        return "too_large"
    return None


# --- Size of a change -----------------------------------------------------------------------------------


def change_percent(old: Decimal | None, new: Decimal) -> Decimal | None:
    """The change from old to new in percent of old (None when there is no old price)."""
    if old is None or old <= 0:
        return None
    return (new - old) * 100 / old


def needs_reason(old: Decimal | None, new: Decimal, threshold_percent: Decimal | int) -> bool:
    """A change larger than the board's threshold (either way) must be explained."""
    percent = change_percent(old, new)
    return percent is not None and abs(percent) > Decimal(threshold_percent)


def change_needing_reason(
    prices: Mapping[int, Decimal], *, min_quantity: int, amount: Decimal, threshold_percent: Decimal | int
) -> Decimal | None:
    """The change in whole percent when it is larger than the threshold (so it must be explained), else None.

    `prices` are the tiers in force (min_quantity → amount). A new tier is measured against the unit price:
    the discount it gives is the change.
    """
    base = prices.get(min_quantity, prices.get(UNIT))
    if not needs_reason(base, amount, threshold_percent):
        return None
    return change_percent(base, amount).quantize(Decimal("1"))
