"""Writes for material loans. Each service takes keyword arguments, runs in one transaction, and raises
LoanError (a ValidationError naming the form field when there is one) when it refuses; then nothing changed.

Every action is idempotent: the submitted form's token becomes the LoanEvent's unique key, and the loan row
is locked (select_for_update) while the action runs, so a double-submitted hand-over or return finds its own
event and returns the loan as it is. Material moves only through inventory.services.material_transfer with
keys derived from the loan, so even two different tokens can never hand the same loan over twice.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext

from books import services as books
from common.errors import Refusal
from common.idempotency import run_once
from inventory.models import Member
from inventory.selectors import material_balance
from inventory.services import InventoryError, material_transfer
from pooling.needs import accepted_work_needs

from . import rules, selectors
from .models import LoanEvent, LoanNotice, LoanSettings, MaterialLoan, MaterialPrice

MAX_KEY = 60  # derived material-movement keys add up to ~20 characters (inventory allows 80)


class LoanError(Refusal):
    """A refused loan action, translated; ``field`` names the form field it is about."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message, code="loan", field=field)


def refusal(error: rules.LoanRuleError, material=None) -> LoanError:
    params = dict(error.params)
    if material is not None:  # quantities in the material's unit, as people read them
        params = {k: material.format(v) if isinstance(v, Decimal) else v for k, v in params.items()}
    if "state" in params:
        params["state"] = MaterialLoan.State(params["state"]).label
    return LoanError(gettext(error.template) % params if params else gettext(error.template), field=error.field)


def _check_key(key: str) -> str:
    if not key or len(key) > MAX_KEY:
        raise LoanError(gettext("The form has expired; reload the page and try again."))
    return key


def _email_recall(loan_id: int) -> None:
    loan = MaterialLoan.objects.select_related("borrower__owner", "lender__partner", "material").get(pk=loan_id)
    recipients = {loan.borrower.owner.email, *loan.borrower.users.values_list("email", flat=True)} - {""}
    # The cooperative's language: the notice goes out in Indonesian whatever language the lender uses.
    with translation.override(settings.LANGUAGE_CODE):
        subject = gettext("Material loan #%(id)s is recalled") % {"id": loan.pk}
        body = render_to_string("loans/email/recall.txt", {"loan": loan})
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, sorted(recipients))


def _notify(member_id: int, loan: MaterialLoan, kind: str, *, email: bool = False) -> None:
    LoanNotice.objects.create(member_id=member_id, loan=loan, kind=kind)
    if email:
        transaction.on_commit(lambda: _email_recall(loan.pk))


# --- Requesting -----------------------------------------------------------------------------------


def loan_request(
    *,
    borrower: Member,
    lender: Member,
    material,
    quantity,
    needed_by: datetime.date,
    return_by: datetime.date | None = None,
    note: str = "",
    idempotency_key: str,
    user=None,
    today: datetime.date | None = None,
) -> MaterialLoan:
    """The borrower asks the lender for ``quantity`` of ``material`` by ``needed_by``."""
    _check_key(idempotency_key)
    today = today or timezone.localdate()
    conf = LoanSettings.current()

    def apply():
        amount = rules.to_quantity(quantity, material.places)
        rules.check_dates(today=today, needed_by=needed_by, return_by=return_by)  # before any date arithmetic
        due = rules.return_date(needed_by, return_by, conf.default_term_days)
        if lender.status != Member.Status.ACTIVE:
            raise LoanError(gettext("%(member)s is not an active member.") % {"member": lender.code}, field="lender")
        # The borrower's row is the lock that keeps two concurrent requests from both passing the limit.
        Member.objects.select_for_update().get(pk=borrower.pk)
        rules.check_new_loan(
            active_loans=MaterialLoan.objects.filter(borrower=borrower, state__in=rules.ACTIVE).count(),
            max_active=conf.max_active_loans,
            overdue_loans=selectors.overdue_loans(today=today).filter(borrower=borrower).count(),
            today=today,
            needed_by=needed_by,
            return_by=due,
            same_member=borrower.pk == lender.pk,
        )
        loan = MaterialLoan.objects.create(
            borrower=borrower,
            lender=lender,
            material=material,
            requested_quantity=amount,
            needed_by=needed_by,
            return_by=due,
            note=note.strip()[:255],
            request_key=idempotency_key,
            created_by=user,
        )
        LoanEvent.objects.create(
            loan=loan, action="request", quantity=amount, member=borrower, user=user, idempotency_key=idempotency_key
        )
        _notify(lender.pk, loan, LoanNotice.Kind.REQUESTED)
        return loan

    try:
        return run_once(replay=lambda: MaterialLoan.objects.filter(request_key=idempotency_key).first(), apply=apply)
    except rules.LoanRuleError as error:
        raise refusal(error, material) from error


