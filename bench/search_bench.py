"""Search benchmark: `/search/` at 41 and 5,000 products, queries and milliseconds per search.

    .venv/bin/python bench/search_bench.py [--repeat 15] [--skip-old] [--only 41|5000] [--no-freeze]

Builds two throw-away SQLite databases (kept between runs in GUYUB_SEARCH_BENCH_DIR, default
/tmp/guyub-search-bench): the 41-product demo and `seed_demo --workshops 200 --products 5000 --no-images` (the
seed indexes the catalogue with Wagtail's `wagtail_update_index` and runs ANALYZE; a database seeded before the
search existed is indexed here). Each size runs in its own process. For a dozen typical queries it requests the
whole page through Django's test client (middleware, basket, template, 20 product tiles) and prints the queries
per request and the median and p95 milliseconds over --repeat runs. Then, as the baseline in the same run, the
old search: Oscar's haystack simple backend doing what its view did (count the hits, load the first page of 20),
once per query at 5,000 products (it takes seconds). Not part of the tests.
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "site")]
DIR = Path(os.environ.get("GUYUB_SEARCH_BENCH_DIR", "/tmp/guyub-search-bench"))
SIZES = {"41": (33, 41), "5000": (200, 5000)}
QUERIES = [
    "tas",
    "dompet",
    "wallets",
    "sandals",
    "shoes",
    "belts",
    "hitam",
    "black",
    "sabuk kulit",
    "tas-tas",
    "dompt",
    "walet",
    "coin purse",
    "{sku}",
]


def setup(workshops: int, products: int) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "guyub.settings.dev")
    DIR.mkdir(parents=True, exist_ok=True)
    os.environ["DATABASE_URL"] = f"sqlite:///{DIR / f'searchbench-{products}.sqlite3'}"
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test.utils import override_settings

    # Plain static files (no collectstatic into the manifest for a benchmark).
    static = {**settings.STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    override_settings(STORAGES=static).enable()
    from oscar.core.loading import get_model

    call_command("migrate", verbosity=0)
    Product = get_model("catalogue", "Product")
    if not Product.objects.exists():
        started = time.perf_counter()
        from guyub.demo.seed import seed_demo

        seed_demo(workshops=workshops, products=products, images=False)  # indexes at the end (update_index)
        print(f"  seeded {products} products in {time.perf_counter() - started:.0f} s")
    from modelsearch.conf import get_app_config

    IndexEntry = get_app_config().get_model("IndexEntry")

    if (
        not IndexEntry.objects.exists()
        or IndexEntry.objects.count() < Product.objects.exclude(structure=Product.CHILD).count()
    ):
        started = time.perf_counter()
        call_command("wagtail_update_index", verbosity=0)
        print(f"  indexed in {time.perf_counter() - started:.1f} s")
    from catalog.shop.search.backend import analyse_sqlite

    analyse_sqlite()  # as the seed does after indexing (a database seeded before the search existed has no stats)


class Counted(list):
    """A database execute wrapper that notes every statement (counts work with DEBUG off)."""

    def __call__(self, execute, sql, params, many, context):
        self.append(sql)
        return execute(sql, params, many, context)


def measure(repeat: int, skip_old: bool) -> None:
    from django.db import connection
    from django.test import Client
    from oscar.core.loading import get_model

    from catalog.shop.search import engine

    Product = get_model("catalogue", "Product")
    parents = Product.objects.exclude(structure=Product.CHILD)
    sku = parents.filter(upc__startswith="GY-TAS").order_by("pk").values_list("upc", flat=True)[1]
    queries = [q.format(sku=sku) for q in QUERIES]
    print(f"  {parents.count()} products, {Product.objects.filter(structure=Product.CHILD).count()} variants")
    client = Client(HTTP_HOST="127.0.0.1")
    print(f"  {'query':<16}{'hits':>6}{'queries':>9}{'median ms':>11}{'p95 ms':>9}")
    medians = []
    for q in queries:
        response = client.get("/search/", {"q": q})  # warm: caches, vocabulary, the session
        assert response.status_code == 200, (q, response.status_code)
        counted = Counted()
        with connection.execute_wrapper(counted):
            client.get("/search/", {"q": q})
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            client.get("/search/", {"q": q})
            times.append((time.perf_counter() - started) * 1000)
        times.sort()
        p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
        medians.append(statistics.median(times))
        hits = len(engine.search(q, selected={}).pks)
        print(f"  {q:<16}{hits:>6}{len(counted):>9}{statistics.median(times):>11.1f}{p95:>9.1f}")
    print(f"  median of the medians: {statistics.median(medians):.1f} ms")
    if skip_old:
        print("  old haystack search: skipped (--skip-old)")
        return
    try:
        from haystack.query import SearchQuerySet
    except ImportError:
        print("  old haystack search: cannot be measured (haystack is not installed any more)")
        return
    big = parents.count() > 1000
    old_queries = ["tas", "kulit"] if big else queries
    print(f"  old haystack simple backend (count + first page of 20), {1 if big else 3} run(s) each:")
    for q in old_queries:
        times, count, n_queries = [], 0, 0
        for _ in range(1 if big else 3):
            counted = Counted()
            with connection.execute_wrapper(counted):
                started = time.perf_counter()
                results = SearchQuerySet().models(Product).auto_query(q)
                count = results.count()
                [r.object for r in results[:20]]
                times.append((time.perf_counter() - started) * 1000)
            n_queries = len(counted)
        print(f"  {q:<16}{count:>6}{n_queries:>9}{statistics.median(times):>11.1f}   (hits count variants)")


def freeze_loaded() -> None:
    """What a production worker does before its first request (docker/gunicorn.conf.py): everything loaded at boot
    moves to the collector's permanent generation, so its full collections skip it."""
    gc.collect()
    gc.freeze()
    print(f"  ({gc.get_freeze_count()} objects loaded at boot frozen, as docker/gunicorn.conf.py does)", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--skip-old", action="store_true")
    parser.add_argument("--only", choices=list(SIZES))
    parser.add_argument("--no-freeze", action="store_true", help="do not freeze the loaded objects first")
    parser.add_argument("--child", choices=list(SIZES), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        workshops, products = SIZES[args.child]
        setup(workshops, products)
        if not args.no_freeze:
            freeze_loaded()
        measure(args.repeat, args.skip_old)
        return
    for size in [args.only] if args.only else list(SIZES):
        print(f"Search at {size} products (SQLite FTS5, Wagtail database backend):", flush=True)
        command = [sys.executable, __file__, "--child", size, "--repeat", str(args.repeat)]
        command += ["--skip-old"] if args.skip_old else []
        command += ["--no-freeze"] if args.no_freeze else []
        subprocess.run(command, check=True)


if __name__ == "__main__":
    main()
