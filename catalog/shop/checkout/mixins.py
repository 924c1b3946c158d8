"""Order placement for Guyub's two ways to pay (Oscar's OrderPlacementMixin, forked).

Oscar's ``submit()`` calls ``handle_payment`` before the order exists, then ``handle_order_placement``.

* Bank transfer: nothing is taken up front; the order is placed "Awaiting payment" with its stock held and a
  BankTransfer (reference, amount, deadline) written in the same transaction.
* Card: ``handle_payment`` authorises a manual-capture PaymentIntent; the order is placed with the guarded
  stock hold; then the money is captured. If placing fails (e.g. someone else bought the last unit) the
  authorisation is cancelled, so a buyer who loses the race is never charged.

Before Stripe is called a PENDING CardPayment with the idempotency key is committed: the request that inserts it
owns the attempt. A double click sends the same form (same key) twice; the second request finds the key taken,
calls nothing and sends the buyer to the thank-you page of the order the first one is placing. Only the owner
places the order and, if placing fails, cancels the authorisation: a request never cancels a payment another
request of the same checkout owns.

Once the order is committed the buyer is told so whatever fails afterwards (capture bookkeeping, email, basket,
session): the redirect carries the order number signed (``thank_you_url``), so the thank-you page finds the order
even when the session was lost, and submits a basket left frozen.
"""

from __future__ import annotations

import logging
import uuid
from urllib.parse import urlencode

from django.contrib import messages
from django.core import signing
from django.db import transaction
from django.http import HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from oscar.apps.checkout import mixins as oscar_mixins
from oscar.core.loading import get_class, get_classes, get_model

from catalog.shop.order import cards, emails, midtrans, services, statuses, transfers
from catalog.shop.order.allocation import InsufficientStock

from . import stripe_gateway as gateway
from .forms import CARD, MIDTRANS, TRANSFER

RedirectRequired, UnableToTakePayment, PaymentError = get_classes(
    "payment.exceptions", ["RedirectRequired", "UnableToTakePayment", "PaymentError"]
)
UnableToPlaceOrder = get_class("order.exceptions", "UnableToPlaceOrder")
Order = get_model("order", "Order")
logger = logging.getLogger("guyub.checkout")
SESSION_INTENT = "guyub_card_intent"
SESSION_ORDER = "guyub_midtrans_order"  # the Midtrans order this session may see (midtrans_views.py)
THANK_YOU_SALT = "guyub.checkout.thank-you"
THANK_YOU_MAX_AGE = 3600  # long enough to land and reload; the order page proper is in the buyer's email


def thank_you_url(order_number: str) -> str:
    token = signing.TimestampSigner(salt=THANK_YOU_SALT).sign(order_number)
    return f"{reverse('checkout:thank-you')}?{urlencode({'order': token})}"


def order_number_from(token: str) -> str | None:
    try:
        return signing.TimestampSigner(salt=THANK_YOU_SALT).unsign(token or "", max_age=THANK_YOU_MAX_AGE)
    except signing.BadSignature:
        return None


