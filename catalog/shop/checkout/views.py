"""Checkout views (Oscar's, forked): choose bank transfer or card, the card step, 3-D Secure return, thank-you,
order lookup for guests, and the test card mode's pretend bank page. The work is in mixins.py and the order
services; these stay thin."""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.core.signing import BadSignature, Signer
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import generic
from oscar.apps.checkout import views as oscar_views
from oscar.apps.checkout.exceptions import FailedPreCondition
from oscar.core.loading import get_class, get_model

from catalog.shop.order import emails, services, transfers
from catalog.shop.order.utils import promise_for

from . import midtrans_gateway, stripe_gateway as gateway
from .forms import CARD, MIDTRANS, TEST_CARDS, TRANSFER, CardForm, ConfirmForm, OrderLookupForm, PaymentMethodForm
from .mixins import SESSION_INTENT, order_number_from, thank_you_url

UnableToPlaceOrder = get_class("order.exceptions", "UnableToPlaceOrder")
Basket = get_model("basket", "Basket")
Order = get_model("order", "Order")
CardPayment = get_model("payment", "CardPayment")
OrderNumberGenerator = get_class("order.utils", "OrderNumberGenerator")


def submitted_basket_of(request):
    """The basket this buyer just submitted (frozen while paying, submitted once placed), which Oscar no
    longer loads for the request: by the signed basket cookie for guests, by owner for signed-in buyers."""
    recent = timezone.now() - timedelta(hours=1)
    baskets = Basket.objects.filter(status__in=[Basket.FROZEN, Basket.SUBMITTED])
    if request.user.is_authenticated:
        baskets = baskets.filter(owner=request.user)
    else:
        cookie = request.COOKIES.get(settings.OSCAR_BASKET_COOKIE_OPEN, "")
        try:
            baskets = baskets.filter(pk=int(Signer().unsign(cookie)), owner=None)
        except (BadSignature, ValueError):
            return None
    return baskets.exclude(status=Basket.SUBMITTED, date_submitted__lt=recent).order_by("-pk").first()


def order_of_basket(basket):
    return Order.objects.filter(basket=basket).exclude(status="Cancelled").order_by("-pk").first()


def promise_fingerprint(basket) -> str:
    """Each line's ship week and made-to-order units as the buyer sees them now (compared on placing)."""
    parts = []
    for line in basket.all_lines():
        promise = promise_for(line)
        parts.append(f"{line.pk}:{promise.get('promised_week') or '-'}:{promise.get('promised_to_make', 0)}")
    return ";".join(parts)


def payment_context() -> dict:
    entry = gateway.card_entry()
    return {
        "card_entry": entry,
        "test_card_mode": entry == "test_cards",
        "fake_stripe": gateway.is_fake(),
        "test_cards": [(f"{n[0:4]} {n[4:8]} {n[8:12]} {n[12:]}", label) for n, (_pm, label) in TEST_CARDS.items()],
        "stripe_publishable_key": settings.STRIPE_PUBLISHABLE_KEY if entry == "elements" else "",
        "bank": emails.bank_details(),
        "hold_hours": transfers.hold_hours(),
        "midtrans": midtrans_gateway.available(),
        "midtrans_test_mode": midtrans_gateway.is_fake(),
    }


class PaymentMethodView(oscar_views.PaymentMethodView):
    template_name = "oscar/checkout/payment_method.html"

    def get(self, request, *args, **kwargs):
        form = PaymentMethodForm(
            card_entry=gateway.card_entry(),
            midtrans=midtrans_gateway.available(),
            initial={"method": self.checkout_session.payment_method() or TRANSFER},
        )
        return self.render_to_response(self.get_context_data(form=form))

    def post(self, request, *args, **kwargs):
        form = PaymentMethodForm(request.POST, card_entry=gateway.card_entry(), midtrans=midtrans_gateway.available())
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        self.checkout_session.pay_by(form.cleaned_data["method"])
        return self.get_success_response()

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(payment_context())
        return ctx


