"""Reading simpan-pinjam: a member's passbook, its loans with their arrears, the arrears list with ageing, and
the collection sheet for the meeting. The passbook is read from its own lines; the tests check it against the
books' legs."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils import timezone

from books import ledger as books_ledger
from books.models import Leg
from books.selectors import balances as books_balances
from inventory.models import Member

from . import rules, services
from .models import Group, Instalment, Loan, LoanShare, PassbookLine, SavingsKind, SavingsRule


@dataclass
class ShareView:
    share: LoanShare
    principal: int
    principal_left: int
    outstanding: int
    days_in_arrears: int
    overdue: int  # due before ``on`` and unpaid
    due_by: int  # due on or before ``on`` (incl. arrears)

    @property
    def reference(self) -> str:
        return self.share.loan.reference

    @property
    def group(self) -> str | None:
        return self.share.loan.group.code if self.share.loan.group_id else None

    @property
    def bucket(self) -> str | None:
        return rules.ageing_bucket(self.days_in_arrears)

    def as_json(self) -> dict:
        return {
            "reference": self.reference,
            "group": self.group,
            "principal": self.principal,
            "outstanding": self.outstanding,
            "days_in_arrears": self.days_in_arrears,
        }


def share_view(share: LoanShare, on: datetime.date) -> ShareView:
    rows = list(share.instalments.all())
    overdue_rows = [r for r in rows if r.due < on and r.remaining > 0]
    return ShareView(
        share=share,
        principal=share.principal,
        principal_left=sum(r.principal - r.paid_principal for r in rows),
        outstanding=sum(r.remaining for r in rows),
        days_in_arrears=(on - min(r.due for r in overdue_rows)).days if overdue_rows else 0,
        overdue=sum(r.remaining for r in overdue_rows),
        due_by=sum(r.remaining for r in rows if r.due <= on),
    )


def _shares(**filters):
    return (
        LoanShare.objects.filter(loan__status__in=[Loan.Status.DISBURSED, Loan.Status.REPAID], **filters)
        .select_related("loan__group", "loan__product", "member__partner")
        .prefetch_related(Prefetch("instalments", queryset=Instalment.objects.order_by("number")))
        .order_by("loan__disbursed_on", "loan_id")
    )


def loans_of(member: Member, on: datetime.date | None = None) -> list[ShareView]:
    on = on or timezone.localdate()
    return [share_view(s, on) for s in _shares(member=member)]


@dataclass
class Passbook:
    member: Member
    pokok: int
    wajib: int
    sukarela: int
    lent: int
    lines: list[PassbookLine]
    loans: list[ShareView]
    pokok_due: int
    wajib_due: int
    dues_owed: int
    groups: list[Group] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.pokok + self.wajib + self.sukarela + self.lent

    def as_json(self) -> dict:
        return {
            "member": self.member.code,
            "savings": {"pokok": self.pokok, "wajib": self.wajib, "sukarela": self.sukarela},
            "loans": [v.as_json() for v in self.loans],
        }


def passbook(member: Member, on: datetime.date | None = None) -> Passbook:
    on = on or timezone.localdate()
    account = services.savings_account(member)
    return Passbook(
        member=member,
        pokok=account.pokok,
        wajib=account.wajib,
        sukarela=account.sukarela,
        lent=account.lent,
        lines=list(PassbookLine.objects.filter(member=member).select_related("loan").order_by("id")),
        loans=loans_of(member, on),
        pokok_due=max(0, services.pokok_required(member) - account.pokok),
        wajib_due=max(0, services.wajib_required(member, on) - account.wajib),
        dues_owed=max(0, -services.member_balance(member)),
        groups=list(member.savings_groups.all()),
    )


def ledger_savings(member: Member) -> dict[str, int]:
    """The member's savings and loan balances as the books hold them (for the consistency checks)."""
    sums = books_balances()
    out = {kind: int(sums.get(services.savings_code(kind, member), 0)) for kind in SavingsKind.values}
    prefix_f, suffix = "funding:", f":{member.code}"
    out["lent"] = sum(int(v) for k, v in sums.items() if k.startswith(prefix_f) and k.endswith(suffix))
    out["loans"] = {k.split(":")[1]: -int(v) for k, v in sums.items() if k.startswith("loan:") and k.endswith(suffix)}
    return out


# --- Arrears and the meeting -----------------------------------------------------------------------


@dataclass
class Arrears:
    member: Member
    wajib_due: int
    pokok_due: int
    dues_owed: int
    loans: list[ShareView]

    @property
    def total(self) -> int:
        return self.wajib_due + self.pokok_due + self.dues_owed + sum(v.overdue for v in self.loans)


