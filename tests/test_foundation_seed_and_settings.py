"""The demo seed is idempotent and shaped on the cooperative; settings refuse an unsafe production start."""
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from oscar.core.loading import get_model

from guyub.demo.seed import seed_demo
from inventory.models import Member

ROOT = Path(__file__).resolve().parent.parent
Product = get_model("catalogue", "Product")
StockRecord = get_model("partner", "StockRecord")


def _counts():
    return (
        Member.objects.count(), Product.objects.count(), StockRecord.objects.count(),
        get_user_model().objects.count(),
    )


@pytest.mark.django_db
def test_seed_is_idempotent():
    before = _counts()
    report = seed_demo(workshops=8, products=10, activity=False)
    assert report.created == {}
    assert _counts() == before


@pytest.mark.django_db
def test_seed_with_demo_activity_is_idempotent_too():
    first = seed_demo(workshops=8, products=10)
    assert any(key.startswith("loans:") for key in first.created)
    again = seed_demo(workshops=8, products=10)
    assert again.created == {}


@pytest.mark.django_db
def test_seed_shapes_the_cooperative():
    members = list(Member.objects.all())
    assert len(members) == 8
    assert all(1 <= m.workers <= 19 for m in members)
    assert all("Keparakan Kidul" in m.address for m in members)
    assert all(m.skills.exists() for m in members)
    for record in StockRecord.objects.all():
        assert record.price == record.price.to_integral_value() and record.price > 0
        assert record.price_currency == "IDR"
    parents = Product.objects.filter(structure=Product.PARENT)
    assert all(p.children.exists() and p.images.exists() and p.description_en for p in parents)
    # each variant is stocked by several members
    child = Product.objects.filter(structure=Product.CHILD).first()
    assert child.stockrecords.count() >= 2


@pytest.mark.django_db
def test_seed_scales_deterministically():
    seed_demo(workshops=12, products=14, images=False, activity=False)
    first = list(Member.objects.order_by("code").values_list("code", "workers", "weekly_capacity"))
    assert len(first) == 12
    assert Product.objects.filter(structure=Product.PARENT).count() == 14
    again = seed_demo(workshops=12, products=14, images=False, activity=False)
    assert again.created == {}


def _run_settings(module: str, **env) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    environment.update({"DJANGO_SETTINGS_MODULE": module, "PYTHONPATH": f"{ROOT}:{ROOT / 'site'}", **env})
    code = "import django; django.setup(); print('started')"
    return subprocess.run([sys.executable, "-c", code], env=environment, capture_output=True, text=True, cwd=ROOT)


def test_production_refuses_to_start_without_a_secret_key():
    result = _run_settings("guyub.settings.production")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_production_starts_with_a_secret_key():
    from django.core.management.utils import get_random_secret_key

    # A real random key: "x" * 50 is refused since issue 13 (tests/test_deploy.py).
    result = _run_settings("guyub.settings.production", DJANGO_SECRET_KEY=get_random_secret_key())
    assert result.returncode == 0, result.stderr
    assert "started" in result.stdout


def test_database_url_selects_postgresql():
    code = "from guyub.settings import base; print(base.DATABASES['default']['ENGINE'])"
    environment = {**os.environ, "DATABASE_URL": "postgres://u@127.0.0.1:5432/x", "PYTHONPATH": f"{ROOT}:{ROOT / 'site'}"}
    out = subprocess.run([sys.executable, "-c", code], env=environment, capture_output=True, text=True, cwd=ROOT)
    assert out.stdout.strip() == "django.db.backends.postgresql"
