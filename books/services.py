"""Writing the money books. Each event that moves money between the cooperative and its members calls one
function here, inside its own transaction (never a signal receiver), so the money is posted with the event or
not at all. Every posting carries a key derived from the event: a replay (a retried job, a second click, a
webhook reported twice) posts nothing.

Prices (see README "Money books"): a sale credits the member who filled the line the agreed price × units (what
the line was sold at) and withholds the board's fee in force on the day the order was placed; work handed over for
an order line and finished stock taken from another member are paid by the receiving member at the same price
less the same fee (so the maker or giver nets exactly what a sale of its own would have brought); work for a
member's own outside order costs the board's pool price (a share of the agreed price in force at hand-over).
"""

from __future__ import annotations

import csv
import datetime
import io
import logging
import re
from collections.abc import Mapping
from decimal import Decimal

from django.db import transaction
from django.db.models import Max, Sum
from django.utils import timezone
from django.utils.translation import gettext
from oscar.core.loading import get_model

from common.errors import Refusal
from common.idempotency import run_once
from common.order_status import PAYMENT_EVENT_TYPES
from common.roles import is_board, is_staff
from inventory.models import Member

from . import ledger
from .models import Account, BankAccount, BooksSettings, ClosedMonth, FeeRate, Leg, PayoutLine, PayoutRun, Posting
from .prices import agreed_price

Order = get_model("order", "Order")
logger = logging.getLogger("guyub.books")
(PAID_CODE, _paid), (REFUNDED_CODE, _refunded) = PAYMENT_EVENT_TYPES


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


def _unit_price(line) -> Decimal:
    """The agreed price the line was sold at (lines made outside checkout may carry only the line price)."""
    if line.unit_price_incl_tax is not None:
        return line.unit_price_incl_tax
    return (line.line_price_incl_tax or Decimal(0)) / (line.quantity or 1)


def _line_gross(line) -> int:
    return ledger.rupiah(_unit_price(line) * line.quantity)


def _line_member(line) -> Member:
    return Member.objects.select_related("partner").get(
        partner_id=line.stockrecord.partner_id if line.stockrecord_id else line.partner_id
    )


def _placed_on(order) -> datetime.date:
    return timezone.localdate(order.date_placed) if order.date_placed else timezone.localdate()


# --- Hooks: sales and refunds --------------------------------------------------------------------


def _lock_order(order) -> None:
    """Shipment and refund postings of one order take its row lock first, so racing they see each other."""
    list(Order.objects.select_for_update().filter(pk=order.pk).values_list("pk", flat=True))


def post_order_shipped(*, order, user=None) -> list[Posting]:
    """The order left the cooperative (called by mark_shipped in its transaction): each line's member is
    credited the line's agreed price × units and the fee withheld; refunds recorded before the shipment are
    reversed now. Nothing for an order that was never paid."""
    _lock_order(order)
    if not order.payment_events.filter(event_type__code=PAID_CODE).exists():
        return []
    placed, postings = _placed_on(order), []
    for line in order.lines.select_related("product__parent__product_class", "product__product_class", "stockrecord"):
        member = member_code(_line_member(line))
        gross = _line_gross(line)
        fee, _net = net_of_fee(gross, line.product.get_product_class(), on=placed)
        reference = f"{order.number} / {line.title}"[:120]
        common = {"order_line": line, "source": f"order:{order.number}", "user": user}
        if gross:
            postings.append(
                post(
                    kind="sale",
                    reference=reference,
                    legs={member: gross, ledger.BUYERS: -gross},
                    idempotency_key=f"sale:line:{line.pk}",
                    **common,
                )
            )
        if fee:
            postings.append(
                post(
                    kind="fee",
                    reference=reference,
                    legs={member: -fee, ledger.FEES: fee},
                    idempotency_key=f"fee:line:{line.pk}",
                    **common,
                )
            )
    for event in order.payment_events.filter(event_type__code=REFUNDED_CODE).order_by("pk"):
        postings += _post_refund_event(order, event, user=user)
    return postings


def post_refund(*, order, event, user=None) -> list[Posting]:
    """A refund was recorded (called by record_payment_event in its transaction): the affected members' credits
    and the fee are taken back in proportion. Before the order shipped nothing was credited: the shipment
    posts it then."""
    _lock_order(order)
    return _post_refund_event(order, event, user=user)


def _line_credits(order) -> dict[int, ledger.LineCredit]:
    """Per line of the order: gross credited, fee withheld, and what refunds took back so far."""
    legs = (
        Leg.objects.filter(posting__order_line__order=order)
        .values("posting__order_line_id", "posting__kind", "account__code")
        .annotate(total=Sum("amount"))
    )
    found: dict[int, dict[str, int]] = {}
    for row in legs:
        numbers = found.setdefault(row["posting__order_line_id"], {})
        kind, code, total = row["posting__kind"], row["account__code"], row["total"]
        if kind == "sale" and code == ledger.BUYERS:
            numbers["gross"] = -total
        elif kind == "fee" and code == ledger.FEES:
            numbers["fee"] = total
        elif kind == "refund" and code == ledger.REFUNDS:
            numbers["reversed_gross"] = total
        elif kind == "refund" and code == ledger.FEES:
            numbers["reversed_fee"] = -total
    return {line_id: ledger.LineCredit(**n) for line_id, n in found.items() if "gross" in n}


