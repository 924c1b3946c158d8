"""Card orders: Stripe calls first, then one transaction recording the result (services.py).

Stripe's advice, which we follow: authorise (manual capture) → place the order with the guarded stock hold →
capture; if placing fails, cancel the authorisation. When a capture fails we ask Stripe what really happened
before undoing anything, because a capture that timed out may still have gone through.
"""
from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from catalog.shop.checkout import stripe_gateway as gateway
from catalog.shop.payment.models import CardPayment

from . import services, statuses

logger = logging.getLogger("guyub.orders")
PAID, PENDING, FAILED = "paid", "pending", "failed"


def cancel_authorisation(*, intent_id: str, order_number: str, reason: str, notify: bool = True) -> bool:
    """Release the money reserved on the card (best effort: if Stripe is unreachable the webhook or the
    sweep finishes the job; the authorisation also lapses by itself after 7 days)."""
    try:
        intent = gateway.cancel(intent_id=intent_id, order_number=order_number)
    except gateway.GatewayError as error:
        try:
            intent = gateway.retrieve(intent_id)
        except gateway.GatewayError:
            logger.error("Order %s: could not cancel authorisation %s: %s", order_number, intent_id, error)
            return False
    if intent.status == "succeeded":
        # It was captured after all; record the truth, staff refund it (note on the order).
        services.record_card_captured(intent_id=intent_id, amount=gateway.from_minor_units(intent.amount_received))
        return False
    if intent.status == "canceled":
        services.record_card_cancelled(intent_id=intent_id, reason=reason, notify=notify)
        return True
    return False


def capture_placed_order(*, order, intent_id: str, notify: bool = False) -> str:
    """Take the money for a placed order. PAID, FAILED (order cancelled, stock and card released) or PENDING
    (Stripe unreachable: the order stays awaiting payment until a webhook or the sweep settles it)."""
    try:
        intent = gateway.capture(intent_id=intent_id, order_number=order.number)
    except gateway.GatewayError as error:
        logger.warning("Order %s: capture of %s failed: %s", order.number, intent_id, error)
        try:
            intent = gateway.retrieve(intent_id)
        except gateway.GatewayError:
            services.note(order, f"Card capture for {intent_id} did not answer; waiting for Stripe to confirm.")
            return PENDING
        if intent.status != "succeeded":
            cancel_authorisation(intent_id=intent_id, order_number=order.number, notify=notify,
                                 reason=f"Card capture failed ({error}); authorisation cancelled, stock released.")
            services.cancel_order(order=order, reason="Card capture failed.", notify=notify)
            return FAILED
    if intent.status == "succeeded":
        services.record_card_captured(
            intent_id=intent_id, amount=gateway.from_minor_units(intent.amount_received), notify=notify
        )
        return PAID
    return PENDING


def schedule_sweep() -> None:
    """With the database worker, look again once the grace period is over (cron covers other backends)."""
    from .tasks import schedule, settle_card_payments_task

    grace = timedelta(minutes=settings.GUYUB_CARD_AUTHORISATION_GRACE_MINUTES, seconds=30)
    schedule(settle_card_payments_task, at=timezone.now() + grace)


def sweep_card_authorisations(*, now=None) -> dict:
    """Settle authorisations nobody finished: capture those whose order is waiting, cancel those that never
    became an order (the buyer left on the 3-D Secure page) or whose order was cancelled."""
    now = now or timezone.now()
    cutoff = now - timedelta(minutes=settings.GUYUB_CARD_AUTHORISATION_GRACE_MINUTES)
    done = {"captured": [], "cancelled": []}
    stale = CardPayment.objects.filter(status=CardPayment.AUTHORISED, created_at__lte=cutoff).select_related("order")
    for payment in stale:
        order = payment.order
        if order is not None and order.status == statuses.AWAITING_PAYMENT:
            if capture_placed_order(order=order, intent_id=payment.intent_id, notify=True) == PAID:
                done["captured"].append(payment.intent_id)
        elif cancel_authorisation(intent_id=payment.intent_id, order_number=payment.order_number,
                                  reason="Card authorisation without an order, cancelled."):
            done["cancelled"].append(payment.intent_id)
    return done
