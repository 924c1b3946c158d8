"""Every Midtrans call the shop makes, through Midtrans' official client (``midtransclient``).

* Snap (``midtransclient.Snap``) creates the transaction and gives the page where the buyer chooses a virtual
  account (BCA, BNI, BRI, Mandiri, Permata), QRIS or an e-wallet (GoPay, ShopeePay); the Core API
  (``midtransclient.CoreApi``) answers status checks and refunds.
* Keys: ``MIDTRANS_SERVER_KEY`` and ``MIDTRANS_CLIENT_KEY`` (both, or the method is not offered),
  ``MIDTRANS_IS_PRODUCTION`` (sandbox otherwise). Without keys, only where settings turn on
  ``GUYUB_FAKE_MIDTRANS`` (dev and test; production refuses it) payments go to a fake (fakemidtrans.py) whose
  state is in the database.
* The HTTP layer: midtransclient calls ``requests.request`` through ``HttpClient.http_client`` (the ``requests``
  module, with no timeout). We put our own object there: a timeout for the real API, the fake in fake mode, and
  whatever a test injects with ``use_http``. Nothing here ever reaches the network in tests.
* Money: Midtrans takes and reports IDR in whole rupiah (``gross_amount``; notifications send it as "150000.00").
"""

from __future__ import annotations

import hashlib
import hmac
import threading
from contextlib import contextmanager
from decimal import Decimal

import requests
from django.conf import settings

FAKE_SERVER_KEY = "SB-Mid-server-guyub-fake"
TIMEOUT_SECONDS = 15
# Snap's codes for what the buyer may choose (https://docs.midtrans.com/reference/snap-api enabled_payments).
ENABLED_PAYMENTS = ["bca_va", "bni_va", "bri_va", "echannel", "permata_va", "other_qris", "gopay", "shopeepay"]
# What Midtrans can refund through its API (the rest, e.g. virtual accounts, is refunded by staff by hand).
REFUNDABLE_TYPES = {"gopay", "shopeepay", "qris", "credit_card"}


class GatewayError(Exception):
    """Midtrans could not be reached or refused the call; ``status_code`` is Midtrans' when it answered."""

    def __init__(self, message: str, status_code: int | None = None):
        super().__init__(message)
        self.status_code = status_code


class NotConfigured(GatewayError):
    pass


def is_fake() -> bool:
    return not settings.MIDTRANS_SERVER_KEY and bool(getattr(settings, "GUYUB_FAKE_MIDTRANS", False))


def available() -> bool:
    """Offered at checkout: both keys set, or the fake explicitly on (never in production)."""
    return bool(settings.MIDTRANS_SERVER_KEY and settings.MIDTRANS_CLIENT_KEY) or is_fake()


def server_key() -> str:
    if settings.MIDTRANS_SERVER_KEY:
        return settings.MIDTRANS_SERVER_KEY
    if is_fake():
        return FAKE_SERVER_KEY
    raise NotConfigured("Midtrans is not configured (MIDTRANS_SERVER_KEY)")


def signature(order_id: str, status_code: str, gross_amount: str, key: str | None = None) -> str:
    """Midtrans' documented signature_key: SHA-512 of order_id + status_code + gross_amount + server key."""
    text = f"{order_id}{status_code}{gross_amount}{key if key is not None else server_key()}"
    return hashlib.sha512(text.encode("utf-8")).hexdigest()


def signature_ok(payload: dict) -> bool:
    expected = signature(payload["order_id"], payload["status_code"], payload["gross_amount"])
    return hmac.compare_digest(expected, str(payload.get("signature_key", "")))


# --- the HTTP layer -------------------------------------------------------------------------------
class TimeoutRequests:
    """Stands in for the ``requests`` module in midtransclient's HttpClient: the same call, with a timeout."""

    def request(self, method, url, **kwargs):
        kwargs.setdefault("timeout", TIMEOUT_SECONDS)
        return requests.request(method, url, **kwargs)


_override = None
_fake = None
_lock = threading.Lock()


@contextmanager
def use_http(http):
    """Tests: every Midtrans call (any thread) goes to ``http`` (an object with ``request(method, url, **kw)``)."""
    global _override
    previous, _override = _override, http
    try:
        yield http
    finally:
        _override = previous


def fake():
    """The fake Midtrans of GUYUB_FAKE_MIDTRANS (state in the database); refused when the fake is off."""
    global _fake
    if not is_fake():
        raise NotConfigured("the fake Midtrans is off (GUYUB_FAKE_MIDTRANS)")
    with _lock:
        if _fake is None:
            # Test mode only, and it imports this module (signature) and the models (fakestore): lazily.
            from .fakemidtrans import FakeMidtrans

            _fake = FakeMidtrans()
        return _fake


def _http():
    if _override is not None:
        return _override
    if is_fake():
        return fake()
    return TimeoutRequests()


def _clients():
    import midtransclient  # lazily: the shop's workers need it only when a payment does

    kwargs = {"is_production": bool(settings.MIDTRANS_IS_PRODUCTION), "server_key": server_key()}
    snap = midtransclient.Snap(client_key=settings.MIDTRANS_CLIENT_KEY, **kwargs)
    core = midtransclient.CoreApi(client_key=settings.MIDTRANS_CLIENT_KEY, **kwargs)
    http = _http()
    snap.http_client.http_client = http
    core.http_client.http_client = http
    return snap, core


def _call(fn, *args):
    import midtransclient  # lazily, as in _clients

    try:
        return fn(*args)
    except midtransclient.error_midtrans.MidtransAPIError as error:
        code = (error.api_response_dict or {}).get("status_code") or error.http_status_code
        try:
            code = int(code)
        except (TypeError, ValueError):
            code = error.http_status_code
        raise GatewayError(str(error)[:300], status_code=code) from error
    except (requests.RequestException, midtransclient.error_midtrans.JSONDecodeError, ValueError, KeyError) as error:
        raise GatewayError(str(error)[:300]) from error


def create_snap(*, order_id: str, amount: Decimal, email: str, expiry_minutes: int, finish_url: str) -> dict:
    """A Snap transaction for ``amount`` whole rupiah; returns Midtrans' answer (``token``, ``redirect_url``)."""
    if amount != amount.to_integral_value():
        raise ValueError("Midtrans takes whole rupiah")
    parameters = {
        "transaction_details": {"order_id": order_id, "gross_amount": int(amount)},
        "enabled_payments": ENABLED_PAYMENTS,
        "customer_details": {"email": email} if email else {},
        "expiry": {"unit": "minute", "duration": int(expiry_minutes)},
        "callbacks": {"finish": finish_url},
    }
    snap, _core = _clients()
    answer = _call(snap.create_transaction, parameters)
    if not isinstance(answer, dict) or not isinstance(answer.get("redirect_url"), str):
        raise GatewayError("Snap answered without a redirect_url")
    return answer


def status(order_id: str) -> dict:
    """``core_api.transactions.status``: the transaction as Midtrans has it (GatewayError 404: none yet)."""
    _snap, core = _clients()
    return _call(core.transactions.status, order_id)


def refund(*, order_id: str, amount: Decimal, key: str, reason: str = "") -> dict:
    """Refund ``amount`` whole rupiah; the same ``key`` makes a repeated request one refund at Midtrans."""
    _snap, core = _clients()
    parameters = {"refund_key": key[:50], "amount": int(amount), "reason": reason[:200]}
    return _call(core.transactions.refund, order_id, parameters)
