"""What happens to an order when its money moves: paid, cancelled, shipped; card payment state from Stripe.

Every function here is one database transaction and never calls Stripe (callers do that first, outside the
transaction). State changes are compare-and-set UPDATEs (``filter(status=old).update(status=new)``), so two
actors racing — a webhook and the checkout request, staff and the expiry job — produce exactly one effect on
PostgreSQL and on SQLite alike (SQLite has no row locks; a conditional UPDATE is still atomic there).
"""
from __future__ import annotations

import logging
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from oscar.apps.order.signals import order_status_changed
from oscar.core.loading import get_model

from catalog.shop.payment.models import BankTransfer, CardPayment

from . import emails, statuses
from .allocation import consume_order_lines, release_order_lines
from .apps import PAYMENT_EVENT_TYPES

Order = get_model("order", "Order")
OrderNote = get_model("order", "OrderNote")
OrderStatusChange = get_model("order", "OrderStatusChange")
PaymentEventType = get_model("order", "PaymentEventType")
Source = get_model("payment", "Source")
SourceType = get_model("payment", "SourceType")
logger = logging.getLogger("guyub.orders")

CARD_SOURCE, TRANSFER_SOURCE = "Card (Stripe)", "Bank transfer"
PAID_EVENT, REFUNDED_EVENT = PAYMENT_EVENT_TYPES


def event_type(code_and_name) -> "PaymentEventType":
    # Made after every migrate (apps.py); get_or_create keeps a hand-emptied table working too.
    code, name = code_and_name
    return PaymentEventType.objects.get_or_create(code=code, defaults={"name": name})[0]


def source_type(name: str) -> "SourceType":
    return SourceType.objects.get_or_create(name=name)[0]


def note(order, message: str, user=None) -> None:
    order.notes.create(message=message, note_type=OrderNote.SYSTEM, user=user)


def transition(order, *, to: str, allowed_from) -> bool:
    """Move the order to ``to`` only if it is still in one of ``allowed_from``; True for the one winner."""
    old = Order.objects.filter(pk=order.pk).values_list("status", flat=True).first()
    if old not in allowed_from:
        return False
    if not Order.objects.filter(pk=order.pk, status=old).update(status=to):
        return False
    order.status = to
    OrderStatusChange.objects.create(order=order, old_status=old, new_status=to)
    order_status_changed.send(sender=order, order=order, old_status=old, new_status=to)
    return True


def record_payment_event(order, *, amount: Decimal, reference: str, source_name: str, kind=PAID_EVENT, lines=None,
                         quantities=None):
    """A payment event (with line quantities) and the matching debit/refund on the order's payment source."""
    event = order.payment_events.create(event_type=event_type(kind), amount=amount, reference=reference)
    lines = list(lines) if lines is not None else list(order.lines.all())
    quantities = quantities or [line.quantity for line in lines]
    for line, quantity in zip(lines, quantities):
        event.line_quantities.create(line=line, quantity=quantity)
    source = order.sources.filter(source_type__name=source_name).first()
    if source is None:
        source = Source.objects.create(order=order, source_type=source_type(source_name), currency=order.currency,
                                       amount_allocated=order.total_incl_tax, reference=reference)
    (source.debit if kind == PAID_EVENT else source.refund)(amount, reference=reference)
    return event


def _mark_paid(order, *, amount: Decimal, reference: str, source_name: str) -> bool:
    if not transition(order, to=statuses.PAID, allowed_from=[statuses.AWAITING_PAYMENT]):
        return False
    record_payment_event(order, amount=amount, reference=reference, source_name=source_name)
    return True


def _after_commit_email(order, code: str) -> None:
    def send():
        try:
            emails.send_order_email(order=Order.objects.get(pk=order.pk), code=code)
        except Exception:  # an email problem must never undo or block a payment
            logger.exception("Order %s: could not send %s", order.number, code)

    transaction.on_commit(send)


# --- cancelling and shipping ---------------------------------------------------------------------
def cancel_order(*, order, reason: str, user=None, notify: bool = True) -> bool:
    """Cancel an order that has not shipped and give its stock back. Money is the caller's job (Stripe first)."""
    with transaction.atomic():
        if not transition(order, to=statuses.CANCELLED, allowed_from=statuses.HOLDING_STOCK):
            return False
        release_order_lines(order=order)
        BankTransfer.objects.filter(order=order, status=BankTransfer.AWAITING).update(
            status=BankTransfer.CANCELLED, released_at=timezone.now()
        )
        note(order, reason, user)
        if notify:
            _after_commit_email(order, emails.ORDER_CANCELLED)
    return True


def mark_shipped(*, order, user=None) -> bool:
    """The goods left: the held units leave the stock, the buyer is told."""
    with transaction.atomic():
        if not transition(order, to=statuses.SHIPPED, allowed_from=[statuses.PAID, statuses.IN_PRODUCTION]):
            return False
        consume_order_lines(order=order)
        _after_commit_email(order, emails.ORDER_SHIPPED)
    return True


# --- card payments (called by checkout and by webhooks) -------------------------------------------
def record_card_authorisation(*, intent_id: str, order_number: str, amount: Decimal, status: str) -> CardPayment:
    """Remember an authorisation as soon as Stripe answers — before the order exists — so a webhook or the
    sweep can find it even if placing the order then fails."""
    payment, created = CardPayment.objects.get_or_create(
        intent_id=intent_id, defaults={"order_number": order_number, "amount": amount, "status": status}
    )
    if not created and CardPayment.RANK[status] > CardPayment.RANK[payment.status]:
        CardPayment.objects.filter(pk=payment.pk, status=payment.status).update(status=status)
        payment.refresh_from_db()
    return payment


