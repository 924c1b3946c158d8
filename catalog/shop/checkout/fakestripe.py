"""A small fake of Stripe's PaymentIntents and Refunds API, for tests and the no-key demo ("test card mode").

There is no network here and stripe-mock is not installable, so the shop talks to this instead when no
STRIPE_SECRET_KEY is set. It speaks the real wire format (form-encoded requests, JSON answers, Stripe's error
bodies), so the real ``stripe.StripeClient`` is used unchanged, either

* in-process: ``StripeClient(key, http_client=FakeStripeHTTPClient(fake))`` (the demo and most tests), or
* over loopback HTTP: ``serve(fake)`` then ``StripeClient(key, base_addresses={"api": server.url})``.

It models what the shop relies on: manual capture, Stripe's test PaymentMethods (pm_card_visa succeeds,
pm_card_chargeDeclined declines, pm_card_authenticationRequired needs 3-D Secure), idempotency keys (same key +
same request = the stored answer; same key + different request = idempotency_error), capture, cancel,
refunds, search by metadata. Tests can inject failures (``fail_next``) and read every request (``requests``).

State lives in plain dicts (one process: tests) or, for test card mode, in the database (``fakestore.py``), so
gunicorn workers, the task worker and management commands share one fake account. Ids are random (uuid), never
a per-process counter, so two processes cannot hand out the same intent id.
"""

from __future__ import annotations

import json
import re
import threading
import time
import uuid
from contextlib import nullcontext
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

from stripe._http_client import HTTPClient

# Stripe's test PaymentMethods (https://docs.stripe.com/testing) and what the fake does with them.
SUCCEEDS, DECLINES, NEEDS_3DS = "succeeds", "declines", "3ds"
TEST_PAYMENT_METHODS = {
    "pm_card_visa": (SUCCEEDS, None),
    "pm_card_mastercard": (SUCCEEDS, None),
    "pm_card_chargeDeclined": (DECLINES, "generic_decline"),
    "pm_card_chargeDeclinedInsufficientFunds": (DECLINES, "insufficient_funds"),
    "pm_card_chargeDeclinedExpiredCard": (DECLINES, "expired_card"),
    "pm_card_authenticationRequired": (NEEDS_3DS, None),
}
CANCELLABLE = {"requires_payment_method", "requires_capture", "requires_confirmation", "requires_action"}


@dataclass
class Request:
    method: str
    path: str
    params: dict
    headers: dict

    @property
    def idempotency_key(self):
        return next((v for k, v in self.headers.items() if k.lower() == "idempotency-key"), None)


@dataclass
class _Failure:
    operation: str
    status: int
    body: dict
    times: int = 1


