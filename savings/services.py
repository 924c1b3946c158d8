"""Writing simpan-pinjam. Every change is one transaction that posts into the cooperative's money books
(``books.services.post``: same postings, same statements, the trial balance stays 0) and updates the passbook
and the loan schedule beside it. A refused change raises ``Refusal`` naming the field and writes nothing; a
change carries an idempotency key, so a second click or a re-posted collection sheet changes nothing.

Accounts (credit-positive, as in books/ledger.py):

- ``savings:<pokok|wajib|sukarela>:<member>``: what the cooperative holds for the member (≥ 0);
- ``loan:<reference>:<member>``: the principal the member still owes on a loan (≤ 0);
- ``funding:<reference>:<member>``: the sukarela a member lent to a loan, not yet paid back (≥ 0);
- ``coop:cash`` (the treasurer's cash box) and ``coop:bank``: money received is negative, paid out positive;
- ``coop:jasa``: the cooperative's jasa income (funders get their share of the jasa on what they funded);
- ``member:<code>``: the member's books account, for deposits and repayments from the monthly settlement and
  for tanggung renteng (a member whose instalment the group paid owes the payers).
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext

from books import ledger as books_ledger, services as books
from books.models import Leg, Posting
from common.errors import Refusal
from common.roles import is_board, is_treasurer
from inventory.models import Member

from . import rules
from .models import (
    Channel,
    Funding,
    Group,
    Instalment,
    Loan,
    LoanPayment,
    LoanProduct,
    LoanShare,
    PassbookLine,
    SavingsAccount,
    SavingsKind,
    SavingsRule,
    ShuLine,
    ShuRun,
)

CASH, BANK, JASA = "coop:cash", "coop:bank", "coop:jasa"
COOP_NAMES = {
    CASH: books_ledger.gettext_noop("Cash box (treasurer)"),
    BANK: books_ledger.gettext_noop("Bank account of the cooperative"),
    JASA: books_ledger.gettext_noop("Loan jasa income"),
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


def pay_dues(*, member: Member, amount, channel: str, idempotency_key: str, user, on=None) -> Posting:
    """The member pays at the meeting what it owes on its books account (monthly dues and the like)."""
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
        return books.post(
            kind="dues",
            reference=gettext("Dues paid %(member)s") % {"member": member.code},
            legs={books_ledger.member_account(member.code): amount, _counter(channel, member): -amount},
            idempotency_key=key,
            on=_today(on),
            user=user,
            names=COOP_NAMES,
        )


def pokok_required(member: Member) -> int:
    rows = list(SavingsRule.objects.filter(kind=SavingsKind.POKOK))
    if not rows:
        return 0
    return amount_in_force(rows, member.joined) or amount_in_force(rows, min(r.effective_from for r in rows))


def wajib_required(member: Member, on: datetime.date, rows: Sequence[SavingsRule] | None = None) -> int:
    """Simpanan wajib due from the member's joining up to ``on`` (each month's at its meeting)."""
    rows = list(SavingsRule.objects.filter(kind=SavingsKind.WAJIB)) if rows is None else rows
    return sum(amount_in_force(rows, month) for month in rules.months_due(member.joined, on))


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
) -> Loan:
    """A loan application: one member's, or a group's with each member's amount. Refused, with the reasons,
    when a borrower is not eligible; peer funders need the sukarela for their part."""
    on = _today(on)
    if not product.active:
        raise _refuse(gettext("This loan product is no longer offered."), "product")
    parts = [Part(m, _amount(a, "shares")) for m, a in shares]
    if not parts:
        raise _refuse(gettext("Name the borrower and the amount."), "shares")
    members = [p.member for p in parts]
    if len({m.pk for m in members}) != len(members):
        raise _refuse(gettext("Each member borrows once in a loan."), "shares")
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
        )
        loan.reference = f"PJ{loan.pk:05d}"
        loan.save(update_fields=["reference"])
        LoanShare.objects.bulk_create([LoanShare(loan=loan, member=p.member, principal=p.amount) for p in parts])
        Funding.objects.bulk_create([Funding(loan=loan, funder=f.member, amount=f.amount) for f in funds])
    return loan


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


def loan_disburse(*, loan: Loan, channel: str, user, on: datetime.date | None = None) -> Loan:
    """The treasurer pays an approved loan out: cash, transfer, or credited to each borrower's account. Funders'
    sukarela moves into the loan; the instalment schedule starts."""
    _require_treasurer(user)
    day = _today(on)
    with transaction.atomic():
        loan = Loan.objects.select_for_update().select_related("product").get(pk=loan.pk)
        if loan.status == Loan.Status.DISBURSED:
            return loan
        if loan.status != Loan.Status.APPROVED:
            raise _refuse(gettext("A loan is disbursed once two board members approved it."))
        shares = list(loan.shares.select_related("member"))
        fundings = list(loan.fundings.select_related("funder").order_by("funder_id"))
        legs: dict[str, int] = {}
        for share in shares:
            legs[loan_code(loan, share.member)] = -share.principal
            counter = _counter(channel, share.member)
            legs[counter] = legs.get(counter, 0) + share.principal
        accounts = {}
        for fund in fundings:
            account = accounts[fund.funder_id] = savings_account(fund.funder, lock=True)
            if fund.amount > account.sukarela:
                raise _refuse(
                    gettext("%(member)s has only %(available)s of simpanan sukarela."),
                    "fundings",
                    member=fund.funder.code,
                    available=books_ledger.format_rupiah(account.sukarela),
                )
            legs[savings_code(SavingsKind.SUKARELA, fund.funder)] = -fund.amount
            legs[funding_code(loan, fund.funder)] = fund.amount
        posting = books.post(
            kind="credit",
            reference=gettext("Loan disbursed %(loan)s") % {"loan": loan.reference},
            legs=legs,
            idempotency_key=f"credit:{loan.reference}:disbursed",
            on=day,
            user=user,
            source=f"loan:{loan.reference}",
            names=_names([s.member for s in shares] + [f.funder for f in fundings], loan),
        )
        product = loan.product
        for share in shares:
            plan = rules.schedule(
                share.principal, product.instalments, product.frequency, product.jasa_percent, product.jasa_method, day
            )
            Instalment.objects.bulk_create(
                [Instalment(share=share, number=d.number, due=d.due, principal=d.principal, jasa=d.jasa) for d in plan]
            )
            _line(
                share.member,
                "loan",
                share.principal,
                share.principal,
                day,
                posting,
                gettext("Loan disbursed"),
                user,
                channel,
                loan=loan,
            )
        for fund in fundings:
            account = accounts[fund.funder_id]
            account.sukarela -= fund.amount
            account.lent += fund.amount
            account.save(update_fields=["sukarela", "lent"])
            text = gettext("Lent to %(loan)s") % {"loan": loan.reference}
            _line(fund.funder, "sukarela", -fund.amount, account.sukarela, day, posting, text, user, loan=loan)
            _line(fund.funder, "lent", fund.amount, account.lent, day, posting, text, user, loan=loan)
        loan.status, loan.disbursed_on, loan.disbursed_by = Loan.Status.DISBURSED, day, user
        loan.save(update_fields=["status", "disbursed_on", "disbursed_by"])
    return loan


def outstanding(share: LoanShare) -> int:
    return sum(i.remaining for i in share.instalments.all())


def principal_left(share: LoanShare) -> int:
    return sum(i.principal - i.paid_principal for i in share.instalments.all())


def early_amount(share: LoanShare, on: datetime.date) -> int:
    """What repays the share in full on ``on``: the principal left and the jasa of instalments already due."""
    rows = list(share.instalments.all())
    return sum(i.principal - i.paid_principal for i in rows) + sum(
        i.jasa - i.paid_jasa - i.waived_jasa for i in rows if i.due <= on
    )


def repay(
    *,
    share: LoanShare,
    amount,
    channel: str,
    idempotency_key: str,
    user,
    on: datetime.date | None = None,
    covered_by: Sequence[Member] = (),
    early: bool = False,
) -> LoanPayment:
    """A repayment on a member's share, oldest instalment first (jasa, then principal). ``covered_by``: the
    group's members who paid it for the member (tanggung renteng) — the member then owes them through the books.
    ``early``: the share is repaid in full; jasa of instalments not yet due is waived."""
    _require_treasurer(user)
    key, day = _key(idempotency_key), _today(on)
    amount = _amount(amount)
    counter_channel = channel
    _counter(channel, share.member)
    with transaction.atomic():
        loan = Loan.objects.select_for_update().get(pk=share.loan_id)
        found = LoanPayment.objects.filter(key=key).first()
        if found is not None:
            if found.share_id != share.pk:
                raise _refuse(gettext("This request key was already used for a different change."))
            return found
        if loan.status != Loan.Status.DISBURSED:
            raise _refuse(gettext("Only a running loan can be repaid."))
        share = LoanShare.objects.select_related("member", "loan").get(pk=share.pk)
        rows = list(Instalment.objects.select_for_update().filter(share=share).order_by("number"))
        if early:
            due_now = early_amount(share, day)
            if amount != due_now:
                raise _refuse(
                    gettext("Early repayment is exactly %(amount)s."),
                    "amount",
                    amount=books_ledger.format_rupiah(due_now),
                )
            for row in rows:
                if row.due > day and row.jasa - row.paid_jasa - row.waived_jasa > 0:
                    row.waived_jasa = row.jasa - row.paid_jasa
        left = sum(r.remaining for r in rows)
        if amount > left:
            raise _refuse(
                gettext("Only %(left)s is still owed on this loan."), "amount", left=books_ledger.format_rupiah(left)
            )
        coverers = [m for m in {m.pk: m for m in covered_by}.values() if m.pk != share.member_id]
        if covered_by:
            group_members = set(loan.group.members.values_list("pk", flat=True)) if loan.group_id else set()
            if not coverers or any(m.pk not in group_members for m in coverers):
                raise _refuse(
                    gettext("Only the other members of the loan's group can cover an instalment."), "covered_by"
                )
            if channel == Channel.SETTLEMENT:
                raise _refuse(gettext("The group covers an instalment in cash or by transfer."), "channel")
        if channel == Channel.SETTLEMENT and member_balance(share.member) < amount:
            raise _refuse(
                gettext("The member's balance (%(balance)s) does not cover this payment."),
                "amount",
                balance=books_ledger.format_rupiah(member_balance(share.member)),
            )
        paid_p = paid_j = 0
        rest = amount
        for row in rows:
            take_j = min(rest, row.jasa - row.paid_jasa - row.waived_jasa)
            row.paid_jasa += take_j
            rest -= take_j
            take_p = min(rest, row.principal - row.paid_principal)
            row.paid_principal += take_p
            rest -= take_p
            paid_p, paid_j = paid_p + take_p, paid_j + take_j
            if row.remaining == 0 and row.paid_on is None:
                row.paid_on = day
        Instalment.objects.bulk_update(rows, ["paid_principal", "paid_jasa", "waived_jasa", "paid_on"])
        # Funders get their part back in proportion: of all principal and jasa paid on the loan so far.
        totals = Instalment.objects.filter(share__loan=loan).aggregate(p=Sum("paid_principal"), j=Sum("paid_jasa"))
        loan_principal = LoanShare.objects.filter(loan=loan).aggregate(s=Sum("principal"))["s"]
        fundings = list(Funding.objects.select_related("funder").filter(loan=loan).order_by("funder_id"))
        back_p = rules.funders_back(totals["p"] or 0, loan_principal, [f.amount for f in fundings])
        back_j = rules.funders_back(totals["j"] or 0, loan_principal, [f.amount for f in fundings])
        member_code = books_ledger.member_account(share.member.code)
        parts = [(loan_code(loan, share.member), paid_p), (JASA, paid_j)]
        if coverers:
            parts += [(_counter(counter_channel, share.member), -amount), (member_code, -amount)]
            split = books_ledger.split_in_proportion(amount, [1] * len(coverers))
            parts += [(books_ledger.member_account(m.code), s) for m, s in zip(coverers, split, strict=True)]
        else:
            parts.append((_counter(counter_channel, share.member), -amount))
        moves = []
        for fund, p_total, j_total in zip(fundings, back_p, back_j, strict=True):
            p, j = p_total - fund.returned, j_total - fund.jasa_earned
            if p or j:
                moves.append((fund, p, j))
                parts += [
                    (funding_code(loan, fund.funder), -p),
                    (savings_code(SavingsKind.SUKARELA, fund.funder), p + j),
                    (JASA, -j),
                ]
        posting = books.post(
            kind="credit",
            reference=gettext("Instalment %(loan)s %(member)s") % {"loan": loan.reference, "member": share.member.code},
            legs=books_ledger.merge_legs(parts),
            idempotency_key=key,
            on=day,
            user=user,
            source=f"loan:{loan.reference}",
            names=_names([share.member, *coverers, *(f.funder for f in fundings)], loan),
        )
        payment = LoanPayment.objects.create(
            share=share,
            amount=amount,
            principal=paid_p,
            jasa=paid_j,
            date=posting.date,
            channel=channel,
            covered=bool(coverers),
            early=early,
            posting=posting,
            key=key,
            created_by=user,
        )
        if coverers:
            text = gettext("Instalment paid by the group (%(members)s)") % {
                "members": ", ".join(m.code for m in coverers)
            }
        else:
            text = gettext("Early repayment") if early else gettext("Instalment")
        text = gettext("%(text)s · jasa %(jasa)s") % {"text": text, "jasa": books_ledger.format_rupiah(paid_j)}
        if paid_p:
            _line(
                share.member,
                "loan",
                -paid_p,
                sum(r.principal - r.paid_principal for r in rows),
                day,
                posting,
                text,
                user,
                channel,
                loan=loan,
            )
        for fund, p, j in moves:
            account = savings_account(fund.funder, lock=True)
            account.sukarela += p + j
            account.lent -= p
            account.save(update_fields=["sukarela", "lent"])
            fund.returned += p
            fund.jasa_earned += j
            fund.save(update_fields=["returned", "jasa_earned"])
            back = gettext("Paid back from %(loan)s · jasa %(jasa)s") % {
                "loan": loan.reference,
                "jasa": books_ledger.format_rupiah(j),
            }
            _line(fund.funder, "sukarela", p + j, account.sukarela, day, posting, back, user, loan=loan)
            if p:
                _line(fund.funder, "lent", -p, account.lent, day, posting, back, user, loan=loan)
        if not Instalment.objects.filter(share__loan=loan, paid_on__isnull=True).exists():
            loan.status = Loan.Status.REPAID
            loan.save(update_fields=["status"])
        return payment


# --- The collection sheet ------------------------------------------------------------------------


@dataclass(frozen=True)
class Collected:
    member: Member
    kind: str  # instalment, wajib, pokok, sukarela, dues
    reference: str
    amount: int
    covered_by: tuple[Member, ...] = ()


def collection_post(
    *, on: datetime.date, entries: Sequence[Collected], channel: str, idempotency_key: str, user
) -> list:
    """What the treasurer collected at the meeting, posted in one transaction: all of it or, when one line is
    refused, nothing (the refusal names the member and the line)."""
    _require_treasurer(user)
    key = _key(idempotency_key)
    done = []
    with transaction.atomic():
        for i, entry in enumerate(e for e in entries if e.amount):
            line_key = f"{key}:{i}"
            try:
                if entry.kind == "instalment":
                    share = LoanShare.objects.select_related("loan", "member").get(
                        loan__reference=entry.reference, member=entry.member
                    )
                    done.append(
                        repay(
                            share=share,
                            amount=entry.amount,
                            channel=channel,
                            idempotency_key=line_key,
                            user=user,
                            on=on,
                            covered_by=entry.covered_by,
                        )
                    )
                elif entry.kind in SavingsKind.values:
                    done.append(
                        deposit(
                            member=entry.member,
                            kind=entry.kind,
                            amount=entry.amount,
                            channel=channel,
                            idempotency_key=line_key,
                            user=user,
                            on=on,
                        )
                    )
                elif entry.kind == "dues":
                    done.append(
                        pay_dues(
                            member=entry.member,
                            amount=entry.amount,
                            channel=channel,
                            idempotency_key=line_key,
                            user=user,
                            on=on,
                        )
                    )
                else:
                    raise _refuse(gettext("Unknown kind of line %(kind)s."), "kind", kind=entry.kind)
            except (Refusal, LoanShare.DoesNotExist) as error:
                message = error.messages[0] if isinstance(error, Refusal) else gettext("No such loan.")
                raise Refusal(
                    f"{entry.member.code} · {entry.kind} {entry.reference}: {message}",
                    field=f"{entry.member.code}-{entry.kind}-{entry.reference}",
                ) from None
    return done


# --- SHU (the year's surplus) --------------------------------------------------------------------

SHU = "coop:shu"
COOP_NAMES[SHU] = books_ledger.gettext_noop("Surplus (SHU) shared with members")


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
    _require_board(user)
    run = ShuRun.objects.select_for_update().get(pk=run.pk)
    if run.status == ShuRun.Status.APPROVED:
        return run
    if run.created_by_id == user.pk:
        raise _refuse(gettext("Another board member must approve: the one who prepared the SHU cannot."))
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
