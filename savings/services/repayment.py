"""Repaying loans: instalments oldest first (jasa, then principal), tanggung renteng, early repayment, funders paid
back in proportion, and the collection sheet posted in one transaction."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext

from books import ledger as books_ledger, services as books
from common.errors import Refusal
from inventory.models import Member

from .. import rules
from ..models import (
    Channel,
    Funding,
    Instalment,
    Loan,
    LoanPayment,
    LoanShare,
    SavingsKind,
)
from .base import (
    JASA,
    _amount,
    _counter,
    _key,
    _line,
    _names,
    _refuse,
    _require_treasurer,
    _today,
    funding_code,
    loan_code,
    member_balance,
    savings_account,
    savings_code,
)
from .deposits import deposit, pay_dues


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
                elif entry.kind in ("dues", "account"):
                    done.append(
                        pay_dues(
                            member=entry.member,
                            amount=entry.amount,
                            kind="dues" if entry.kind == "dues" else "adjustment",
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
