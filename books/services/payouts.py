"""Paying members: their bank accounts (a change waits for the board), payout runs made by one board member and
approved by another, the bank-transfer file staff export, and marking a run paid (the payout postings)."""

from __future__ import annotations

import csv
import io
import re

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from common.cells import escape_cell
from common.roles import is_staff
from inventory.models import Member

from .. import ledger, selectors
from ..models import BankAccount, BooksSettings, PayoutLine, PayoutRun
from .postings import _refuse, _require_board, lock_for_checker, post

# --- Bank accounts -------------------------------------------------------------------------------

ACCOUNT_NUMBER = re.compile(r"^[0-9]{6,20}$")


@transaction.atomic
def bank_account_request(*, member: Member, bank: str, number: str, holder: str, user) -> BankAccount:
    """A member gives (or changes) its bank account; it waits for the board before payouts use it."""
    bank, holder = (bank or "").strip(), (holder or "").strip()
    number = re.sub(r"[\s-]", "", number or "")
    if not bank:
        raise _refuse(gettext("Name the bank."), field="bank")
    if not ACCOUNT_NUMBER.match(number):
        raise _refuse(gettext("An account number is 6 to 20 digits."), field="number")
    if not holder:
        raise _refuse(gettext("Give the name on the account."), field="holder")
    BankAccount.objects.filter(member=member, status=BankAccount.Status.PENDING).update(
        status=BankAccount.Status.REJECTED, decided_at=timezone.now()
    )  # the newer request replaces it
    return BankAccount.objects.create(
        member=member, bank=bank[:60], number=number, holder=holder[:100], requested_by=user
    )


@transaction.atomic
def bank_account_decide(*, bank_account: BankAccount, confirm: bool, user) -> BankAccount:
    _require_board(user)
    row = BankAccount.objects.select_for_update().get(pk=bank_account.pk)
    if row.status != BankAccount.Status.PENDING:
        raise _refuse(gettext("This bank account was already decided."))
    if confirm:
        BankAccount.objects.filter(member_id=row.member_id, status=BankAccount.Status.CONFIRMED).update(
            status=BankAccount.Status.REPLACED
        )
    row.status = BankAccount.Status.CONFIRMED if confirm else BankAccount.Status.REJECTED
    row.decided_by, row.decided_at = user, timezone.now()
    row.save()
    return row


# --- Payout runs ---------------------------------------------------------------------------------


@transaction.atomic
def payout_run_create(*, user) -> PayoutRun:
    """The board's maker proposes paying every member whose balance is at least the minimum, has a confirmed
    bank account and is in no other unpaid run."""
    _require_board(user)
    BooksSettings.current(lock=True)  # one run made at a time: a member is never in two
    candidates = [c for c in selectors.payout_candidates() if c.bank_account is not None and not c.in_open_run]
    if not candidates:
        raise _refuse(gettext("No member is due a payout (balance above the minimum and a confirmed bank account)."))
    run = PayoutRun.objects.create(created_by=user)
    PayoutLine.objects.bulk_create(
        [
            PayoutLine(
                run=run,
                member=c.member,
                amount=c.balance,
                bank=c.bank_account.bank,
                number=c.bank_account.number,
                holder=c.bank_account.holder,
            )
            for c in candidates
        ]
    )
    return run


@transaction.atomic
def payout_run_approve(*, run: PayoutRun, user) -> PayoutRun:
    """The checker: another board member than the one who made the run."""
    row = lock_for_checker(
        PayoutRun,
        pk=run.pk,
        user=user,
        maker_refused=gettext("Another board member must approve: the one who made a payout run cannot."),
    )
    if row.status != PayoutRun.Status.DRAFT:
        raise _refuse(gettext("This payout run is not waiting for approval."))
    row.status, row.approved_by, row.approved_at = PayoutRun.Status.APPROVED, user, timezone.now()
    row.save()
    return row


CSV_HEADER = ["bank", "account_number", "name", "amount", "reference"]


def payout_run_export(*, run: PayoutRun, user) -> str:
    """The bank-transfer file of an approved run (staff), as CSV text."""
    if not is_staff(user):
        raise _refuse(gettext("Only staff may export the transfer file."))
    run = PayoutRun.objects.get(pk=run.pk)
    if run.status == PayoutRun.Status.DRAFT:
        raise _refuse(gettext("A payout run must be approved before it is exported."))
    PayoutRun.objects.filter(pk=run.pk, exported_at__isnull=True).update(exported_at=timezone.now())
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    for line in run.lines.select_related("member"):
        writer.writerow(
            [
                escape_cell(line.bank),
                line.number,
                escape_cell(line.holder),
                line.amount,
                f"{run.reference}-{line.member.code}",
            ]
        )
    return out.getvalue()


@transaction.atomic
def payout_run_mark_paid(*, run: PayoutRun, bank_reference: str, user) -> PayoutRun:
    """Staff saw the bank carry the transfers out: each member's balance goes down by what it was sent."""
    if not is_staff(user):
        raise _refuse(gettext("Only staff may mark a payout run paid."))
    bank_reference = (bank_reference or "").strip()
    if not bank_reference:
        raise _refuse(gettext("Give the bank's reference of the transfers."), field="bank_reference")
    row = PayoutRun.objects.select_for_update().get(pk=run.pk)
    if row.status == PayoutRun.Status.PAID:
        return row  # a second click changes nothing
    if row.status != PayoutRun.Status.APPROVED or row.exported_at is None:
        raise _refuse(gettext("Only an approved payout run whose transfer file was exported can be marked paid."))
    for line in row.lines.select_related("member"):
        post(
            kind="payout",
            reference=f"{row.reference} / {bank_reference}"[:120],
            user=user,
            legs={ledger.member_account(line.member.code): -line.amount, ledger.PAYOUTS: line.amount},
            idempotency_key=f"payout:{row.pk}:{line.member.code}",
            source=f"payout:{row.pk}",
        )
    row.status, row.paid_by, row.paid_at, row.bank_reference = (
        PayoutRun.Status.PAID,
        user,
        timezone.now(),
        bank_reference[:60],
    )
    row.save()
    return row
