"""Stripe webhooks: the source of truth for buyers who never come back to the shop.

Every event is verified (``stripe.Webhook.construct_event`` with STRIPE_WEBHOOK_SECRET), then recorded by id
under a unique constraint *in the same transaction as its effect*: a redelivered event finds its id taken and
does nothing; an effect that fails rolls back the record too, we answer 500, and Stripe retries. Events may
also arrive in any order; the services only ever move a payment forward (authorised → captured, refunded
totals only grow), so a late, older event changes nothing.

A signed event is still checked for shape before anything reads it (ids are non-empty strings, ``data.object``
an object, amounts integers — JSON numbers are parsed as Decimal, never float): a malformed one is answered
400 with a short reason and logged, never 500. Signatures older or newer than five minutes are refused.
Intents are ours only if we have a record of them (the pending record is written before Stripe is called);
metadata naming one of our order numbers is not enough.
"""

from __future__ import annotations

import json
import logging
import time
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.http import HttpResponseBadRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from catalog.shop.order import services
from catalog.shop.payment.models import CardPayment, ProcessedWebhookEvent

from .stripe_gateway import from_minor_units

logger = logging.getLogger("guyub.webhooks")
TOLERANCE_SECONDS = 300  # both ways: Stripe's check covers the past only


class Malformed(ValueError):
    """A signed event we cannot act on; the message is the short reason sent back with the 400."""


@csrf_exempt
@require_POST
def stripe_webhook(request):
    secret = settings.STRIPE_WEBHOOK_SECRET
    if not secret:
        return HttpResponseBadRequest("webhooks are not configured (STRIPE_WEBHOOK_SECRET)")
    # The stripe library is imported when a webhook arrives, not with the URLconf (issue 16: the shop's
    # workers should not load the payment SDK until a payment needs it).
    import stripe

    header = request.headers.get("Stripe-Signature", "")
    try:
        payload = request.body.decode("utf-8")
        # Only the signature: stripe's construct_event would also build an Event and fail (500) on a body
        # that is signed but not an object.
        stripe.WebhookSignature.verify_header(payload, header, secret, tolerance=TOLERANCE_SECONDS)
        _check_not_future(header)
    except (ValueError, stripe.SignatureVerificationError) as error:
        logger.warning("Rejected a Stripe webhook: %s", error)
        return HttpResponseBadRequest("invalid payload or signature")
    try:
        event = validate(json.loads(payload, parse_float=Decimal))
    except (ValueError, Malformed) as error:
        logger.warning("Rejected a signed but malformed Stripe webhook: %s", error)
        return HttpResponseBadRequest(f"malformed event: {error}"[:200])
    return JsonResponse({"received": True, "outcome": process_event(event)})


def _check_not_future(header: str) -> None:
    import stripe  # lazily, as in stripe_webhook

    stamps = [part[2:] for part in header.split(",") if part.startswith("t=")]
    if not stamps or not stamps[0].isdigit() or int(stamps[0]) > time.time() + TOLERANCE_SECONDS:
        raise stripe.SignatureVerificationError("Timestamp outside the tolerance zone (future)", header)


def _text(value, what: str) -> str:
    if not isinstance(value, str) or not value or len(value) > 255:
        raise Malformed(f"{what} must be a non-empty string")
    return value


def _amount(obj: dict, name: str, *, required: bool = True) -> int | None:
    value = obj.get(name)
    if value is None and not required:
        return None
    # bool is an int in Python; Stripe amounts are never negative and fit in 12 digits of rupiah × 100.
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 10**14:
        raise Malformed(f"{name} must be a whole number")
    return value