def _post_refund_event(order, event, *, user=None) -> list[Posting]:
    credits = _line_credits(order)
    if not credits:
        return []  # not shipped: nothing credited yet
    lines = {line.pk: line for line in order.lines.select_related("stockrecord").filter(pk__in=credits)}
    ids = sorted(lines)
    quantities = {q.line_id: q.quantity for q in event.line_quantities.all()}
    if quantities:
        wanted = [ledger.rupiah(_unit_price(lines[i]) * quantities.get(i, 0)) for i in ids]
    else:
        goods = sum(credits[i].gross for i in ids)
        total = ledger.rupiah(order.total_incl_tax) or goods
        share = min(goods, int((Decimal(event.amount) * goods / total).to_integral_value()))
        wanted = ledger.split_in_proportion(share, [credits[i].gross for i in ids])
    postings = []
    for line_id, (gross, fee) in zip(ids, ledger.refund_reversal([credits[i] for i in ids], wanted), strict=True):
        if not gross:
            continue
        line = lines[line_id]
        legs = ledger.merge_legs(
            [(member_code(_line_member(line)), fee - gross), (ledger.FEES, -fee), (ledger.REFUNDS, gross)]
        )
        postings.append(
            post(
                kind="refund",
                reference=f"{order.number} / {line.title}"[:120],
                legs=legs,
                idempotency_key=f"refund:event:{event.pk}:line:{line_id}",
                order_line=line,
                source=f"order:{order.number}",
                user=user,
            )
        )
    return postings


# --- Hooks: work, stock taken, loans -------------------------------------------------------------


def post_work_handed_over(*, work_order, user=None) -> Posting | None:
    """Made units reached the member the work came from (called by work_order_hand_over): that member owes the
    maker. For a shop order line: the line's agreed price less the fee (kind work); for a member's own order
    posted to the pool: the board's pool price (kind pool). Nothing when the maker is that member itself."""
    request = work_order.request
    if request.member_id == work_order.member_id:
        return None
    units, line = work_order.quantity, request.order_line
    if request.kind == "order" and line is not None:
        gross = ledger.rupiah(_unit_price(line) * units)
        _fee, amount = net_of_fee(gross, line.product.get_product_class(), on=_placed_on(line.order))
        kind, reference = "work", f"WO{work_order.pk} / {line.order.number} / {units} × {line.title}"
    else:
        unit = agreed_price(work_order.product, at=timezone.now()) if work_order.product else None
        if unit is None:
            logger.warning("Work order %s handed over without an agreed price: nothing posted", work_order.pk)
            return None
        amount = ledger.percent_of(ledger.rupiah(unit * units), BooksSettings.current().pool_share_percent)
        kind, reference = "pool", f"WO{work_order.pk} / {units} × {work_order.product.get_title()}"
    if not amount:
        return None
    return post(
        kind=kind,
        reference=reference[:120],
        idempotency_key=f"work:wo:{work_order.pk}",
        user=user,
        legs={
            ledger.member_account(work_order.member.code): amount,
            ledger.member_account(request.member.code): -amount,
        },
        order_line=line,
        source=work_order.load_source,
    )


def post_stock_taken(*, line, giver: Member, taker: Member, units: int) -> Posting | None:
    """Finished units of another member were transferred to the line's member at placement
    (take_from_members): the taker owes the giver the line's agreed price less the fee."""
    gross = ledger.rupiah(_unit_price(line) * units)
    _fee, amount = net_of_fee(gross, line.product.get_product_class(), on=_placed_on(line.order))
    if not amount:
        return None
    return post(
        kind="transfer",
        reference=f"{line.order.number} / {units} × {line.title} ({giver.code})"[:120],
        legs={ledger.member_account(giver.code): amount, ledger.member_account(taker.code): -amount},
        idempotency_key=f"transfer:line:{line.pk}:from:{giver.pk}",
        order_line=line,
        source=f"order-line:{line.pk}",
    )


def post_loan_settlement(*, loan, amount) -> Posting | None:
    """A material loan was settled in money (called by loan_agree_settlement): the borrower pays the lender
    through the books."""
    amount = ledger.rupiah(amount)
    if not amount:
        return None
    return post(
        kind="loan",
        reference=f"L{loan.pk} / {loan.material}"[:120],
        legs={ledger.member_account(loan.lender.code): amount, ledger.member_account(loan.borrower.code): -amount},
        idempotency_key=f"loan:{loan.pk}:settlement",
        source=f"loan:{loan.pk}",
    )


