"""The plain-Python rules: schedules (the seed's Rp 4.200 × 6), due dates by frequency and meeting day, wajib
months, ageing buckets, the funders' share; and that importing them loads no Django."""

import datetime
import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

from hypothesis import given, strategies as st

from savings import rules

ROOT = Path(__file__).resolve().parents[2]


def test_the_rules_import_no_django():
    code = (
        "import json, sys, savings.rules; "
        "print(json.dumps([m for m in sys.modules if m.split('.')[0] in ('django', 'oscar', 'wagtail')]))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == []


def test_the_seed_schedule():
    plan = rules.schedule(25_000, 6, "daily", Decimal("0.80"), "flat", datetime.date(2026, 3, 2))
    assert [d.amount for d in plan] == [4_200] * 6
    assert sum(d.principal for d in plan) == 25_000 and sum(d.jasa for d in plan) == 200
    assert plan[0].due == datetime.date(2026, 3, 3) and plan[-1].due == datetime.date(2026, 3, 8)


def test_due_dates():
    start = datetime.date(2026, 1, 31)
    assert rules.due_dates(start, 2, "monthly") == [datetime.date(2026, 2, 28), datetime.date(2026, 3, 31)]
    assert rules.due_dates(start, 2, "weekly") == [datetime.date(2026, 2, 7), datetime.date(2026, 2, 14)]
    assert rules.due_dates(datetime.date(2026, 1, 12), 2, "meeting") == [
        datetime.date(2026, 2, 12),
        datetime.date(2026, 3, 12),
    ]
    assert rules.due_dates(datetime.date(2026, 1, 11), 1, "meeting") == [datetime.date(2026, 1, 12)]


def test_wajib_months_and_ageing():
    assert len(rules.months_due(datetime.date(2025, 12, 20), datetime.date(2026, 2, 11))) == 2
    assert len(rules.months_due(datetime.date(2025, 12, 20), datetime.date(2026, 2, 12))) == 3
    assert [rules.ageing_bucket(d) for d in (0, 1, 7, 8, 30, 31, 90, 91)] == [
        None, "1-7", "1-7", "8-30", "8-30", "31-90", "31-90", ">90",
    ]  # fmt: skip


@given(
    principal=st.integers(1_000, 10**8),
    count=st.integers(1, 60),
    percent=st.decimals(0, 20, places=2),
    method=st.sampled_from(rules.METHODS),
    frequency=st.sampled_from(rules.FREQUENCIES),
)
def test_schedules_repay_the_principal_exactly(principal, count, percent, method, frequency):
    plan = rules.schedule(principal, count, frequency, percent, method, datetime.date(2026, 1, 1))
    assert sum(d.principal for d in plan) == principal and all(d.principal >= 0 and d.jasa >= 0 for d in plan)
    assert [d.due for d in plan] == sorted(d.due for d in plan)


@given(total=st.integers(1, 10**7), data=st.data())
def test_funders_get_back_exactly_their_part_and_never_less_later(total, data):
    funded = data.draw(st.lists(st.integers(1, total), min_size=1, max_size=4).filter(lambda f: sum(f) <= total))
    paid = sorted(data.draw(st.lists(st.integers(0, total), max_size=5)))
    previous = [0] * len(funded)
    for p in [*paid, total]:
        back = rules.funders_back(p, total, funded)
        assert all(b >= a for a, b in zip(previous, back, strict=True))
        previous = back
    assert previous == funded
