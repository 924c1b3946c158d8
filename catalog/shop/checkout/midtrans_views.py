"""Midtrans' HTTP notification, the buyer's return from Snap, and the fake gateway's pretend Snap page.

The notification (``/checkout/midtrans/notification/``) is Midtrans' POST of a JSON object. It is checked for
shape first (400 with a short reason, never 500), then its ``signature_key`` (SHA-512 of order_id + status_code
+ gross_amount + server key; 403 when wrong), then applied once (order/midtrans.py ``apply_status``). A failure
while applying rolls the record back and answers 500, so Midtrans delivers it again.
"""

from __future__ import annotations

import json
import logging

from django.contrib import messages
from django.http import Http404, HttpResponseBadRequest, HttpResponseForbidden, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import generic
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from oscar.core.loading import get_model

from catalog.shop.order import midtrans
from catalog.shop.payment.models import MidtransPayment

from . import midtrans_gateway as gateway
from .mixins import SESSION_ORDER, thank_you_url

logger = logging.getLogger("guyub.midtrans")
Order = get_model("order", "Order")
MAX_BODY = 64 * 1024


def receive(body: bytes) -> tuple[int, str]:
    """One notification body: (HTTP status, outcome or reason). Shared by the view and the fake gateway."""
    if not gateway.available():
        return 400, "Midtrans is not configured"
    if len(body) > MAX_BODY:
        return 400, "malformed notification: too large"
    # Malformed is a ValueError; RecursionError is JSON nested deeper than Python's recursion limit (the body is
    # parsed before its signature can be checked, so anyone can send it).
    try:
        payload = midtrans.validate(json.loads(body.decode("utf-8")))
    except (ValueError, UnicodeDecodeError, RecursionError) as error:
        logger.warning("Rejected a malformed Midtrans notification: %s", error)
        return 400, f"malformed notification: {error}"[:200]
    if not gateway.signature_ok(payload):
        logger.warning("Rejected a Midtrans notification for %s: bad signature_key", payload["order_id"])
        return 403, "invalid signature_key"
    return 200, midtrans.apply_status(payload)


@csrf_exempt
@require_POST
def notification(request):
    status, text = receive(request.body)
    if status == 400:
        return HttpResponseBadRequest(text)
    if status == 403:
        return HttpResponseForbidden(text)
    return JsonResponse({"received": True, "outcome": text})


def _own_payment(request, order_id: str) -> MidtransPayment | None:
    """The Midtrans payment of the order this browser session placed, and no other."""
    mine = request.session.get(SESSION_ORDER)
    if not mine or (order_id and order_id != mine):
        return None
    return MidtransPayment.objects.select_related("order").filter(gateway_order_id=mine).first()


class ReturnView(generic.View):
    """Snap's "finish" callback: ask Midtrans what happened (a notification may be late or lost), then show
    the order. Only the session that placed the order is shown it."""

    def get(self, request, *args, **kwargs):
        payment = _own_payment(request, request.GET.get("order_id", ""))
        if payment is None:
            messages.info(request, _("Find your order with its number and your email address."))
            return redirect("checkout:order-lookup")
        if payment.status == MidtransPayment.PENDING:
            midtrans.check_status(payment)
        return HttpResponseRedirect(thank_you_url(payment.order.number))


class TestPayView(generic.TemplateView):
    """The fake gateway only (GUYUB_FAKE_MIDTRANS; the URL is not even registered otherwise): the pretend Snap
    page where the buyer pays by a virtual account, QRIS or GoPay, or lets the payment expire. Only for the
    order this session placed."""

    template_name = "guyub_checkout/midtrans_test_pay.html"
    CHOICES = [
        ("bank_transfer", "Virtual Account BCA"),
        ("echannel", "Mandiri Bill"),
        ("qris", "QRIS"),
        ("gopay", "GoPay"),
        ("shopeepay", "ShopeePay"),
    ]

    def dispatch(self, request, *args, **kwargs):
        if not gateway.is_fake():
            raise Http404()
        self.payment = _own_payment(request, request.GET.get("order_id", ""))
        if self.payment is None or self.payment.status != MidtransPayment.PENDING:
            raise Http404()
        return super().dispatch(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        fake, order_id = gateway.fake(), self.payment.gateway_order_id
        choice = request.POST.get("result", "")
        if choice == "expire":
            payload = fake.expire(order_id)
        elif choice in dict(self.CHOICES):
            fake.choose(order_id, choice)
            payload = fake.pay(order_id, choice)
        else:
            return self.get(request, *args, **kwargs)
        receive(json.dumps(payload).encode())  # Midtrans would POST it to /checkout/midtrans/notification/
        return HttpResponseRedirect(f"{reverse('checkout:midtrans-return')}?order_id={order_id}")

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "payment": self.payment, "choices": self.CHOICES}
