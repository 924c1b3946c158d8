"""Lending before the money moves: borrower groups, loan products, eligibility, applications and the board's two
approvals."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext

from books import ledger as books_ledger
from common.roles import is_board
from inventory.models import Material, Member

from .. import rules
from ..models import (
    Funding,
    Group,
    Instalment,
    Loan,
    LoanProduct,
    LoanShare,
)
from . import in_kind
from .base import MAX_GROUP, _amount, _refuse, _require, _require_board, _today, acts_for, savings_account
from .deposits import pokok_required, wajib_required

# --- Groups and products -------------------------------------------------------------------------


@transaction.atomic
def group_create(*, code: str, name: str, leader: Member, members: Sequence[Member], neighbourhood="", user) -> Group:
    _require_board(user)
    code, name = (code or "").strip(), (name or "").strip()
    if not code or len(code) > 20 or not code.replace("-", "").isalnum():
        raise _refuse(gettext("A group code is 1 to 20 letters, digits or dashes."), "code")
    if Group.objects.filter(code=code).exists():
        raise _refuse(gettext("A group with this code exists already."), "code")
    if not name:
        raise _refuse(gettext("Give the group a name."), "name")
    members = list({m.pk: m for m in members}.values())
    if not 2 <= len(members) <= MAX_GROUP:
        raise _refuse(gettext("A group has 2 to %(max)s members."), "members", max=MAX_GROUP)
    if leader.pk not in {m.pk for m in members}:
        raise _refuse(gettext("The leader must be one of the group's members."), "leader")
    group = Group.objects.create(code=code, name=name[:80], neighbourhood=(neighbourhood or "")[:80], leader=leader)
    group.members.set(members)
    return group


@transaction.atomic
def product_add(
    *,
    name,
    min_amount,
    max_amount,
    instalments,
    frequency,
    jasa_percent,
    jasa_method,
    for_groups=False,
    in_kind=False,
    user,
) -> LoanProduct:
    _require_board(user)
    name = (name or "").strip()
    if not name or LoanProduct.objects.filter(name=name).exists():
        raise _refuse(gettext("Give the product a new name."), "name")
    low, high = _amount(min_amount, "min_amount"), _amount(max_amount, "max_amount")
    if high < low or high > 1_000_000_000:
        raise _refuse(
            gettext("The largest loan must be at least the smallest and at most Rp 1.000.000.000."), "max_amount"
        )
    try:
        count = int(instalments)
    except (TypeError, ValueError):
        count = 0
    if not 1 <= count <= rules.MAX_INSTALMENTS:
        raise _refuse(gettext("A loan has 1 to %(max)s instalments."), "instalments", max=rules.MAX_INSTALMENTS)
    if frequency not in rules.FREQUENCIES:
        raise _refuse(gettext("Choose how often instalments fall due."), "frequency")
    if jasa_method not in rules.METHODS:
        raise _refuse(gettext("Choose flat or declining jasa."), "jasa_method")
    try:
        percent = Decimal(str(jasa_percent).replace(",", "."))
    except (InvalidOperation, ValueError):
        percent = Decimal(-1)
    if not percent.is_finite() or percent != percent.quantize(Decimal("0.01")) or not 0 <= percent <= 20:
        raise _refuse(gettext("Jasa is 0 to 20 percent, with at most two decimals."), "jasa_percent")
    return LoanProduct.objects.create(
        name=name[:80],
        min_amount=low,
        max_amount=high,
        instalments=count,
        frequency=frequency,
        jasa_percent=percent,
        jasa_method=jasa_method,
        for_groups=bool(for_groups),
        in_kind=bool(in_kind),
        created_by=user,
    )


# --- Eligibility ---------------------------------------------------------------------------------


def shares_in_arrears(members: Iterable[Member], on: datetime.date) -> list[str]:
    overdue = (
        Instalment.objects.filter(
            share__member__in=list(members), share__loan__status=Loan.Status.DISBURSED, due__lt=on, paid_on__isnull=True
        )
        .values_list("share__loan__reference", flat=True)
        .distinct()
    )
    return sorted(set(overdue))


def eligibility(member: Member, on: datetime.date | None = None, group: Group | None = None) -> list[str]:
    """Why ``member`` may not borrow on ``on`` (translated sentences), empty when it may. A member of a group
    with a loan in arrears may not borrow with it (tanggung renteng: the group clears it first)."""
    on = _today(on)
    account = savings_account(member)
    arrears = shares_in_arrears([member], on)
    if group is not None:
        arrears = sorted(set(arrears) | set(shares_in_arrears(group.members.all(), on)))
    facts = rules.Facts(
        joined=member.joined,
        today=on,
        pokok_due=max(0, pokok_required(member) - account.pokok),
        wajib_due=max(0, wajib_required(member, on) - account.wajib),
        loans_in_arrears=arrears,
        active=member.status == Member.Status.ACTIVE,
    )
    params = {
        "from": rules.add_months(member.joined, rules.MIN_MEMBERSHIP_MONTHS).strftime("%d.%m.%Y"),
        "pokok": books_ledger.format_rupiah(facts.pokok_due),
        "wajib": books_ledger.format_rupiah(facts.wajib_due),
        "loans": ", ".join(arrears),
    }
    return [gettext(reason) % params for reason in rules.ineligible(facts)]


# --- Loans ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Part:
    member: Member
    amount: int


def loan_apply(
    *,
    product: LoanProduct,
    shares: Sequence[tuple[Member, object]],
    user,
    group: Group | None = None,
    fundings: Sequence[tuple[Member, object]] = (),
    purpose: str = "",
    on: datetime.date | None = None,
    package: Sequence[tuple[Material, object, object]] = (),
    stock_from: Member | None = None,
    coop_stock: bool = False,
) -> Loan:
    """A loan application: one member's, or a group's with each member's amount. Refused, with the reasons,
    when a borrower is not eligible; peer funders need the sukarela for their part. A product in kind takes the
    ``package`` (material, quantity, price per unit) each borrower receives from ``stock_from``'s stock (the
    cooperative's materials when ``coop_stock``); each borrower's amount is the package's value."""
    on = _today(on)
    if not product.active:
        raise _refuse(gettext("This loan product is no longer offered."), "product")
    parts, items = _parts(product, shares, package, stock_from)
    if not parts:
        raise _refuse(gettext("Name the borrower and the amount."), "shares")
    members = [p.member for p in parts]
    if len({m.pk for m in members}) != len(members):
        raise _refuse(gettext("Each member borrows once in a loan."), "shares")
    if product.in_kind:
        in_kind.check_source(stock_from, members)
    if group is None:
        if product.for_groups:
            raise _refuse(gettext("This product lends to groups: choose the group."), "group")
        if len(parts) != 1:
            raise _refuse(gettext("An individual loan has one borrower."), "shares")
        _require(
            is_board(user) or acts_for(user, members[0]), gettext("Only the board or the member may apply for it.")
        )
    else:
        _require(
            is_board(user) or acts_for(user, group.leader), gettext("Only the board or the group's leader may apply.")
        )
        inside = set(group.members.values_list("pk", flat=True))
        outside = [m.code for m in members if m.pk not in inside]
        if outside:
            raise _refuse(
                gettext("%(members)s is not in the group %(group)s."),
                "shares",
                members=", ".join(outside),
                group=group.code,
            )
    for part in parts:
        if not product.min_amount <= part.amount <= product.max_amount:
            raise _refuse(
                gettext("%(member)s: a loan of this product is %(low)s to %(high)s."),
                "shares",
                member=part.member.code,
                low=books_ledger.format_rupiah(product.min_amount),
                high=books_ledger.format_rupiah(product.max_amount),
            )
        reasons = eligibility(part.member, on, group)
        if reasons:
            raise _refuse(
                gettext("%(member)s cannot borrow now: %(reasons)s"),
                "shares",
                member=part.member.code,
                reasons=" ".join(reasons),
            )
    funds = [Part(m, _amount(a, "fundings")) for m, a in fundings]
    if sum(f.amount for f in funds) > sum(p.amount for p in parts):
        raise _refuse(gettext("The funders give more than the loan."), "fundings")
    if len({f.member.pk for f in funds}) != len(funds):
        raise _refuse(gettext("Each funder is named once."), "fundings")
    for fund in funds:
        if fund.member.pk in {m.pk for m in members}:
            raise _refuse(gettext("A borrower cannot fund its own loan."), "fundings")
        available = savings_account(fund.member).sukarela
        if fund.amount > available:
            raise _refuse(
                gettext("%(member)s has only %(available)s of simpanan sukarela."),
                "fundings",
                member=fund.member.code,
                available=books_ledger.format_rupiah(available),
            )
    with transaction.atomic():
        loan = Loan.objects.create(
            reference=f"tmp-{uuid.uuid4().hex[:16]}",  # replaced by PJ<id> below
            product=product,
            group=group,
            purpose=(purpose or "")[:160],
            applied_by=user,
            stock_from=stock_from if product.in_kind else None,
            coop_stock=bool(coop_stock) and product.in_kind,
        )
        loan.reference = f"PJ{loan.pk:05d}"
        loan.save(update_fields=["reference"])
        LoanShare.objects.bulk_create([LoanShare(loan=loan, member=p.member, principal=p.amount) for p in parts])
        Funding.objects.bulk_create([Funding(loan=loan, funder=f.member, amount=f.amount) for f in funds])
        in_kind.save_package(loan, items)
    return loan


