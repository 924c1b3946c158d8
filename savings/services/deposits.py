"""Savings: the board's amounts of simpanan pokok and wajib, deposits, withdrawals of sukarela and dues paid at
the meeting."""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.db import transaction
from django.utils.translation import gettext

from books import ledger as books_ledger, services as books
from books.models import Posting
from common.roles import is_treasurer
from inventory.models import Member

from .. import rules
from ..models import (
    Channel,
    PassbookLine,
    SavingsKind,
    SavingsRule,
)
from .base import (
    COOP_NAMES,
    _amount,
    _counter,
    _key,
    _line,
    _names,
    _refuse,
    _replayed,
    _require_board,
    _require_treasurer,
    _today,
    acts_for,
    member_balance,
    savings_account,
    savings_code,
)

# --- The board's amounts ---------------------------------------------------------------------------


@transaction.atomic
def rule_add(*, kind: str, amount, effective_from: datetime.date, user) -> SavingsRule:
    """The board sets simpanan pokok or wajib from a day on (a new row supersedes; none is ever changed)."""
    _require_board(user)
    if kind not in (SavingsKind.POKOK, SavingsKind.WAJIB):
        raise _refuse(gettext("Only simpanan pokok and wajib have an amount set by the board."), "kind")
    amount = _amount(amount)
    if amount > 100_000_000:
        raise _refuse(gettext("The amount must be at most Rp 100.000.000."), "amount")
    if not isinstance(effective_from, datetime.date):
        raise _refuse(gettext("Give the day the amount is in force from."), "effective_from")
    return SavingsRule.objects.create(kind=kind, amount=amount, effective_from=effective_from, created_by=user)


def amount_in_force(rows: Sequence[SavingsRule], on: datetime.date) -> int:
    started = [r for r in rows if r.effective_from <= on]
    if not started:
        return 0
    return max(started, key=lambda r: (r.effective_from, r.pk)).amount


def deposit(
    *,
    member: Member,
    kind: str,
    amount,
    channel: str,
    idempotency_key: str,
    user,
    on: datetime.date | None = None,
    member_agreed: bool = False,
) -> PassbookLine:
    """A deposit of simpanan pokok, wajib or sukarela: cash at the meeting or a transfer (the treasurer records
    it), or from the member's monthly settlement (the treasurer with the member's agreement, or the member
    itself), which the member's books balance must cover."""
    if kind not in SavingsKind.values:
        raise _refuse(gettext("Choose simpanan pokok, wajib or sukarela."), "kind")
    amount, key, day = _amount(amount), _key(idempotency_key), _today(on)
    counter = _counter(channel, member)
    if channel == Channel.SETTLEMENT:
        if not (acts_for(user, member) or (is_treasurer(user) and member_agreed)):
            raise _refuse(
                gettext("A deposit from the monthly settlement needs the member's agreement."), "member_agreed"
            )
    else:
        _require_treasurer(user)
    with transaction.atomic():
        account = savings_account(member, lock=True)
        existing = _replayed(key, member)
        if existing is not None:
            return existing
        if kind == SavingsKind.POKOK:
            still = max(0, pokok_required(member) - account.pokok)
            if amount > still:
                raise _refuse(
                    gettext("Simpanan pokok is paid once: %(left)s is still to pay."),
                    "amount",
                    left=books_ledger.format_rupiah(still),
                )
        if channel == Channel.SETTLEMENT and member_balance(member) < amount:
            raise _refuse(
                gettext("The member's balance (%(balance)s) does not cover this deposit."),
                "amount",
                balance=books_ledger.format_rupiah(member_balance(member)),
            )
        label = SavingsKind(kind).label
        posting = books.post(
            kind="savings",
            reference=gettext("Deposit %(kind)s %(member)s") % {"kind": label, "member": member.code},
            legs={savings_code(kind, member): amount, counter: -amount},
            idempotency_key=key,
            on=day,
            user=user,
            source=f"savings:{member.code}",
            names=_names([member]),
        )
        balance = getattr(account, kind) + amount
        setattr(account, kind, balance)
        account.save(update_fields=[kind])
        period = day.replace(day=1) if kind == SavingsKind.WAJIB else None
        return _line(member, kind, amount, balance, day, posting, gettext("Deposit"), user, channel, period)


