"""What the storefront caches (issue 16), and that none of it goes stale.

- Agreed prices are read once per request (one strategy per request), and a worker keeps what it read while the
  price book's token in the database is unchanged (catalog/price_book.py): a price the board approves or
  withdraws shows on the next page at once, in any process, and a scheduled price the moment it takes effect.
- The category tree's fragment is cached across requests and renewed when a category changes.
- Production reads a shared Redis cache from REDIS_URL; development and tests keep local memory.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from oscar.core.loading import get_model

from catalog.shop.partner.strategy import Selector

Category = get_model("catalogue", "Category")

pytestmark = pytest.mark.django_db


def test_a_price_the_board_approves_shows_on_the_product_page_at_once(client, make_product, agree):
    product = make_product()
    agree(product, 150_000, at=timezone.now() - timedelta(hours=1))
    assert "Rp 150.000" in client.get(product.get_absolute_url()).content.decode()

    agree(product, 165_000)  # approved now, in force now
    html = client.get(product.get_absolute_url()).content.decode()
    assert "Rp 165.000" in html and "Rp 150.000" not in html


def test_a_scheduled_price_shows_the_moment_it_takes_effect(client, make_product, agree, monkeypatch):
    product = make_product()
    agree(product, 150_000, at=timezone.now() - timedelta(hours=1))
    starts = timezone.now() + timedelta(days=3)
    agree(product, 170_000, at=starts)  # the board approved it for a later date
    url = product.get_absolute_url()
    assert "Rp 150.000" in client.get(url).content.decode()

    real_now = timezone.now
    monkeypatch.setattr(timezone, "now", lambda: real_now() + timedelta(days=3, minutes=1))
    html = client.get(url).content.decode()
    assert "Rp 170.000" in html and "Rp 150.000" not in html


def test_one_strategy_per_request_reads_each_agreed_price_once(make_product, agree):
    product = make_product()
    agree(product, 150_000, at=timezone.now() - timedelta(hours=1))
    from django.contrib.auth.models import AnonymousUser

    def request():
        made = RequestFactory().get("/")
        made.user = AnonymousUser()
        return made

    current = request()
    first = Selector().strategy(request=current)
    assert Selector().strategy(request=current) is first  # later asks in the same request share it
    assert Selector().strategy(request=request()) is not first  # never across requests
    with CaptureQueriesContext(connection) as captured:
        for _ in range(3):
            assert first.fetch_for_product(product).price.incl_tax == 150_000
    agreed_reads = [q for q in captured.captured_queries if "catalog_agreedprice" in q["sql"]]
    assert len(agreed_reads) == 1


def _agreed_price_reads(client, url) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as captured:
        html = client.get(url).content.decode()
    return html, len([q for q in captured.captured_queries if "catalog_agreedprice" in q["sql"]])


def test_a_worker_keeps_the_agreed_prices_until_the_board_changes_one(client, make_product, agree):
    product = make_product()
    agree(product, 150_000, at=timezone.now() - timedelta(hours=1))
    url = product.get_absolute_url()
    html, reads = _agreed_price_reads(client, url)
    assert "Rp 150.000" in html and reads == 1
    html, reads = _agreed_price_reads(client, url)
    assert "Rp 150.000" in html and reads == 0  # the next request answers from what the worker read

    agree(product, 165_000)  # a new token with the new price, in the approval's transaction
    html, reads = _agreed_price_reads(client, url)
    assert "Rp 165.000" in html and "Rp 150.000" not in html and reads == 1


def test_a_price_book_changed_by_another_process_shows_at_once(client, make_product, agree):
    """The worker asks the database, not its own memory, whether the book changed: a change committed by another
    process (a web worker, a management command) shows on the next page here."""
    from catalog.models import AgreedPrice, PriceBookVersion

    product = make_product()
    agree(product, 150_000, at=timezone.now() - timedelta(hours=1))
    url = product.get_absolute_url()
    assert "Rp 150.000" in client.get(url).content.decode()  # read and kept

    # What the other process's transaction wrote: the agreement and a new token (as price_book.changed does).
    AgreedPrice.objects.filter(product=product).update(amount=155_000)
    PriceBookVersion.objects.filter(pk=1).update(token="changed-elsewhere")
    html = client.get(url).content.decode()
    assert "Rp 155.000" in html and "Rp 150.000" not in html


def test_a_withdrawn_scheduled_price_never_takes_effect(client, make_product, agree, board_user, monkeypatch):
    from catalog import services as catalog_services

    product = make_product()
    agree(product, 150_000, at=timezone.now() - timedelta(hours=1))
    scheduled = agree(product, 170_000, at=timezone.now() + timedelta(days=3))
    url = product.get_absolute_url()
    assert "Rp 150.000" in client.get(url).content.decode()  # both agreements read and kept

    catalog_services.withdraw_proposal(proposal=scheduled, withdrawn_by=board_user, reason="salah ketik")
    real_now = timezone.now
    monkeypatch.setattr(timezone, "now", lambda: real_now() + timedelta(days=3, minutes=1))
    html = client.get(url).content.decode()
    assert "Rp 150.000" in html and "Rp 170.000" not in html


def test_the_category_tree_is_cached_and_renewed_when_a_category_changes(client):
    category = Category.objects.filter(is_public=True).order_by("path").first()
    html = client.get("/catalogue/").content.decode()
    assert category.name in html

    with CaptureQueriesContext(connection) as captured:
        client.get("/catalogue/")
    assert not [q for q in captured.captured_queries if "catalogue_category" in q["sql"]]  # from the cache

    category.name = "Kategori Baru Sekali"
    category.save()
    html = client.get("/catalogue/").content.decode()
    assert "Kategori Baru Sekali" in html


def test_production_caches_in_redis_from_redis_url(tmp_path):
    from django.core.management.utils import get_random_secret_key

    from tests.test_deploy import _production

    code = "import django; django.setup(); from django.conf import settings; print(settings.CACHES['default'])"
    result = _production(
        tmp_path, code=code, DJANGO_SECRET_KEY=get_random_secret_key(), REDIS_URL="redis://redis:6379/0"
    )
    assert result.returncode == 0, result.stderr
    assert "django.core.cache.backends.redis.RedisCache" in result.stdout and "redis://redis:6379/0" in result.stdout


def test_development_and_tests_keep_local_memory(settings):
    assert settings.CACHES["default"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"


def test_a_full_price_book_starts_afresh_and_answers_in_full(make_product, agree, monkeypatch):
    from catalog import price_book

    monkeypatch.setattr(price_book, "MAX_PRODUCTS", 2)
    products = [make_product() for _ in range(3)]
    for n, product in enumerate(products):
        agree(product, 100_000 + n * 1_000, at=timezone.now() - timedelta(hours=1))
    token = price_book.current_token()
    first = price_book.agreements([products[0].pk], token=token)
    old_book = price_book._book
    answer = price_book.agreements([p.pk for p in products], token=token)  # 1 known + 2 read > 2: a new book
    assert [a.amount for p in products for a in answer[p.pk]] == [100_000, 101_000, 102_000]
    assert answer[products[0].pk] == first[products[0].pk]
    assert price_book._book is not old_book and products[0].pk in old_book["agreements"]  # the old one stays whole