def _member_balances() -> dict[str, int]:
    sums = books_balances()
    return {k.removeprefix("member:"): int(v) for k, v in sums.items() if k.startswith("member:")}


def owed_parts(owing: dict[str, int]) -> dict[str, tuple[int, int]]:
    """Of what each member owes on its account (member code → rupiah owed), the part that is unpaid monthly dues
    and the rest (a material loan settled in money, a refund's share…), in one query. Credits settle the oldest
    debits first, so what is still owed is the newest debits: they are walked back until the amount is made up."""
    left = {code: owed for code, owed in owing.items() if owed > 0}
    parts = {code: [0, 0] for code in left}
    if not left:
        return {}
    debits = (
        Leg.objects.filter(account__code__in=[books_ledger.member_account(code) for code in left], amount__lt=0)
        .order_by("account_id", "-posting__date", "-posting_id")
        .values_list("account__code", "amount", "posting__kind")
    )
    for account, amount, kind in debits:
        code = account.removeprefix("member:")
        take = min(left[code], -amount)
        if take > 0:
            parts[code][0 if kind == "dues" else 1] += take
            left[code] -= take
    for code, rest in left.items():  # opening balances or anything older than the ledger: not dues
        parts[code][1] += rest
    return {code: (dues, other) for code, (dues, other) in parts.items()}


def running_loans(on: datetime.date | None = None) -> list[ShareView]:
    """Every disbursed loan share as it stands on ``on``: read once for a page that shows both the arrears and
    their ageing."""
    on = on or timezone.localdate()
    return [share_view(share, on) for share in _shares(loan__status=Loan.Status.DISBURSED)]


def arrears(on: datetime.date | None = None, *, loans: list[ShareView] | None = None) -> list[Arrears]:
    """Members behind on simpanan wajib or pokok, dues (owing on their account) or loan instalments
    (``loans``: ``running_loans(on)`` already read)."""
    on = on or timezone.localdate()
    wajib_rules = list(SavingsRule.objects.filter(kind=SavingsKind.WAJIB))
    pokok_rules = list(SavingsRule.objects.filter(kind=SavingsKind.POKOK))
    balances = _member_balances()
    shares: dict[int, list[ShareView]] = {}
    for view in running_loans(on) if loans is None else loans:
        if view.days_in_arrears:
            shares.setdefault(view.share.member_id, []).append(view)
    out = []
    for member in Member.objects.active().select_related("partner", "savings").order_by("code"):
        account = getattr(member, "savings", None)
        wajib = max(0, services.wajib_required(member, on, wajib_rules) - (account.wajib if account else 0))
        pokok = max(0, services.pokok_required(member, pokok_rules) - (account.pokok if account else 0))
        dues = max(0, -balances.get(member.code, 0))
        row = Arrears(member, wajib, pokok, dues, shares.get(member.pk, []))
        if row.total:
            out.append(row)
    return out


def ageing(on: datetime.date | None = None, *, loans: list[ShareView] | None = None) -> dict[str, dict]:
    """Loans in arrears by age (1–7, 8–30, 31–90, > 90 days): count and amount overdue (``loans``:
    ``running_loans(on)`` already read)."""
    on = on or timezone.localdate()
    out = {label: {"count": 0, "amount": 0} for _l, _h, label in rules.AGEING}
    for view in running_loans(on) if loans is None else loans:
        if view.bucket:
            out[view.bucket]["count"] += 1
            out[view.bucket]["amount"] += view.overdue
    return out


@dataclass
class SheetItem:
    kind: str
    reference: str
    amount: int

    def as_json(self) -> dict:
        return {"kind": self.kind, "reference": self.reference, "amount": self.amount}


@dataclass
class SheetRow:
    member: Member
    group: Group | None
    items: list[SheetItem]

    @property
    def due(self) -> int:
        return sum(i.amount for i in self.items)

    def as_json(self) -> dict:
        return {
            "member": self.member.code,
            "group": self.group.code if self.group else None,
            "items": [i.as_json() for i in self.items],
            "due": self.due,
        }


SHEET_FROM = datetime.date(2000, 1, 1)


def sheet_date_allowed(on: datetime.date, *, today: datetime.date | None = None) -> bool:
    """A meeting day the sheet can be drawn for: from 2000 to a year ahead (the sheet walks every month from a
    member's joining to the date; year 9999 overflowed)."""
    today = today or timezone.localdate()
    return SHEET_FROM <= on <= today + datetime.timedelta(days=366)


