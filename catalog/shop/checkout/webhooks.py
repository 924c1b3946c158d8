"""Stripe webhooks: the source of truth for buyers who never come back to the shop.

Every event is verified (``stripe.Webhook.construct_event`` with STRIPE_WEBHOOK_SECRET), then recorded by id
under a unique constraint *in the same transaction as its effect*: a redelivered event finds its id taken and
does nothing; an effect that fails rolls back the record too, we answer 500, and Stripe retries. Events may
also arrive in any order; the services only ever move a payment forward (authorised → captured, refunded
totals only grow), so a late, older event changes nothing.
"""
from __future__ import annotations

import json
import logging

import stripe
from django.conf import settings
from django.db import transaction
from django.http import HttpResponseBadRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from catalog.shop.order import services
from catalog.shop.payment.models import CardPayment, ProcessedWebhookEvent

from .stripe_gateway import from_minor_units

logger = logging.getLogger("guyub.webhooks")


@csrf_exempt
@require_POST
def stripe_webhook(request):
    secret = settings.STRIPE_WEBHOOK_SECRET
    if not secret:
        return HttpResponseBadRequest("webhooks are not configured (STRIPE_WEBHOOK_SECRET)")
    try:
        payload = request.body.decode("utf-8")
        stripe.Webhook.construct_event(payload, request.headers.get("Stripe-Signature", ""), secret)
        event = json.loads(payload)
        event["id"], event["type"], event["data"]["object"]
    except (ValueError, KeyError, TypeError, stripe.SignatureVerificationError) as error:
        logger.warning("Rejected a Stripe webhook: %s", error)
        return HttpResponseBadRequest("invalid payload or signature")
    return JsonResponse({"received": True, "outcome": process_event(event)})


def process_event(event: dict) -> str:
    """Apply one verified event exactly once; returns what it did (kept on the record for staff)."""
    obj = event["data"]["object"]
    with transaction.atomic():
        record, created = ProcessedWebhookEvent.objects.get_or_create(
            event_id=event["id"],
            defaults={"event_type": event["type"][:100], "object_id": str(obj.get("id", ""))[:255]},
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
            amount = from_minor_units(obj.get("amount_received") or obj["amount"])
            return "captured" if services.record_card_captured(intent_id=intent_id, amount=amount) else "no change"
        if event_type == "payment_intent.payment_failed":
            error = (obj.get("last_payment_error") or {}).get("code", "")
            return "failed" if services.record_card_failed(intent_id=intent_id, error=error) else "no change"
        if event_type == "payment_intent.canceled":
            done = services.record_card_cancelled(intent_id=intent_id,
                                                  reason="Stripe: the card authorisation was cancelled or expired.")
            return "cancelled" if done else "no change"
    if event_type == "charge.refunded" and obj.get("payment_intent"):
        delta = services.record_card_refund_total(
            intent_id=obj["payment_intent"], total_refunded=from_minor_units(obj.get("amount_refunded") or 0),
            reference=obj.get("id", ""),
        )
        return f"refund recorded: {delta:.0f}" if delta else "no change"
    return "ignored"


def _known_intent(obj: dict) -> bool:
    """Ours if we recorded it, or if it carries our order number (the event beat our own record of it)."""
    if CardPayment.objects.filter(intent_id=obj["id"]).exists():
        return True
    order_number = (obj.get("metadata") or {}).get("order_number")
    if not order_number:
        return False
    services.record_card_authorisation(
        intent_id=obj["id"], order_number=order_number, amount=from_minor_units(obj["amount"]),
        status=CardPayment.REQUIRES_ACTION,
    )
    return True
