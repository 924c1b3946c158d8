"""The year's surplus (SHU): the board enters the surplus and the split, another board member approves the table,
and every member's share is credited to its account."""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext

from books import ledger as books_ledger, services as books
from books.models import Leg
from inventory.models import Member

from ..models import (
    PassbookLine,
    ShuLine,
    ShuRun,
)
from .base import COOP_NAMES, SHU, _amount, _refuse, _require_board

# --- SHU (the year's surplus) --------------------------------------------------------------------


def _percent(value, field: str) -> Decimal:
    try:
        number = Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        number = Decimal(-1)
    if not number.is_finite() or number != number.quantize(Decimal("0.01")) or not 0 <= number <= 100:
        raise _refuse(gettext("A share is 0 to 100 percent, with at most two decimals."), field)
    return number.quantize(Decimal("0.01"))


def shu_bases(year: int) -> dict[int, tuple[int, int]]:
    """Member id → (savings at the end of ``year``, settled sales in ``year`` net of refunds), from the passbook
    and the books."""
    end = datetime.date(year, 12, 31)
    savings = dict(
        PassbookLine.objects.filter(date__lte=end, kind__in=["pokok", "wajib", "sukarela", "lent"])
        .values_list("member_id")
        .annotate(s=Sum("amount"))
        .values_list("member_id", "s")
    )
    sales = dict(
        Leg.objects.filter(
            account__member__isnull=False, posting__kind__in=["sale", "refund"], posting__date__year=year
        )
        .values_list("account__member_id")
        .annotate(s=Sum("amount"))
        .values_list("account__member_id", "s")
    )
    members = Member.objects.filter(pk__in=set(savings) | set(sales))
    return {m.pk: (max(0, int(savings.get(m.pk, 0))), max(0, int(sales.get(m.pk, 0)))) for m in members}


@transaction.atomic
def shu_prepare(*, year, surplus, savings_percent, sales_percent, user) -> ShuRun:
    """The board enters the year's surplus and split; the table of every member's share is computed (a draft of
    the same year is replaced; an approved year is final)."""
    _require_board(user)
    try:
        year = int(year)
    except (TypeError, ValueError):
        year = 0
    if not 2000 <= year <= timezone.localdate().year:
        raise _refuse(gettext("Give a year that has begun."), "year")
    surplus = _amount(surplus, "surplus")
    by_savings, by_sales = _percent(savings_percent, "savings_percent"), _percent(sales_percent, "sales_percent")
    if by_savings + by_sales > 100:
        raise _refuse(gettext("The shares add up to more than 100 percent."), "sales_percent")
    found = ShuRun.objects.select_for_update().filter(year=year).first()
    if found is not None and found.status == ShuRun.Status.APPROVED:
        raise _refuse(gettext("The SHU of this year is already approved and credited."), "year")
    if found is not None:
        found.delete()
    run = ShuRun.objects.create(
        year=year, surplus=surplus, savings_percent=by_savings, sales_percent=by_sales, created_by=user
    )
    bases = shu_bases(year)
    ids = sorted(bases)
    savings_pool = books_ledger.percent_of(surplus, by_savings)
    sales_pool = books_ledger.percent_of(surplus, by_sales)
    shares_s = books_ledger.split_in_proportion(savings_pool, [bases[i][0] for i in ids])
    shares_t = books_ledger.split_in_proportion(sales_pool, [bases[i][1] for i in ids])
    ShuLine.objects.bulk_create(
        [
            ShuLine(run=run, member_id=i, savings=bases[i][0], sales=bases[i][1], by_savings=s, by_sales=t)
            for i, s, t in zip(ids, shares_s, shares_t, strict=True)
            if s or t
        ]
    )
    return run


@transaction.atomic
def shu_approve(*, run: ShuRun, user) -> ShuRun:
    """Another board member approves the table: every member's share is credited to its account (kind shu)."""
    run = books.lock_for_checker(
        ShuRun,
        pk=run.pk,
        user=user,
        maker_refused=gettext("Another board member must approve: the one who prepared the SHU cannot."),
        replay_status=ShuRun.Status.APPROVED,
    )
    if run.status == ShuRun.Status.APPROVED:
        return run
    lines = list(run.lines.select_related("member"))
    total = sum(line.total for line in lines)
    if total:
        legs = {books_ledger.member_account(line.member.code): line.total for line in lines if line.total}
        legs[SHU] = -total
        run.posting = books.post(
            kind="shu",
            reference=gettext("SHU %(year)s") % {"year": run.year},
            legs=legs,
            idempotency_key=f"shu:{run.year}",
            user=user,
            source=f"shu:{run.year}",
            names=COOP_NAMES,
        )
    run.status, run.approved_by = ShuRun.Status.APPROVED, user
    run.save(update_fields=["status", "approved_by", "posting"])
    return run