def collection_sheet(on: datetime.date, only: Member | None = None) -> list[SheetRow]:
    """What each member (or ``only`` that one) owes at the meeting on ``on``: loan instalments due by then (arrears
    included), simpanan pokok still unpaid, simpanan wajib due by then, and what it owes on its account (dues).
    Grouped by kelompok, then member."""
    wajib_rules = list(SavingsRule.objects.filter(kind=SavingsKind.WAJIB))
    pokok_rules = list(SavingsRule.objects.filter(kind=SavingsKind.POKOK))
    balances = _member_balances()
    owed = owed_parts({code: -balance for code, balance in balances.items()})
    by_member: dict[int, list[SheetItem]] = {}
    group_of: dict[int, Group] = {}
    shares = _shares(loan__status=Loan.Status.DISBURSED, loan__disbursed_on__lte=on)
    for share in shares.filter(member=only) if only is not None else shares:
        view = share_view(share, on)
        if view.due_by:
            by_member.setdefault(share.member_id, []).append(SheetItem("instalment", view.reference, view.due_by))
            if share.loan.group_id:
                group_of.setdefault(share.member_id, share.loan.group)
    rows = []
    members = Member.objects.active().select_related("partner", "savings").prefetch_related("savings_groups")
    if only is not None:
        members = members.filter(pk=only.pk)
    for member in members.order_by("code"):
        items = by_member.get(member.pk, [])
        account = getattr(member, "savings", None)
        pokok = max(0, services.pokok_required(member, pokok_rules) - (account.pokok if account else 0))
        if pokok:
            items.append(SheetItem("pokok", "pokok", pokok))
        wajib = max(0, services.wajib_required(member, on, wajib_rules) - (account.wajib if account else 0))
        if wajib:
            items.append(SheetItem("wajib", f"wajib {on:%Y-%m}", wajib))
        dues, other = owed.get(member.code, (0, 0))
        if dues:
            items.append(SheetItem("dues", "iuran", dues))
        if other:  # owed on the account besides dues: collected at the meeting too, named for what it is
            items.append(SheetItem("account", "saldo", other))
        if items:
            groups = list(member.savings_groups.all())
            group = group_of.get(member.pk) or (groups[0] if groups else None)
            rows.append(SheetRow(member, group, items))
    rows.sort(key=lambda r: (r.group is None, r.group.code if r.group else "", r.member.code))
    return rows


def sheet_json(on: datetime.date) -> dict:
    rows = collection_sheet(on)
    return {"date": on.isoformat(), "rows": [r.as_json() for r in rows], "total": sum(r.due for r in rows)}


def format_rp(amount: int) -> str:
    return books_ledger.format_rupiah(amount)


# --- A member's own loans page ---------------------------------------------------------------------


@dataclass
class ScheduleRow:
    instalment: Instalment
    status: str  # paid, overdue, due (on or before the next meeting), later

    @property
    def amount(self) -> int:
        return self.instalment.principal + self.instalment.jasa - self.instalment.waived_jasa

    @property
    def paid(self) -> int:
        return self.instalment.paid_principal + self.instalment.paid_jasa


@dataclass
class MemberLoans:
    member: Member
    today: datetime.date
    meeting: datetime.date  # the next members' meeting (today, when it is the 12th)
    loans: list[tuple[ShareView, list[ScheduleRow]]]
    due_at_meeting: SheetRow | None
    # why the member may not borrow now: alone ("" → reasons) and with each of its groups (code → reasons)
    refusals: dict[str, list[str]]

    @property
    def eligible(self) -> bool:
        return not any(self.refusals.values())


def member_loans(member: Member, today: datetime.date | None = None) -> MemberLoans:
    """A member's loans with their schedules, what it owes at the next meeting, and why it may not borrow."""
    today = today or timezone.localdate()
    meeting = rules.next_meeting(today - datetime.timedelta(days=1))
    loans = []
    for view in loans_of(member, today):
        rows = []
        for i in view.share.instalments.all():
            status = (
                "paid" if i.remaining == 0 else "overdue" if i.due < today else "due" if i.due <= meeting else "later"
            )
            rows.append(ScheduleRow(i, status))
        loans.append((view, rows))
    refusals = {"": services.eligibility(member, today)}
    for group in member.savings_groups.all():
        extra = [r for r in services.eligibility(member, today, group) if r not in refusals[""]]
        if extra:
            refusals[group.code] = extra
    sheet = collection_sheet(meeting, member)
    return MemberLoans(member, today, meeting, loans, sheet[0] if sheet else None, refusals)
