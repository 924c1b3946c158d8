"""Shop availability benchmark: what the made-to-order policy costs a catalogue page.

    .venv/bin/python bench/availability_bench.py [--workshops 33] [--products 41] [--repeat 5]

Builds its own database (var/bench-availability.sqlite3: migrate + the demo seed, kept between runs), then
prices and answers availability for every variant the way one catalogue request does (one strategy per
request), with the cooperative's strategy and, as the baseline in the same run, Oscar's stock-only policy
(StockRequired on the most-stocked record, no capacity read). It does so twice: with stock everywhere, and
with every variant sold out (so every answer needs members' capacity). Prints ms per request, queries per
request and the ratio to the baseline. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "site")]
from bench.demo_db import setup_demo_db  # noqa: E402

DB = ROOT / "var" / "bench-availability.sqlite3"


def strategies():
    from oscar.apps.partner import availability, strategy as oscar_strategy

    from catalog.shop.partner.strategy import CooperativeStrategy

    class StockOnly(CooperativeStrategy):
        """Baseline: the same prices, Oscar's availability (one record's stock, no capacity)."""

        def availability_policy(self, product, stockrecord, quantity=None):
            if self.quote(product) is None:  # like ours: no agreed price, not for sale
                return availability.Unavailable()
            return oscar_strategy.StockRequired.availability_policy(self, product, stockrecord)

    return {"cooperative": CooperativeStrategy, "stock-only (baseline)": StockOnly}


def one_request(strategy_class, products) -> int:
    strategy = strategy_class()
    strategy.prime(products)  # as the catalogue view does: the page's agreed prices in one query
    answered = 0
    for product in products:
        info = strategy.fetch_for_product(product)
        answered += bool(str(info.availability.message)) and info.price.exists
    return answered


def measure(strategy_class, products, repeat: int) -> tuple[float, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        one_request(strategy_class, products)  # warm-up, and the query count of one request
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        one_request(strategy_class, products)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000, len(queries)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workshops", type=int, default=33)
    parser.add_argument("--products", type=int, default=41)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    setup_demo_db(DB, workshops=args.workshops, products=args.products, activity=False)

    from django.db import transaction
    from oscar.core.loading import get_model

    Product = get_model("catalogue", "Product")
    StockRecord = get_model("partner", "StockRecord")
    products = list(
        Product.objects.filter(structure="child")
        .prefetch_related("stockrecords")
        .select_related("parent", "product_class", "parent__product_class")
    )
    print(f"{len(products)} variants, {StockRecord.objects.count()} stockrecords; median of {args.repeat} requests")
    for label in ("stock everywhere", "every variant sold out"):
        with transaction.atomic():
            if label == "every variant sold out":  # rolled back below: the bench database keeps its stock
                StockRecord.objects.update(num_in_stock=0, num_allocated=0)
                products = list(
                    Product.objects.filter(structure="child")
                    .prefetch_related("stockrecords")
                    .select_related("parent", "product_class", "parent__product_class")
                )
            rows = {name: measure(cls, products, args.repeat) for name, cls in strategies().items()}
            transaction.set_rollback(True)
        base_ms, _ = rows["stock-only (baseline)"]
        print(f"\n{label}:")
        for name, (ms, queries) in rows.items():
            print(f"  {name:24} {ms:8.1f} ms/request  {queries:5d} queries  x{ms / base_ms:.2f} of baseline")


if __name__ == "__main__":
    main()
