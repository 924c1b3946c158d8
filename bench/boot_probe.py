"""Boot a shop worker the way gunicorn does and report its cost (issue 16): modules loaded, peak RSS, seconds to
boot (the WSGI application: settings, apps; then the whole URLconf) and to answer its first request (the home
page, rendered in full).

    DATABASE_URL=sqlite:////tmp/x.sqlite3 .venv/bin/python bench/boot_probe.py [--preload stripe] [--json]

``--preload MODULE`` imports a module first (e.g. ``stripe``, or ``snowballstemmer``, to measure what importing
it at boot costs, as the shop did before issue 16). Prints one JSON object with ``--json``.

The memory method: one fresh process per measurement; ``rss_mib`` is the peak resident set (``ru_maxrss``) after
the home page, ``rss_now_mib`` the resident set at that moment (/proc/self/status ``VmRSS``). Compare runs on
the same machine and database, several times each, alternating (the figures move by a few tenths of a MiB).
``lazy`` says which modules kept out of a worker until a request needs them are loaded after the home page.

``--stock-oscar`` boots the baseline instead: a stock django-oscar shop with the same library versions
(bench/stock_oscar/: Oscar's apps and templates, no Wagtail, none of ours; its database is migrated once into
STOCK_OSCAR_DB, default /tmp/guyub-stock-oscar.sqlite3) and renders its home page (the catalogue);
``--with-wagtail`` adds the Wagtail apps Guyub installs to it (what Wagtail alone costs a worker).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LAZY = ("stripe", "midtransclient", "snowballstemmer")  # payment SDKs, the search's stemmer


def _rss_now_mib() -> float | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return None


def _migrate_stock_oscar() -> None:
    """Migrate the baseline's database once, in a child process (this one must boot clean)."""
    import subprocess

    db = Path(os.environ.setdefault("STOCK_OSCAR_DB", "/tmp/guyub-stock-oscar.sqlite3"))
    if db.exists():
        return
    subprocess.run([sys.executable, "-m", "django", "migrate", "-v", "0"], env=stock_oscar_env(), check=True, cwd=ROOT)


def stock_oscar_env(settings: str = "bench.stock_oscar.settings") -> dict:
    """The environment of a process of the baseline: its settings take Guyub's app list, so site/ is on the path."""
    path = os.pathsep.join([str(ROOT), str(ROOT / "site")])
    return {**os.environ, "PYTHONPATH": path, "DJANGO_SETTINGS_MODULE": settings}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--preload", action="append", default=[], help="import this module before Django")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--stock-oscar", action="store_true", help="boot the stock Oscar baseline instead")
    parser.add_argument("--with-wagtail", action="store_true", help="with --stock-oscar: add Guyub's Wagtail apps")
    args = parser.parse_args()
    sys.path[:0] = [str(ROOT), str(ROOT / "site")]
    if args.stock_oscar:
        _migrate_stock_oscar()
        wagtail = "_wagtail" if args.with_wagtail else ""
        os.environ["DJANGO_SETTINGS_MODULE"] = f"bench.stock_oscar.settings{wagtail}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "guyub.settings.dev")
    os.environ.setdefault("DJANGO_DEBUG", "0")

    start = time.perf_counter()
    for module in args.preload:
        __import__(module)
    from django.urls import get_resolver

    if args.stock_oscar:
        from django.core.wsgi import get_wsgi_application

        get_wsgi_application()
    else:
        from guyub.wsgi import application  # noqa: F401  (what a gunicorn worker imports: settings and apps)

    assert get_resolver().url_patterns  # every app's URLs and the views they import, as a worker's first request does
    booted = time.perf_counter()

    from django.test import Client

    response = Client(HTTP_HOST="localhost").get("/", follow=args.stock_oscar)  # stock: "/" redirects
    answered = time.perf_counter()
    result = {
        "preload": args.preload,
        "status": response.status_code,
        "modules": len(sys.modules),
        "stripe_loaded": "stripe" in sys.modules,
        "lazy": {name: name in sys.modules for name in LAZY},
        "rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),  # Linux: KiB
        "rss_now_mib": _rss_now_mib(),
        "boot_s": round(booted - start, 2),
        "first_request_s": round(answered - booted, 2),
        "boot_to_first_response_s": round(answered - start, 2),
    }
    if args.json:
        print(json.dumps(result))
    else:
        for key, value in result.items():
            print(f"{key:>26}: {value}")


if __name__ == "__main__":
    main()
