"""No payment SDK in a worker until a payment needs it (issue 16): booting Django, loading every URL and the
checkout's views does not import `stripe` (22 MiB, ~1.7 s); calling Stripe does."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent

PROBE = """
import sys
import django
django.setup()
from django.urls import get_resolver
get_resolver().url_patterns
import catalog.shop.checkout.views, catalog.shop.checkout.webhooks, catalog.shop.order.cards  # noqa
print("stripe loaded at boot:", "stripe" in sys.modules)
from catalog.shop.checkout import stripe_gateway
stripe_gateway._real_client("sk_test_x")
print("stripe loaded for a payment:", "stripe" in sys.modules)
"""


def test_booting_the_shop_does_not_import_stripe():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "guyub.settings.test", "PYTHONPATH": f"{ROOT}:{ROOT / 'site'}"}
    result = subprocess.run(
        [sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, cwd=ROOT, timeout=300
    )
    assert result.returncode == 0, result.stderr
    assert "stripe loaded at boot: False" in result.stdout, result.stdout
    assert "stripe loaded for a payment: True" in result.stdout, result.stdout