def validate(event) -> dict:
    """The fields we read, checked for type; returns the event or raises Malformed."""
    if not isinstance(event, dict):
        raise Malformed("the event must be an object")
    _text(event.get("id"), "id")
    _text(event.get("type"), "type")
    data = event.get("data")
    obj = data.get("object") if isinstance(data, dict) else None
    if not isinstance(obj, dict):
        raise Malformed("data.object must be an object")
    kind = event["type"]
    if kind.startswith("payment_intent."):
        _text(obj.get("id"), "data.object.id")
        _amount(obj, "amount")
        _amount(obj, "amount_received", required=False)
        if not isinstance(obj.get("metadata") or {}, dict):
            raise Malformed("metadata must be an object")
        if not isinstance(obj.get("last_payment_error") or {}, dict):
            raise Malformed("last_payment_error must be an object")
    elif kind == "charge.refunded":
        _text(obj.get("id"), "data.object.id")
        _text(obj.get("payment_intent"), "data.object.payment_intent")
        _amount(obj, "amount_refunded")
        _amount(obj, "amount_captured", required=False)
        _amount(obj, "amount", required=False)
    elif obj.get("id") is not None and not isinstance(obj.get("id"), str):
        raise Malformed("data.object.id must be a string")
    return event


def process_event(event: dict) -> str:
    """Apply one verified event exactly once; returns what it did (kept on the record for staff)."""
    obj = event["data"]["object"]
    with transaction.atomic():
        record, created = ProcessedWebhookEvent.objects.get_or_create(
            event_id=event["id"],
            defaults={"event_type": event["type"][:100], "object_id": str(obj.get("id") or "")[:255]},
        )
        if not created:
            return "duplicate"
        outcome = _apply(event["type"], obj)
        ProcessedWebhookEvent.objects.filter(pk=record.pk).update(outcome=outcome[:255])
    return outcome


def _apply(event_type: str, obj: dict) -> str:
    if event_type.startswith("payment_intent."):
        if not _known_intent(obj):
            return "not a Guyub payment"
        intent_id = obj["id"]
        if event_type == "payment_intent.amount_capturable_updated":
            return "authorised" if services.record_card_authorised(intent_id=intent_id) else "no change"
        if event_type == "payment_intent.succeeded":
            received = obj.get("amount_received")
            amount = from_minor_units(obj["amount"] if received is None else received)
            return "captured" if services.record_card_captured(intent_id=intent_id, amount=amount) else "no change"
        if event_type == "payment_intent.payment_failed":
            error = str((obj.get("last_payment_error") or {}).get("code") or "")
            return "failed" if services.record_card_failed(intent_id=intent_id, error=error) else "no change"
        if event_type == "payment_intent.canceled":
            done = services.record_card_cancelled(
                intent_id=intent_id, reason="Stripe: the card authorisation was cancelled or expired."
            )
            return "cancelled" if done else "no change"
    if event_type == "charge.refunded":
        captured = obj.get("amount_captured")
        captured = obj.get("amount") if captured is None else captured
        delta = services.record_card_refund_total(
            intent_id=obj["payment_intent"],
            total_refunded=from_minor_units(obj["amount_refunded"]),
            reference=obj["id"],
            captured=from_minor_units(captured) if captured else None,
        )
        return f"refund recorded: {delta:.0f}" if delta else "no change"
    return "ignored"


def _known_intent(obj: dict) -> bool:
    """Ours if we recorded it, or if it carries the key of one of our pending attempts (the event beat the
    checkout's own record of Stripe's answer). A bare order number in metadata is not enough: it could name
    a bank-transfer order, and that must never become a "captured" card payment."""
    if CardPayment.objects.filter(intent_id=obj["id"]).exists():
        return True
    metadata = obj.get("metadata") or {}
    key = metadata.get("guyub_attempt")
    pending = CardPayment.objects.filter(attempt_key=key).first() if isinstance(key, str) and key else None
    if pending is None:
        if metadata.get("order_number"):
            logger.warning(
                "Stripe event for intent %s names order %s but we have no record of it",
                obj["id"],
                metadata.get("order_number"),
            )
        return False
    services.record_card_authorisation(
        intent_id=obj["id"],
        order_number=pending.order_number,
        amount=pending.amount,
        status=CardPayment.REQUIRES_ACTION,
        attempt_key=key,
    )
    return True
