"""Card orders: Stripe calls first, then one transaction recording the result (services.py).

Stripe's advice, which we follow: authorise (manual capture) → place the order with the guarded stock hold →
capture; if placing fails, cancel the authorisation. When a capture fails we ask Stripe what really happened
before undoing anything, because a capture that timed out may still have gone through.

The sweep also resolves PENDING records: an authorisation whose answer never reached our database (the worker
died mid-call) is looked up at Stripe by the metadata we sent, then cancelled, or linked and captured when its
order exists. Its report counts only what this run recorded (compare-and-set), so two sweeps racing report
each capture once.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from oscar.core.loading import get_model

from catalog.shop.checkout import stripe_gateway as gateway
from catalog.shop.payment.models import CardPayment

from . import services, statuses

logger = logging.getLogger("guyub.orders")
PAID, PENDING, FAILED = "paid", "pending", "failed"
Order = get_model("order", "Order")


def _cancel(*, intent_id: str, order_number: str, reason: str, notify: bool) -> tuple[bool, bool]:
    """(cancelled at Stripe, recorded by this call)."""
    try:
        intent = gateway.cancel(intent_id=intent_id, order_number=order_number)
    except gateway.GatewayError as error:
        try:
            intent = gateway.retrieve(intent_id)
        except gateway.GatewayError:
            logger.error("Order %s: could not cancel authorisation %s: %s", order_number, intent_id, error)
            return False, False
    if intent.status == "succeeded":
        # It was captured after all; record the truth, staff refund it (note on the order).
        services.record_card_captured(intent_id=intent_id, amount=gateway.from_minor_units(intent.amount_received))
        return False, False
    if intent.status == "canceled":
        return True, services.record_card_cancelled(intent_id=intent_id, reason=reason, notify=notify)
    return False, False


def cancel_authorisation(*, intent_id: str, order_number: str, reason: str, notify: bool = True) -> bool:
    """Release the money reserved on the card (best effort: if Stripe is unreachable the webhook or the
    sweep finishes the job; the authorisation also lapses by itself after 7 days)."""
    return _cancel(intent_id=intent_id, order_number=order_number, reason=reason, notify=notify)[0]


def _capture(*, order, intent_id: str, notify: bool) -> tuple[str, bool]:
    """(outcome, recorded by this call)."""
    try:
        intent = gateway.capture(intent_id=intent_id, order_number=order.number)
    except gateway.GatewayError as error:
        logger.warning("Order %s: capture of %s failed: %s", order.number, intent_id, error)
        try:
            intent = gateway.retrieve(intent_id)
        except gateway.GatewayError:
            services.note(order, f"Card capture for {intent_id} did not answer; waiting for Stripe to confirm.")
            return PENDING, False
        if intent.status != "succeeded":
            cancel_authorisation(
                intent_id=intent_id,
                order_number=order.number,
                notify=notify,
                reason=f"Card capture failed ({error}); authorisation cancelled, stock released.",
            )
            services.cancel_order(order=order, reason="Card capture failed.", notify=notify)
            return FAILED, False
    if intent.status == "succeeded":
        recorded = services.record_card_captured(
            intent_id=intent_id, amount=gateway.from_minor_units(intent.amount_received), notify=notify
        )
        return PAID, recorded
    return PENDING, False


def capture_placed_order(*, order, intent_id: str, notify: bool = False) -> str:
    """Take the money for a placed order. PAID, FAILED (order cancelled, stock and card released) or PENDING
    (Stripe unreachable: the order stays awaiting payment until a webhook or the sweep settles it)."""
    return _capture(order=order, intent_id=intent_id, notify=notify)[0]


def schedule_sweep() -> None:
    """With the database worker, look again once the grace period is over (cron covers other backends)."""
    # Imported here, not at the top: the job module runs this module's sweep and imports it at its top.
    from .tasks import schedule, settle_card_payments_task

    grace = timedelta(minutes=settings.GUYUB_CARD_AUTHORISATION_GRACE_MINUTES, seconds=30)
    schedule(settle_card_payments_task, at=timezone.now() + grace)


def pending_minutes() -> int:
    # Longer than any authorise call (with the library's retries) and than Stripe's search index lag.
    return int(getattr(settings, "GUYUB_CARD_PENDING_MINUTES", 5))


def _order_waiting_for(payment) -> Order | None:
    """The order a found orphan belongs to: placed under its number, waiting, with no card payment of its own."""
    order = Order.objects.filter(number=payment.order_number, status=statuses.AWAITING_PAYMENT).first()
    if order is None or CardPayment.objects.filter(order=order).exists():
        return None
    if getattr(order, "bank_transfer", None) is not None:
        return None
    return order


def resolve_pending(payment) -> tuple[str, bool]:
    """A PENDING record whose answer was lost: ask Stripe by our metadata. Returns (what happened, recorded
    by this call); the outcome is "unreachable", "none", "captured", "cancelled" or "other"."""
    try:
        intent = gateway.find_by_attempt(payment.attempt_key)
    except gateway.GatewayError as error:
        logger.warning("Card attempt %s: Stripe search failed: %s", payment.attempt_key, error)
        return "unreachable", False
    if intent is None:
        return "none", services.record_card_never_created(payment_id=payment.pk)
    status = {"requires_capture": CardPayment.AUTHORISED}.get(intent.status, CardPayment.REQUIRES_ACTION)
    services.record_card_authorisation(
        intent_id=intent.id,
        order_number=payment.order_number,
        amount=payment.amount,
        status=status,
        attempt_key=payment.attempt_key,
    )
    if intent.status == "succeeded":
        # Money taken with no record of why: recorded (and logged) so staff can refund it.
        logger.error("Card attempt %s: intent %s was captured without an order record", payment.attempt_key, intent.id)
        return "captured", services.record_card_captured(
            intent_id=intent.id, amount=gateway.from_minor_units(intent.amount_received)
        )
    if intent.status == "canceled":
        return "cancelled", services.record_card_cancelled(intent_id=intent.id, notify=False)
    order = _order_waiting_for(payment) if intent.status == "requires_capture" else None
    if order is not None:
        with transaction.atomic():
            services.link_card_payment(order=order, intent_id=intent.id)
        outcome, recorded = _capture(order=order, intent_id=intent.id, notify=True)
        return ("captured" if outcome == PAID else "other"), recorded
    cancelled, recorded = _cancel(
        intent_id=intent.id,
        order_number=payment.order_number,
        notify=False,
        reason=_("Card authorisation whose answer was lost, cancelled."),
    )
    return ("cancelled" if cancelled else "other"), recorded


def sweep_card_authorisations(*, now=None) -> dict:
    """Settle authorisations nobody finished: capture those whose order is waiting, cancel those that never
    became an order (the buyer left on the 3-D Secure page, the worker died mid-call) or whose order was
    cancelled. Reports only what this run recorded."""
    now = now or timezone.now()
    done = {"captured": [], "cancelled": []}
    lost = CardPayment.objects.filter(
        status=CardPayment.PENDING,
        attempt_key__isnull=False,
        created_at__lte=now - timedelta(minutes=pending_minutes()),
    )
    for payment in lost:
        outcome, recorded = resolve_pending(payment)
        if recorded and outcome in done:
            done[outcome].append(CardPayment.objects.get(pk=payment.pk).intent_id)
    cutoff = now - timedelta(minutes=settings.GUYUB_CARD_AUTHORISATION_GRACE_MINUTES)
    stale = CardPayment.objects.filter(status=CardPayment.AUTHORISED, created_at__lte=cutoff).select_related("order")
    for payment in stale:
        order = payment.order
        if order is not None and order.status == statuses.AWAITING_PAYMENT:
            outcome, recorded = _capture(order=order, intent_id=payment.intent_id, notify=True)
            if outcome == PAID and recorded:
                done["captured"].append(payment.intent_id)
        else:
            _cancelled, recorded = _cancel(
                intent_id=payment.intent_id,
                order_number=payment.order_number,
                reason="Card authorisation without an order, cancelled.",
                notify=True,
            )
            if recorded:
                done["cancelled"].append(payment.intent_id)
    return done
