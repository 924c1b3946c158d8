"""Every Stripe call the shop makes, each with an idempotency key derived from the order number.

* Amounts: IDR is *not* zero-decimal for Stripe, so the API amount is rupiah × 100 (``to_minor_units``).
* Client: ``stripe.StripeClient``. With no STRIPE_SECRET_KEY it talks to the in-process fake (fakestripe.py),
  which is the clearly marked "test card mode" of the demo; tests swap the client with ``use_client``.
* Keys: the same logical operation always sends the same key, so a retried request (network retry, a buyer's
  double click, a crash between Stripe and our database) cannot charge, capture or refund twice.
"""
from __future__ import annotations

import threading
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

import stripe
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from .fakestripe import FakeStripe, FakeStripeHTTPClient

CURRENCY = "idr"
FAKE_KEY = "sk_test_guyub_fake_stripe"


class CardDeclined(Exception):
    """The card was refused (or 3-D Secure failed); ``str()`` is a message for the buyer."""

    def __init__(self, message: str, intent_id: str = ""):
        super().__init__(message)
        self.intent_id = intent_id


class GatewayError(Exception):
    """Stripe could not be reached or answered with an error we did not expect; nothing to tell the buyer."""


@dataclass
class Intent:
    id: str
    status: str  # Stripe's: requires_capture, requires_action, succeeded, canceled, ...
    amount: int  # minor units
    amount_received: int = 0
    redirect_url: str = ""

    @classmethod
    def of(cls, pi) -> "Intent":
        pi = _plain(pi)
        next_action = pi.get("next_action") or {}
        redirect = (next_action.get("redirect_to_url") or {}).get("url", "") if next_action else ""
        return cls(id=pi["id"], status=pi["status"], amount=int(pi["amount"]),
                   amount_received=int(pi.get("amount_received") or 0), redirect_url=redirect or "")


def _plain(obj) -> dict:
    """stripe 16 objects are not dicts; work with plain data."""
    return obj.to_dict() if hasattr(obj, "to_dict") else dict(obj)


# --- which client, which mode ------------------------------------------------------------------
_fake_lock = threading.Lock()
_fake: FakeStripe | None = None
_override: stripe.StripeClient | None = None


def is_fake() -> bool:
    """No secret key: card payments go to the in-process fake (the demo's test card mode)."""
    return not settings.STRIPE_SECRET_KEY


def fake_stripe() -> FakeStripe:
    """The process-wide fake behind test card mode (created on first use)."""
    global _fake
    with _fake_lock:
        if _fake is None:
            _fake = FakeStripe()
        return _fake


def card_entry() -> str | None:
    """How the buyer enters a card: "elements" (Stripe.js, needs js.stripe.com), "test_cards" (typed test
    numbers mapped to Stripe's test PaymentMethods), or None when cards cannot be taken (a live key without a
    publishable key)."""
    key = settings.STRIPE_SECRET_KEY
    if key and settings.STRIPE_PUBLISHABLE_KEY:
        return "elements"
    if not key or key.startswith(("sk_test_", "rk_test_")):
        return "test_cards"
    return None


@lru_cache(maxsize=4)
def _real_client(key: str) -> stripe.StripeClient:
    # The library resends our idempotency key on its retries, so retrying is safe.
    return stripe.StripeClient(key, max_network_retries=2)


@lru_cache(maxsize=1)
def _fake_client() -> stripe.StripeClient:
    return stripe.StripeClient(FAKE_KEY, http_client=FakeStripeHTTPClient(fake_stripe()))


def client() -> stripe.StripeClient:
    if _override is not None:
        return _override
    if settings.STRIPE_SECRET_KEY:
        return _real_client(settings.STRIPE_SECRET_KEY)
    return _fake_client()


@contextmanager
def use_client(stripe_client: stripe.StripeClient):
    """Tests: route every Stripe call (from any thread) to ``stripe_client`` for the duration."""
    global _override
    previous, _override = _override, stripe_client
    try:
        yield stripe_client
    finally:
        _override = previous


