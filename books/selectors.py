"""Reading the money books: balances, the trial balance, a member's monthly statement, who is due a payout.
Each is a fixed number of queries, whatever the number of members."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Q, Sum
from django.utils.translation import gettext

from inventory.models import Member

from . import ledger
from .models import Account, BankAccount, BooksSettings, ClosedMonth, Leg, PayoutLine, PayoutRun

TURNOVER_KINDS = ("sale", "work", "transfer", "pool")


def balances() -> dict[str, int]:
    """Account code → balance (credit-positive, see books/ledger.py)."""
    rows = Leg.objects.values("account__code").annotate(total=Sum("amount"))
    return {row["account__code"]: row["total"] for row in rows}


def trial_balance() -> dict:
    """Every account with its balance, and the total (always 0)."""
    sums = balances()
    accounts = [
        {
            "code": a.code,
            "name": gettext(a.name) if a.member_id is None else a.name,
            "balance": int(sums.get(a.code, 0)),
        }
        for a in Account.objects.order_by("code")
    ]
    return {"accounts": accounts, "total": sum(a["balance"] for a in accounts)}


def member_balances() -> dict[int, int]:
    """Member id → what the cooperative owes it now."""
    rows = Leg.objects.filter(account__member__isnull=False).values("account__member_id").annotate(total=Sum("amount"))
    return {row["account__member_id"]: int(row["total"]) for row in rows}


# A member's trade: what it sold (less the fee and refunds), made for other members or gave them, less what it
# paid them for it. Not dues, loans, savings, payouts or adjustments: those are not earned by work.
EARNING_KINDS = ("sale", "fee", "work", "transfer", "pool", "refund")


def trade_earnings(first_month: datetime.date, last_month: datetime.date) -> dict[int, int]:
    """Member id → net trade earnings booked in the months ``first_month`` to ``last_month`` (inclusive), in one
    query (the pool's fairness report sets them against the work each member made)."""
    rows = (
        Leg.objects.filter(
            account__member__isnull=False,
            posting__kind__in=EARNING_KINDS,
            posting__month__gte=ledger.month_start(first_month),
            posting__month__lte=ledger.month_start(last_month),
        )
        .values("account__member_id")
        .annotate(total=Sum("amount"))
    )
    return {row["account__member_id"]: int(row["total"]) for row in rows}


@dataclass(frozen=True)
class Entry:
    date: datetime.date
    kind: str  # the posting's own kind (turnover is reckoned on it); the statement shows ``public_kind``
    reference: str
    amount: int

    @property
    def public_kind(self) -> str:
        return ledger.public_kind(self.kind)


@dataclass
class Statement:
    member: Member
    month: datetime.date
    opening: int
    entries: list[Entry] = field(default_factory=list)
    turnover: int = 0
    closed: bool = False

    @property
    def closing(self) -> int:
        return self.opening + sum(e.amount for e in self.entries)

    def as_json(self) -> dict:
        return {
            "member": self.member.code,
            "month": ledger.month_label(self.month),
            "opening": self.opening,
            "closing": self.closing,
            "entries": [
                {"date": e.date.isoformat(), "kind": e.public_kind, "reference": e.reference, "amount": e.amount}
                for e in self.entries
            ],
        }


def statement(member: Member, month: datetime.date) -> Statement:
    """Opening balance, every entry booked in ``month``, closing balance and turnover (sales and paid work,
    less refunded sales: what the 0.5% final income tax is reckoned on)."""
    month = ledger.month_start(month)
    legs = Leg.objects.filter(account__member=member)
    opening = legs.filter(posting__month__lt=month).aggregate(s=Sum("amount"))["s"] or 0
    rows = legs.filter(posting__month=month).select_related("posting").order_by("posting__date", "posting_id", "id")
    entries = [Entry(r.posting.date, r.posting.kind, r.posting.reference, int(r.amount)) for r in rows]
    earned = sum(e.amount for e in entries if e.kind in TURNOVER_KINDS and e.amount > 0)
    refunded = (
        Leg.objects.filter(
            posting__month=month,
            posting__kind="refund",
            account__code=ledger.REFUNDS,
            posting__legs__account__member=member,
        ).aggregate(s=Sum("amount"))["s"]
        or 0
    )
    return Statement(
        member=member,
        month=month,
        opening=int(opening),
        entries=entries,
        turnover=int(earned - refunded),
        closed=ClosedMonth.objects.filter(month=month).exists(),
    )


def closed_months() -> list[datetime.date]:
    return list(ClosedMonth.objects.order_by("-month").values_list("month", flat=True))


def open_month(today: datetime.date) -> datetime.date:
    """The month new postings go into (the one after the last closed month, or this month)."""
    last = ClosedMonth.objects.order_by("-month").values_list("month", flat=True).first()
    return ledger.booking_month(today, last)


@dataclass(frozen=True)
class Candidate:
    member: Member
    balance: int
    bank_account: BankAccount | None
    in_open_run: bool


def payout_candidates() -> list[Candidate]:
    """Members whose balance is at least the board's minimum, with their confirmed bank account (or none)."""
    minimum = max(1, BooksSettings.current().payout_minimum)
    owed = {mid: b for mid, b in member_balances().items() if b >= minimum}
    members = Member.objects.filter(pk__in=owed).select_related("partner").order_by("code")
    accounts = {
        a.member_id: a for a in BankAccount.objects.filter(member_id__in=owed, status=BankAccount.Status.CONFIRMED)
    }
    busy = set(
        PayoutLine.objects.filter(member_id__in=owed)
        .exclude(run__status=PayoutRun.Status.PAID)
        .values_list("member_id", flat=True)
    )
    return [Candidate(m, owed[m.pk], accounts.get(m.pk), m.pk in busy) for m in members]


def members_owing() -> list[tuple[Member, int]]:
    """Members with a negative balance: they owe the cooperative."""
    owing = {mid: b for mid, b in member_balances().items() if b < 0}
    members = Member.objects.filter(pk__in=owing).select_related("partner").order_by("code")
    return [(m, owing[m.pk]) for m in members]


def pending_bank_accounts():
    return BankAccount.objects.filter(status=BankAccount.Status.PENDING).select_related("member__partner")


def bank_accounts_of(member: Member) -> dict:
    rows = {
        a.status: a
        for a in member.bank_accounts.filter(
            Q(status=BankAccount.Status.CONFIRMED) | Q(status=BankAccount.Status.PENDING)
        )
    }
    return {"confirmed": rows.get(BankAccount.Status.CONFIRMED), "pending": rows.get(BankAccount.Status.PENDING)}


def month_statements(month: datetime.date) -> list[Statement]:
    """The statement of every member with entries booked in ``month``, by member code, the same numbers as
    ``statement`` gives one by one, in a fixed number of queries whatever the number of members (month close
    emails them all)."""
    month = ledger.month_start(month)
    rows = list(
        Leg.objects.filter(posting__month=month, account__member__isnull=False)
        .order_by("posting__date", "posting_id", "id")
        .values_list(
            "account__member_id", "posting_id", "posting__date", "posting__kind", "posting__reference", "amount"
        )
    )
    if not rows:
        return []
    member_ids = {row[0] for row in rows}
    openings = dict(
        Leg.objects.filter(posting__month__lt=month, account__member_id__in=member_ids)
        .values("account__member_id")
        .annotate(total=Sum("amount"))
        .values_list("account__member_id", "total")
    )
    refunds: dict[int, int] = {}
    for posting_id, amount in Leg.objects.filter(
        posting__month=month, posting__kind="refund", account__code=ledger.REFUNDS
    ).values_list("posting_id", "amount"):
        refunds[posting_id] = refunds.get(posting_id, 0) + int(amount)
    closed = ClosedMonth.objects.filter(month=month).exists()
    members = {m.pk: m for m in Member.objects.filter(pk__in=member_ids).select_related("partner", "owner")}
    entries: dict[int, list[Entry]] = {mid: [] for mid in member_ids}
    refund_postings: dict[int, set[int]] = {mid: set() for mid in member_ids}
    for member_id, posting_id, date, kind, reference, amount in rows:
        entries[member_id].append(Entry(date, kind, reference, int(amount)))
        if posting_id in refunds:
            refund_postings[member_id].add(posting_id)
    statements = []
    for member_id in member_ids:
        own = entries[member_id]
        earned = sum(e.amount for e in own if e.kind in TURNOVER_KINDS and e.amount > 0)
        refunded = sum(refunds[p] for p in refund_postings[member_id])
        statements.append(
            Statement(
                member=members[member_id],
                month=month,
                opening=int(openings.get(member_id) or 0),
                entries=own,
                turnover=int(earned - refunded),
                closed=closed,
            )
        )
    return sorted(statements, key=lambda s: s.member.code)
