"""Checkout forms: choosing how to pay, the card step, the hidden confirmation on the preview, order lookup.

Card numbers are never stored or re-rendered: in test card mode the typed number is mapped at once to one of
Stripe's test PaymentMethods (pm_card_visa, ...); with Stripe Elements the browser sends a PaymentMethod id.
Only that token travels on to the preview page.
"""

import re
import uuid

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .address_form import ShippingAddressForm  # noqa: F401  (the Indonesian address; found by get_class)

TRANSFER, CARD, MIDTRANS = "transfer", "card", "midtrans"

# Stripe's test cards (https://docs.stripe.com/testing) and the test PaymentMethods they stand for.
TEST_CARDS = {
    "4242424242424242": ("pm_card_visa", _("Visa: succeeds")),
    "5555555555554444": ("pm_card_mastercard", _("Mastercard: succeeds")),
    "4000000000000002": ("pm_card_chargeDeclined", _("declined")),
    "4000000000009995": ("pm_card_chargeDeclinedInsufficientFunds", _("declined: insufficient funds")),
    "4000002500003155": ("pm_card_authenticationRequired", _("asks for 3-D Secure")),
}
PAYMENT_METHOD_ID = re.compile(r"^pm_[A-Za-z0-9_]{3,250}$")
EXPIRY = re.compile(r"^(?P<month>\d{1,2})\s*/\s*(?P<year>\d{2}|\d{4})$")


class PaymentMethodForm(forms.Form):
    method = forms.ChoiceField(label=_("How would you like to pay?"), widget=forms.RadioSelect)

    def __init__(self, *args, card_entry=None, midtrans=False, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(TRANSFER, _("Bank transfer"))]
        if midtrans:
            choices.append((MIDTRANS, _("Virtual account, QRIS or e-wallet (GoPay, ShopeePay)")))
        if card_entry:
            choices.append((CARD, _("Card (Visa, Mastercard)")))
        self.fields["method"].choices = choices
        self.fields["method"].initial = TRANSFER


def _luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = int(ch) * (2 if i % 2 else 1)
        total += n - 9 if n > 9 else n
    return total % 10 == 0


class CardForm(forms.Form):
    """The card step. ``entry`` is "test_cards" (type a Stripe test number) or "elements" (Stripe.js)."""

    card_number = forms.CharField(
        label=_("Card number"),
        required=False,
        max_length=23,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "inputmode": "numeric", "placeholder": "4242 4242 4242 4242"}
        ),
    )
    expiry = forms.CharField(
        label=_("Expiry (MM/YY)"),
        required=False,
        max_length=7,
        widget=forms.TextInput(attrs={"autocomplete": "off", "placeholder": "12/34"}),
    )
    cvc = forms.CharField(
        label=_("CVC"),
        required=False,
        max_length=4,
        widget=forms.TextInput(attrs={"autocomplete": "off", "placeholder": "123"}),
    )
    payment_method = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, entry="test_cards", **kwargs):
        super().__init__(*args, **kwargs)
        self.entry = entry
        self.last4 = ""

    def clean(self):
        data = super().clean()
        if self.entry == "elements":
            token = data.get("payment_method", "")
            if not PAYMENT_METHOD_ID.match(token):
                raise forms.ValidationError(_("Please enter your card details."))
            return data
        digits = re.sub(r"[\s-]", "", data.get("card_number", ""))
        if not digits:
            self.add_error("card_number", _("Please enter a card number."))
            return data
        if not (digits.isascii() and digits.isdigit()) or not 12 <= len(digits) <= 19 or not _luhn_ok(digits):
            self.add_error("card_number", _("This is not a valid card number."))
            return data
        if not self._expiry_and_cvc_ok(data):
            return data
        if digits not in TEST_CARDS:
            self.add_error(
                "card_number",
                _("Test card mode: use one of the test card numbers listed above. Real cards are not accepted here."),
            )
            return data
        data["payment_method"] = TEST_CARDS[digits][0]
        self.last4 = digits[-4:]
        # Forget the number itself: from here on only the test PaymentMethod id exists.
        data["card_number"] = ""
        return data

    def _expiry_and_cvc_ok(self, data) -> bool:
        """As a real card form: MM/YY (or MM/YYYY) not in the past, and a CVC of 3 or 4 digits."""
        ok = True
        match = EXPIRY.match((data.get("expiry") or "").strip())
        if not match or not 1 <= int(match["month"]) <= 12:
            self.add_error("expiry", _("Enter the expiry date as MM/YY, e.g. 08/29."))
            ok = False
        else:
            year = int(match["year"]) + (2000 if len(match["year"]) == 2 else 0)
            today = timezone.localdate()
            if (year, int(match["month"])) < (today.year, today.month):
                self.add_error("expiry", _("This card has expired."))
                ok = False
        if not re.fullmatch(r"\d{3,4}", (data.get("cvc") or "").strip()):
            self.add_error("cvc", _("The CVC is the 3 or 4 digits on the back of the card."))
            ok = False
        return ok


class ConfirmForm(forms.Form):
    """Hidden on the preview page. ``attempt`` is new on every render: it keys the Stripe authorisation, so a
    double click sends one request twice (one charge) while a genuine retry is a new authorisation."""

    payment_method = forms.CharField(required=False, widget=forms.HiddenInput)
    attempt = forms.RegexField(regex=r"^[0-9a-f]{32}$", widget=forms.HiddenInput)
    # What the preview promised (ship week, made-to-order units per line): placing compares it with now.
    promise = forms.CharField(required=False, max_length=2000, widget=forms.HiddenInput)

    @staticmethod
    def new_attempt() -> str:
        return uuid.uuid4().hex

    def clean_payment_method(self):
        token = self.cleaned_data.get("payment_method", "")
        if token and not PAYMENT_METHOD_ID.match(token):
            raise forms.ValidationError(_("Please enter your card details again."))
        return token


class OrderLookupForm(forms.Form):
    order_number = forms.CharField(label=_("Order number"), max_length=128)
    email = forms.EmailField(label=_("Email address used for the order"))