@dataclass
class FakeStripe:
    """The state of one fake Stripe account. Thread-safe: every request runs under one lock."""

    intents: dict = field(default_factory=dict)
    refunds: dict = field(default_factory=dict)
    requests: list = field(default_factory=list)
    three_ds_url: str = "https://hooks.stripe.invalid/3d_secure_2"
    store: object = None  # fakestore.DatabaseStore: state shared by all processes

    def __post_init__(self):
        self._lock = threading.RLock()
        self._idempotent: dict = {}
        self._failures: list[_Failure] = []
        if self.store is not None:
            self.intents, self.refunds, self._idempotent = self.store.intents, self.store.refunds, self.store.keys

    @staticmethod
    def _new_id(prefix: str) -> str:
        return f"{prefix}_fake{uuid.uuid4().hex[:24]}"

    def _save(self, intent: dict) -> dict:
        # Dicts are stored by reference; the database store needs every change written back.
        self.intents[intent["id"]] = intent
        return dict(intent)

    # --- test helpers --------------------------------------------------------------------------
    def fail_next(
        self,
        operation: str,
        *,
        status: int = 402,
        code: str = "card_declined",
        message: str = "",
        error_type: str | None = None,
        times: int = 1,
    ) -> None:
        """Make the next ``times`` calls of ``operation`` (create/capture/cancel/retrieve/refund) fail."""
        error_type = error_type or (
            "card_error" if status == 402 else "api_error" if status >= 500 else "invalid_request_error"
        )
        body = {"error": {"type": error_type, "code": code, "message": message or f"Injected {code}"}}
        with self._lock:
            self._failures.append(_Failure(operation, status, body, times))

    def authenticate(self, intent_id: str, *, succeed: bool = True) -> dict:
        """What the card holder's bank does on the 3-D Secure page."""
        with self._lock:
            with self._atomic():
                intent = self.intents[intent_id]
                if intent["status"] == "requires_action":
                    intent["next_action"] = None
                    if succeed:
                        self._authorised(intent)
                    else:
                        intent["status"] = "requires_payment_method"
                        intent["last_payment_error"] = {"code": "payment_intent_authentication_failure"}
                return self._save(intent)

    def calls(self, operation: str) -> list[Request]:
        return [r for r in self.requests if _operation(r.method, r.path) == operation]

    # --- the API -------------------------------------------------------------------------------
    def _atomic(self):
        return self.store.atomic() if self.store is not None else nullcontext()

    def handle(self, method: str, path: str, headers: dict, body: str) -> tuple[int, dict]:
        with self._lock:
            params = parse_form(body)
            request = Request(method, path, params, dict(headers))
            self.requests.append(request)
            operation = _operation(method, path)
            for failure in self._failures:
                if failure.operation == operation and failure.times > 0:
                    failure.times -= 1
                    return failure.status, failure.body
            key = request.idempotency_key if method == "POST" else None
            for _try in range(3):
                try:
                    with self._atomic():
                        return self._answer(method, path, params, key)
                except KeyTaken:
                    continue  # another process answered the same key meanwhile: replay its answer
            return 409, _error("idempotency_error", "idempotency_key_in_use", "A request with this key is running.")

    def _answer(self, method, path, params, key):
        fingerprint = json.dumps([path, params], sort_keys=True)
        stored = self._idempotent.get(key) if key else None
        if stored is not None:
            if stored["fingerprint"] != fingerprint:
                return 400, _error(
                    "idempotency_error",
                    "idempotency_key_in_use",
                    "Keys for idempotent requests can only be used with the same parameters.",
                )
            return stored["status"], stored["body"]
        status, body = self._route(method, path, params)
        if key and status < 500:
            value = {"fingerprint": fingerprint, "status": status, "body": body}
            if self.store is not None:
                if not self.store.add_key(key, value):
                    raise KeyTaken(key)  # rolls back what this request did; the retry replays the winner
            else:
                self._idempotent[key] = value
        return status, body

    def _route(self, method, path, params):
        parts = [p for p in path.split("/") if p][1:]  # drop "v1"
        if parts[:1] == ["payment_intents"]:
            if len(parts) == 1 and method == "POST":
                return self._create(params)
            if parts[1:] == ["search"] and method == "GET":
                return self._search(params)
            intent = self.intents.get(parts[1]) if len(parts) > 1 else None
            if intent is None:
                return 404, _error("invalid_request_error", "resource_missing", "No such payment_intent")
            if len(parts) == 2 and method == "GET":
                return 200, dict(intent)
            if len(parts) == 3 and method == "POST":
                action = {"capture": self._capture, "cancel": self._cancel}.get(parts[2])
                if action:
                    status, body = action(intent, params)
                    self._save(intent)
                    return status, body
        if parts == ["refunds"] and method == "POST":
            return self._refund(params)
        return 404, _error("invalid_request_error", "resource_missing", f"Unrecognized request URL ({path})")

    def _create(self, params):
        try:
            amount = int(params["amount"])
        except (KeyError, ValueError):
            return 400, _error("invalid_request_error", "parameter_missing", "Missing required param: amount.")
        intent = {
            "id": self._new_id("pi"),
            "object": "payment_intent",
            "amount": amount,
            "currency": params.get("currency", ""),
            "capture_method": params.get("capture_method", "automatic"),
            "status": "requires_payment_method",
            "amount_capturable": 0,
            "amount_received": 0,
            "metadata": params.get("metadata", {}),
            "description": params.get("description"),
            "payment_method": params.get("payment_method"),
            "latest_charge": None,
            "next_action": None,
            "last_payment_error": None,
            "created": int(time.time()),
            "livemode": False,
            "client_secret": None,
            "return_url": params.get("return_url"),
        }
        intent["client_secret"] = f"{intent['id']}_secret_fake"
        if params.get("confirm") != "true" or not intent["payment_method"]:
            return 200, self._save(intent)
        if intent["payment_method"] not in TEST_PAYMENT_METHODS:
            return 400, _error(
                "invalid_request_error", "resource_missing", f"No such PaymentMethod: '{intent['payment_method']}'"
            )
        status, body = self._confirm(intent)
        self._save(intent)
        return status, body

    def _confirm(self, intent):
        behaviour, decline_code = TEST_PAYMENT_METHODS[intent["payment_method"]]
        if behaviour == DECLINES:
            intent["last_payment_error"] = {"code": "card_declined", "decline_code": decline_code}
            body = _error("card_error", "card_declined", "Your card was declined.")
            body["error"].update(decline_code=decline_code, payment_intent=dict(intent))
            return 402, body
        if behaviour == NEEDS_3DS:
            intent["status"] = "requires_action"
            intent["next_action"] = {
                "type": "redirect_to_url",
                "redirect_to_url": {
                    "url": f"{self.three_ds_url}?payment_intent={intent['id']}",
                    "return_url": intent["return_url"],
                },
            }
            return 200, dict(intent)
        self._authorised(intent)
        return 200, dict(intent)

    _SEARCH = re.compile(r"^metadata\['([A-Za-z0-9_]+)'\]:'([^']*)'$")

    def _search(self, params):
        """Only what the sweep asks: ``metadata['key']:'value'`` (Stripe's search query language)."""
        match = self._SEARCH.match(params.get("query", "").strip())
        if match is None:
            return 400, _error("invalid_request_error", "parameter_invalid", "Unsupported search query.")
        name, value = match.groups()
        found = [dict(i) for i in self.intents.values() if (i.get("metadata") or {}).get(name) == value]
        return 200, {
            "object": "search_result",
            "data": found,
            "has_more": False,
            "next_page": None,
            "url": "/v1/payment_intents/search",
        }

    def _authorised(self, intent):
        if intent["capture_method"] == "manual":
            intent.update(status="requires_capture", amount_capturable=intent["amount"])
        else:
            self._succeeded(intent, intent["amount"])

    def _succeeded(self, intent, amount):
        charge = self._new_id("ch")
        intent.update(
            status="succeeded", amount_capturable=0, amount_received=amount, latest_charge=charge, amount_refunded=0
        )

    def _capture(self, intent, params):
        if intent["status"] != "requires_capture":
            return 400, _error(
                "invalid_request_error",
                "payment_intent_unexpected_state",
                f"This PaymentIntent could not be captured because it has a status of {intent['status']}.",
            )
        amount = int(params.get("amount_to_capture", intent["amount_capturable"]))
        self._succeeded(intent, amount)
        return 200, dict(intent)

    def _cancel(self, intent, params):
        if intent["status"] not in CANCELLABLE:
            return 400, _error(
                "invalid_request_error",
                "payment_intent_unexpected_state",
                f"You cannot cancel this PaymentIntent because it has a status of {intent['status']}.",
            )
        intent.update(status="canceled", amount_capturable=0, cancellation_reason=params.get("cancellation_reason"))
        return 200, dict(intent)

    def _refund(self, params):
        intent = self.intents.get(params.get("payment_intent", ""))
        if intent is None or intent["status"] != "succeeded":
            return 400, _error("invalid_request_error", "charge_not_refundable", "This PaymentIntent has no charge.")
        refundable = intent["amount_received"] - intent.get("amount_refunded", 0)
        amount = int(params.get("amount", refundable))
        if amount <= 0 or amount > refundable:
            return 400, _error(
                "invalid_request_error",
                "amount_too_large",
                f"Refund amount ({amount}) is greater than unrefunded amount ({refundable}).",
            )
        intent["amount_refunded"] = intent.get("amount_refunded", 0) + amount
        self._save(intent)
        refund = {
            "id": self._new_id("re"),
            "object": "refund",
            "amount": amount,
            "currency": intent["currency"],
            "payment_intent": intent["id"],
            "charge": intent["latest_charge"],
            "status": "succeeded",
            "metadata": params.get("metadata", {}),
        }
        self.refunds[refund["id"]] = refund
        return 200, refund

    # --- webhook events, as Stripe would send them ------------------------------------------------
    def event(self, event_type: str, obj: dict, *, event_id: str | None = None) -> dict:
        return {
            "id": event_id or self._new_id("evt"),
            "object": "event",
            "type": event_type,
            "api_version": "2025-01-27.acacia",
            "created": int(time.time()),
            "livemode": False,
            "data": {"object": obj},
        }

    def charge_for(self, intent_id: str) -> dict:
        """The Charge object of a captured intent, as charge.refunded carries it."""
        intent = self.intents[intent_id]
        return {
            "id": intent["latest_charge"],
            "object": "charge",
            "payment_intent": intent_id,
            "amount": intent["amount_received"],
            "amount_refunded": intent.get("amount_refunded", 0),
            "currency": intent["currency"],
            "refunded": intent.get("amount_refunded", 0) >= intent["amount_received"],
        }