# --- money -------------------------------------------------------------------------------------
def to_minor_units(amount: Decimal) -> int:
    """Whole rupiah → Stripe's amount (× 100). Refuses fractions of a rupiah rather than rounding money."""
    amount = Decimal(amount)
    if amount != amount.to_integral_value() or amount <= 0:
        raise ValueError(f"not a positive whole-rupiah amount: {amount}")
    return int(amount) * 100


def from_minor_units(value: int) -> Decimal:
    return Decimal(int(value)) / 100


# --- calls -------------------------------------------------------------------------------------
DECLINE_MESSAGES = {
    "insufficient_funds": gettext_noop("Your card has insufficient funds."),
    "expired_card": gettext_noop("Your card has expired."),
    "incorrect_cvc": gettext_noop("The card's security code is incorrect."),
    "payment_intent_authentication_failure": gettext_noop("The card holder's bank did not confirm the payment."),
}


def _decline_message(code: str | None) -> str:
    reason = DECLINE_MESSAGES.get(code or "")
    lead = _(reason) if reason else _("Your card was declined.")
    return lead + " " + _("No payment was taken. Please try another card or pay by bank transfer.")


def authorise(*, order_number: str, attempt: str, amount: Decimal, payment_method: str, email: str = "",
              return_url: str = "") -> Intent:
    """Create and confirm a manual-capture PaymentIntent: the money is reserved on the card, not taken."""
    params = {
        "amount": to_minor_units(amount),
        "currency": CURRENCY,
        "capture_method": "manual",
        "confirm": True,
        "payment_method": payment_method,
        "payment_method_types": ["card"],
        "description": f"Guyub order {order_number}",
        "metadata": {"order_number": order_number, "attempt": attempt},
    }
    if return_url:
        params["return_url"] = return_url
    if email:
        params["receipt_email"] = email
    try:
        pi = client().v1.payment_intents.create(
            params, {"idempotency_key": f"guyub:{order_number}:authorise:{attempt}"}
        )
    except stripe.CardError as error:
        data = (error.json_body or {}).get("error", {})
        intent = data.get("payment_intent") or {}
        raise CardDeclined(_decline_message(data.get("decline_code") or data.get("code")), intent.get("id", ""))
    except stripe.StripeError as error:
        raise GatewayError(str(error)) from error
    intent = Intent.of(pi)
    if intent.status in ("requires_capture", "requires_action"):
        return intent
    raise CardDeclined(_decline_message(None), intent.id)


def retrieve(intent_id: str) -> Intent:
    try:
        return Intent.of(client().v1.payment_intents.retrieve(intent_id))
    except stripe.StripeError as error:
        raise GatewayError(str(error)) from error


def capture(*, intent_id: str, order_number: str) -> Intent:
    try:
        pi = client().v1.payment_intents.capture(
            intent_id, {}, {"idempotency_key": f"guyub:{order_number}:capture:{intent_id}"}
        )
    except stripe.StripeError as error:
        raise GatewayError(str(error)) from error
    return Intent.of(pi)


def cancel(*, intent_id: str, order_number: str, reason: str = "abandoned") -> Intent:
    try:
        pi = client().v1.payment_intents.cancel(
            intent_id, {"cancellation_reason": reason},
            {"idempotency_key": f"guyub:{order_number}:cancel:{intent_id}"},
        )
    except stripe.StripeError as error:
        raise GatewayError(str(error)) from error
    return Intent.of(pi)


def refund(*, intent_id: str, order_number: str, amount: Decimal, key: str) -> dict:
    """Refund ``amount`` rupiah. ``key`` names this refund (derived from what was refunded before), so the same
    request after a crash is answered with the same refund instead of a second one."""
    try:
        result = client().v1.refunds.create(
            {"payment_intent": intent_id, "amount": to_minor_units(amount), "metadata": {"order_number": order_number}},
            {"idempotency_key": f"guyub:{order_number}:refund:{key}"},
        )
    except stripe.StripeError as error:
        raise GatewayError(str(error)) from error
    result = _plain(result)
    return {"id": result["id"], "amount": from_minor_units(result["amount"]), "status": result["status"]}
