"""Issue 13 item 8 (SQLite half): the embedded database is set up for a web server, so simultaneous writers
wait for each other instead of failing with "database is locked"."""

import threading

import pytest
from django.db import connection, connections, transaction

pytestmark = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's locking only")

THREADS, ROUNDS = 6, 15


@pytest.mark.django_db
def test_connections_use_wal_and_immediate_transactions():
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
        cursor.execute("PRAGMA busy_timeout")
        assert cursor.fetchone()[0] == 20000
        cursor.execute("PRAGMA synchronous")
        assert cursor.fetchone()[0] == 1  # NORMAL
    assert connection.transaction_mode == "IMMEDIATE"


# available_apps: a transactional test empties the tables of the apps it names when it ends. An app without
# models keeps the session's seeded cooperative intact; the threads write only to a scratch table of their own.
@pytest.mark.django_db(transaction=True, available_apps=["django.contrib.humanize"])
def test_simultaneous_writers_wait_instead_of_failing():
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS hardening_scratch (n INTEGER NOT NULL)")
        cursor.execute("DELETE FROM hardening_scratch")
    barrier = threading.Barrier(THREADS)
    errors = []

    def write(thread_number):
        try:
            barrier.wait(timeout=30)
            for _ in range(ROUNDS):
                # Read, then write, in one transaction: the pattern of every service (check, then record).
                with transaction.atomic():
                    with connections["default"].cursor() as cursor:
                        cursor.execute("SELECT COUNT(*) FROM hardening_scratch")
                        cursor.fetchone()
                        cursor.execute("INSERT INTO hardening_scratch (n) VALUES (%s)", [thread_number])
        except Exception as error:  # noqa: BLE001  (any failure is the finding)
            errors.append(repr(error))
        finally:
            connections["default"].close()  # each thread had its own connection

    threads = [threading.Thread(target=write, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    try:
        assert errors == []
        with connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM hardening_scratch")
            assert cursor.fetchone()[0] == THREADS * ROUNDS
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE hardening_scratch")