class OrderPlacementMixin(oscar_mixins.OrderPlacementMixin):
    _card_intent: str | None = None  # the authorised PaymentIntent of this submission
    _card_claim: str = ""  # set when this request owns that payment (may place with it, must cancel on failure)
    _placed_order = None
    _midtrans_url: str | None = None  # Snap's payment page for the order just placed

    def get_initial_order_status(self, basket):
        return statuses.AWAITING_PAYMENT

    def restore_frozen_basket(self):
        # A guest coming back from the bank has a new, unsaved basket (their cookie named the frozen one, which
        # the middleware does not load): Oscar would merge it into the frozen one and Django refuses to read the
        # lines of an unsaved basket (a 500). Nothing to merge: thaw the frozen basket and make it theirs again
        # (the middleware then sets the guest's basket cookie to it).
        if self.request.basket.id is None:
            try:
                frozen = self.get_submitted_basket()
            except oscar_mixins.Basket.DoesNotExist:
                return
            frozen.thaw()
            frozen.strategy = self.request.basket.strategy
            self.request.basket = frozen
            return
        super().restore_frozen_basket()

    def build_submission(self, **kwargs):
        submission = super().build_submission(**kwargs)
        # Later emails (transfer confirmed, shipped) are sent in the language the buyer ordered in.
        submission["order_kwargs"].setdefault("language", (translation.get_language() or "")[:10])
        return submission

    # --- payment -------------------------------------------------------------------------------
    def handle_payment(self, order_number, total, **kwargs):
        method = self.checkout_session.payment_method()
        if method in (TRANSFER, MIDTRANS):
            return  # paid later; the BankTransfer or MidtransPayment is written with the order
        if method != CARD or not kwargs.get("payment_method"):
            raise UnableToTakePayment(_("Please choose how you would like to pay."))
        user = self.request.user
        email = user.email if user.is_authenticated else self.checkout_session.get_guest_email()
        key = gateway.attempt_key(order_number=order_number, attempt=kwargs["attempt"])
        claim = uuid.uuid4().hex
        _pending, owned = services.begin_card_authorisation(
            attempt_key=key, order_number=order_number, amount=total.incl_tax, claim=claim
        )
        if not owned:
            # The same form a second time: the first request owns this attempt and places the order.
            logger.info("Order %s: second submit of attempt %s; showing the first one's result", order_number, key)
            raise RedirectRequired(thank_you_url(order_number))
        try:
            intent = gateway.authorise(
                order_number=order_number,
                attempt=kwargs["attempt"],
                amount=total.incl_tax,
                payment_method=kwargs["payment_method"],
                email=email or "",
                return_url=self.request.build_absolute_uri(reverse("checkout:card-return")),
            )
        except gateway.CardDeclined as error:
            if error.intent_id:
                services.record_card_authorisation(
                    intent_id=error.intent_id,
                    order_number=order_number,
                    amount=total.incl_tax,
                    status="failed",
                    attempt_key=key,
                )
            raise UnableToTakePayment(str(error)) from error
        except (gateway.GatewayError, ValueError) as error:
            # Stripe may or may not have created it: the pending record stays, and the sweep finds out.
            raise PaymentError(str(error)) from error
        authorised = intent.status == "requires_capture"
        services.record_card_authorisation(
            intent_id=intent.id,
            order_number=order_number,
            amount=total.incl_tax,
            status="authorised" if authorised else "requires_action",
            attempt_key=key,
        )
        cards.schedule_sweep()  # settles it even if this request never finishes
        if not authorised:
            # 3-D Secure: the bank's page, then back to CardReturnView, which claims the payment and places.
            services.release_card_claim(intent_id=intent.id, claim=claim)
            self.request.session[SESSION_INTENT] = intent.id
            raise RedirectRequired(intent.redirect_url)
        self._card_intent, self._card_claim = intent.id, claim

    # --- placement -----------------------------------------------------------------------------
    def place_order(self, *args, **kwargs):
        # Addresses, order, lines, stock holds and payment records commit together or not at all.
        with transaction.atomic():
            order = super().place_order(*args, **kwargs)
            if self._card_intent:
                services.link_card_payment(order=order, intent_id=self._card_intent)
            elif self.checkout_session.payment_method() == MIDTRANS:
                midtrans.create_payment(order=order)
            else:
                transfers.create_bank_transfer(order=order)
        return order

    def handle_order_placement(
        self,
        order_number,
        user,
        basket,
        shipping_address,
        shipping_method,
        shipping_charge,
        billing_address,
        order_total,
        surcharges=None,
        **kwargs,
    ):
        try:
            order = self.place_order(
                order_number=order_number,
                user=user,
                basket=basket,
                shipping_address=shipping_address,
                shipping_method=shipping_method,
                shipping_charge=shipping_charge,
                order_total=order_total,
                billing_address=billing_address,
                surcharges=surcharges,
                **kwargs,
            )
        except Exception as error:
            if Order.objects.filter(number=order_number, basket=basket).exists():
                # A second submit of the same checkout: the other request placed the order. Its basket and its
                # payment are not ours to undo; show the buyer the order.
                logger.info("Order %s: already placed by another request of this checkout", order_number)
                return redirect(thank_you_url(order_number))
            self._release_card_after_failed_placement(order_number)
            if isinstance(error, InsufficientStock):
                # The buyer lost the race for the last units: say so plainly, back to the basket.
                self.restore_frozen_basket()
                message = str(error)
                if self._card_intent:
                    message += " " + _("Your card has not been charged.")
                messages.error(self.request, message)
                return redirect("basket:summary")
            raise
        # Committed: from here on the buyer must hear "order placed", whatever else fails.
        self._placed_order = order
        if self._card_intent:
            try:
                outcome = cards.capture_placed_order(order=order, intent_id=self._card_intent)
            except Exception:  # e.g. the database went away while recording: the sweep settles it
                logger.exception("Order %s: capture bookkeeping failed; the sweep will settle it", order.number)
                outcome = cards.PENDING
            if outcome == cards.FAILED:
                raise UnableToPlaceOrder(
                    _(
                        "Your card could not be charged, so the order was cancelled and no payment was taken. "
                        "Please try again or pay by bank transfer."
                    )
                )
        if getattr(order, "midtrans_payment", None) is not None:
            self._start_midtrans(order)
        return self._after_placement(order, basket)

    def _start_midtrans(self, order):
        """Committed, stock held: ask Snap for the payment page (outside any transaction). If Midtrans cannot be
        reached the order is cancelled and the buyer may choose again."""
        user = self.request.user
        email = user.email if user.is_authenticated else (order.guest_email or "")
        url = midtrans.start_payment(
            order=order, email=email, finish_url=self.request.build_absolute_uri(reverse("checkout:midtrans-return"))
        )
        if url is None:
            raise UnableToPlaceOrder(
                _(
                    "The payment service could not be reached, so the order was cancelled and nothing was "
                    "charged. Please try again or pay by bank transfer."
                )
            )
        self._midtrans_url = url
        # midtrans_views.ReturnView and the fake's page show this order to this session only.
        self.request.session[SESSION_ORDER] = order.number

    def _after_placement(self, order, basket):
        try:
            order.refresh_from_db()  # the capture was recorded on another instance: show "Paid" in the email
            basket.submit()
        except Exception:  # the thank-you page submits a basket left frozen
            logger.exception("Order %s: could not mark the basket submitted", order.number)
        try:
            response = self.handle_successful_order(order)
        except Exception:
            logger.exception("Order %s: failed after placing; sending the buyer to the thank-you page", order.number)
            response = HttpResponseRedirect(thank_you_url(order.number))
        self._save_session_now(order)
        return response

    def _save_session_now(self, order):
        """Save the session here, where a failure can be caught: in the middleware it would turn the buyer's
        "order placed" into a 400 (SessionInterrupted) or a 500. The signed URL does not need the session."""
        session = self.request.session
        try:
            session.save()
        except Exception:
            logger.exception("Order %s: the session could not be saved after placing", order.number)
        session.modified = False  # saved (or lost): the middleware must not try again

    def get_success_url(self):
        if self._midtrans_url:
            return self._midtrans_url  # Snap's page; the buyer comes back to checkout:midtrans-return
        if self._placed_order is not None:
            return thank_you_url(self._placed_order.number)
        return super().get_success_url()

    def _release_card_after_failed_placement(self, order_number):
        if not self._card_intent or not self._card_claim:
            return  # not this request's payment: whoever owns it places or cancels it
        if Order.objects.filter(card_payments__intent_id=self._card_intent).exists():
            return  # a double submit: the first request placed the order with this very authorisation
        cards.cancel_authorisation(
            intent_id=self._card_intent,
            order_number=order_number,
            notify=False,
            reason="The order could not be placed; authorisation cancelled.",
        )

    # --- after placement -----------------------------------------------------------------------
    def send_order_placed_email(self, order):
        try:
            emails.send_order_email(order=order, code=emails.ORDER_PLACED, request=self.request)
        except Exception:  # the order stands even if the mail server does not
            logger.exception("Order %s: could not send the order email", order.number)
