"""On PostgreSQL: withdrawals of one member's simpanan sukarela racing each other never take it below zero
(the savings row lock), and no two of them with one key both apply. Transactional; the module's last step
restores the seed (the fixture of tests/inventory/test_concurrency_pg.py)."""

from __future__ import annotations

import threading

import pytest
from django.db import connections

from books import selectors as books_selectors
from savings import services
from tests.inventory.test_concurrency_pg import restore_seed_after_module  # noqa: F401 - the module fixture

from .conftest import assert_passbooks_match_books, member

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
THREADS = 10


def together(count, work):
    barrier, results = threading.Barrier(count), [None] * count

    def worker(i):
        try:
            barrier.wait(timeout=30)
            work(i)
            results[i] = "ok"
        except services.Refusal:
            results[i] = "refused"
        except Exception as error:  # noqa: BLE001 — reported below
            results[i] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert all(r in ("ok", "refused") for r in results), results
    return results


@pytest.fixture
def saver():
    """A member with Rp 100.000 of sukarela and a treasurer, made here (the flushes of transactional tests may
    have emptied the seed)."""
    from django.contrib.auth import get_user_model

    from common.roles import board_group, treasurer_group
    from inventory.models import Member

    if not Member.objects.filter(code="m01").exists():
        from guyub.demo.seed import seed_demo
        from tests.conftest import SMALL_COOP

        seed_demo(**SMALL_COOP)
    user = get_user_model().objects.get(email="board1@guyub.example")
    user.groups.add(board_group(), treasurer_group())
    m = member("m01")
    services.deposit(member=m, kind="sukarela", amount=100_000, channel="cash", idempotency_key="race:in", user=user)
    return m, user


def test_racing_withdrawals_never_take_sukarela_below_zero(saver):
    m, user = saver
    results = together(
        THREADS,
        lambda i: services.withdraw(member=m, amount=30_000, channel="cash", idempotency_key=f"race:{i}", user=user),
    )
    assert results.count("ok") == 3 and results.count("refused") == THREADS - 3
    assert services.savings_account(m).sukarela == 10_000
    assert books_selectors.trial_balance()["total"] == 0
    assert_passbooks_match_books([m])


def test_one_key_withdraws_once_however_often_it_races(saver):
    m, user = saver
    together(
        THREADS,
        lambda i: services.withdraw(member=m, amount=10_000, channel="cash", idempotency_key="race:same", user=user),
    )
    assert services.savings_account(m).sukarela == 90_000
    assert_passbooks_match_books([m])
