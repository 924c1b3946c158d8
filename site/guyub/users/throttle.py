"""Login throttling with django-axes (settings: AXES_*): after a few wrong passwords for one account from one
address, that pair is locked out for a cool-off period, on every login form (shop, Django admin, Wagtail), since
they all go through Django's `authenticate`."""

from axes.backends import AxesStandaloneBackend
from axes.helpers import get_cool_off
from django.conf import settings
from django.shortcuts import render


class LoginThrottleBackend(AxesStandaloneBackend):
    """Axes' gate, first in AUTHENTICATION_BACKENDS. An authentication without a request comes from our own code,
    never from a login form: Oscar signs a buyer in right after registration with the password just chosen. There
    is nothing to guess there, and axes would raise; let the next backend answer."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def username_of(request, credentials):
    """Emails log in whatever their case, so the counter must ignore case too (else BUYER1@… starts afresh)."""
    field = settings.AXES_USERNAME_FORM_FIELD
    raw = (credentials or {}).get(field) or getattr(request, "POST", {}).get(field) or ""
    return str(raw).strip().lower()


def client_ip(request):
    """Behind our proxy (docker/Caddyfile) every request comes from the proxy's address; it writes the client's
    address as the last X-Forwarded-For entry (it ignores what the client sent). Trusted only where the settings
    say gunicorn is reachable through the proxy alone; otherwise the socket's peer."""
    if settings.GUYUB_BEHIND_PROXY:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if forwarded:
            return forwarded[-1]
    return request.META.get("REMOTE_ADDR")


def locked_out(request, original_response=None, credentials=None):
    """The lockout page in the site's design and language (axes' default is plain English text)."""
    minutes = int(get_cool_off(request).total_seconds() // 60)
    return render(request, "guyub/locked_out.html", {"minutes": minutes}, status=settings.AXES_HTTP_RESPONSE_CODE)
