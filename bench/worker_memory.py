"""What gunicorn's web workers cost the machine (issue 16): Guyub and the stock Oscar baseline, each served by a
real gunicorn with 3 workers, plain and with the production settings (docker/gunicorn.conf.py: preloaded in the
master, its objects frozen before the fork), after every worker has served the home page, the catalogue and a
search. Per worker, from /proc/<pid>/smaps_rollup:

- RSS: every page the worker touches, shared ones included (what boot_probe.py reports for one process);
- PSS: its share of the machine (a page shared by four processes counts a quarter);
- USS: its own pages only, what one more worker adds.

    .venv/bin/python bench/worker_memory.py [--db DB]   # the storefront bench calls it with its database

Linux only (smaps_rollup). Binds 127.0.0.1 on a free port; everything it starts, it stops.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]
CONFIG = ROOT / "docker" / "gunicorn.conf.py"
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
WORKERS = 3


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _children(pid: int) -> list[int]:
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                out.append(int(entry.name))
    return out


def _memory(pid: int) -> dict[str, float]:
    fields = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
        name, value, *_unit = line.split()
        fields[name.rstrip(":")] = int(value) / 1024
    uss = fields["Private_Clean"] + fields["Private_Dirty"]
    return {"rss": round(fields["Rss"], 1), "pss": round(fields["Pss"], 1), "uss": round(uss, 1)}


def _get(port: int, path: str) -> int:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"Host": "localhost"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status


def serve_and_measure(*, app: str, env: dict, production: bool, paths: list[str], rounds: int = 10) -> dict:
    port = _free_port()
    command = [GUNICORN, app, "--bind", f"127.0.0.1:{port}", "--workers", str(WORKERS), "--log-level", "warning"]
    if production:
        command += ["--config", str(CONFIG)]  # the command line's bind and workers win over the file's
    server = subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                _get(port, paths[0])
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(f"gunicorn did not answer: {server.stderr.read().decode()[-2000:]}") from None
                time.sleep(0.2)
        for _ in range(rounds * WORKERS):  # the sync workers take turns: each serves every page
            for path in paths:
                assert _get(port, path) == 200, path
        workers = [_memory(pid) for pid in _children(server.pid)]
        master = _memory(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=60)
    per_worker = {key: round(sum(w[key] for w in workers) / len(workers), 1) for key in ("rss", "pss", "uss")}
    return {"workers": len(workers), "per_worker": per_worker, "master": master}


def measure_all(guyub_env: dict) -> list[dict]:
    from boot_probe import _migrate_stock_oscar, stock_oscar_env

    _migrate_stock_oscar()
    stock_env = {**stock_oscar_env(), "DJANGO_DEBUG": "0"}
    shops = [
        ("Guyub", "guyub.wsgi:application", guyub_env, ["/", "/catalogue/", "/search/?q=tas"]),
        ("stock Oscar", "django.core.wsgi:get_wsgi_application()", stock_env, ["/catalogue/", "/search/?q=tas"]),
    ]
    rows = []
    for label, app, env, paths in shops:
        for production in (False, True):
            result = serve_and_measure(app=app, env=env, production=production, paths=paths)
            rows.append({"shop": label, "production": production, **result})
    return rows


def report(rows: list[dict]) -> None:
    print(f"\nWeb workers under gunicorn ({WORKERS} sync workers; MiB per worker, then the master)")
    for r in rows:
        how = "docker/gunicorn.conf.py (preload, freeze)" if r["production"] else "plain (each worker loads all)"
        w, m = r["per_worker"], r["master"]
        print(
            f"  {r['shop']:<12} {how:<42} RSS {w['rss']:>6.1f}  PSS {w['pss']:>6.1f}  USS {w['uss']:>6.1f}"
            f"   master PSS {m['pss']:>5.1f}; all {WORKERS} + master PSS {w['pss'] * r['workers'] + m['pss']:>6.1f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", type=Path, help="a migrated and seeded SQLite database (default: the demo bench's)")
    args = parser.parse_args()
    import storefront_bench

    work = Path(tempfile.mkdtemp(prefix="guyub-workers-")) / "bench.sqlite3"
    shutil.copyfile(args.db or storefront_bench.template_database("demo"), work)  # pages write thumbnails' rows
    try:
        report(measure_all({**os.environ, **storefront_bench._env(work, "demo")}))
    finally:
        shutil.rmtree(work.parent, ignore_errors=True)


if __name__ == "__main__":
    main()
