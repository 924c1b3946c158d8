"""Postings from the events that move money between the cooperative and its members (see the package's
docstring for the prices): a line shipped and paid, a refund, work handed over, finished stock taken, a material
loan settled in money, monthly dues, the board's adjustments. Each is called inside the event's transaction."""

from __future__ import annotations

import datetime
import logging
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext
from oscar.core.loading import get_model

from common.order_status import PAYMENT_EVENT_TYPES
from inventory.models import Member

from .. import ledger
from ..models import BooksSettings, Leg, Posting
from ..prices import agreed_price
from .postings import _refuse, _require_board, _rupiah, member_code, net_of_fee, post

Order = get_model("order", "Order")
logger = logging.getLogger("guyub.books")
(PAID_CODE, _paid), (REFUNDED_CODE, _refunded) = PAYMENT_EVENT_TYPES


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
    made, label = 0, ledger.month_label(month)
    charged = set(  # one query for the month, not one per member (the clock runs this hourly)
        Posting.objects.filter(kind="dues", month__gte=month, idempotency_key__endswith=f":{label}").values_list(
            "idempotency_key", flat=True
        )
    )
    for member in Member.objects.active().filter(joined__lt=ledger.next_month(month)).order_by("code"):
        key = f"dues:{member.code}:{label}"
        if key in charged:
            continue
        with transaction.atomic():
            post(
                kind="dues",
                reference=f"iuran {label}",
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
