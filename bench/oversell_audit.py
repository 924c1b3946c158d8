"""Re-measure the never-oversell audit (issue 12) the way the audit did it: gunicorn with 4 workers on
PostgreSQL, the database task backend with NO worker running, buyers racing through the real checkout over HTTP.

    .venv/bin/python bench/oversell_audit.py [--buyers 200] [--database-url postgres://postgres@127.0.0.1:54329/guyub]

Two cases, each on a fresh database (migrate + a small demo seed, then the case's stock and capacity):
  stock     5 units split 3+2 over two members, nobody has the skill (no capacity): expect 5 orders;
  capacity  no stock, one maker with spare capacity 3 this week: expect 3 orders.
Every buyer walks basket → guest → address → shipping → bank transfer → preview on its own HTTP session; a
barrier releases all "Place order" posts at once. Prints attempts, expected and observed orders, server errors,
and what promise_check and inventory_check say. Not part of the test suite (it takes a minute or two per case).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "site")]
PYTHON = sys.executable
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "guyub.settings.test")  # only to import the test helpers
import django  # noqa: E402

django.setup()
from tests.browser_fixtures import _free_port  # noqa: E402
from tests.payments.helpers import ADDRESS  # noqa: E402
from tests.test_sqlite_concurrency_http import Person, hidden_fields  # noqa: E402

SETUP = """
import json
from inventory.models import Member, MemberClassCapacity, StockMovement
from inventory.services import stock_move, stockrecord_for
from oscar.core.loading import get_class, get_model
Product = get_model("catalogue", "Product")
strategy = get_class("partner.strategy", "Selector")().strategy()
variant = next(p for p in Product.objects.filter(structure="child").order_by("upc")
               if strategy.fetch_for_product(p).price.exists)
for record in variant.stockrecords.all():
    if record.net_stock_level > 0:
        stock_move(stockrecord=record, kind=StockMovement.Kind.ADJUSTED, quantity=-record.net_stock_level,
                   reason="audit", idempotency_key=f"audit-empty-{record.pk}")
for code, units in CASE["stock"].items():
    stock_move(stockrecord=stockrecord_for(member=Member.objects.get(code=code), product=variant),
               kind=StockMovement.Kind.ADJUSTED, quantity=units, reason="audit", idempotency_key=f"audit-{code}")
product_class = variant.get_product_class()
for member in Member.objects.all():
    member.skills.remove(product_class)
if CASE["maker"]:
    maker = Member.objects.get(code=CASE["maker"])
    maker.skills.add(product_class)
    MemberClassCapacity.objects.update_or_create(member=maker, product_class=product_class,
                                                 defaults={"weekly_capacity": CASE["capacity"]})
print(json.dumps({"pk": variant.pk, "url": variant.get_absolute_url()}))
"""

COUNT = """
import json
from django.core.management import call_command
from oscar.core.loading import get_model
Order = get_model("order", "Order")
orders = Order.objects.filter(guest_email__startswith="audit")
from pooling.promise_check import uncovered_lines
placed = set(orders.values_list("pk", flat=True))
uncovered = [row for row in uncovered_lines() if row.line.order_id in placed]
from inventory.selectors import stock_discrepancies
print(json.dumps({"orders": orders.count(), "uncovered": len(uncovered), "ledger_differs": len(stock_discrepancies())}))
"""

CASES = {
    "stock": {"stock": {"m02": 3, "m03": 2}, "maker": None, "capacity": 0, "expected": 5},
    "capacity": {"stock": {}, "maker": "m04", "capacity": 3, "expected": 3},
}


def manage(env, *args, code: str | None = None) -> str:
    command = [PYTHON, "manage.py", *args] + (["-c", code] if code else [])
    done = subprocess.run(command, cwd=ROOT / "site", env=env, capture_output=True, text=True, check=False)
    if done.returncode:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{done.stderr[-3000:]}")
    return done.stdout


def fresh_database(base_url: str, name: str) -> str:
    import psycopg

    admin = base_url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    return base_url.rsplit("/", 1)[0] + "/" + name


def run_case(name: str, case: dict, base_url: str, buyers: int) -> dict:
    url = fresh_database(base_url, f"guyub_audit_{name}")
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "guyub.settings.test",
        "GUYUB_TEST_TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
        "PYTHONPATH": f"{ROOT}:{ROOT / 'site'}",
    }
    manage(env, "migrate", "--noinput", "-v", "0")
    manage(env, "seed_demo", "--workshops", "8", "--products", "10", "--no-images")
    variant = json.loads(manage(env, "shell", code=f"CASE = {case!r}\n" + SETUP).strip().splitlines()[-1])
    port = _free_port()
    server = subprocess.Popen(
        [PYTHON, "-m", "gunicorn", "guyub.wsgi", "-w", "4", "-b", f"127.0.0.1:{port}", "--timeout", "120"],
        cwd=ROOT / "site",
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:  # readiness: the server answers
            try:
                Person(base).get("/")
                break
            except Exception:  # noqa: BLE001
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.2)
        barrier = threading.Barrier(buyers)
        statuses, failures = [], []

        def buyer(n):
            person = Person(base)
            try:
                person.get(variant["url"])
                person.post(f"/basket/add/{variant['pk']}/", {"quantity": "1"})
                person.post("/checkout/", {"username": f"audit{n}@example.com", "options": "anonymous"})
                person.post("/checkout/shipping-address/", ADDRESS)
                person.get("/checkout/shipping-method/")
                person.post("/checkout/payment-method/", {"method": "transfer"})
                preview = person.get("/checkout/payment-details/")
                fields = {k: v for k, v in hidden_fields(preview.text).items() if k != "csrfmiddlewaretoken"}
                barrier.wait(timeout=600)
                person.post("/checkout/preview/", {"action": "place_order", **fields})
            except Exception as error:  # noqa: BLE001
                failures.append(repr(error))
                barrier.abort()
            statuses.extend(person.statuses)

        started = time.monotonic()
        threads = [threading.Thread(target=buyer, args=(n,)) for n in range(buyers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        seconds = time.monotonic() - started
    finally:
        server.terminate()
        server.wait(timeout=30)
    counts = json.loads(manage(env, "shell", code=COUNT).strip().splitlines()[-1])
    return {
        "case": name,
        "attempts": buyers,
        "expected": case["expected"],
        "observed": counts["orders"],
        "server_errors": sum(1 for s in statuses if s >= 500),
        "client_failures": len(failures),
        "uncovered_lines": counts["uncovered"],
        "ledger_differs": counts["ledger_differs"],
        "seconds": round(seconds, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--buyers", type=int, default=200)
    parser.add_argument(
        "--database-url", default=os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:54329/guyub")
    )
    parser.add_argument("--case", choices=sorted(CASES), action="append")
    args = parser.parse_args()
    rows = [run_case(name, CASES[name], args.database_url, args.buyers) for name in (args.case or sorted(CASES))]
    print(f"{'case':10} {'attempts':>8} {'expected':>8} {'observed':>8} {'5xx':>5} {'uncovered':>9} {'s':>6}")
    for row in rows:
        print(
            f"{row['case']:10} {row['attempts']:>8} {row['expected']:>8} {row['observed']:>8} "
            f"{row['server_errors']:>5} {row['uncovered_lines']:>9} {row['seconds']:>6}"
        )
    print(json.dumps(rows))


if __name__ == "__main__":
    main()
