"""Orders paid through Midtrans Snap: virtual accounts, QRIS, e-wallets (the gateway is checkout/midtrans_gateway.py).

* Placement: the order is placed "Awaiting payment" with its stock held and a ``MidtransPayment`` (amount,
  expiry) in the same transaction; after the commit Snap is asked for the payment page (``start_payment``). If
  Midtrans cannot be reached nobody can pay the order, so it is cancelled and its stock released at once.
* What Midtrans tells us, by HTTP notification or by a status check, goes through ``apply_status``: one
  transaction that records (transaction_id, transaction_status) under a unique constraint and applies it, so
  replays, duplicates and a status check that saw the same thing have one effect. settlement/capture → paid
  (only for exactly the order's total); expire/cancel/deny/failure → cancelled, stock released; pending → nothing.
  A payment only moves out of "pending", so a late "pending" or "expire" after "settlement" changes nothing.
* ``check_status`` asks Midtrans (``core_api.transactions.status``) when the buyer comes back and, from the card
  sweep's job, for every payment whose notification has not come; one past its expiry that Midtrans never saw
  (the buyer never chose a method) is cancelled here.
"""

from __future__ import annotations

import logging
import re
from datetime import timedelta
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.shop.checkout import midtrans_gateway as gateway
from catalog.shop.payment.models import MidtransNotification, MidtransPayment

from . import emails, services, statuses

logger = logging.getLogger("guyub.midtrans")
MIDTRANS_SOURCE = "Midtrans"
PAID_STATUSES = {"settlement", "capture"}
FAILED_STATUSES = {"expire", "cancel", "deny", "failure"}
KNOWN_STATUSES = PAID_STATUSES | FAILED_STATUSES | {"pending", "refund", "partial_refund", "authorize"}
_AMOUNT = re.compile(r"^\d{1,12}(\.\d{1,2})?$")
_ID = re.compile(r"^[A-Za-z0-9_.~\-]{1,50}$")


class Malformed(ValueError):
    """A notification we cannot act on; the message is the short reason sent back with the 400."""


def expiry_minutes() -> int:
    return int(getattr(settings, "GUYUB_MIDTRANS_EXPIRY_MINUTES", 24 * 60))


# --- placement --------------------------------------------------------------------------------------
def create_payment(*, order, now=None) -> MidtransPayment:
    """Inside the placement transaction: what Midtrans will be asked for, and until when the stock is held."""
    now = now or timezone.now()
    payment = MidtransPayment.objects.create(
        order=order,
        gateway_order_id=order.number,
        amount=order.total_incl_tax,
        expires_at=now + timedelta(minutes=expiry_minutes()),
    )
    services.Source.objects.create(
        order=order,
        source_type=services.source_type(MIDTRANS_SOURCE),
        currency=order.currency,
        amount_allocated=order.total_incl_tax,
        reference=order.number,
    )
    return payment


