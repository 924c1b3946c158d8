"""What happens to an order when its money moves: paid, cancelled, shipped; card payment state from Stripe.

Every function here is one database transaction and never calls Stripe (callers do that first, outside the
transaction). State changes are compare-and-set UPDATEs (``filter(status=old).update(status=new)``), so two
actors racing — a webhook and the checkout request, staff and the expiry job — produce exactly one effect on
PostgreSQL and on SQLite alike (SQLite has no row locks; a conditional UPDATE is still atomic there).
"""

from __future__ import annotations

import logging
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from oscar.apps.order.signals import order_status_changed
from oscar.core.loading import get_model

from books import services as books
from catalog.shop.payment.models import BankTransfer, CardPayment
from pooling.services import withdraw_order

from . import emails, statuses, transfer_port
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


def event_type(code_and_name) -> PaymentEventType:
    # Made after every migrate (apps.py); get_or_create keeps a hand-emptied table working too.
    code, name = code_and_name
    return PaymentEventType.objects.get_or_create(code=code, defaults={"name": name})[0]


def source_type(name: str) -> SourceType:
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


def record_payment_event(
    order, *, amount: Decimal, reference: str, source_name: str, kind=PAID_EVENT, lines=None, quantities=None
):
    """A payment event (with line quantities) and the matching debit/refund on the order's payment source."""
    event = order.payment_events.create(event_type=event_type(kind), amount=amount, reference=reference)
    lines = list(lines) if lines is not None else list(order.lines.all())
    quantities = quantities or [line.quantity for line in lines]
    for line, quantity in zip(lines, quantities):
        event.line_quantities.create(line=line, quantity=quantity)
    source = order.sources.filter(source_type__name=source_name).first()
    if source is None:
        source = Source.objects.create(
            order=order,
            source_type=source_type(source_name),
            currency=order.currency,
            amount_allocated=order.total_incl_tax,
            reference=reference,
        )
    (source.debit if kind == PAID_EVENT else source.refund)(amount, reference=reference)
    if kind == REFUNDED_EVENT:
        books.post_refund(order=order, event=event)  # members' credits and the fee taken back in proportion
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
        withdraw_order(order=order)  # members stop making its goods: both happen or neither
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
        books.post_order_shipped(order=order, user=user)  # each line's member credited, the fee withheld
        _after_commit_email(order, emails.ORDER_SHIPPED)
    return True


# --- card payments (called by checkout and by webhooks) -------------------------------------------
def begin_card_authorisation(
    *, attempt_key: str, order_number: str, amount: Decimal, claim: str
) -> tuple[CardPayment, bool]:
    """Before Stripe is called: a PENDING record with the idempotency key, committed on its own, so a worker
    killed while Stripe answers leaves a record for the sweep (no hold at Stripe without one). Returns the record
    and whether this call created it: the same form submitted twice (a double click) sends the same key, and
    only the request that inserted it owns the attempt (``claim``)."""
    with transaction.atomic():
        try:
            with transaction.atomic():  # savepoint: the unique key decides between two submits
                payment = CardPayment.objects.create(
                    attempt_key=attempt_key,
                    order_number=order_number,
                    amount=amount,
                    status=CardPayment.PENDING,
                    claim=claim,
                )
            return payment, True
        except IntegrityError:
            return CardPayment.objects.get(attempt_key=attempt_key), False


def record_card_authorisation(
    *, intent_id: str, order_number: str, amount: Decimal, status: str, attempt_key: str = ""
) -> CardPayment:
    """Stripe answered: fill in the intent id of the pending record (found by its key) and move its status up.
    Without a pending record (an authorisation made before records were written first) one is created."""
    with transaction.atomic():
        payment = CardPayment.objects.filter(attempt_key=attempt_key).first() if attempt_key else None
        if payment is None:
            payment, created = CardPayment.objects.get_or_create(
                intent_id=intent_id, defaults={"order_number": order_number, "amount": amount, "status": status}
            )
            if created:
                return payment
        if not payment.intent_id:
            CardPayment.objects.filter(pk=payment.pk, intent_id__isnull=True).update(intent_id=intent_id)
        if CardPayment.RANK[status] > CardPayment.RANK[payment.status]:
            CardPayment.objects.filter(pk=payment.pk, status=payment.status).update(status=status)
        payment.refresh_from_db()
    return payment


def record_card_never_created(*, payment_id: int) -> bool:
    """The sweep asked Stripe about a pending attempt and Stripe has no such payment: nothing is held."""
    with transaction.atomic():
        return bool(
            CardPayment.objects.filter(pk=payment_id, status=CardPayment.PENDING, intent_id__isnull=True).update(
                status=CardPayment.FAILED, last_error=_("Stripe has no payment for this attempt.")[:255]
            )
        )


def claim_card_payment(*, intent_id: str, claim: str) -> bool:
    """Compare-and-set: this request may place an order with the payment (no other request is doing so)."""
    with transaction.atomic():
        return bool(CardPayment.objects.filter(intent_id=intent_id, claim="", order__isnull=True).update(claim=claim))


def release_card_claim(*, intent_id: str, claim: str) -> None:
    with transaction.atomic():
        CardPayment.objects.filter(intent_id=intent_id, claim=claim).update(claim="")


