"""The demo and local development: SQLite under var/, DEBUG off unless DJANGO_DEBUG=1."""

from .base import *  # noqa: F401,F403
from .base import SECRET_KEY as _SECRET_KEY

# A fixed key is acceptable only here: the demo holds nothing secret. Production refuses to start without one.
SECRET_KEY = _SECRET_KEY or "guyub-demo-insecure-key-do-not-use-in-production"

# The demo's "test card mode": with no STRIPE_SECRET_KEY, cards go to a fake Stripe kept in the database.
GUYUB_FAKE_CARD_PAYMENTS = True
GUYUB_FAKE_MIDTRANS = True  # a fake Midtrans kept in the database, when no MIDTRANS_SERVER_KEY (never in production)
