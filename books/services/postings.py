"""Posting into the money books: accounts made on first use, ``post`` (balanced legs, once per key, into the
open month), the board's fee in force, and the refusals every service raises. The other modules of
``books.services`` write through ``post``."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from decimal import Decimal

from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext

from common.errors import Refusal
from common.idempotency import run_once
from common.roles import is_board
from inventory.models import Member

from .. import ledger
from ..models import Account, ClosedMonth, FeeRate, Leg, Posting


def refusal(error: ledger.BooksError) -> Refusal:
    return Refusal(
        gettext(error.template) % error.params if error.params else gettext(error.template),
        code=type(error).__name__,
        field=error.field,
    )


def _refuse(message: str, *, field: str | None = None) -> Refusal:
    return Refusal(message, field=field)


# --- Accounts and postings -----------------------------------------------------------------------


def account(code: str, name: str | None = None) -> Account:
    """The account with this code, made on first use (a member's from the member, the cooperative's by name; an
    app's own account, e.g. a member's savings, by the ``name`` it gives)."""
    found = Account.objects.filter(code=code).first()
    if found is not None:
        return found
    if name is not None and not code.startswith("member:"):
        return Account.objects.get_or_create(code=code, defaults={"name": name[:120]})[0]
    if code.startswith("member:"):
        member = Member.objects.select_related("partner").get(code=code.removeprefix("member:"))
        return Account.objects.get_or_create(code=code, defaults={"name": member.name, "member": member})[0]
    return Account.objects.get_or_create(code=code, defaults={"name": ledger.COOP_ACCOUNTS[code]})[0]


def member_code(member: Member) -> str:
    return ledger.member_account(member.code)


def last_closed_month() -> datetime.date | None:
    return ClosedMonth.objects.aggregate(m=Max("month"))["m"]


def post(
    *,
    kind: str,
    reference: str,
    legs: Mapping[str, int],
    idempotency_key: str,
    on: datetime.date | None = None,
    order_line=None,
    source: str = "",
    user=None,
    names: Mapping[str, str] | None = None,
) -> Posting:
    """Post once: legs (account code → rupiah) summing to zero, booked in the month of ``on`` (today) or, when
    that month is closed, in the open month. A key seen before returns the first posting and posts nothing.
    ``names`` names accounts of other apps made on first use (code → name)."""
    if kind not in ledger.KINDS:
        raise refusal(ledger.BooksError(ledger.gettext_noop("Unknown kind of posting %(kind)s."), kind=kind))
    try:
        legs = ledger.check_legs(legs)
    except ledger.BooksError as error:
        raise refusal(error) from None
    if not idempotency_key or len(idempotency_key) > 100:
        raise _refuse(gettext("A request key of 1 to 100 characters is required."))
    accounts = {code: account(code, (names or {}).get(code)) for code in legs}  # made once, even racing

    def replay():
        existing = Posting.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None and existing.kind != kind:
            raise _refuse(gettext("This request key was already used for a different posting."))
        return existing

    def apply():
        day = on or timezone.localdate()
        month = ledger.booking_month(day, last_closed_month())
        posting = Posting.objects.create(
            kind=kind,
            reference=reference[:120],
            date=max(day, month),
            month=month,
            order_line=order_line,
            idempotency_key=idempotency_key,
            source=source[:100],
            created_by=user if getattr(user, "is_authenticated", False) else None,
        )
        Leg.objects.bulk_create(
            [Leg(posting=posting, account=accounts[code], amount=amount) for code, amount in sorted(legs.items())]
        )
        return posting

    return run_once(replay=replay, apply=apply)


# --- Fees ----------------------------------------------------------------------------------------


def fee_percent_for(product_class, *, on: datetime.date) -> Decimal:
    """The fee in force on ``on``: the product class's own rate if it has one started, else the general one."""
    class_id = getattr(product_class, "pk", product_class)
    started = FeeRate.objects.filter(effective_from__lte=on).order_by("-effective_from", "-id")
    own = started.filter(product_class_id=class_id).first() if class_id else None
    rate = own or started.filter(product_class__isnull=True).first()
    return rate.percent if rate else Decimal(0)


def net_of_fee(gross: int, product_class, *, on: datetime.date) -> tuple[int, int]:
    """(fee, gross − fee) of a sale of ``gross`` rupiah."""
    fee = ledger.percent_of(gross, fee_percent_for(product_class, on=on))
    return fee, gross - fee


def _require_board(user) -> None:
    if user is None or not is_board(user):
        raise _refuse(gettext("Only the board may do this."))


def lock_for_checker(model, *, pk, user, maker_refused: str, replay_status=None):
    """Maker-checker: the row (a payout run, an SHU table) locked for a board member to approve, refused to the
    board member who made it. A row already in ``replay_status`` is handed back as it is (a replayed approval)."""
    _require_board(user)
    row = model.objects.select_for_update().get(pk=pk)
    if row.created_by_id == user.pk and (replay_status is None or row.status != replay_status):
        raise _refuse(maker_refused)
    return row


def _rupiah(value, field: str, **kwargs) -> int:
    try:
        return ledger.rupiah(value, field=field, **kwargs)
    except ledger.BooksError as error:
        raise refusal(error) from None
