"""Jobs that survive faults (issue 12): a real worker process (``manage.py worker``, the database task backend)
is killed with SIGKILL mid-queue, and the database drops every other connection (what a PostgreSQL restart
does to its clients). After recovery — a new worker (compose's restart policy) and the clock's routing sweep —
every order is routed and every line covered, with no manual step.

The restart is simulated with ``pg_terminate_backend`` on the test database's other connections rather than a
restart of the server, which would also cut the test's own connection and any other suite sharing the server.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from inventory.selectors import current_week
from pooling.models import RoutingRequest
from pooling.promise_check import uncovered_lines
from pooling.services.sweep import STALE, sweep_routing
from tests.pg_helpers import restore_seed_after_module  # noqa: F401 — puts the seed back
from tests.pooling.test_reservations import only_maker, order_line, place, set_free

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
ROOT = Path(__file__).resolve().parents[2]
DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
ORDERS = 12


def start_worker() -> subprocess.Popen:
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "guyub.settings.test",
        "GUYUB_TEST_TASKS_BACKEND": DB_TASKS["default"]["BACKEND"],
    }
    return subprocess.Popen(
        [sys.executable, "manage.py", "worker"],
        cwd=ROOT / "site",
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def wait_for(condition, *, timeout: float = 90.0, what: str = "") -> None:
    """Poll until ``condition()`` holds (a condition, not a timing assumption); fail after ``timeout``."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def routed(requests) -> int:
    return RoutingRequest.objects.filter(pk__in=requests).exclude(status=RoutingRequest.Status.OPEN).count()


def drop_other_connections() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


def test_orders_are_routed_after_a_killed_worker_and_a_dropped_database(order_factory, variant, settings):
    settings.TASKS = DB_TASKS  # placements queue their routing in the database, for the worker process
    set_free(variant)
    only_maker(variant, code="m04", weekly=ORDERS)
    first = [
        order_line(order_factory, variant, quantity=1, promised_to_make=1, promised_week=current_week())
        for _ in range(ORDERS)
    ]
    for order, line in first:
        place(order, line)
    requests = list(
        RoutingRequest.objects.filter(order_line__in=[line for _o, line in first]).values_list("pk", flat=True)
    )
    assert len(requests) == ORDERS and routed(requests) == 0  # queued, not yet run

    worker = start_worker()
    try:
        wait_for(lambda: routed(requests) >= 1, what="the first routing job")
        worker.send_signal(signal.SIGKILL)  # mid-queue: whatever it had claimed is never finished by it
        worker.wait(timeout=30)
        assert drop_other_connections() >= 0  # the "restart": every other client of the database is cut off

        worker = start_worker()  # compose's restart policy
        # The database drops the new worker's connection too: the worker command reconnects by itself.
        wait_for(lambda: drop_other_connections() >= 1, what="a connection of the new worker to drop")
        later = timezone.now() + STALE * 2
        sweep_routing(now=later)  # what the clock runs every five minutes: re-queues what the killed one held
        wait_for(lambda: routed(requests) == ORDERS, timeout=120, what="every request to be routed")
        assert worker.poll() is None, worker.stderr.read().decode()[-2000:] if worker.stderr else ""
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()

    assert RoutingRequest.objects.filter(pk__in=requests, status=RoutingRequest.Status.ROUTED).count() == ORDERS
    placed = {order.pk for order, _line in first}
    assert not {row.line.order_id for row in uncovered_lines()} & placed
