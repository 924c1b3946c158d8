"""Every Stripe call the shop makes, each with an idempotency key derived from the order number.

* Amounts: IDR is *not* zero-decimal for Stripe, so the API amount is rupiah × 100 (``to_minor_units``).
* Client: ``stripe.StripeClient``. With STRIPE_SECRET_KEY, Stripe. Without one, cards are simply not offered,
  unless settings.GUYUB_FAKE_CARD_PAYMENTS (dev and test settings only; production refuses it) turns on the
  clearly marked "test card mode": the fake (fakestripe.py) with its state in the database (fakestore.py), so
  every process sees the same fake account. Tests swap the client with ``use_client``.
* Keys: the same logical operation always sends the same key, so a retried request (network retry, a buyer's
  double click, a crash between Stripe and our database) cannot charge, capture or refund twice.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils.translation import gettext as _, gettext_noop

if TYPE_CHECKING:
    import stripe

    from .fakestripe import FakeStripe

# The stripe library (22 MiB, ~1.7 s to import) is imported by the functions that call Stripe, not here: this
# module is imported by the checkout's views and the URLconf, and a worker that only serves the shop should not
# carry the payment SDK until a payment needs it (issue 16). Hence the function-level `import stripe` below.

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
    def of(cls, pi) -> Intent:
        pi = _plain(pi)
        next_action = pi.get("next_action") or {}
        redirect = (next_action.get("redirect_to_url") or {}).get("url", "") if next_action else ""
        return cls(
            id=pi["id"],
            status=pi["status"],
            amount=int(pi["amount"]),
            amount_received=int(pi.get("amount_received") or 0),
            redirect_url=redirect or "",
        )


def _plain(obj) -> dict:
    """stripe 16 objects are not dicts; work with plain data."""
    return obj.to_dict() if hasattr(obj, "to_dict") else dict(obj)


# --- which client, which mode ------------------------------------------------------------------
_fake_lock = threading.Lock()
_fake: FakeStripe | None = None
_override: stripe.StripeClient | None = None


class NotConfigured(Exception):
    """No Stripe key and no test card mode: card payments are switched off."""


def test_mode_allowed() -> bool:
    return bool(getattr(settings, "GUYUB_FAKE_CARD_PAYMENTS", False))


def is_fake() -> bool:
    """No secret key and test card mode explicitly on: card payments go to the fake (never in production)."""
    return not settings.STRIPE_SECRET_KEY and test_mode_allowed()


def fake_stripe() -> FakeStripe:
    """This process's handle on the fake behind test card mode; its state is in the database, shared."""
    global _fake
    if not is_fake():
        raise NotConfigured("test card mode is off (GUYUB_FAKE_CARD_PAYMENTS)")
    with _fake_lock:
        if _fake is None:
            from .fakestore import DatabaseStore  # models: not at import time
            from .fakestripe import FakeStripe  # the fake speaks through stripe's HTTP client: lazily too

            _fake = FakeStripe(store=DatabaseStore())
        return _fake


def card_entry() -> str | None:
    """How the buyer enters a card: "elements" (Stripe.js, needs js.stripe.com), "test_cards" (typed test
    numbers mapped to Stripe's test PaymentMethods), or None when cards cannot be taken (a live key without a
    publishable key, or no key at all outside test card mode: then only bank transfer is offered)."""
    key = settings.STRIPE_SECRET_KEY
    if key and settings.STRIPE_PUBLISHABLE_KEY:
        return "elements"
    if key.startswith(("sk_test_", "rk_test_")) or is_fake():
        return "test_cards"
    return None


@lru_cache(maxsize=4)
def _real_client(key: str) -> stripe.StripeClient:
    import stripe  # lazily: see the note at the top

    # The library resends our idempotency key on its retries, so retrying is safe.
    return stripe.StripeClient(key, max_network_retries=2)


@lru_cache(maxsize=1)
def _fake_client() -> stripe.StripeClient:
    import stripe  # lazily: see the note at the top

    from .fakestripe import FakeStripeHTTPClient  # built on stripe's HTTP client: lazily too

    return stripe.StripeClient(FAKE_KEY, http_client=FakeStripeHTTPClient(fake_stripe()))


