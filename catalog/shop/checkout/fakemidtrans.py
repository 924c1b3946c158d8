"""A fake Midtrans for tests and the demo (``GUYUB_FAKE_MIDTRANS``; production refuses it).

It stands where midtransclient expects the ``requests`` module (``HttpClient.http_client``) and answers the
three calls the shop makes as Midtrans does: Snap's ``POST /snap/v1/transactions``, the Core API's
``GET /v2/<order_id>/status`` and ``POST /v2/<order_id>/refund``, with Midtrans' status codes (201 pending,
200 settlement, 202 cancel/deny, 407 expire, 404 no transaction yet) and ``signature_key`` signed with the
server key the client sent. Its state is in the database (``payment.FakeStripeObject``, kind "midtrans"), so
every process sees the same fake account. ``pay``/``expire`` play the buyer and the clock; ``notification``
builds the HTTP notification Midtrans would send.
"""

from __future__ import annotations

import json
import re
import uuid
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from .fakestore import DatabaseMap
from .midtrans_gateway import server_key, signature

STATUS_CODES = {"pending": "201", "settlement": "200", "capture": "200", "cancel": "202", "deny": "202"}
STATUS_CODES["expire"] = "407"
_STATUS = re.compile(r"/v2/([^/]+)/status$")
_REFUND = re.compile(r"/v2/([^/]+)/refund$")
_REFUNDABLE = {"gopay", "shopeepay", "qris"}


class FakeResponse:
    def __init__(self, status_code: int, body: dict):
        self.status_code = status_code
        self._body = body
        self.text = json.dumps(body)

    def json(self):
        return json.loads(self.text)


class FakeMidtrans:
    def __init__(self, server_key: str | None = None):
        self.transactions = DatabaseMap("midtrans")
        self.server_key = server_key  # None: whatever key the client sends (the shop's own)
        self.pay_url = ""  # the demo's pretend Snap page (checkout:midtrans-test-pay), set by the checkout
        self.calls: list[tuple[str, str]] = []  # (method, path) of every request, for tests

    # --- what midtransclient calls ----------------------------------------------------------------
    def request(self, method, url, *, auth=None, data=None, params=None, headers=None, **kwargs):
        self.calls.append((method, url))
        key = getattr(auth, "username", "")
        if not key or (self.server_key is not None and key != self.server_key):
            return FakeResponse(401, {"status_code": "401", "status_message": "Unknown Merchant server_key/id"})
        with transaction.atomic():
            if method == "post" and url.endswith("/snap/v1/transactions"):
                return self._create(json.loads(data), key)
            if method == "get" and (match := _STATUS.search(url)):
                return self._status(match.group(1), key)
            if method == "post" and (match := _REFUND.search(url)):
                return self._refund(match.group(1), json.loads(data), key)
        return FakeResponse(404, {"status_code": "404", "status_message": "Not found"})

    def _create(self, body, key):
        details = body.get("transaction_details") or {}
        order_id, amount = details.get("order_id"), details.get("gross_amount")
        if not isinstance(order_id, str) or not isinstance(amount, int) or amount < 1:
            return FakeResponse(400, {"error_messages": ["transaction_details is invalid"]})
        token = uuid.uuid4().hex
        if self.pay_url:
            redirect = f"{self.pay_url}?order_id={order_id}"
        else:
            redirect = f"https://app.sandbox.midtrans.com/snap/v4/redirection/{token}"
        tx = {
            "order_id": order_id,
            "gross_amount": f"{amount}.00",
            "transaction_id": str(uuid.uuid4()),
            "transaction_status": None,  # Midtrans knows the transaction once the buyer picks a method
            "payment_type": "",
            "token": token,
            "redirect_url": redirect,
            "expiry_minutes": (body.get("expiry") or {}).get("duration"),
            "refunded": 0,
            "refund_keys": {},
        }
        if not self.transactions.add(order_id, tx):
            return FakeResponse(400, {"error_messages": ["transaction_details.order_id sudah digunakan"]})
        return FakeResponse(201, {"token": token, "redirect_url": redirect})

    def _status(self, order_id, key):
        tx = self.transactions.get(order_id)
        if tx is None or tx["transaction_status"] is None:
            return FakeResponse(404, {"status_code": "404", "status_message": "Transaction doesn't exist."})
        return FakeResponse(200, self.payload(tx, key))

    def _refund(self, order_id, body, key):
        tx = self.transactions.get(order_id)
        if tx is None or tx["transaction_status"] not in ("settlement", "capture", "partial_refund"):
            return FakeResponse(200, {"status_code": "412", "status_message": "Transaction cannot be refunded"})
        if tx["payment_type"] not in _REFUNDABLE:
            return FakeResponse(
                200, {"status_code": "412", "status_message": "Merchant cannot modify status of the transaction"}
            )
        refund_key, amount = str(body.get("refund_key") or ""), int(body.get("amount") or 0)
        if refund_key not in tx["refund_keys"]:
            total = int(Decimal(tx["gross_amount"]))
            if amount < 1 or tx["refunded"] + amount > total:
                return FakeResponse(200, {"status_code": "412", "status_message": "Refund amount is too large"})
            tx["refund_keys"][refund_key] = amount
            tx["refunded"] += amount
            tx["transaction_status"] = "refund" if tx["refunded"] == total else "partial_refund"
            self.transactions[order_id] = tx
        answer = self.payload(tx, key)
        answer.update(
            {"refund_key": refund_key, "refund_amount": f"{tx['refund_keys'][refund_key]}.00", "status_code": "200"}
        )
        return FakeResponse(200, answer)

    # --- the buyer, the clock, and what Midtrans sends ---------------------------------------------
    def payload(self, tx: dict, key: str | None = None) -> dict:
        status = tx["transaction_status"]
        code = STATUS_CODES.get(status, "200")
        key = key or self.server_key
        if key is None:
            key = server_key()
        return {
            "transaction_time": timezone.localtime().strftime("%Y-%m-%d %H:%M:%S"),
            "transaction_status": status,
            "transaction_id": tx["transaction_id"],
            "status_message": "midtrans payment notification",
            "status_code": code,
            "signature_key": signature(tx["order_id"], code, tx["gross_amount"], key),
            "payment_type": tx["payment_type"],
            "order_id": tx["order_id"],
            "merchant_id": "G000000000",
            "gross_amount": tx["gross_amount"],
            "fraud_status": "accept",
            "currency": "IDR",
        }

    def _move(self, order_id: str, *, status: str, payment_type: str | None = None) -> dict:
        with transaction.atomic():
            tx = self.transactions[order_id]
            tx["transaction_status"] = status
            if payment_type:
                tx["payment_type"] = payment_type
            self.transactions[order_id] = tx
        return tx

    def choose(self, order_id: str, payment_type: str = "bank_transfer") -> dict:
        """The buyer picked a method on Snap's page: Midtrans now has a pending transaction."""
        return self.notification(order_id, self._move(order_id, status="pending", payment_type=payment_type))

    def pay(self, order_id: str, payment_type: str = "bank_transfer") -> dict:
        return self.notification(order_id, self._move(order_id, status="settlement", payment_type=payment_type))

    def expire(self, order_id: str) -> dict:
        return self.notification(order_id, self._move(order_id, status="expire"))

    def notification(self, order_id: str, tx: dict | None = None) -> dict:
        return self.payload(tx or self.transactions[order_id])