def start_payment(*, order, email: str, finish_url: str) -> str | None:
    """After the commit: Snap's page for this order. None when Midtrans could not be reached or refused; the
    order is then cancelled and its stock given back (no buyer can pay a transaction nobody has a page for)."""
    payment = MidtransPayment.objects.get(order=order)
    minutes = max(1, int((payment.expires_at - timezone.now()).total_seconds() // 60))
    try:
        answer = gateway.create_snap(
            order_id=payment.gateway_order_id,
            amount=payment.amount,
            email=email,
            expiry_minutes=minutes,
            finish_url=finish_url,
        )
    except (gateway.GatewayError, ValueError) as error:
        logger.error("Order %s: Midtrans Snap failed: %s", order.number, error)
        with transaction.atomic():
            MidtransPayment.objects.filter(pk=payment.pk, status=MidtransPayment.PENDING).update(
                status=MidtransPayment.CANCELLED
            )
            services.cancel_order(
                order=order, reason=f"Midtrans could not be reached ({error}): order cancelled, stock released."
            )
        return None
    MidtransPayment.objects.filter(pk=payment.pk).update(redirect_url=answer["redirect_url"][:500])
    return answer["redirect_url"]


# --- notifications and status checks ------------------------------------------------------------------
def validate(payload) -> dict:
    """The fields we read, checked for type and shape; returns the payload or raises Malformed."""
    if not isinstance(payload, dict):
        raise Malformed("the notification must be an object")
    for name in ("order_id", "status_code", "gross_amount", "transaction_status", "transaction_id"):
        if not isinstance(payload.get(name), str) or not payload[name]:
            raise Malformed(f"{name} must be a non-empty string")
    if not _ID.match(payload["order_id"]):
        raise Malformed("order_id is not a Midtrans order id")
    if not re.fullmatch(r"[0-9a-fA-F\-]{1,64}", payload["transaction_id"]):
        raise Malformed("transaction_id is not a Midtrans transaction id")
    if not re.fullmatch(r"\d{3}", payload["status_code"]):
        raise Malformed("status_code must be three digits")
    if not _AMOUNT.match(payload["gross_amount"]):
        raise Malformed("gross_amount must be an amount like 150000.00")
    if payload["transaction_status"] not in KNOWN_STATUSES:
        raise Malformed("unknown transaction_status")
    for name in ("payment_type", "fraud_status", "signature_key"):
        if payload.get(name) is not None and not isinstance(payload[name], str):
            raise Malformed(f"{name} must be a string")
    return payload


def apply_status(payload: dict, *, source: str = MidtransNotification.NOTIFICATION) -> str:
    """Apply one verified, validated notification (or status answer) exactly once; returns what it did."""
    try:
        gross = Decimal(payload["gross_amount"])
    except InvalidOperation as error:
        raise Malformed("gross_amount must be an amount") from error
    status = payload["transaction_status"]
    with transaction.atomic():
        payment = MidtransPayment.objects.select_related("order").filter(gateway_order_id=payload["order_id"]).first()
        if payment is None:
            logger.warning("Midtrans reports order %s, which is not ours", payload["order_id"])
            return "not a Guyub payment"
        try:
            with transaction.atomic():  # savepoint: the unique (transaction, status) decides between deliveries
                record = MidtransNotification.objects.create(
                    transaction_id=payload["transaction_id"][:64],
                    transaction_status=status,
                    order_id=payload["order_id"],
                    status_code=payload["status_code"],
                    gross_amount=gross,
                    payment_type=str(payload.get("payment_type") or "")[:32],
                    fraud_status=str(payload.get("fraud_status") or "")[:16],
                    source=source,
                )
        except IntegrityError:
            return "duplicate"
        outcome = _apply(payment, payload, gross)
        MidtransNotification.objects.filter(pk=record.pk).update(outcome=outcome[:255])
    logger.info("Midtrans %s for order %s: %s", status, payload["order_id"], outcome)
    return outcome


def _apply(payment: MidtransPayment, payload: dict, gross: Decimal) -> str:
    order, status = payment.order, payload["transaction_status"]
    fields = {"payment_type": str(payload.get("payment_type") or "")[:32], "transaction_id": payload["transaction_id"]}
    if status == "capture" and payload.get("fraud_status") not in (None, "", "accept"):
        status = "pending"  # a card payment under review: Midtrans sends the decision later
    if status in PAID_STATUSES:
        if gross != order.total_incl_tax:
            # Never "paid" for a different sum: staff settle it with the buyer.
            services.note(
                order,
                _(
                    "Midtrans reports %(amount)s paid for this order, but its total is %(total)s: the order is "
                    "not marked paid. Check the transaction at Midtrans."
                )
                % {"amount": f"{gross:.0f}", "total": f"{order.total_incl_tax:.0f}"},
            )
            logger.error("Order %s: Midtrans amount %s, total %s", order.number, gross, order.total_incl_tax)
            return "amount mismatch"
        lower = [MidtransPayment.PENDING, MidtransPayment.EXPIRED, MidtransPayment.CANCELLED]
        if not MidtransPayment.objects.filter(pk=payment.pk, status__in=lower).update(
            status=MidtransPayment.PAID, paid_at=timezone.now(), **fields
        ):
            return "no change"
        if order.status == statuses.CANCELLED:
            services.note(
                order,
                _("Midtrans reports payment %(reference)s after the order was cancelled: refund it.")
                % {"reference": payload["transaction_id"]},
            )
            logger.error("Order %s: paid at Midtrans after cancellation", order.number)
            return "paid after cancellation"
        if services._mark_paid(order, amount=gross, reference=payload["transaction_id"], source_name=MIDTRANS_SOURCE):
            services.note(order, f"Midtrans payment {payload['transaction_id']} ({fields['payment_type']}) received.")
            services._after_commit_email(order, emails.PAYMENT_CONFIRMED)
            return "paid"
        return "no change"
    if status in FAILED_STATUSES:
        to = MidtransPayment.EXPIRED if status == "expire" else MidtransPayment.CANCELLED
        if not MidtransPayment.objects.filter(pk=payment.pk, status=MidtransPayment.PENDING).update(status=to):
            return "no change"
        if order.status == statuses.AWAITING_PAYMENT:
            services.cancel_order(
                order=order, reason=f"Midtrans: payment {status} ({payload['transaction_id']}); stock released."
            )
            return "cancelled"
        return "no change"
    if status == "pending":
        moved = MidtransPayment.objects.filter(pk=payment.pk, status=MidtransPayment.PENDING).update(**fields)
        return "pending" if moved else "no change"
    return "ignored"


def check_status(payment: MidtransPayment, *, now=None) -> str:
    """Ask Midtrans about a payment still pending here (a lost notification): apply what it says."""
    now = now or timezone.now()
    MidtransPayment.objects.filter(pk=payment.pk).update(checked_at=now)
    try:
        answer = gateway.status(payment.gateway_order_id)
    except gateway.GatewayError as error:
        if error.status_code == 404:
            return _never_started(payment, now=now)
        logger.warning("Order %s: Midtrans status check failed: %s", payment.gateway_order_id, error)
        return "unreachable"
    try:
        return apply_status(validate(answer), source=MidtransNotification.STATUS_CHECK)
    except Malformed as error:
        logger.error("Order %s: Midtrans status answer malformed: %s", payment.gateway_order_id, error)
        return "malformed"


def _never_started(payment: MidtransPayment, *, now) -> str:
    """Midtrans has no transaction: the buyer never chose how to pay. Past the expiry that ends the order."""
    if payment.expires_at > now:
        return "not started"
    with transaction.atomic():
        if not MidtransPayment.objects.filter(pk=payment.pk, status=MidtransPayment.PENDING).update(
            status=MidtransPayment.EXPIRED
        ):
            return "no change"
        order = payment.order
        if order.status == statuses.AWAITING_PAYMENT:
            services.cancel_order(order=order, reason="Midtrans: not paid before the deadline; stock released.")
            return "cancelled"
    return "no change"


def sweep(*, now=None) -> dict:
    """Settle Midtrans payments whose notification did not come: each pending one a few minutes old is checked
    (at most once per that interval). Run by the card sweep's job (settle_card_payments)."""
    now = now or timezone.now()
    interval = timedelta(minutes=int(getattr(settings, "GUYUB_CARD_PENDING_MINUTES", 5)))
    due = MidtransPayment.objects.filter(status=MidtransPayment.PENDING, created_at__lte=now - interval).exclude(
        checked_at__gt=now - interval
    )
    done: dict[str, list[str]] = {"paid": [], "cancelled": []}
    for payment in due.select_related("order"):
        outcome = check_status(payment, now=now)
        if outcome in done:
            done[outcome].append(payment.gateway_order_id)
    return done