def withdraw(
    *, member: Member, amount, channel: str, idempotency_key: str, user, on: datetime.date | None = None
) -> PassbookLine:
    """The treasurer pays out simpanan sukarela (cash, transfer, or credited to the member's account for the next
    payout). The member's savings row is locked: two withdrawals never take sukarela below zero."""
    _require_treasurer(user)
    amount, key, day = _amount(amount), _key(idempotency_key), _today(on)
    counter = _counter(channel, member)
    with transaction.atomic():
        account = savings_account(member, lock=True)
        existing = _replayed(key, member)
        if existing is not None:
            return existing
        if amount > account.sukarela:
            raise _refuse(
                gettext("Only %(available)s of simpanan sukarela can be withdrawn."),
                "amount",
                available=books_ledger.format_rupiah(account.sukarela),
            )
        posting = books.post(
            kind="savings",
            reference=gettext("Withdrawal %(member)s") % {"member": member.code},
            legs={savings_code(SavingsKind.SUKARELA, member): -amount, counter: amount},
            idempotency_key=key,
            on=day,
            user=user,
            source=f"savings:{member.code}",
            names=_names([member]),
        )
        account.sukarela -= amount
        account.save(update_fields=["sukarela"])
        return _line(member, "sukarela", -amount, account.sukarela, day, posting, gettext("Withdrawal"), user, channel)


def pay_dues(
    *, member: Member, amount, channel: str, idempotency_key: str, user, on=None, kind: str = "dues"
) -> Posting:
    """The member pays at the meeting what it owes on its books account: monthly dues (``kind`` "dues") or other
    debts on it ("adjustment")."""
    _require_treasurer(user)
    amount, key = _amount(amount), _key(idempotency_key)
    if channel == Channel.SETTLEMENT:
        raise _refuse(gettext("Dues are paid in cash or by transfer."), "channel")
    with transaction.atomic():
        if Posting.objects.filter(idempotency_key=key).exists():
            return Posting.objects.get(idempotency_key=key)
        owed = max(0, -member_balance(member))
        if amount > owed:
            raise _refuse(
                gettext("The member owes %(owed)s on its account."), "amount", owed=books_ledger.format_rupiah(owed)
            )
        if kind not in ("dues", "adjustment"):
            raise _refuse(gettext("Unknown kind of line %(kind)s."), "kind", kind=kind)
        return books.post(
            kind=kind,
            reference=(gettext("Dues paid %(member)s") if kind == "dues" else gettext("Paid on account %(member)s"))
            % {"member": member.code},
            legs={books_ledger.member_account(member.code): amount, _counter(channel, member): -amount},
            idempotency_key=key,
            on=_today(on),
            user=user,
            names=COOP_NAMES,
        )


def pokok_required(member: Member, rows: Sequence[SavingsRule] | None = None) -> int:
    """Simpanan pokok the member pays once: the amount in force when it joined (``rows``: the pokok rules, read
    once by a caller looping over members)."""
    rows = list(SavingsRule.objects.filter(kind=SavingsKind.POKOK)) if rows is None else rows
    if not rows:
        return 0
    return amount_in_force(rows, member.joined) or amount_in_force(rows, min(r.effective_from for r in rows))


def wajib_required(member: Member, on: datetime.date, rows: Sequence[SavingsRule] | None = None) -> int:
    """Simpanan wajib due from the member's joining up to ``on`` (each month's at its meeting)."""
    rows = list(SavingsRule.objects.filter(kind=SavingsKind.WAJIB)) if rows is None else rows
    return sum(amount_in_force(rows, month) for month in rules.months_due(member.joined, on))