class PaymentDetailsView(oscar_views.PaymentDetailsView):
    """Transfer: straight to the preview. Card: the card step posts to the preview, which carries only the
    PaymentMethod token (never the number) in a hidden form to "Place order"."""

    def get_pre_conditions(self, request):
        return super().get_pre_conditions(request) + ([] if self.preview else ["check_payment_data_is_captured"])

    def check_payment_data_is_captured(self, request):
        method = self.checkout_session.payment_method()
        if (
            method not in (TRANSFER, CARD, MIDTRANS)
            or (method == CARD and not gateway.card_entry())
            or (method == MIDTRANS and not midtrans_gateway.available())
        ):
            raise FailedPreCondition(
                url=reverse("checkout:payment-method"), message=_("Please choose how you would like to pay.")
            )

    def get(self, request, *args, **kwargs):
        method = self.checkout_session.payment_method()
        if not self.preview and method in (TRANSFER, MIDTRANS):
            return redirect("checkout:preview")
        if self.preview and method == CARD:
            return redirect("checkout:payment-details")  # card details are posted, never kept
        return super().get(request, *args, **kwargs)

    def handle_payment_details_submission(self, request):
        form = CardForm(request.POST, entry=gateway.card_entry())
        if not form.is_valid():
            return self.render_payment_details(request, card_form=form)
        return self.render_preview(request, payment_method=form.cleaned_data["payment_method"], card_last4=form.last4)

    def dispatch(self, request, *args, **kwargs):
        # Before Oscar's pre-conditions, which would send an empty basket to the basket page.
        if request.method == "POST" and request.POST.get("action") == "place_order" and request.basket.is_empty:
            # "Place order" again after the first click froze the basket (a double click, or a retry after a
            # lost answer): show that order rather than an empty basket that says nothing was bought.
            basket = submitted_basket_of(request)
            if basket is not None:
                order = order_of_basket(basket)
                number = order.number if order else OrderNumberGenerator().order_number(basket)
                return redirect(thank_you_url(number))
        return super().dispatch(request, *args, **kwargs)

    def handle_place_order_submission(self, request):
        form = ConfirmForm(request.POST)
        method = self.checkout_session.payment_method()
        if not form.is_valid() or (method == CARD and not form.cleaned_data["payment_method"]):
            messages.error(request, _("Please enter your payment details again."))
            return redirect("checkout:payment-details")
        shown = form.cleaned_data["promise"]
        if shown and shown != promise_fingerprint(request.basket):
            # Stock or capacity moved since the preview: the buyer confirms the new ship dates, not old ones.
            messages.warning(
                request,
                _(
                    "When your order ships has changed since you looked: someone else ordered some of the stock. "
                    "Please check the dates below and place the order again."
                ),
            )
            return redirect("checkout:payment-details" if method == CARD else "checkout:preview")
        payment = {"payment_method": form.cleaned_data["payment_method"], "attempt": form.cleaned_data["attempt"]}
        if gateway.is_fake():
            # Test card mode: the fake's "bank page" for 3-D Secure is ours (TestBankView).
            gateway.fake_stripe().three_ds_url = request.build_absolute_uri(reverse("checkout:test-bank"))
        if method == MIDTRANS and midtrans_gateway.is_fake():
            # The fake gateway's "Snap page" is ours (midtrans_views.TestPayView).
            midtrans_gateway.fake().pay_url = request.build_absolute_uri(reverse("checkout:midtrans-test-pay"))
        return self.submit(**self.build_submission(payment_kwargs=payment))

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(payment_context())
        ctx["payment_method_choice"] = self.checkout_session.payment_method()
        ctx.setdefault("card_form", CardForm(entry=gateway.card_entry()))
        # A fresh attempt on every render: see ConfirmForm.
        ctx["confirm_form"] = ConfirmForm(
            initial={
                "payment_method": kwargs.get("payment_method", ""),
                "attempt": ConfirmForm.new_attempt(),
                "promise": promise_fingerprint(self.request.basket),
            }
        )
        return ctx