def link_card_payment(*, order, intent_id: str) -> None:
    """Inside the placement transaction: the authorisation now belongs to this order."""
    CardPayment.objects.filter(intent_id=intent_id).update(order=order)
    Source.objects.create(order=order, source_type=source_type(CARD_SOURCE), currency=order.currency,
                          amount_allocated=order.total_incl_tax, reference=intent_id)


def _move_card(intent_id: str, *, to: str, **fields) -> CardPayment | None:
    """Compare-and-set the card payment's status upwards; returns the payment if this call moved it."""
    payment = CardPayment.objects.filter(intent_id=intent_id).select_related("order").first()
    if payment is None:
        return None
    lower = [s for s, rank in CardPayment.RANK.items() if rank < CardPayment.RANK[to]]
    if not CardPayment.objects.filter(pk=payment.pk, status__in=lower).update(status=to, **fields):
        return None
    payment.refresh_from_db()
    return payment


def record_card_authorised(*, intent_id: str) -> bool:
    with transaction.atomic():
        return _move_card(intent_id, to=CardPayment.AUTHORISED) is not None


def record_card_failed(*, intent_id: str, error: str = "") -> bool:
    with transaction.atomic():
        return _move_card(intent_id, to=CardPayment.FAILED, last_error=error[:255]) is not None


def record_card_captured(*, intent_id: str, amount: Decimal, notify: bool = True) -> bool:
    """Stripe took the money. Marks the order paid once, however many times this is reported."""
    with transaction.atomic():
        payment = _move_card(intent_id, to=CardPayment.CAPTURED, amount_captured=amount)
        if payment is None or payment.order is None:
            return payment is not None
        order = payment.order
        if order.status == statuses.CANCELLED:
            # Captured although we cancelled the order (capture answered too late): staff must refund.
            note(order, f"Card payment {intent_id} was captured after the order was cancelled: refund it.")
            logger.error("Order %s: captured after cancellation (%s)", order.number, intent_id)
        elif _mark_paid(order, amount=amount, reference=intent_id, source_name=CARD_SOURCE) and notify:
            # Only news if the buyer already got "order received" while the capture was still open;
            # otherwise that first email is about to say "paid" itself.
            if order.communication_events.filter(event_type__code=emails.ORDER_PLACED).exists():
                _after_commit_email(order, emails.PAYMENT_CONFIRMED)
    return True


def record_card_cancelled(*, intent_id: str, reason: str = "Card authorisation cancelled.", notify: bool = True) -> bool:
    """The authorisation is gone: an order still waiting for this card is cancelled and its stock released."""
    with transaction.atomic():
        payment = _move_card(intent_id, to=CardPayment.CANCELLED)
        if payment is None:
            return False
        if payment.order is not None and payment.order.status == statuses.AWAITING_PAYMENT:
            cancel_order(order=payment.order, reason=reason, notify=notify)
    return True


def record_card_refund_total(*, intent_id: str, total_refunded: Decimal, reference: str) -> Decimal:
    """Stripe reports the *cumulative* refunded amount (charge.refunded): record only what is new, so old,
    repeated or reordered reports change nothing. Returns the newly recorded amount."""
    with transaction.atomic():
        payment = CardPayment.objects.filter(intent_id=intent_id).select_related("order").first()
        if payment is None or total_refunded <= payment.amount_refunded:
            return Decimal(0)
        before = payment.amount_refunded
        moved = CardPayment.objects.filter(pk=payment.pk, amount_refunded=before).update(amount_refunded=total_refunded)
        if not moved:
            return Decimal(0)
        delta = total_refunded - before
        if payment.order is not None:
            record_payment_event(payment.order, amount=delta, reference=reference, source_name=CARD_SOURCE,
                            kind=REFUNDED_EVENT, lines=[], quantities=[])
            note(payment.order, f"Refund of {delta} recorded from Stripe ({reference}).")
    return delta


# --- bank transfers ----------------------------------------------------------------------------------
def confirm_bank_transfer(*, order, user=None, now=None) -> bool:
    """Staff saw the money arrive: the order is paid (payment event, status change) and the buyer told."""
    now = now or timezone.now()
    with transaction.atomic():
        transfer = BankTransfer.objects.filter(order=order).first()
        if transfer is None:
            raise ValueError(_("This order is not paid by bank transfer."))
        if not BankTransfer.objects.filter(pk=transfer.pk, status=BankTransfer.AWAITING).update(
            status=BankTransfer.PAID, paid_at=now, confirmed_by=user
        ):
            transfer.refresh_from_db()
            if transfer.status == BankTransfer.PAID:
                return False  # already confirmed: a second click changes nothing
            raise ValueError(
                _("The transfer has expired or was cancelled: the order was cancelled and its stock released. "
                  "Refund the money or ask the buyer to order again.")
            )
        if _mark_paid(order, amount=transfer.amount, reference=transfer.reference, source_name=TRANSFER_SOURCE):
            note(order, f"Bank transfer {transfer.reference} received.", user)
            _after_commit_email(order, emails.PAYMENT_CONFIRMED)
    return True
