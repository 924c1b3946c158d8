"""Order placement for Guyub's two ways to pay (Oscar's OrderPlacementMixin, forked).

Oscar's ``submit()`` calls ``handle_payment`` before the order exists, then ``handle_order_placement``.

* Bank transfer: nothing is taken up front; the order is placed "Awaiting payment" with its stock held and a
  BankTransfer (reference, amount, deadline) written in the same transaction.
* Card: ``handle_payment`` authorises a manual-capture PaymentIntent; the order is placed with the guarded
  stock hold; then the money is captured. If placing fails (e.g. someone else bought the last unit) the
  authorisation is cancelled, so a buyer who loses the race is never charged.
"""
from __future__ import annotations

import logging

from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from oscar.apps.checkout import mixins as oscar_mixins
from oscar.core.loading import get_class, get_classes, get_model

from catalog.shop.order import cards, emails, services, statuses, transfers
from catalog.shop.order.allocation import InsufficientStock

from . import stripe_gateway as gateway
from .forms import CARD, TRANSFER

RedirectRequired, UnableToTakePayment, PaymentError = get_classes(
    "payment.exceptions", ["RedirectRequired", "UnableToTakePayment", "PaymentError"]
)
UnableToPlaceOrder = get_class("order.exceptions", "UnableToPlaceOrder")
Order = get_model("order", "Order")
logger = logging.getLogger("guyub.checkout")
SESSION_INTENT = "guyub_card_intent"


class OrderPlacementMixin(oscar_mixins.OrderPlacementMixin):
    _card_intent: str | None = None  # the authorised PaymentIntent of this submission

    def get_initial_order_status(self, basket):
        return statuses.AWAITING_PAYMENT

    def build_submission(self, **kwargs):
        submission = super().build_submission(**kwargs)
        # Later emails (transfer confirmed, shipped) are sent in the language the buyer ordered in.
        submission["order_kwargs"].setdefault("language", (translation.get_language() or "")[:10])
        return submission

    # --- payment -------------------------------------------------------------------------------
    def handle_payment(self, order_number, total, **kwargs):
        method = self.checkout_session.payment_method()
        if method == TRANSFER:
            return  # paid later; the BankTransfer is written with the order
        if method != CARD or not kwargs.get("payment_method"):
            raise UnableToTakePayment(_("Please choose how you would like to pay."))
        user = self.request.user
        email = user.email if user.is_authenticated else self.checkout_session.get_guest_email()
        try:
            intent = gateway.authorise(
                order_number=order_number, attempt=kwargs["attempt"], amount=total.incl_tax,
                payment_method=kwargs["payment_method"], email=email or "",
                return_url=self.request.build_absolute_uri(reverse("checkout:card-return")),
            )
        except gateway.CardDeclined as error:
            if error.intent_id:
                services.record_card_authorisation(intent_id=error.intent_id, order_number=order_number,
                                                   amount=total.incl_tax, status="failed")
            raise UnableToTakePayment(str(error)) from error
        except (gateway.GatewayError, ValueError) as error:
            raise PaymentError(str(error)) from error
        authorised = intent.status == "requires_capture"
        services.record_card_authorisation(
            intent_id=intent.id, order_number=order_number, amount=total.incl_tax,
            status="authorised" if authorised else "requires_action",
        )
        cards.schedule_sweep()  # settles it even if this request never finishes
        if not authorised:
            # 3-D Secure: the bank's page, then back to CardReturnView, which places the order.
            self.request.session[SESSION_INTENT] = intent.id
            raise RedirectRequired(intent.redirect_url)
        self._card_intent = intent.id

    # --- placement -----------------------------------------------------------------------------
    def place_order(self, *args, **kwargs):
        # Addresses, order, lines, stock holds and payment records commit together or not at all.
        with transaction.atomic():
            order = super().place_order(*args, **kwargs)
            if self._card_intent:
                services.link_card_payment(order=order, intent_id=self._card_intent)
            else:
                transfers.create_bank_transfer(order=order)
        return order

    def handle_order_placement(self, order_number, user, basket, shipping_address, shipping_method,
                               shipping_charge, billing_address, order_total, surcharges=None, **kwargs):
        try:
            order = self.place_order(
                order_number=order_number, user=user, basket=basket, shipping_address=shipping_address,
                shipping_method=shipping_method, shipping_charge=shipping_charge, order_total=order_total,
                billing_address=billing_address, surcharges=surcharges, **kwargs,
            )
        except Exception as error:
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
        if self._card_intent:
            outcome = cards.capture_placed_order(order=order, intent_id=self._card_intent)
            if outcome == cards.FAILED:
                raise UnableToPlaceOrder(_(
                    "Your card could not be charged, so the order was cancelled and no payment was taken. "
                    "Please try again or pay by bank transfer."
                ))
            order.refresh_from_db()  # the capture was recorded on another instance: show "Paid" in the email
        basket.submit()
        return self.handle_successful_order(order)

    def _release_card_after_failed_placement(self, order_number):
        if not self._card_intent:
            return
        if Order.objects.filter(card_payments__intent_id=self._card_intent).exists():
            return  # a double submit: the first request placed the order with this very authorisation
        cards.cancel_authorisation(intent_id=self._card_intent, order_number=order_number, notify=False,
                                   reason="The order could not be placed; authorisation cancelled.")

    # --- after placement -----------------------------------------------------------------------
    def send_order_placed_email(self, order):
        try:
            emails.send_order_email(order=order, code=emails.ORDER_PLACED, request=self.request)
        except Exception:  # the order stands even if the mail server does not
            logger.exception("Order %s: could not send the order email", order.number)
