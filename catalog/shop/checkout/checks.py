"""System checks for payments: test card mode (a fake Stripe) never where real orders are taken."""

from django.conf import settings
from django.core import checks


def _fake_gateway_on(setting: str, orders: str, hint: str, check_id: str) -> list[checks.Error]:
    """An error while ``setting`` switches on a fake gateway: it would mark ``orders`` paid with no money taken."""
    if not getattr(settings, setting, False):
        return []
    message = f"{setting} is on: {orders} would be marked paid with no money taken."
    return [checks.Error(message, hint=hint, id=check_id)]


@checks.register(checks.Tags.security, deploy=True)
def fake_card_payments_off(app_configs, **kwargs):
    # `manage.py check --deploy` is the production gate (CI runs it); production settings also refuse at import.
    hint = "Test card mode is for the demo and tests only; set STRIPE_SECRET_KEY for card payments."
    return _fake_gateway_on("GUYUB_FAKE_CARD_PAYMENTS", "card orders", hint, "guyub.E101")


@checks.register(checks.Tags.security, deploy=True)
def fake_midtrans_off(app_configs, **kwargs):
    hint = "The fake gateway is for the demo and tests only; set the MIDTRANS_SERVER_KEY and CLIENT_KEY."
    return _fake_gateway_on("GUYUB_FAKE_MIDTRANS", "Midtrans orders", hint, "guyub.E102")
