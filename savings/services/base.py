"""What every simpan-pinjam service shares: the books' account codes, the refusals, the amount, key and channel
checks, who may act, the member's savings row and the passbook line written beside each posting."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext

from books import ledger as books_ledger, services as books
from books.models import Leg, Posting
from common.errors import Refusal
from common.roles import is_board, is_treasurer
from inventory.models import Member

from ..models import (
    Channel,
    Loan,
    PassbookLine,
    SavingsAccount,
    SavingsKind,
)

CASH, BANK, JASA, SHU = "coop:cash", "coop:bank", "coop:jasa", "coop:shu"
MATERIALS = "coop:materials"  # the cooperative's own materials given out as paket usaha, at their value
COOP_NAMES = {
    CASH: books_ledger.gettext_noop("Cash box (treasurer)"),
    BANK: books_ledger.gettext_noop("Bank account of the cooperative"),
    JASA: books_ledger.gettext_noop("Loan jasa income"),
    SHU: books_ledger.gettext_noop("Surplus (SHU) shared with members"),
    MATERIALS: books_ledger.gettext_noop("Materials given out as paket usaha"),
}
MAX_GROUP = 10


def savings_code(kind: str, member: Member) -> str:
    return f"savings:{kind}:{member.code}"


def loan_code(loan: Loan, member: Member) -> str:
    return f"loan:{loan.reference}:{member.code}"


def funding_code(loan: Loan, member: Member) -> str:
    return f"funding:{loan.reference}:{member.code}"


def _names(members: Iterable[Member], loan: Loan | None = None) -> dict[str, str]:
    names = dict(COOP_NAMES)
    for m in members:
        for kind in SavingsKind.values:
            names[savings_code(kind, m)] = f"Simpanan {kind} {m.code}"
        if loan is not None:
            names[loan_code(loan, m)] = f"Pinjaman {loan.reference} {m.code}"
            names[funding_code(loan, m)] = f"Dana {loan.reference} {m.code}"
    return names


def _refuse(message: str, field: str | None = None, **params) -> Refusal:
    return Refusal(message % params if params else message, field=field)


def _amount(value, field: str = "amount") -> int:
    try:
        return books_ledger.rupiah(value, field=field, positive=True)
    except books_ledger.BooksError as error:
        raise books.refusal(error) from None


def _key(idempotency_key: str) -> str:
    if not idempotency_key or len(idempotency_key) > 90:
        raise _refuse(gettext("A request key of 1 to 90 characters is required."))
    return idempotency_key


def _counter(channel: str, member: Member) -> str:
    if channel == Channel.CASH:
        return CASH
    if channel == Channel.TRANSFER:
        return BANK
    if channel == Channel.SETTLEMENT:
        return books_ledger.member_account(member.code)
    raise _refuse(gettext("Choose how the money moves: cash, transfer or the monthly settlement."), "channel")


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise _refuse(message)


def _require_treasurer(user) -> None:
    _require(user is not None and is_treasurer(user), gettext("Only the treasurer (bendahara) may do this."))


def _require_board(user) -> None:
    _require(user is not None and is_board(user), gettext("Only the board may do this."))


def acts_for(user, member: Member) -> bool:
    return Member.objects.for_user(user).filter(pk=member.pk).exists()


def _today(on: datetime.date | None) -> datetime.date:
    return on or timezone.localdate()


def member_balance(member: Member) -> int:
    """What the cooperative owes the member on its books account now."""
    code = books_ledger.member_account(member.code)
    return int(Leg.objects.filter(account__code=code).aggregate(s=Sum("amount"))["s"] or 0)


# --- Savings -------------------------------------------------------------------------------------


def savings_account(member: Member, *, lock: bool = False) -> SavingsAccount:
    row, _ = SavingsAccount.objects.get_or_create(member=member)
    if lock:
        row = SavingsAccount.objects.select_for_update().get(pk=row.pk)
    return row


def _replayed(key: str, member: Member) -> PassbookLine | None:
    posting = Posting.objects.filter(idempotency_key=key).first()
    if posting is None:
        return None
    line = PassbookLine.objects.filter(posting=posting, member=member).first()
    if line is None:
        raise _refuse(gettext("This request key was already used for a different change."))
    return line


def _line(member, kind, amount, balance, day, posting, text, user, channel="", period=None, loan=None):
    return PassbookLine.objects.create(
        member=member,
        kind=kind,
        amount=amount,
        balance=balance,
        date=posting.date if posting else day,
        channel=channel,
        text=text[:160],
        period=period,
        loan=loan,
        posting=posting,
        created_by=user if getattr(user, "is_authenticated", False) else None,
    )
