"""Storefront speed (issue 16): queries, median and p95 milliseconds per page, through Django's test client with
DEBUG off, with our strategy (agreed prices, made to order) and with Oscar's stock strategy
(``oscar.apps.partner.strategy.Default``, swapped in as the basket middleware's Selector) in the same run, as
A/B pairs, and the ratio. Then what a fresh worker costs (bench/boot_probe.py): modules, peak RSS, boot and
first request.

    .venv/bin/python bench/storefront_bench.py               # both sizes, one after the other (as `make bench`)
    .venv/bin/python bench/storefront_bench.py --size demo   # the demo cooperative (41 products), ~1-2 minutes
    .venv/bin/python bench/storefront_bench.py --size big    # 200 workshops / 5,000 products (seeds once, minutes)

The database is a throw-away SQLite file: migrated and seeded once into var/bench/ (reused while the
migrations, the seed and the lock file are unchanged), then copied for each run; nothing touches var/guyub.sqlite3.
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import worker_memory  # bench/, this script's folder

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
SIZES = {
    "demo": ["--workshops", "33", "--products", "41"],
    "big": ["--workshops", "200", "--products", "5000", "--no-images"],
}


def _fingerprint() -> str:
    """Changes when the schema, the seed or the libraries change (then the template database is rebuilt)."""
    digest = hashlib.sha1(b"storefront-bench-2")
    files = sorted(p for p in ROOT.glob("**/migrations/*.py") if ".venv" not in p.parts)
    files += sorted(ROOT.glob("**/demo.py")) + sorted((ROOT / "site" / "guyub" / "demo").glob("*.py"))
    files += [ROOT / "requirements.lock"]
    for path in files:
        if ".venv" in path.parts or "var" in path.parts:
            continue
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def _env(db: Path, size: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "GUYUB_VAR_DIR"))}
    env.update(
        {
            "DATABASE_URL": f"sqlite:///{db}",
            "DJANGO_SETTINGS_MODULE": "bench.bench_settings",
            "DJANGO_DEBUG": "0",
            "PYTHONPATH": f"{ROOT}:{ROOT / 'site'}",
            "GUYUB_VAR_DIR": str(ROOT / "var" / "bench" / size),
        }
    )  # the seed's images live here
    return env


def template_database(size: str) -> Path:
    folder = ROOT / "var" / "bench"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"storefront-{size}-{_fingerprint()}.sqlite3"
    if path.exists():
        return path
    for old in folder.glob(f"storefront-{size}-*.sqlite3*"):
        old.unlink()
    building = path.with_suffix(".building")
    building.unlink(missing_ok=True)
    manage = [PYTHON, str(ROOT / "site" / "manage.py")]
    print(f"Building the {size} database once (migrate + seed_demo {' '.join(SIZES[size])})…", flush=True)
    started = time.perf_counter()
    subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], env=_env(building, size), check=True, cwd=ROOT)
    seeded = time.perf_counter()
    subprocess.run(
        [*manage, "seed_demo", *SIZES[size]], env=_env(building, size), check=True, cwd=ROOT, stdout=subprocess.DEVNULL
    )
    print(f"  migrate {seeded - started:.0f} s, seed {time.perf_counter() - seeded:.0f} s", flush=True)
    # Fold the WAL into the file, so one file is the whole database.
    subprocess.run(
        [
            PYTHON,
            "-c",
            "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); "
            "c.execute('PRAGMA wal_checkpoint(TRUNCATE)'); c.execute('PRAGMA journal_mode=DELETE'); c.close()",
            str(building),
        ],
        check=True,
    )
    building.rename(path)
    return path


# --- measuring ----------------------------------------------------------------------------------------------


def _setup_django(db: Path, size: str) -> None:
    os.environ.update(_env(db, size))
    sys.path[:0] = [str(ROOT), str(ROOT / "site")]
    import django

    django.setup()


class Strategies:
    """Swap the Selector Oscar's basket middleware asks for each request's strategy."""

    def __init__(self):
        from oscar.apps.basket import middleware
        from oscar.apps.partner.strategy import Selector as StockSelector

        from catalog.shop.partner.strategy import Selector as OurSelector

        self.middleware = middleware
        self.selectors = {"guyub": OurSelector(), "stock": StockSelector()}

    def use(self, name: str) -> None:
        self.middleware.selector = self.selectors[name]


def _client():
    from django.test import Client

    return Client(HTTP_HOST="localhost")


def _variants(n: int) -> list:
    from oscar.core.loading import get_model

    from catalog.selectors import agreements_by_product

    Product = get_model("catalogue", "Product")
    children = list(
        Product.objects.filter(structure=Product.CHILD, stockrecords__num_in_stock__gt=0)
        .distinct()
        .order_by("upc")[: n * 4]
    )
    agreed = agreements_by_product([c.pk for c in children])
    return [c for c in children if agreed[c.pk]][:n]


def _basket_client(lines: int):
    client = _client()
    for product in _variants(lines):
        response = client.post(f"/basket/add/{product.pk}/", {"quantity": 1})
        assert response.status_code == 302, (response.status_code, response.content[:300])
    return client


def _preview_client(lines: int):
    from django.urls import reverse

    from tests.payments.helpers import ADDRESS  # the checkout's Indonesian address form, as the tests fill it

    client = _basket_client(lines)
    steps = [
        ("post", reverse("checkout:index"), {"username": "bench@example.com", "options": "anonymous"}),
        ("post", reverse("checkout:shipping-address"), ADDRESS),  # the Indonesian address form (issue 18)
        ("post", reverse("checkout:shipping-method"), {"method_code": "pickup"}),  # free: totals are the goods
        ("post", reverse("checkout:payment-method"), {"method": "transfer"}),
        ("get", reverse("checkout:payment-details"), None),
    ]
    for method, url, data in steps:
        response = getattr(client, method)(url, data) if data else getattr(client, method)(url)
        assert response.status_code in (200, 302), (url, response.status_code)
        if method == "post":  # a form that did not validate answers 200 and the preview would redirect back
            assert response.status_code == 302, (url, response.content[-800:])
    response = client.get(reverse("checkout:preview"))
    assert response.status_code == 200, ("the checkout preview", response.status_code, response.get("Location"))
    return client


def pages(size: str) -> list[tuple[str, object, str]]:
    """(label, client, url) for every page measured."""
    from django.urls import reverse
    from oscar.core.loading import get_model

    Product = get_model("catalogue", "Product")
    Category = get_model("catalogue", "Category")
    detail = (
        Product.objects.filter(structure=Product.PARENT, is_public=True, children__isnull=False)
        .distinct()
        .order_by("upc")
        .first()
    )
    category = Category.objects.filter(is_public=True, product__isnull=False).order_by("path").first()
    anonymous = _client()
    rows = [
        ("home", anonymous, "/"),
        ("catalogue list", anonymous, reverse("catalogue:index")),
        ("category", anonymous, category.get_absolute_url()),
        ("product detail", anonymous, detail.get_absolute_url()),
    ]
    for lines in (1, 5, 8):
        label = f"basket, {lines} line{'s' if lines > 1 else ''}"
        rows.append((label, _basket_client(lines), reverse("basket:summary")))
    rows.append(("detail + 8-line mini-basket", _basket_client(8), detail.get_absolute_url()))
    for lines in (1, 5):
        rows.append(
            (
                f"checkout preview, {lines} line{'s' if lines > 1 else ''}",
                _preview_client(lines),
                reverse("checkout:preview"),
            )
        )
    return rows


def measure(rows, strategies: Strategies, repeat: int) -> list[dict]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    results = []
    for label, client, url in rows:
        row = {"page": label}
        timings = {"guyub": [], "stock": []}
        for name in timings:
            strategies.use(name)
            client.get(url)  # warm: templates, site, cached fragments
            with CaptureQueriesContext(connection) as captured:
                response = client.get(url)
            row[f"{name}_status"] = response.status_code
            row[f"{name}_queries"] = len(captured)
        for _ in range(repeat):  # A/B pairs: both strategies see the same machine noise
            for name in timings:
                strategies.use(name)
                started = time.perf_counter()
                client.get(url)
                timings[name].append((time.perf_counter() - started) * 1000)
        for name, values in timings.items():
            values.sort()
            row[f"{name}_median"] = statistics.median(values)
            row[f"{name}_p95"] = values[min(len(values) - 1, round(0.95 * (len(values) - 1)))]
        row["ratio"] = row["stock_median"] / row["guyub_median"]  # > 1: ours is faster
        results.append(row)
        print(
            f"  {label}: {row['guyub_queries']} / {row['stock_queries']} queries, "
            f"{row['guyub_median']:.1f} / {row['stock_median']:.1f} ms",
            flush=True,
        )
    strategies.use("guyub")
    return results


def boot_probe(db: Path, size: str, *preload: str, baseline: tuple[str, ...] = ()) -> dict:
    """One fresh worker's cost; ``baseline`` ("--stock-oscar", "--with-wagtail") boots the stock Oscar shop."""
    command = [PYTHON, str(ROOT / "bench" / "boot_probe.py"), "--json", *baseline]
    for module in preload:
        command += ["--preload", module]
    result = subprocess.run(command, env=_env(db, size), capture_output=True, text=True, cwd=ROOT)
    if result.returncode:
        raise SystemExit(f"boot_probe failed:\n{result.stderr[-3000:]}")
    return {**json.loads(result.stdout.strip().splitlines()[-1]), "baseline": baseline}


