"""The demo's money history: every active workshop has sales (or work) in each of the three closed months, the
books balance, and a second run adds nothing."""

import time

import pytest

from books import ledger, selectors
from books.demo import seed_books
from books.models import ClosedMonth, Leg
from inventory.models import Member

pytestmark = pytest.mark.django_db


def test_the_demo_gives_every_workshop_three_closed_months_of_history():
    started = time.monotonic()
    created = seed_books()
    elapsed = time.monotonic() - started
    assert elapsed < 20, elapsed
    assert created["closed_months"] == 3 and created["payout_runs"] == 1
    months = sorted(ClosedMonth.objects.values_list("month", flat=True))
    members = list(Member.objects.active())
    assert len(members) >= 8
    traded = set(
        Leg.objects.filter(posting__month__in=months, account__member__isnull=False)
        .exclude(posting__kind__in=("dues", "fee", "payout"))
        .filter(amount__gt=0)
        .values_list("account__member__code", "posting__month")
    )
    missing = {(m.code, month) for m in members for month in months} - traded
    assert not missing, sorted(missing)
    for member in members:
        for month in months:
            kinds = {e.public_kind for e in selectors.statement(member, month).entries}
            assert kinds - {"dues"} and kinds <= set(ledger.PUBLIC_KINDS)
    assert selectors.trial_balance()["total"] == 0
    assert seed_books()["postings"] == 0
