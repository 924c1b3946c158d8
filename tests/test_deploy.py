"""Issue 13 item 12: the production settings pass Django's deploy check with a real key, refuse weak keys,
keep HSTS at a year, and do not serve media; docker/ puts a proxy in front of an unpublished gunicorn."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management.utils import get_random_secret_key

ROOT = Path(__file__).resolve().parent.parent


def _production(tmp_path, *args, code=None, **env):
    environment = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "GUYUB_", "DATABASE_URL", "STRIPE_", "MIDTRANS_"))
    }
    environment.update(
        {
            "DJANGO_SETTINGS_MODULE": "guyub.settings.production",
            "PYTHONPATH": f"{ROOT}:{ROOT / 'site'}",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'throwaway.sqlite3'}",  # never the test or demo database
            "GUYUB_VAR_DIR": str(tmp_path),
            "DJANGO_ALLOWED_HOSTS": "guyub.example",
            **env,
        }
    )
    command = [sys.executable, "-c", code] if code else [sys.executable, str(ROOT / "site" / "manage.py"), *args]
    return subprocess.run(command, env=environment, capture_output=True, text=True, cwd=ROOT, timeout=300)


def test_check_deploy_is_clean_with_a_real_key(tmp_path):
    result = _production(
        tmp_path, "check", "--deploy", "--fail-level", "WARNING", DJANGO_SECRET_KEY=get_random_secret_key()
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    "key",
    ["x", "x" * 50, "ab" * 30, "django-insecure-" + get_random_secret_key()],
    ids=["short", "one-character", "two-characters", "django-insecure"],  # stable ids: the last key is random
)
def test_weak_secret_keys_are_refused(tmp_path, key):
    result = _production(tmp_path, "check", DJANGO_SECRET_KEY=key)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and "DJANGO_SECRET_KEY" in result.stderr


def test_hsts_is_at_least_a_year_and_media_is_not_served(tmp_path):
    code = (
        "import django; django.setup()\n"
        "from django.conf import settings; from django.urls import resolve, Resolver404\n"
        "print(settings.SECURE_HSTS_SECONDS, settings.SECURE_HSTS_INCLUDE_SUBDOMAINS, settings.SECURE_HSTS_PRELOAD)\n"
        "try:\n    print(resolve('/media/x.jpg').func.__module__)\nexcept Resolver404:\n    print('no-media-route')\n"
    )
    result = _production(tmp_path, code=code, DJANGO_SECRET_KEY=get_random_secret_key(), DJANGO_HSTS_SECONDS="3600")
    assert result.returncode == 0, result.stderr
    hsts, media = result.stdout.split("\n")[:2]
    assert hsts == "31536000 True True"  # an hour asked for, a year kept
    assert media != "django.views.static"
    no_preload = _production(
        tmp_path,
        code="import django; django.setup(); from django.conf import settings; "
        "print(settings.SECURE_HSTS_PRELOAD, settings.SECURE_HSTS_INCLUDE_SUBDOMAINS)",
        DJANGO_SECRET_KEY=get_random_secret_key(),
        DJANGO_HSTS_PRELOAD="0",
        DJANGO_HSTS_INCLUDE_SUBDOMAINS="0",
    )
    assert no_preload.stdout.strip() == "False False"


def test_the_demo_still_serves_media(settings):
    from django.urls import resolve

    assert settings.GUYUB_SERVE_MEDIA
    assert resolve("/media/x.jpg").func.__module__ == "django.views.static"


def _compose_services() -> dict[str, str]:
    """{service: its block of compose.yaml}, read as text (no YAML library in the project)."""
    text = (ROOT / "docker" / "compose.yaml").read_text()
    body = text[text.index("\nservices:\n") + len("\nservices:\n") : text.index("\nvolumes:\n")]
    services, name = {}, None
    for line in body.splitlines():
        if line.startswith("  ") and not line.startswith("   ") and line.rstrip().endswith(":"):
            name = line.strip()[:-1]
            services[name] = ""
        elif name:
            services[name] += line + "\n"
    return services


def test_compose_publishes_only_the_proxy_and_restarts_and_checks_its_services():
    services = _compose_services()
    assert {"proxy", "web", "worker", "clock", "db", "migrate"} <= set(services)
    assert {name for name, block in services.items() if "ports:" in block} == {"proxy"}
    for name, block in services.items():
        if name != "migrate":  # the one-shot release step ends by design
            assert "restart: unless-stopped" in block, name
    for name in ("web", "worker"):
        assert "healthcheck:" in services[name] and f'"docker/healthcheck.py", "{name}"' in services[name], name
    caddyfile = (ROOT / "docker" / "Caddyfile").read_text()
    assert "reverse_proxy web:8000" in caddyfile and "header_up X-Forwarded-Proto {scheme}" in caddyfile
    assert "handle_path /static/*" in caddyfile and "handle_path /media/*" in caddyfile


@pytest.mark.parametrize(
    "env",
    [
        {"STRIPE_SECRET_KEY": "sk_test_abc"},
        {"STRIPE_SECRET_KEY": "rk_test_abc"},
        {"MIDTRANS_SERVER_KEY": "Mid-server-abc"},  # MIDTRANS_IS_PRODUCTION unset: the sandbox
        {"MIDTRANS_SERVER_KEY": "SB-Mid-server-abc", "MIDTRANS_IS_PRODUCTION": "1"},
    ],
    ids=["stripe-test-key", "stripe-restricted-test-key", "midtrans-sandbox", "midtrans-sandbox-key"],
)
def test_production_refuses_the_gateways_test_modes(tmp_path, env):
    result = _production(
        tmp_path, code="import django; django.setup()", DJANGO_SECRET_KEY=get_random_secret_key(), **env
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and next(iter(env)) in result.stderr


def test_production_starts_with_live_gateway_keys(tmp_path):
    result = _production(
        tmp_path,
        code="import django; django.setup(); print('started')",
        DJANGO_SECRET_KEY=get_random_secret_key(),
        STRIPE_SECRET_KEY="sk_live_abc",
        MIDTRANS_SERVER_KEY="Mid-server-abc",
        MIDTRANS_IS_PRODUCTION="1",
    )
    assert result.returncode == 0, result.stderr
    assert "started" in result.stdout


def test_compose_passes_every_payment_setting_to_the_apps():
    # Without these the docker stack could not take cards with Stripe Elements nor offer Midtrans at all.
    text = (ROOT / "docker" / "compose.yaml").read_text()
    env = text[text.index("x-guyub-env:") : text.index("\nservices:\n")]
    for name in ("STRIPE_SECRET_KEY", "STRIPE_PUBLISHABLE_KEY", "STRIPE_WEBHOOK_SECRET", "MIDTRANS_SERVER_KEY"):
        assert f"  {name}: " in env, name
    assert "MIDTRANS_CLIENT_KEY" in env and 'MIDTRANS_IS_PRODUCTION: "1"' in env


def test_the_web_workers_share_what_the_master_loaded():
    # docker/gunicorn.conf.py (issue 16): preloaded, collection off in the master, what it loaded frozen right
    # before each fork (no database connection crossing it), collection on again in the worker. Run in its own
    # process: the config turns the collector off where it is loaded.
    assert '"--config", "docker/gunicorn.conf.py"' in (ROOT / "docker" / "Dockerfile").read_text()
    probe = """
import gc, runpy, sys
from unittest import mock
conf = runpy.run_path(sys.argv[1])
assert conf["preload_app"] is True and conf["workers"] >= 2
assert not gc.isenabled()
with mock.patch("django.db.connections.close_all") as close_all:
    conf["pre_fork"](None, None)
assert close_all.called and gc.get_freeze_count() > 0
conf["post_fork"](None, None)
assert gc.isenabled()
print("ok")
"""
    result = subprocess.run(
        [sys.executable, "-c", probe, str(ROOT / "docker" / "gunicorn.conf.py")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0 and result.stdout.strip() == "ok", result.stdout + result.stderr