def client() -> stripe.StripeClient:
    if _override is not None:
        return _override
    if settings.STRIPE_SECRET_KEY:
        return _real_client(settings.STRIPE_SECRET_KEY)
    if is_fake():
        return _fake_client()
    # Never a silent fallback to the fake: an order "paid" with no money taken is worse than no card option.
    raise GatewayError("Card payments are not configured (no STRIPE_SECRET_KEY).")


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


def attempt_key(*, order_number: str, attempt: str) -> str:
    """The idempotency key of one authorisation attempt; also sent as metadata ``guyub_attempt`` so the sweep
    can find an intent whose answer never reached our database."""
    return f"guyub:{order_number}:authorise:{attempt}"


def authorise(
    *, order_number: str, attempt: str, amount: Decimal, payment_method: str, email: str = "", return_url: str = ""
) -> Intent:
    """Create and confirm a manual-capture PaymentIntent: the money is reserved on the card, not taken."""
    import stripe  # lazily: see the note at the top

    key = attempt_key(order_number=order_number, attempt=attempt)
    params = {
        "amount": to_minor_units(amount),
        "currency": CURRENCY,
        "capture_method": "manual",
        "confirm": True,
        "payment_method": payment_method,
        "payment_method_types": ["card"],
        "description": f"Guyub order {order_number}",
        "metadata": {"order_number": order_number, "attempt": attempt, "guyub_attempt": key},
    }
    if return_url:
        params["return_url"] = return_url
    if email:
        params["receipt_email"] = email
    try:
        pi = client().v1.payment_intents.create(params, {"idempotency_key": key})
    except stripe.CardError as error:
        data = (error.json_body or {}).get("error", {})
        intent = data.get("payment_intent") or {}
        message = _decline_message(data.get("decline_code") or data.get("code"))
        raise CardDeclined(message, intent.get("id", "")) from error
    except stripe.StripeError as error:
        raise GatewayError(str(error)) from error
    intent = Intent.of(pi)
    if intent.status in ("requires_capture", "requires_action"):
        return intent
    raise CardDeclined(_decline_message(None), intent.id)


def find_by_attempt(key: str) -> Intent | None:
    """The intent created with idempotency key ``key``, if Stripe ever created one (search by our metadata;
    Stripe's search index lags by up to a minute, so the sweep only asks about attempts older than that)."""
    import stripe  # lazily: see the note at the top

    query = "metadata['guyub_attempt']:'{}'".format(key.replace("'", ""))
    try:
        found = client().v1.payment_intents.search({"query": query})
    except stripe.StripeError as error:
        raise GatewayError(str(error)) from error
    data = _plain(found).get("data") or []
    return Intent.of(data[0]) if data else None


def retrieve(intent_id: str) -> Intent:
    import stripe  # lazily: see the note at the top

    try:
        return Intent.of(client().v1.payment_intents.retrieve(intent_id))
    except stripe.StripeError as error:
        raise GatewayError(str(error)) from error


def capture(*, intent_id: str, order_number: str) -> Intent:
    import stripe  # lazily: see the note at the top

    try:
        pi = client().v1.payment_intents.capture(
            intent_id, {}, {"idempotency_key": f"guyub:{order_number}:capture:{intent_id}"}
        )
    except stripe.StripeError as error:
        raise GatewayError(str(error)) from error
    return Intent.of(pi)


def cancel(*, intent_id: str, order_number: str, reason: str = "abandoned") -> Intent:
    import stripe  # lazily: see the note at the top

    try:
        pi = client().v1.payment_intents.cancel(
            intent_id,
            {"cancellation_reason": reason},
            {"idempotency_key": f"guyub:{order_number}:cancel:{intent_id}"},
        )
    except stripe.StripeError as error:
        raise GatewayError(str(error)) from error
    return Intent.of(pi)


def refund(*, intent_id: str, order_number: str, amount: Decimal, key: str) -> dict:
    """Refund ``amount`` rupiah. ``key`` names this refund (derived from what was refunded before), so the same
    request after a crash is answered with the same refund instead of a second one."""
    import stripe  # lazily: see the note at the top

    try:
        result = client().v1.refunds.create(
            {"payment_intent": intent_id, "amount": to_minor_units(amount), "metadata": {"order_number": order_number}},
            {"idempotency_key": f"guyub:{order_number}:refund:{key}"},
        )
    except stripe.StripeError as error:
        raise GatewayError(str(error)) from error
    result = _plain(result)
    return {"id": result["id"], "amount": from_minor_units(result["amount"]), "status": result["status"]}