def charge_monthly_dues(*, today: datetime.date | None = None) -> int:
    """Monthly dues, dated the first of the month, for every active member that had joined by then. Run by the
    clock (any day: each member is charged once a month). Returns the number of postings made now."""
    today = today or timezone.localdate()
    month = ledger.month_start(today)
    dues = BooksSettings.current().monthly_dues
    if not dues:
        return 0
    made = 0
    for member in Member.objects.active().filter(joined__lt=ledger.next_month(month)).order_by("code"):
        key = f"dues:{member.code}:{ledger.month_label(month)}"
        if Posting.objects.filter(idempotency_key=key).exists():
            continue
        with transaction.atomic():
            post(
                kind="dues",
                reference=f"iuran {ledger.month_label(month)}",
                on=month,
                idempotency_key=key,
                legs={ledger.member_account(member.code): -dues, ledger.DUES: dues},
            )
        made += 1
    return made


def post_adjustment(*, member: Member, amount, reason: str, idempotency_key: str, user) -> Posting:
    """The board corrects a member's balance (positive: the cooperative owes the member more); the
    counter-leg is the fee income (the cooperative bears or gains it)."""
    _require_board(user)
    amount = _rupiah(amount, "amount")
    if not amount:
        raise _refuse(gettext("The amount must not be zero."), field="amount")
    if not (reason or "").strip():
        raise _refuse(gettext("An adjustment needs a reason."), field="reason")
    with transaction.atomic():
        return post(
            kind="adjustment",
            reference=reason.strip()[:120],
            idempotency_key=idempotency_key,
            user=user,
            legs={ledger.member_account(member.code): amount, ledger.FEES: -amount},
        )


# --- The board: month close, fees, rules ---------------------------------------------------------


def _require_board(user) -> None:
    if user is None or not is_board(user):
        raise _refuse(gettext("Only the board may do this."))


def _rupiah(value, field: str, **kwargs) -> int:
    try:
        return ledger.rupiah(value, field=field, **kwargs)
    except ledger.BooksError as error:
        raise refusal(error) from None


@transaction.atomic
def month_close(*, month: datetime.date, user, today: datetime.date | None = None) -> ClosedMonth:
    """The board closes a month: its postings and statements are final; later events go into the next one."""
    _require_board(user)
    BooksSettings.current(lock=True)  # one close at a time
    why = ledger.closable(ledger.month_start(month), last_closed_month(), today or timezone.localdate())
    if why:
        last = last_closed_month()
        raise _refuse(
            gettext(why) % {"month": ledger.month_label(ledger.next_month(last)) if last else ""}, field="month"
        )
    closed = ClosedMonth.objects.create(month=ledger.month_start(month), closed_by=user)
    transaction.on_commit(lambda: _email_statements(closed.month))  # once the close is final
    return closed


def _email_statements(month: datetime.date) -> None:
    from .tasks import email_month_statements

    email_month_statements.enqueue(ledger.month_label(month))


@transaction.atomic
def fee_rate_add(*, percent, effective_from: datetime.date, product_class=None, user) -> FeeRate:
    """A new fee from a day on (never inside a closed month: what was posted there stays as it was)."""
    _require_board(user)
    try:
        percent = ledger.fee_percent(percent)
    except ledger.BooksError as error:
        raise refusal(error) from None
    last = last_closed_month()
    if effective_from is None or (last is not None and effective_from < ledger.next_month(last)):
        raise _refuse(gettext("A fee can start only in an open month."), field="effective_from")
    return FeeRate.objects.create(
        percent=percent, effective_from=effective_from, product_class=product_class, created_by=user
    )


@transaction.atomic
def books_settings_update(*, monthly_dues, payout_minimum, pool_share_percent, user) -> BooksSettings:
    _require_board(user)
    row = BooksSettings.current(lock=True)
    row.monthly_dues = _rupiah(monthly_dues, "monthly_dues")
    row.payout_minimum = _rupiah(payout_minimum, "payout_minimum")
    row.pool_share_percent = pool_share_percent
    row.updated_by = user
    from django.core.exceptions import ValidationError

    try:
        row.full_clean(exclude=["updated_by"])
    except ValidationError as error:
        field, messages = next(iter(error.message_dict.items()))
        raise _refuse(messages[0], field=field) from None
    row.save()
    return row


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
    from . import selectors

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
    _require_board(user)
    row = PayoutRun.objects.select_for_update().get(pk=run.pk)
    if row.created_by_id == user.pk:
        raise _refuse(gettext("Another board member must approve: the one who made a payout run cannot."))
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
                _safe_cell(line.bank),
                line.number,
                _safe_cell(line.holder),
                line.amount,
                f"{run.reference}-{line.member.code}",
            ]
        )
    return out.getvalue()


def _safe_cell(text: str) -> str:
    """A spreadsheet never runs a cell as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


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
