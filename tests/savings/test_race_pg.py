"""On PostgreSQL: withdrawals of one member's simpanan sukarela racing each other never take it below zero
(the savings row lock), and no two of them with one key both apply; two loans in kind racing for the last package
of a member's stock disburse once; reminder jobs racing send each reminder once. Transactional; the module's last
step restores the seed (the fixture of tests/inventory/test_concurrency_pg.py)."""

from __future__ import annotations

import datetime

import pytest

from books import selectors as books_selectors
from savings import services
from tests.pg_helpers import restore_seed_after_module, run_together  # noqa: F401 - the module fixture

from .conftest import (
    JOINED,
    assert_passbooks_match_books,
    loan_product,
    material_balances,
    member,
    package,
    pay_up,
    stock_up,
)

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
THREADS = 10


def together(count, work):
    """``work(i)`` in ``count`` threads at once: per thread "ok", "refused", or the unexpected error (which fails)."""

    def attempt(i):
        try:
            work(i)
        except services.Refusal:
            return "refused"
        return "ok"

    results = run_together(count, attempt)
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


DAY0 = datetime.date(2026, 3, 2)


def _borrowers(user, codes):
    """The board's amounts, members joined long enough ago, and ``codes`` paid up to DAY0 (committed)."""
    from inventory.models import Member

    Member.objects.update(joined=JOINED)
    for kind, amount in (("pokok", 50_000), ("wajib", 10_000)):
        services.rule_add(kind=kind, amount=amount, effective_from=datetime.date(2020, 1, 1), user=user)
    for code in codes:
        pay_up(member(code), user, DAY0)
    return [member(code) for code in codes]


def _approved(loan, user):
    from django.contrib.auth import get_user_model

    services.loan_approve(loan=loan, user=user)
    services.loan_approve(loan=loan, user=get_user_model().objects.get(email="board2@guyub.example"))
    return loan


def test_two_loans_in_kind_racing_for_the_last_package_disburse_once(saver):
    _m, user = saver
    borrowers, store = _borrowers(user, ["m02", "m03"]), member("m08")
    stock_up(store, times=1)
    have = material_balances([store])["m08", "kulit-sapi-b"]  # one package takes all the leather there is
    product = loan_product(
        user, name="Paket", min_amount=1, max_amount=1_000_000, instalments=2, jasa_percent="0", in_kind=True
    )
    loans = [
        _approved(
            services.loan_apply(
                product=product,
                shares=[(b, None)],
                package=package((("kulit-sapi-b", str(have), 4_000),)),
                stock_from=store,
                user=user,
                on=DAY0,
            ),
            user,
        )
        for b in borrowers
    ]
    results = together(2, lambda i: services.loan_disburse(loan=loans[i], user=user, on=DAY0))
    assert sorted(results) == ["ok", "refused"]
    assert material_balances([store])["m08", "kulit-sapi-b"] == 0
    given = [b for b, r in zip(borrowers, results, strict=True) if r == "ok"]
    assert len(given) == 1
    assert books_selectors.trial_balance()["total"] == 0
    assert_passbooks_match_books(borrowers)


def test_racing_reminder_jobs_send_each_reminder_once(saver):
    from django.core import mail

    from savings.models import Reminder
    from savings.services import reminders

    _m, user = saver
    [borrower] = _borrowers(user, ["m02"])
    product = loan_product(user, name="Mingguan", min_amount=1_000)
    loan = _approved(services.loan_apply(product=product, shares=[(borrower, 40_000)], user=user, on=DAY0), user)
    services.loan_disburse(loan=loan, channel="cash", user=user, on=DAY0)
    mail.outbox = []
    sent = []
    together(THREADS, lambda i: sent.append(reminders.send_reminders(on=DAY0 + datetime.timedelta(days=5))))
    assert sum(sent) == 1 and len(mail.outbox) == 1
    assert Reminder.objects.count() == 1
