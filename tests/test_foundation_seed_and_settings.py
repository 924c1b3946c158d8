"""The demo seed is idempotent and shaped on the cooperative; settings refuse an unsafe production start."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from oscar.core.loading import get_model

from guyub.demo.seed import seed_demo
from inventory.models import Member

ROOT = Path(__file__).resolve().parent.parent
Product = get_model("catalogue", "Product")
StockRecord = get_model("partner", "StockRecord")


def _counts():
    return (
        Member.objects.count(),
        Product.objects.count(),
        StockRecord.objects.count(),
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


def _seeded_cooperative():
    """What a seed made, without database ids (they differ between two runs): members, products, stock."""
    members = [
        (m.code, m.workers, m.weekly_capacity, m.latitude, m.longitude, sorted(s.slug for s in m.skills.all()))
        for m in Member.objects.order_by("code").prefetch_related("skills")
    ]
    products = list(Product.objects.order_by("upc").values_list("upc", "structure", "title", "title_en", "parent__upc"))
    stock = list(
        StockRecord.objects.order_by("partner_sku").values_list(
            "partner_sku", "partner__code", "product__upc", "price", "num_in_stock"
        )
    )
    return members, products, stock


@pytest.mark.django_db
def test_seed_scales_deterministically():
    # Seed the larger cooperative twice from the same start (the first run rolled back) and compare the two.
    with transaction.atomic():
        seed_demo(workshops=12, products=14, images=False, activity=False)
        first = _seeded_cooperative()
        transaction.set_rollback(True)
    assert len(_seeded_cooperative()[0]) == 8  # back to the suite's seed
    seed_demo(workshops=12, products=14, images=False, activity=False)
    second = _seeded_cooperative()
    assert second == first
    members, products, stock = second
    assert len(members) == 12
    assert sum(1 for p in products if p[1] == Product.PARENT) == 14
    assert stock
    again = seed_demo(workshops=12, products=14, images=False, activity=False)
    assert again.created == {}
    assert _seeded_cooperative() == first


def _run_settings(module: str, **env) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "STRIPE_", "MIDTRANS_"))}
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
    environment = {
        **os.environ,
        "DATABASE_URL": "postgres://u@127.0.0.1:5432/x",
        "PYTHONPATH": f"{ROOT}:{ROOT / 'site'}",
    }
    out = subprocess.run([sys.executable, "-c", code], env=environment, capture_output=True, text=True, cwd=ROOT)
    assert out.stdout.strip() == "django.db.backends.postgresql"
