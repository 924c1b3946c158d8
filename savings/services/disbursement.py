"""Paying a loan out: in cash, by transfer or to the borrowers' accounts, or in kind (a paket usaha of materials),
with peer funders' sukarela moving into the loan and the instalment schedule starting."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils.translation import gettext

from books import ledger as books_ledger, services as books

from .. import rules
from ..models import (
    Instalment,
    Loan,
    SavingsKind,
)
from . import in_kind
from .base import (
    _counter,
    _line,
    _names,
    _refuse,
    _require_treasurer,
    _today,
    funding_code,
    loan_code,
    savings_account,
    savings_code,
)

IN_KIND = "paket"  # the passbook's "how" of a loan given in kind


def loan_disburse(*, loan: Loan, channel: str = "", user, on: datetime.date | None = None) -> Loan:
    """The treasurer pays an approved loan out: cash, transfer, or credited to each borrower's account; a loan in
    kind gives each borrower its package of materials instead (``channel`` is not used), in the same transaction
    as the postings. Funders' sukarela moves into the loan; the instalment schedule starts. Keyed by the loan: a
    second call changes nothing."""
    _require_treasurer(user)
    day = _today(on)
    with transaction.atomic():
        # not select_related("stock_from"): PostgreSQL cannot lock the nullable side of an outer join
        loan = Loan.objects.select_for_update().select_related("product").get(pk=loan.pk)
        if loan.status == Loan.Status.DISBURSED:
            return loan
        if loan.status != Loan.Status.APPROVED:
            raise _refuse(gettext("A loan is disbursed once two board members approved it."))
        shares = list(loan.shares.select_related("member").order_by("member__code"))
        fundings = list(loan.fundings.select_related("funder").order_by("funder_id"))
        accounts = {f.funder_id: savings_account(f.funder, lock=True) for f in fundings}
        legs = _legs(loan, shares, fundings, accounts, channel)
        if loan.product.in_kind:
            in_kind.issue_packages(loan=loan, shares=shares, user=user)
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
        _start_schedules(loan, shares, posting, day, user, IN_KIND if loan.product.in_kind else channel)
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


def _legs(loan: Loan, shares, fundings, accounts, channel: str) -> dict[str, int]:
    """The disbursement's legs: each borrower's debt against the money paid out (or the package's value), and the
    funders' sukarela moved into the loan (which their locked savings rows must cover)."""
    legs: dict[str, int] = {}
    for share in shares:
        legs[loan_code(loan, share.member)] = -share.principal
        counter = in_kind.counter_account(loan) if loan.product.in_kind else _counter(channel, share.member)
        legs[counter] = legs.get(counter, 0) + share.principal
    for fund in fundings:
        account = accounts[fund.funder_id]
        if fund.amount > account.sukarela:
            raise _refuse(
                gettext("%(member)s has only %(available)s of simpanan sukarela."),
                "fundings",
                member=fund.funder.code,
                available=books_ledger.format_rupiah(account.sukarela),
            )
        legs[savings_code(SavingsKind.SUKARELA, fund.funder)] = -fund.amount
        legs[funding_code(loan, fund.funder)] = fund.amount
    return legs


def _start_schedules(loan: Loan, shares, posting, day: datetime.date, user, channel: str) -> None:
    product = loan.product
    text = gettext("Loan disbursed in kind (paket usaha)") if product.in_kind else gettext("Loan disbursed")
    for share in shares:
        plan = rules.schedule(
            share.principal, product.instalments, product.frequency, product.jasa_percent, product.jasa_method, day
        )
        Instalment.objects.bulk_create(
            [Instalment(share=share, number=d.number, due=d.due, principal=d.principal, jasa=d.jasa) for d in plan]
        )
        _line(share.member, "loan", share.principal, share.principal, day, posting, text, user, channel, loan=loan)