# --- Acting on a loan -----------------------------------------------------------------------------


def _act(
    action: str,
    *,
    loan: MaterialLoan,
    member: Member,
    idempotency_key: str,
    user,
    apply: Callable[[MaterialLoan, str], dict | None],
) -> MaterialLoan:
    """Run one action on a locked loan row, once per key; ``apply`` changes the loan (and the ledgers)."""
    _check_key(idempotency_key)

    def replay():
        prior = LoanEvent.objects.filter(idempotency_key=idempotency_key).first()
        if prior is None:
            return None
        if (prior.loan_id, prior.action) != (loan.pk, action):
            raise LoanError(gettext("This form was already used for something else; reload the page."))
        return MaterialLoan.objects.select_related("material", "lender", "borrower").get(pk=loan.pk)

    def act():
        locked = (
            MaterialLoan.objects.select_for_update().select_related("material", "lender", "borrower").get(pk=loan.pk)
        )
        done = replay()  # a twin submission may have committed while we waited for the lock
        if done is not None:
            return done
        role = locked.role_of(member)
        rules.check_action(action, locked.state, role)
        recorded = apply(locked, role) or {}
        locked.save()
        LoanEvent.objects.create(
            loan=locked, action=action, member=member, user=user, idempotency_key=idempotency_key, **recorded
        )
        return locked

    try:
        return run_once(replay=replay, apply=act)
    except rules.LoanRuleError as error:
        raise refusal(error, loan.material) from error


def _close(loan: MaterialLoan, state: str) -> None:
    loan.state, loan.closed_at = state, timezone.now()


def loan_accept(*, loan, member, quantity=None, idempotency_key: str, user=None) -> MaterialLoan:
    """The lender agrees to lend the whole request (``quantity`` None) or a part of it."""

    def apply(loan, role):
        offered = (
            loan.requested_quantity if quantity in (None, "") else rules.to_quantity(quantity, loan.material.places)
        )
        rules.check_accept(loan.requested_quantity, offered)
        rules.check_holds(material_balance(loan.lender, loan.material), offered)
        loan.quantity, loan.state = offered, MaterialLoan.State.ACCEPTED
        _notify(loan.borrower_id, loan, LoanNotice.Kind.ACCEPTED)
        return {"quantity": offered}

    return _act("accept", loan=loan, member=member, idempotency_key=idempotency_key, user=user, apply=apply)


def loan_decline(*, loan, member, idempotency_key: str, user=None) -> MaterialLoan:
    def apply(loan, role):
        _close(loan, MaterialLoan.State.DECLINED)
        _notify(loan.borrower_id, loan, LoanNotice.Kind.DECLINED)

    return _act("decline", loan=loan, member=member, idempotency_key=idempotency_key, user=user, apply=apply)


def loan_cancel(*, loan, member, idempotency_key: str, user=None) -> MaterialLoan:
    return _act(
        "cancel",
        loan=loan,
        member=member,
        idempotency_key=idempotency_key,
        user=user,
        apply=lambda loan, role: _close(loan, MaterialLoan.State.CANCELLED),
    )


