"""Reads for material loans: the member's book, suggested lenders, the board's overview."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext

from inventory.models import Member

from . import rules
from .models import LoanNotice, MaterialLoan, MaterialPrice


def material_price(material) -> Decimal | None:
    return MaterialPrice.objects.filter(material=material).values_list("price", flat=True).first()


def material_prices() -> dict[int, Decimal]:
    return dict(MaterialPrice.objects.values_list("material_id", "price"))


def _related(qs):
    return qs.select_related("borrower__partner", "lender__partner", "material")


def overdue_loans(*, today: datetime.date | None = None):
    today = today or timezone.localdate()
    return _related(MaterialLoan.objects.filter(state__in=rules.OUTSTANDING, due_on__lt=today))


def loans_of(members):
    """Loans in which any of ``members`` is a party."""
    return _related(MaterialLoan.objects.filter(Q(borrower__in=members) | Q(lender__in=members)))


def visible_loan(pk: int, *, board: bool, members) -> MaterialLoan | None:
    """The loan if the board, or a user acting for one of ``members``, may see it; None otherwise (404)."""
    rows = _related(MaterialLoan.objects.all()) if board else loans_of(members)
    return rows.filter(pk=pk).first()


@dataclass
class Book:
    borrowed: list
    lent: list
    notices: list


def member_book(members) -> Book:
    """The lent and borrowed book of the user's workshops, active loans first, and their notices."""
    loans = list(loans_of(members).order_by("-updated_at", "-pk")[:200])
    ids = {m.pk for m in members}
    order = {s: i for i, s in enumerate(rules.STATES)}
    loans.sort(key=lambda l: order[l.state])
    notices = list(
        LoanNotice.objects.filter(member__in=members).select_related(
            "loan__material", "loan__borrower__partner", "loan__lender__partner"
        )[:30]
    )
    for notice in notices:
        notice.text = notice_text(notice)
    return Book(
        borrowed=[l for l in loans if l.borrower_id in ids],
        lent=[l for l in loans if l.lender_id in ids],
        notices=notices,
    )


def notice_text(notice: LoanNotice) -> str:
    """The notice in the reader's language, composed from the loan as it is now."""
    loan = notice.loan
    params = {
        "id": loan.pk,
        "material": loan.material.display_name,
        "lender": loan.lender.name,
        "borrower": loan.borrower.name,
        "quantity": loan.material.format(loan.quantity or loan.requested_quantity),
        "outstanding": loan.material.format(loan.outstanding),
        "due": loan.due_on or "",
        "amount": f"{loan.settlement_amount:,.0f}".replace(",", "."),
    }
    texts = {
        LoanNotice.Kind.REQUESTED: gettext("%(borrower)s asks to borrow %(quantity)s %(material)s (loan #%(id)s)."),
        LoanNotice.Kind.ACCEPTED: gettext("%(lender)s will lend you %(quantity)s %(material)s (loan #%(id)s)."),
        LoanNotice.Kind.DECLINED: gettext("%(lender)s declined your request for %(material)s (loan #%(id)s)."),
        LoanNotice.Kind.RECALLED: gettext(
            "%(lender)s recalls loan #%(id)s: return %(outstanding)s %(material)s by %(due)s."
        ),
        LoanNotice.Kind.RETURNED: gettext(
            "%(borrower)s returned %(material)s; %(outstanding)s still outstanding (loan #%(id)s)."
        ),
        LoanNotice.Kind.SETTLEMENT: gettext("Settling the rest of loan #%(id)s in money is proposed; please answer."),
        LoanNotice.Kind.SETTLED: gettext("Loan #%(id)s is settled: %(borrower)s owes %(lender)s Rp %(amount)s."),
        LoanNotice.Kind.PAID: gettext("%(lender)s received your payment of Rp %(amount)s for loan #%(id)s."),
    }
    return texts[notice.kind] % params


# --- The board --------------------------------------------------------------------------------------


@dataclass
class Overdue:
    loan: MaterialLoan
    days: int
    bucket: str


@dataclass
class Owed:
    borrower: Member
    lender: Member
    materials: list  # (material, outstanding quantity)
    money: Decimal


def board_overview(*, today: datetime.date | None = None) -> dict:
    today = today or timezone.localdate()
    overdue = []
    for loan in overdue_loans(today=today).order_by("due_on", "pk"):
        days = rules.days_overdue(loan.due_on, today)
        overdue.append(Overdue(loan, days, rules.ageing_bucket(days)))
    ageing = {name: [o for o in overdue if o.bucket == name] for name, _, _ in rules.AGEING_BUCKETS}
    owed: dict[tuple[int, int], Owed] = {}
    material_sums: dict[tuple[int, int], dict] = defaultdict(dict)
    # Settled money counts until the lender confirms it arrived; paid loans owe nothing and are left out.
    unpaid = Q(settlement_amount__gt=0, settlement_paid_at__isnull=True)
    for loan in _related(MaterialLoan.objects.filter(Q(state__in=rules.OUTSTANDING) | unpaid)):
        key = (loan.borrower_id, loan.lender_id)
        entry = owed.setdefault(key, Owed(loan.borrower, loan.lender, [], Decimal(0)))
        entry.money += loan.settlement_amount
        if loan.state in rules.OUTSTANDING:
            sums = material_sums[key]
            sums[loan.material] = sums.get(loan.material, Decimal(0)) + loan.outstanding
    for key, sums in material_sums.items():
        owed[key].materials = sorted(sums.items(), key=lambda pair: pair[0].code)
    return {
        "overdue": overdue,
        "ageing": ageing,
        "owed": sorted(owed.values(), key=lambda o: (o.borrower.code, o.lender.code)),
        "active": _related(MaterialLoan.objects.filter(state__in=rules.ACTIVE)).order_by("due_on", "pk"),
        "recent": _related(MaterialLoan.objects.all()).order_by("-updated_at")[:30],
    }
