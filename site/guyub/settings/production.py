"""Production: PostgreSQL via DATABASE_URL, a worker for background tasks, secrets only from the environment,
behind the reverse proxy of docker/ (Caddy: TLS, /static/ and /media/ from volumes, X-Forwarded-* set by it)."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F401,F403
from .base import DEBUG, MIDTRANS_IS_PRODUCTION, MIDTRANS_SERVER_KEY, SECRET_KEY, STRIPE_SECRET_KEY, env_bool

# Django's own deploy check (security.W009) asks for at least 50 characters and 5 distinct ones; we refuse to
# start instead of warning, and ask for more variety than 5 (a key like "ab" * 25 is not random).
MIN_SECRET_KEY_LENGTH, MIN_SECRET_KEY_DISTINCT = 50, 10
if not SECRET_KEY:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set in production (settings refuse to start without it).")
if len(SECRET_KEY) < MIN_SECRET_KEY_LENGTH or len(set(SECRET_KEY)) < MIN_SECRET_KEY_DISTINCT:
    raise ImproperlyConfigured(
        f"DJANGO_SECRET_KEY must be a random string of at least {MIN_SECRET_KEY_LENGTH} characters with at least "
        f"{MIN_SECRET_KEY_DISTINCT} distinct ones, e.g. from "
        "`python -c 'from django.core.management.utils import get_random_secret_key as k; print(k())'`."
    )
if SECRET_KEY.startswith("django-insecure-"):
    raise ImproperlyConfigured("DJANGO_SECRET_KEY is Django's generated insecure key; make a new random one.")
if DEBUG:
    raise ImproperlyConfigured("DJANGO_DEBUG must be off in production.")
# Test card mode (a fake Stripe: orders "paid" with no money taken) is for the demo and tests only. Without
# STRIPE_SECRET_KEY production offers bank transfer alone (catalog/shop/checkout/stripe_gateway.py).
if globals().get("GUYUB_FAKE_CARD_PAYMENTS") or os.environ.get("GUYUB_FAKE_CARD_PAYMENTS", "") not in ("", "0"):
    raise ImproperlyConfigured("GUYUB_FAKE_CARD_PAYMENTS (test card mode) must not be used in production.")
GUYUB_FAKE_CARD_PAYMENTS = False
# The same for the fake Midtrans: without MIDTRANS_SERVER_KEY and MIDTRANS_CLIENT_KEY the method is not offered.
if globals().get("GUYUB_FAKE_MIDTRANS") or os.environ.get("GUYUB_FAKE_MIDTRANS", "") not in ("", "0"):
    raise ImproperlyConfigured("GUYUB_FAKE_MIDTRANS (the fake payment gateway) must not be used in production.")
GUYUB_FAKE_MIDTRANS = False
# Nor the gateways' own test modes: a Stripe test key takes typed test cards (stripe_gateway.card_entry) and
# Midtrans' sandbox settles payments with its simulator; either way an order is "paid" with no money taken.
if STRIPE_SECRET_KEY.startswith(("sk_test_", "rk_test_")):
    raise ImproperlyConfigured("STRIPE_SECRET_KEY is a Stripe test key; production needs a live key (sk_live_).")
if MIDTRANS_SERVER_KEY and (not MIDTRANS_IS_PRODUCTION or MIDTRANS_SERVER_KEY.startswith("SB-")):
    raise ImproperlyConfigured(
        "MIDTRANS_SERVER_KEY: Midtrans' sandbox must not be used in production; set MIDTRANS_IS_PRODUCTION=1 and "
        "the live keys."
    )

SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
# Trusted because gunicorn is published to the proxy's network only (compose.yaml), and the proxy sets
# X-Forwarded-Proto itself, ignoring what a client sends.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
GUYUB_BEHIND_PROXY = env_bool("GUYUB_BEHIND_PROXY", True)  # the login throttle reads the client from X-Forwarded-For
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
# HSTS: a year at least (what browsers' preload lists ask for). Subdomains and preload can be turned off by an
# operator whose other subdomains are not all on HTTPS yet; `preload` only allows a submission to the browsers'
# list, which someone still has to make (and is hard to undo).
SECURE_HSTS_SECONDS = max(int(os.environ.get("DJANGO_HSTS_SECONDS", "31536000")), 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Media (uploads) are served by the proxy from the shared volume, never by Django (guyub/urls.py).
GUYUB_SERVE_MEDIA = False
OSCAR_URL_SCHEMA = "https"

# A cache every worker shares (issue 16): the category tree's fragment and other cached reads must be renewed
# for all workers at once when the data changes. REDIS_URL (or CACHE_URL) names it, e.g. redis://redis:6379/0
# (the `redis` service in docker/compose.yaml). Without one, each worker keeps its own local-memory cache, as in
# development; cached fragments then expire on their own timeout (an hour at most) in the other workers.
_cache_url = os.environ.get("REDIS_URL") or os.environ.get("CACHE_URL") or ""
if _cache_url.startswith(("redis://", "rediss://", "unix://")):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": _cache_url,
            "KEY_PREFIX": "guyub",
            "TIMEOUT": 300,
        }
    }
elif _cache_url:
    scheme = _cache_url.split(":")[0]
    raise ImproperlyConfigured(f"REDIS_URL/CACHE_URL must be a redis:// or rediss:// URL, not {scheme!r}.")