def link_card_payment(*, order, intent_id: str) -> None:
    """Inside the placement transaction: the authorisation now belongs to this order."""
    CardPayment.objects.filter(intent_id=intent_id).update(order=order)
    Source.objects.create(
        order=order,
        source_type=source_type(CARD_SOURCE),
        currency=order.currency,
        amount_allocated=order.total_incl_tax,
        reference=intent_id,
    )


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
    """Stripe took the money. Marks the order paid once, however many times this is reported, and only if the
    amount is the order's total. True only for the call that recorded the capture (reports count on it)."""
    with transaction.atomic():
        payment = _move_card(intent_id, to=CardPayment.CAPTURED, amount_captured=amount)
        if payment is None or payment.order is None:
            return payment is not None
        order = payment.order
        if order.status == statuses.CANCELLED:
            # Captured although we cancelled the order (capture answered too late): staff must refund.
            note(
                order,
                _("Card payment %(intent)s was captured after the order was cancelled: refund it.")
                % {"intent": intent_id},
            )
            logger.error("Order %s: captured after cancellation (%s)", order.number, intent_id)
        elif amount != order.total_incl_tax:
            # Never "paid" for a different sum (1 rupiah for a 150,000 order): staff settle it with the buyer.
            note(
                order,
                _(
                    "Stripe reports %(amount)s captured for card payment %(intent)s, but the order total is "
                    "%(total)s: the order is not marked paid. Check the payment at Stripe, then refund it "
                    "or settle the difference with the buyer."
                )
                % {"amount": f"{amount:.0f}", "intent": intent_id, "total": f"{order.total_incl_tax:.0f}"},
            )
            logger.error(
                "Order %s: captured %s but the total is %s (%s)", order.number, amount, order.total_incl_tax, intent_id
            )
        elif _mark_paid(order, amount=amount, reference=intent_id, source_name=CARD_SOURCE) and notify:
            # Only news if the buyer already got "order received" while the capture was still open;
            # otherwise that first email is about to say "paid" itself.
            if order.communication_events.filter(event_type__code=emails.ORDER_PLACED).exists():
                _after_commit_email(order, emails.PAYMENT_CONFIRMED)
    return True


def record_card_cancelled(
    *, intent_id: str, reason: str = "Card authorisation cancelled.", notify: bool = True
) -> bool:
    """The authorisation is gone: an order still waiting for this card is cancelled and its stock released."""
    with transaction.atomic():
        payment = _move_card(intent_id, to=CardPayment.CANCELLED)
        if payment is None:
            return False
        if payment.order is not None and payment.order.status == statuses.AWAITING_PAYMENT:
            cancel_order(order=payment.order, reason=reason, notify=notify)
    return True


def record_card_refund_total(
    *, intent_id: str, total_refunded: Decimal, reference: str, captured: Decimal | None = None
) -> Decimal:
    """Stripe reports the *cumulative* refunded amount (charge.refunded): record only what is new, so old,
    repeated or reordered reports change nothing. Returns the newly recorded amount.

    Reconciled against the payment: never more than was captured (a larger report is capped and logged); a
    report that beats payment_intent.succeeded records the capture first (a refunded charge was captured), so
    the late "succeeded" cannot leave the order paid; a refund of everything cancels the order if it has not
    shipped and gives its stock back."""
    with transaction.atomic():
        payment = CardPayment.objects.filter(intent_id=intent_id).select_related("order").first()
        if payment is None:
            return Decimal(0)
        if payment.status != CardPayment.CAPTURED and captured:
            record_card_captured(intent_id=intent_id, amount=captured, notify=False)
            payment.refresh_from_db()
        if payment.status != CardPayment.CAPTURED:
            logger.error("Card payment %s: refund of %s reported but nothing was captured", intent_id, total_refunded)
            return Decimal(0)
        order, limit = payment.order, payment.amount_captured
        if total_refunded > limit:
            logger.error(
                "Card payment %s: Stripe reports %s refunded of %s captured; recorded up to the capture",
                intent_id,
                total_refunded,
                limit,
            )
            if order is not None:
                note(
                    order,
                    _(
                        "Stripe reported %(refunded)s refunded but only %(captured)s was captured "
                        "(%(reference)s): recorded up to the captured amount. Check the payment at Stripe."
                    )
                    % {"refunded": f"{total_refunded:.0f}", "captured": f"{limit:.0f}", "reference": reference},
                )
            total_refunded = limit
        before = payment.amount_refunded
        if total_refunded <= before:
            return Decimal(0)
        if not CardPayment.objects.filter(pk=payment.pk, amount_refunded=before).update(amount_refunded=total_refunded):
            return Decimal(0)
        delta = total_refunded - before
        if order is not None:
            record_payment_event(
                order,
                amount=delta,
                reference=reference,
                source_name=CARD_SOURCE,
                kind=REFUNDED_EVENT,
                lines=[],
                quantities=[],
            )
            note(
                order,
                _("Refund of %(amount)s recorded from Stripe (%(reference)s).")
                % {"amount": f"{delta:.0f}", "reference": reference},
            )
            if total_refunded >= limit and order.status in statuses.HOLDING_STOCK:
                cancel_order(
                    order=order,
                    reason=_("Refunded in full at Stripe (%(reference)s): order cancelled, stock released.")
                    % {"reference": reference},
                )
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
                _(
                    "The transfer has expired or was cancelled: the order was cancelled and its stock released. "
                    "Refund the money or ask the buyer to order again."
                )
            )
        if _mark_paid(order, amount=transfer.amount, reference=transfer.reference, source_name=TRANSFER_SOURCE):
            note(order, f"Bank transfer {transfer.reference} received.", user)
            transfer_port.received(order=order, reference=transfer.reference, user=user)  # a trade deposit
            _after_commit_email(order, emails.PAYMENT_CONFIRMED)
    return True
