"""System checks for payments: test card mode (a fake Stripe) never where real orders are taken."""

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security, deploy=True)
def fake_card_payments_off(app_configs, **kwargs):
    # `manage.py check --deploy` is the production gate (CI runs it); production settings also refuse at import.
    if getattr(settings, "GUYUB_FAKE_CARD_PAYMENTS", False):
        return [
            checks.Error(
                "GUYUB_FAKE_CARD_PAYMENTS is on: card orders would be marked paid with no money taken.",
                hint="Test card mode is for the demo and tests only; set STRIPE_SECRET_KEY for card payments.",
                id="guyub.E101",
            )
        ]
    return []


@checks.register(checks.Tags.security, deploy=True)
def fake_midtrans_off(app_configs, **kwargs):
    if getattr(settings, "GUYUB_FAKE_MIDTRANS", False):
        return [
            checks.Error(
                "GUYUB_FAKE_MIDTRANS is on: Midtrans orders would be marked paid with no money taken.",
                hint="The fake gateway is for the demo and tests only; set the MIDTRANS_SERVER_KEY and CLIENT_KEY.",
                id="guyub.E102",
            )
        ]
    return []