class CardReturnView(PaymentDetailsView):
    """Back from 3-D Secure: if the bank confirmed, place the order and capture, exactly as without 3DS."""

    pre_conditions = []
    skip_conditions = []

    def get_pre_conditions(self, request):
        return []  # the basket is frozen by now: the request's basket is a new, empty one

    def get_skip_conditions(self, request):
        return []

    def get(self, request, *args, **kwargs):
        intent_id = request.session.pop(SESSION_INTENT, None)
        if not intent_id or request.GET.get("payment_intent", intent_id) != intent_id:
            messages.error(request, _("We could not find your card payment. No order was placed."))
            return redirect("basket:summary")
        try:
            basket = self.get_submitted_basket()
        except Basket.DoesNotExist:
            return redirect("basket:summary")
        basket.strategy = request.strategy
        try:
            intent = gateway.retrieve(intent_id)
        except gateway.GatewayError:
            intent = None
        if intent is None or intent.status != "requires_capture":
            services.record_card_failed(intent_id=intent_id, error=intent.status if intent else "unreachable")
            self.restore_frozen_basket()
            messages.error(request, _("Your bank did not confirm the payment. No payment was taken."))
            return redirect("checkout:payment-details")
        services.record_card_authorised(intent_id=intent_id)
        claim = uuid.uuid4().hex
        if not services.claim_card_payment(intent_id=intent_id, claim=claim):
            # The buyer's browser came back twice: the other request places the order with this payment.
            return redirect(
                thank_you_url(self.checkout_session.get_order_number() or OrderNumberGenerator().order_number(basket))
            )
        self._card_intent, self._card_claim = intent_id, claim
        submission = self.build_submission(basket=basket)
        try:
            return self.handle_order_placement(
                self.checkout_session.get_order_number(),
                submission["user"],
                basket,
                submission["shipping_address"],
                submission["shipping_method"],
                submission["shipping_charge"],
                submission["billing_address"],
                submission["order_total"],
                surcharges=submission["surcharges"],
                **submission["order_kwargs"],
            )
        except UnableToPlaceOrder as error:
            self.restore_frozen_basket()
            messages.error(request, str(error))
            return redirect("checkout:payment-details")


class ThankYouView(oscar_views.ThankYouView):
    """Finds the order by the session (Oscar), else by the signed order number in the URL (the session may have
    been lost after the order was committed), else by the basket this buyer just submitted. While the other
    request of a double click is still placing it, a short "still confirming" page reloads itself."""

    pending_template_name = "guyub_checkout/order_pending.html"

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        if self.object is None:
            return self._not_found(request)
        self._submit_left_frozen(self.object)
        return self.render_to_response(self.get_context_data(object=self.object))

    def get_object(self, queryset=None):
        order = super().get_object(queryset)
        self.signed_number = order_number_from(self.request.GET.get("order", ""))
        if order is None and self.signed_number:
            order = Order.objects.filter(number=self.signed_number).first()
        if order is None and "order" not in self.request.GET:
            basket = submitted_basket_of(self.request)
            order = order_of_basket(basket) if basket is not None else None
        return order

    def _not_found(self, request):
        number = self.signed_number
        live = (CardPayment.PENDING, CardPayment.REQUIRES_ACTION, CardPayment.AUTHORISED)
        if number and CardPayment.objects.filter(order_number=number, status__in=live, order=None).exists():
            return self.response_class(
                request=request,
                template=[self.pending_template_name],
                context={"order_number": number},
                using=self.template_engine,
            )
        if number:
            messages.error(request, _("Your order could not be placed. No payment was taken."))
            self._thaw_frozen_basket()
            return redirect("basket:summary")
        return redirect(settings.OSCAR_HOMEPAGE)

    @staticmethod
    def _submit_left_frozen(order):
        # A failure after the commit can leave the basket frozen: the order exists, so it is submitted.
        if order.basket_id:
            Basket.objects.filter(pk=order.basket_id, status=Basket.FROZEN).update(
                status=Basket.SUBMITTED, date_submitted=timezone.now()
            )

    def _thaw_frozen_basket(self):
        basket = submitted_basket_of(self.request)
        if basket is not None and basket.status == Basket.FROZEN and order_of_basket(basket) is None:
            live = (CardPayment.PENDING, CardPayment.AUTHORISED)
            number = OrderNumberGenerator().order_number(basket)
            if not CardPayment.objects.filter(order_number=number, status__in=live).exists():
                basket.thaw()

    def get_context_data(self, *args, **kwargs):
        ctx = super().get_context_data(*args, **kwargs)
        order = ctx["order"]
        ctx.update(payment_context())
        ctx["transfer"] = getattr(order, "bank_transfer", None)
        ctx["card_payment"] = order.card_payments.first()
        ctx["midtrans_payment"] = getattr(order, "midtrans_payment", None)
        ctx["status_path"] = emails.status_path(order)
        return ctx


