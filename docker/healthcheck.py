"""Container health checks (compose.yaml): `healthcheck.py web` or `healthcheck.py worker`; exit 0 when healthy.

Plain Python and psycopg, no Django start-up, so a check costs milliseconds every interval."""

import os
import sys
import urllib.request

STUCK_MINUTES = 15  # a task due this long ago and still waiting means the worker is not taking work


def web() -> None:
    # As the proxy would ask: an allowed host name and HTTPS (else SECURE_SSL_REDIRECT answers 301).
    host = os.environ.get("DJANGO_ALLOWED_HOSTS", "localhost").split(",")[0].lstrip(".") or "localhost"
    request = urllib.request.Request(
        "http://127.0.0.1:8000/healthz", headers={"Host": host, "X-Forwarded-Proto": "https"}
    )
    with urllib.request.urlopen(request, timeout=5) as response:  # raises on anything but 2xx/3xx
        assert response.status == 200, response.status


def worker() -> None:
    import psycopg  # only the worker's check reads the database; the web check every interval does not load it

    with open("/proc/1/cmdline", "rb") as cmdline:  # the container's main process is the worker itself
        assert b"worker" in cmdline.read(), "the worker (manage.py worker) is not running"
    with psycopg.connect(os.environ["DATABASE_URL"], connect_timeout=5) as connection:
        waiting = connection.execute(
            "SELECT count(*) FROM django_tasks_database_dbtaskresult"
            " WHERE status = 'READY' AND run_after < now() - make_interval(mins => %s)",
            [STUCK_MINUTES],
        ).fetchone()[0]
    assert waiting == 0, f"{waiting} tasks overdue by more than {STUCK_MINUTES} minutes"


if __name__ == "__main__":
    try:
        {"web": web, "worker": worker}[sys.argv[1]]()
    except Exception as error:  # noqa: BLE001  (any failure means unhealthy; say why in `docker inspect`)
        print(f"unhealthy: {error!r}", file=sys.stderr)
        sys.exit(1)