class KeyTaken(Exception):
    """Another process stored an answer for the same idempotency key while this one worked on it."""


def _operation(method: str, path: str) -> str:
    parts = [p for p in path.split("/") if p][1:]
    if parts[:1] == ["refunds"]:
        return "refund"
    if parts[:1] == ["payment_intents"]:
        if len(parts) == 1:
            return "create"
        if parts[1] == "search":
            return "search"
        if len(parts) == 3:
            return parts[2]
        return "retrieve"
    return "other"


def _error(error_type: str, code: str, message: str) -> dict:
    return {"error": {"type": error_type, "code": code, "message": message}}


def parse_form(body) -> dict:
    """Stripe's form encoding (``metadata[order]=1``, ``payment_method_types[0]=card``) into nested dicts."""
    if isinstance(body, bytes):
        body = body.decode()
    result: dict = {}
    for key, value in parse_qsl(body or "", keep_blank_values=True):
        names = key.replace("]", "").split("[")
        target = result
        for name in names[:-1]:
            target = target.setdefault(name, {})
        target[names[-1]] = value
    return result


class FakeStripeHTTPClient(HTTPClient):
    """Plugs the fake into stripe.StripeClient(http_client=...): no socket at all."""

    name = "guyub-fake-stripe"

    def __init__(self, fake: FakeStripe):
        super().__init__()
        self.fake = fake

    def request(self, method, url, headers, post_data=None, *, _usage=None):
        parts = urlsplit(url)
        body = post_data if method.lower() == "post" else parts.query
        status, payload = self.fake.handle(method.upper(), parts.path, dict(headers or {}), body)
        return json.dumps(payload), status, {"Request-Id": f"req_fake{len(self.fake.requests)}"}

    def request_stream(self, method, url, headers, post_data=None, *, _usage=None):
        raise NotImplementedError("the fake Stripe does not stream")

    def close(self):
        pass


def serve(fake: FakeStripe, host: str = "127.0.0.1", port: int = 0) -> ThreadingHTTPServer:
    """Serve the fake on loopback in a daemon thread; ``server.url`` is the base address, ``shutdown()`` stops."""

    class Handler(BaseHTTPRequestHandler):
        def _answer(self):
            length = int(self.headers.get("Content-Length") or 0)
            parts = urlsplit(self.path)
            body = self.rfile.read(length).decode() if length else parts.query
            status, payload = fake.handle(self.command, parts.path, dict(self.headers.items()), body)
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Request-Id", f"req_fake{len(fake.requests)}")
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_DELETE = _answer

        def log_message(self, *args):  # keep test output quiet
            pass

    server = ThreadingHTTPServer((host, port), Handler)
    server.daemon_threads = True
    server.url = f"http://{host}:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, daemon=True, name="fake-stripe").start()
    return server