class ShippingAddressView(oscar_views.ShippingAddressView):
    """Oscar's, except that shipping to an address id that is not one of this buyer's saved addresses (or not a
    number) is a 404: Oscar's ``get`` raised DoesNotExist or ValueError there, a 500."""

    def post(self, request, *args, **kwargs):
        if request.user.is_authenticated and "address_id" in request.POST:
            address_id = request.POST["address_id"]
            # isascii too: "²" passes isdigit() but not int().
            if (
                not (address_id.isascii() and address_id.isdigit())
                or not request.user.addresses.filter(pk=address_id).exists()
            ):
                raise Http404()
        return super().post(request, *args, **kwargs)


class OrderLookupView(generic.FormView):
    """Guests follow an order by its number and the email they gave (Oscar's signed link is in the email)."""

    template_name = "oscar/checkout/order_lookup.html"
    form_class = OrderLookupForm

    def form_valid(self, form):
        order = Order.objects.filter(
            number=form.cleaned_data["order_number"].strip(), guest_email__iexact=form.cleaned_data["email"], user=None
        ).first()
        if order is None:
            form.add_error(
                None,
                _(
                    "We could not find an order with that number and email address. If you "
                    "ordered while signed in, see your account's order history."
                ),
            )
            return self.form_invalid(form)
        # Oscar's anonymous order page checks the email kept in the session plus the signed hash.
        self.request.session["anon_order_email"] = order.guest_email
        return HttpResponseRedirect(emails.status_path(order))


class TestBankView(generic.TemplateView):
    """Test card mode only (the URL is registered only with GUYUB_FAKE_CARD_PAYMENTS): the pretend bank page where
    a 3-D Secure test card is confirmed or refused, for the payment this browser session started and no other."""

    template_name = "oscar/checkout/test_bank.html"

    def dispatch(self, request, *args, **kwargs):
        if not gateway.is_fake():
            raise Http404()
        intent_id = request.GET.get("payment_intent", "")
        if not intent_id or request.session.get(SESSION_INTENT) != intent_id:
            raise Http404()  # another buyer's payment: ids are guessable, the session is not
        self.intent = gateway.fake_stripe().intents.get(intent_id)
        if self.intent is None:
            raise Http404()
        return super().dispatch(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        gateway.fake_stripe().authenticate(self.intent["id"], succeed=request.POST.get("result") == "ok")
        target = self.intent.get("return_url") or reverse("checkout:card-return")
        if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
            target = reverse("checkout:card-return")
        return HttpResponseRedirect(f"{target}?payment_intent={self.intent['id']}")

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "intent": self.intent,
            "amount": gateway.from_minor_units(self.intent["amount"]),
        }