def _confirm(action: str, *, loan, member, idempotency_key: str, user, now=None) -> MaterialLoan:
    """The lender confirms handing over, the borrower receiving; the second confirmation moves the material
    once, as one balanced transfer (lender −q, borrower +q) keyed by the loan."""

    def apply(loan, role):
        stamp = now or timezone.now()
        if action == "hand_over":
            loan.lender_confirmed_at = loan.lender_confirmed_at or stamp
        else:
            loan.borrower_confirmed_at = loan.borrower_confirmed_at or stamp
        if loan.lender_confirmed_at and loan.borrower_confirmed_at:
            try:
                material_transfer(
                    from_member=loan.lender,
                    to_member=loan.borrower,
                    material=loan.material,
                    quantity=loan.quantity,
                    purpose="loan",
                    idempotency_key=f"loan:{loan.pk}:handover",
                    user=user,
                    source=f"loan:{loan.pk}",
                )
            except InventoryError as error:
                raise LoanError(
                    gettext("%(lender)s cannot hand this over now: %(reason)s")
                    % {"lender": loan.lender.code, "reason": " ".join(error.messages)}
                ) from error
            loan.handed_over, loan.state, loan.due_on = loan.quantity, MaterialLoan.State.OPEN, loan.return_by
        return {"quantity": loan.quantity if loan.state == MaterialLoan.State.OPEN else None}

    return _act(action, loan=loan, member=member, idempotency_key=idempotency_key, user=user, apply=apply)


def loan_hand_over(*, loan, member, idempotency_key: str, user=None, now=None) -> MaterialLoan:
    return _confirm("hand_over", loan=loan, member=member, idempotency_key=idempotency_key, user=user, now=now)


def loan_receive(*, loan, member, idempotency_key: str, user=None, now=None) -> MaterialLoan:
    return _confirm("receive", loan=loan, member=member, idempotency_key=idempotency_key, user=user, now=now)


def loan_recall(*, loan, member, idempotency_key: str, user=None, now=None, automatic: bool = False) -> MaterialLoan:
    """The lender wants its material back: due in the board's notice period (never later than it was)."""

    def apply(loan, role):
        stamp = now or timezone.now()
        today = timezone.localdate(stamp)
        loan.due_on = rules.due_after_recall(today, LoanSettings.current().notice_days, loan.due_on)
        loan.state, loan.recalled_at = MaterialLoan.State.RECALLED, stamp
        loan.recall = MaterialLoan.Recall.AUTOMATIC if automatic else MaterialLoan.Recall.LENDER
        _notify(loan.borrower_id, loan, LoanNotice.Kind.RECALLED, email=True)

    return _act("recall", loan=loan, member=member, idempotency_key=idempotency_key, user=user, apply=apply)


def loan_return(*, loan, member, quantity, idempotency_key: str, user=None) -> MaterialLoan:
    """The borrower gives back ``quantity`` in kind (same material and grade); the whole rest closes it."""

    def apply(loan, role):
        amount = rules.to_quantity(quantity, loan.material.places)
        rules.check_return(loan.outstanding, amount)
        try:
            material_transfer(
                from_member=loan.borrower,
                to_member=loan.lender,
                material=loan.material,
                quantity=amount,
                purpose="return",
                idempotency_key=f"loan:{loan.pk}:ret:{idempotency_key}",
                user=user,
                source=f"loan:{loan.pk}",
            )
        except InventoryError as error:
            raise LoanError(" ".join(error.messages), field="quantity") from error
        loan.returned += amount
        if loan.outstanding == 0:
            _close(loan, MaterialLoan.State.RETURNED)
        _notify(loan.lender_id, loan, LoanNotice.Kind.RETURNED)
        return {"quantity": amount}

    return _act("return", loan=loan, member=member, idempotency_key=idempotency_key, user=user, apply=apply)


def loan_propose_settlement(*, loan, member, idempotency_key: str, user=None) -> MaterialLoan:
    """One party proposes to settle the rest in money at the board's price; the other has to agree."""

    def apply(loan, role):
        rules.settlement_amount(loan.outstanding, selectors.material_price(loan.material))  # refuse without a price
        loan.settlement_proposed_by = role
        other = loan.lender_id if role == rules.BORROWER else loan.borrower_id
        _notify(other, loan, LoanNotice.Kind.SETTLEMENT)

    return _act("propose_settlement", loan=loan, member=member, idempotency_key=idempotency_key, user=user, apply=apply)


