"""What the PostgreSQL race tests share: work started on many threads at once, and the seed put back after a
module of transactional tests.

Transactional tests make Django flush the database after each; a module of them imports
``restore_seed_after_module`` (a module-scoped autouse fixture) so the migrations' rows and the seeded
cooperative are back for the tests that run after it.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections


@pytest.fixture(scope="module", autouse=True)
def restore_seed_after_module(django_db_setup, django_db_blocker):
    yield
    from django.contrib.contenttypes.models import ContentType
    from django.contrib.sites.models import Site

    from guyub.demo.seed import seed_demo
    from inventory.demo import seed_inventory
    from tests.conftest import SMALL_COOP

    with django_db_blocker.unblock():
        contents = getattr(connection, "_test_serialized_contents", None)
        if contents:
            connection.creation.deserialize_db_from_string(contents)
        ContentType.objects.clear_cache()
        Site.objects.clear_cache()
        seed_demo(**SMALL_COOP)
        seed_inventory()


def run_together(count: int, work, *, timeout: float = 120) -> list:
    """Start ``count`` threads at once on ``work(i)``, each on its own connection (closed at the end); per thread
    what ``work`` returned, or the exception it raised."""
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def worker(i):
        try:
            barrier.wait(timeout=60)
            results[i] = work(i)
        except Exception as error:  # noqa: BLE001 — the caller asserts on it
            results[i] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=timeout)
    return results