def _parts(product: LoanProduct, shares, package, stock_from) -> tuple[list[Part], list[in_kind.PackageItem]]:
    """Each borrower's amount and, for a product in kind, the checked package, whose value every borrower owes
    (an amount given must be that value; none given takes it)."""
    if not product.in_kind:
        if package or stock_from is not None:
            raise _refuse(gettext("This product lends money: it has no package of materials."), "package")
        missing = [m.code for m, a in shares if a is None or (isinstance(a, str) and not a.strip())]
        if missing:  # the board's form leaves them out (codes alone are for a loan in kind): refused on the field
            raise _refuse(
                gettext("A money loan needs each borrower's amount, e.g. m01=25000 (no amount for %(members)s)."),
                "shares",
                members=", ".join(missing),
            )
        return [Part(m, _amount(a, "shares")) for m, a in shares], []
    items = in_kind.package_items(package)
    value = in_kind.package_value(items)
    for member, amount in shares:
        if amount not in (None, "") and _amount(amount, "shares") != value:
            raise _refuse(
                gettext("%(member)s: a loan in kind is the value of its package, %(value)s."),
                "shares",
                member=member.code,
                value=books_ledger.format_rupiah(value),
            )
    return [Part(m, value) for m, _amount_given in shares], items


@transaction.atomic
def loan_approve(*, loan: Loan, user) -> Loan:
    """One of the two board approvals a loan needs (two different board members)."""
    _require_board(user)
    loan = Loan.objects.select_for_update().get(pk=loan.pk)
    if loan.status != Loan.Status.APPLIED:
        raise _refuse(gettext("This loan is not waiting for approval."))
    if loan.approved_by.filter(pk=user.pk).exists():
        raise _refuse(gettext("You approved this loan already: another board member must approve it too."))
    loan.approved_by.add(user)
    if loan.approved_by.count() >= 2:
        loan.status = Loan.Status.APPROVED
        loan.save(update_fields=["status"])
    return loan


@transaction.atomic
def loan_refuse(*, loan: Loan, user) -> Loan:
    _require_board(user)
    loan = Loan.objects.select_for_update().get(pk=loan.pk)
    if loan.status not in (Loan.Status.APPLIED, Loan.Status.APPROVED):
        raise _refuse(gettext("Only a loan not yet disbursed can be refused."))
    loan.status = Loan.Status.REFUSED
    loan.save(update_fields=["status"])
    return loan