BASELINE_LABELS = {
    ("--stock-oscar",): "stock Oscar (same libraries)",
    ("--stock-oscar", "--with-wagtail"): "stock Oscar + Guyub's Wagtail apps",
}


def report(size: str, results: list[dict], boots: list[dict]) -> None:
    print(f"\nStorefront, {size} database (SQLite, DEBUG off, Django test client; ours vs Oscar's stock strategy)")
    header = f"{'page':<30} {'queries':>9} {'median ms':>17} {'p95 ms':>17} {'stock/ours':>10}"
    print(header)
    print(f"{'':<30} {'ours/stk':>9} {'ours / stock':>17} {'ours / stock':>17} {'(median)':>10}")
    print("-" * len(header))
    for r in results:
        ok = r["guyub_status"] == r["stock_status"] == 200
        flag = "" if ok else f"  (HTTP {r['guyub_status']}/{r['stock_status']})"
        print(
            f"{r['page']:<30} {r['guyub_queries']:>4}/{r['stock_queries']:<4} "
            f"{r['guyub_median']:>8.1f} /{r['stock_median']:>7.1f} {r['guyub_p95']:>8.1f} /{r['stock_p95']:>7.1f} "
            f"{r['ratio']:>9.2f}x{flag}"
        )
    print("\nA fresh worker (bench/boot_probe.py: boot Django + every URL, then render the home page)")
    shipped = boots[0]["rss_mib"]
    for b in boots:
        if b["baseline"]:
            label = BASELINE_LABELS[tuple(b["baseline"])]
            loaded = f"ours/this: {shipped / b['rss_mib']:.2f}x"
        else:
            label = "as shipped" if not b["preload"] else f"with {'+'.join(b['preload'])} imported at boot"
            loaded = "loaded: " + (", ".join(m for m, on in b["lazy"].items() if on) or "no payment SDK, no stemmer")
        print(
            f"  {label:<44} {b['modules']:>5} modules, {b['rss_mib']:>6.1f} MiB peak RSS, boot {b['boot_s']:.2f} s, "
            f"first request {b['first_request_s']:.2f} s ({loaded})"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", choices=["demo", "big", "both"], default="both", help="41 or 5,000 products")
    parser.add_argument("--big", action="store_true", help="the same as --size big")
    parser.add_argument("--repeat", type=int, default=None, help="timed A/B pairs per page (default 30, big 10)")
    parser.add_argument("--json", type=Path, help="also write the results to this file (both: one per size)")
    args = parser.parse_args()
    size = "big" if args.big else args.size
    if size == "both":  # each size in its own process: one Django set-up per database
        for one in ("demo", "big"):
            command = [PYTHON, __file__, "--size", one]
            command += ["--repeat", str(args.repeat)] if args.repeat else []
            command += ["--json", str(args.json.with_suffix(f".{one}.json"))] if args.json else []
            subprocess.run(command, check=True)
        return
    repeat = args.repeat or (10 if size == "big" else 30)

    template = template_database(size)
    work = Path(tempfile.mkdtemp(prefix="guyub-bench-")) / "bench.sqlite3"
    shutil.copyfile(template, work)
    try:
        boot_probe(work, size)  # once first, to draw the thumbnails: both measured boots then find them made
        boots = [
            boot_probe(work, size),
            boot_probe(work, size, "stripe"),
            boot_probe(work, size, baseline=("--stock-oscar",)),
            boot_probe(work, size, baseline=("--stock-oscar", "--with-wagtail")),
        ]
        # Real gunicorn workers, plain and as docker/gunicorn.conf.py runs them (the demo size is enough for memory).
        workers = worker_memory.measure_all({**os.environ, **_env(work, size)}) if size == "demo" else []
        _setup_django(work, size)
        gc.collect()
        gc.freeze()  # as a production worker does before its first request (docker/gunicorn.conf.py)
        print(f"Measuring {size} ({repeat} A/B pairs per page)…", flush=True)
        results = measure(pages(size), Strategies(), repeat)
        report(size, results, boots)
        if workers:
            worker_memory.report(workers)
        if args.json:
            summary = {"size": size, "pages": results, "boot": boots, "gunicorn": workers}
            args.json.write_text(json.dumps(summary, indent=2))
    finally:
        shutil.rmtree(work.parent, ignore_errors=True)


if __name__ == "__main__":
    main()
