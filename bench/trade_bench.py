"""Trade dry-run benchmark (issue 20): the plan of a 2,000-unit trade order over the 33 members.

    .venv/bin/python bench/trade_bench.py [--workshops 33] [--units 2000] [--repeat 5]

Builds its own database (var/bench-trade.sqlite3: migrate + the demo seed, kept between runs), then times
``trade.planning.dry_run`` (read the members, build one engine instance, solve it as often as the plan needs) for
an order split over variants of two product classes, due 6 weeks out (fits) and 2 weeks out (does not: the
earliest date is searched). Prints ms per plan (median and worst), queries per plan, members used, and checks
the plan changed nothing (load ledger rows, routing requests, work orders). Not part of the test suite.
"""

from __future__ import annotations

import argparse
import datetime
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "site")]
from bench.demo_db import setup_demo_db  # noqa: E402

DB = ROOT / "var" / "bench-trade.sqlite3"
BUDGET_MS = 1000.0


def order_lines(units: int):
    """Variants of the two product classes with the most skilled members, ``units`` split over them."""
    from oscar.core.loading import get_model

    from inventory.models import Member
    from trade.planning import Wanted

    Product = get_model("catalogue", "Product")
    ProductClass = get_model("catalogue", "ProductClass")
    counts = {pc: Member.objects.active().filter(skills=pc).count() for pc in ProductClass.objects.all()}
    top = sorted(counts, key=lambda pc: -counts[pc])[:2]
    variants = []
    for pc in top:
        variants += list(Product.objects.filter(parent__product_class=pc).order_by("upc")[:3])
    share, extra = divmod(units, len(variants))
    return [Wanted(p, share + (1 if k < extra else 0)) for k, p in enumerate(variants)], top, counts


def snapshot():
    from inventory.models import WeeklyLoad
    from pooling.models import RoutingRequest, WorkOrder

    return (WeeklyLoad.objects.count(), RoutingRequest.objects.count(), WorkOrder.objects.count())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workshops", type=int, default=33)
    parser.add_argument("--units", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    setup_demo_db(DB, workshops=args.workshops, products=20, activity=True)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from inventory.models import Member
    from inventory.selectors import current_week
    from trade.planning import dry_run

    lines, classes, counts = order_lines(args.units)
    print(
        f"trade plan: {sum(w.quantity for w in lines)} units, {len(lines)} SKUs of "
        f"{', '.join(f'{pc.slug} ({counts[pc]} makers)' for pc in classes)}; "
        f"{Member.objects.active().count()} active members"
    )
    before = snapshot()
    ok = True
    for label, weeks in (("6 weeks out", 6), ("2 weeks out", 2)):
        wanted = current_week() + datetime.timedelta(weeks=weeks, days=-1)
        times, queries, result = [], 0, None
        for _ in range(args.repeat):
            with CaptureQueriesContext(connection) as ctx:
                start = time.perf_counter()
                result = dry_run(wanted, lines)
                times.append((time.perf_counter() - start) * 1000)
            queries = len(ctx.captured_queries)
        ready = sum(x.ready_by_wanted for x in result.lines)
        worst = max(times)
        ok &= worst < BUDGET_MS
        print(
            f"  {label:12s} median {statistics.median(times):7.1f} ms  worst {worst:7.1f} ms  {queries} queries  "
            f"ready by wanted {ready}/{args.units}  earliest {result.earliest}  members {result.member_count}  "
            f"{'ok' if worst < BUDGET_MS else 'OVER BUDGET'} (< {BUDGET_MS:.0f} ms)"
        )
    unchanged = snapshot() == before
    ok &= unchanged
    print(f"  database unchanged by the plans: {'yes' if unchanged else 'NO'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