def loan_agree_settlement(*, loan, member, idempotency_key: str, user=None) -> MaterialLoan:
    """The other party agrees: the borrower owes the lender outstanding × price (whole rupiah); closed."""

    def apply(loan, role):
        rules.check_agree(loan.settlement_proposed_by, role)
        rest = loan.outstanding
        amount = rules.settlement_amount(rest, selectors.material_price(loan.material))
        loan.settled += rest
        loan.settlement_amount += amount
        books.post_loan_settlement(loan=loan, amount=amount)  # the borrower pays the lender through the books
        _close(loan, MaterialLoan.State.SETTLED)
        for party in (loan.lender_id, loan.borrower_id):
            _notify(party, loan, LoanNotice.Kind.SETTLED)
        return {"quantity": rest, "amount": amount}

    return _act("agree_settlement", loan=loan, member=member, idempotency_key=idempotency_key, user=user, apply=apply)


def loan_settlement_paid(*, loan, member, idempotency_key: str, user=None, now=None) -> MaterialLoan:
    """The lender confirms the borrower paid the settled amount; the board stops counting it as owed."""

    def apply(loan, role):
        if loan.settlement_paid_at is not None:
            raise rules.LoanRuleError(rules.gettext_noop("The money for this loan was already marked received."))
        loan.settlement_paid_at = now or timezone.now()
        _notify(loan.borrower_id, loan, LoanNotice.Kind.PAID)
        return {"amount": loan.settlement_amount}

    return _act("settlement_paid", loan=loan, member=member, idempotency_key=idempotency_key, user=user, apply=apply)


ACTIONS = {
    "accept": loan_accept,
    "decline": loan_decline,
    "cancel": loan_cancel,
    "hand_over": loan_hand_over,
    "receive": loan_receive,
    "recall": loan_recall,
    "return": loan_return,
    "propose_settlement": loan_propose_settlement,
    "agree_settlement": loan_agree_settlement,
    "settlement_paid": loan_settlement_paid,
}


# --- Automatic recall -----------------------------------------------------------------------------


def recall_needed_loans(*, now: datetime.datetime | None = None) -> list[MaterialLoan]:
    """Recall every open loan whose lender's own accepted work needs the material before it comes back."""
    now = now or timezone.now()
    recalled = []
    for loan in MaterialLoan.objects.filter(state=MaterialLoan.State.OPEN).select_related("lender", "material"):
        needs = accepted_work_needs([loan.lender], loan.material, loan.due_on).get(loan.lender_id, Decimal(0))
        if rules.needs_recall(material_balance(loan.lender, loan.material), needs):
            recalled.append(
                loan_recall(
                    loan=loan, member=loan.lender, idempotency_key=f"auto-recall:{loan.pk}", now=now, automatic=True
                )
            )
    return recalled


# --- The board ------------------------------------------------------------------------------------


def loan_settings_update(*, notice_days: int, max_active_loans: int, default_term_days: int, user=None) -> LoanSettings:
    values = {"notice_days": notice_days, "max_active_loans": max_active_loans, "default_term_days": default_term_days}
    for name, value in values.items():
        try:
            rules.check_setting(name, value)
        except rules.LoanRuleError as error:
            label = LoanSettings._meta.get_field(name).verbose_name
            raise LoanError(f"{label}: {refusal(error).messages[0]}", field=name) from None
    with transaction.atomic():
        conf = LoanSettings.current(lock=True)
        conf.notice_days, conf.max_active_loans, conf.default_term_days = (
            notice_days,
            max_active_loans,
            default_term_days,
        )
        conf.updated_by = user
        conf.save()
        return conf


def material_price_set(*, material, price, user=None) -> MaterialPrice | None:
    """Set (or with None, remove) the board's price per unit of ``material`` in whole rupiah."""
    with transaction.atomic():
        if price in (None, ""):
            MaterialPrice.objects.filter(material=material).delete()
            return None
        price = Decimal(price)
        if price < 0 or price != price.to_integral_value():
            raise LoanError(
                gettext("A price is a whole number of rupiah, zero or more."), field=f"price_{material.code}"
            )
        row, _ = MaterialPrice.objects.update_or_create(
            material=material, defaults={"price": price, "updated_by": user}
        )
        return row
