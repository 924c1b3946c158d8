"""The board's fairness report (pooling/fairness.py): each member's share of the units it made through the pool
against its share of the trade earnings in the books, on a small factory-built case; board only; the CSV; a
period written wrongly is named in a 400, never a 500."""

import csv
import datetime
import io
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from books import ledger, services
from common.errors import Refusal
from pooling import fairness
from pooling.models import WorkOrder
from tests.factories import MemberFactory, ProductClassFactory, work_order

pytestmark = pytest.mark.django_db

URL = reverse("pooling:fairness")


def _made(maker, poster, units, *, state=WorkOrder.State.MADE, made_at=None):
    """A work order of ``units`` made by ``maker`` for ``poster`` (made now unless said otherwise)."""
    return work_order(
        maker,
        owner=poster,
        product_class=ProductClassFactory(name="Dompet"),
        quantity=units,
        week=ledger.month_start(timezone.localdate()),
        state=state,
        made_at=made_at or (timezone.now() if state in fairness.MADE else None),
    )


_keys = iter(range(10**6))


def _post(kind, legs, *, on=None):
    legs = {ledger.member_account(m.code) if hasattr(m, "code") else m: amount for m, amount in legs.items()}
    services.post(kind=kind, reference=f"test {kind}", legs=legs, idempotency_key=f"fair:{next(_keys)}", on=on)


@pytest.fixture
def case():
    """Makers a (cap 10), b (cap 20), c (cap 10); d sells from stock; p posts overflow and sells.
    Units made this month: a 6, b 3, c 1 (10). Trade earnings this month: a 60,000 (work), b 90,000 (sale less
    fee), c 15,000 (pool), d 40,000 (sale), p 95,000 (sale 170,000 less 75,000 paid to makers): 300,000."""
    a, b, c, d, p = (MemberFactory(weekly_capacity=cap) for cap in (10, 20, 10, 10, 10))
    _made(a, p, 4)
    _made(a, p, 2, state=WorkOrder.State.HANDED_OVER)
    _made(b, p, 3)
    _made(c, p, 1)
    _made(b, p, 5, state=WorkOrder.State.DECLINED)  # not made: not counted
    _made(a, p, 7, made_at=timezone.now() - datetime.timedelta(days=70))  # before the period
    _post("work", {a: 60000, p: -60000})
    _post("sale", {b: 100000, ledger.BUYERS: -100000})
    _post("fee", {b: -10000, ledger.FEES: 10000})
    _post("pool", {c: 15000, p: -15000})
    _post("sale", {d: 40000, ledger.BUYERS: -40000})
    _post("sale", {p: 170000, ledger.BUYERS: -170000})
    _post("dues", {b: -25000, ledger.DUES: 25000})  # not earned by work
    _post("payout", {a: -5000, ledger.PAYOUTS: 5000})
    last_month = ledger.month_start(ledger.month_start(timezone.localdate()) - datetime.timedelta(days=1))
    _post("sale", {a: 999000, ledger.BUYERS: -999000}, on=last_month)  # another month
    return {"a": a, "b": b, "c": c, "d": d, "p": p}


def _this_month():
    return f"{timezone.localdate():%Y-%m}"


def test_the_numbers_of_a_small_case(case):
    today = timezone.localdate()
    period = fairness.period(start=_this_month(), end=_this_month(), today=today)
    report = fairness.build(period)
    assert report.total_units == 10 and report.total_earnings == 300000
    rows = {row.member.code: row for row in report.rows}
    a, b, c, d, p = (rows[case[k].code] for k in "abcdp")
    assert (a.units, b.units, c.units, d.units, p.units) == (6, 3, 1, 0, 0)
    assert (a.earnings, b.earnings, c.earnings, d.earnings, p.earnings) == (60000, 90000, 15000, 40000, 95000)
    assert (a.load_share, b.load_share, c.load_share) == (Decimal("60.0"), Decimal("30.0"), Decimal("10.0"))
    assert (a.earning_share, b.earning_share, c.earning_share) == (Decimal("20.0"), Decimal("30.0"), Decimal("5.0"))
    # earning share / load share: b 30/30, c 5/10, a 20/60; no units made: no ratio
    assert (b.ratio, c.ratio, a.ratio) == (Decimal("1.00"), Decimal("0.50"), Decimal("0.33"))
    assert d.ratio is None and p.ratio is None and d.earning_share == Decimal("13.3")
    # capacity over the days of the month, and the units made as a share of it
    days = (ledger.next_month(period.first) - period.first).days
    expected = int((Decimal(10 * days) / 7).quantize(Decimal(1), ROUND_HALF_UP))
    assert a.capacity == expected and b.capacity == int((Decimal(20 * days) / 7).quantize(Decimal(1), ROUND_HALF_UP))
    assert a.utilisation == round(600 / expected)
    # ranked by ratio; three ranked members: one at each end, never the same one twice
    assert [r.member.code for r in report.rows[:3]] == [b.member.code, c.member.code, a.member.code]
    assert [r.member for r in report.top] == [b.member] and [r.member for r in report.bottom] == [a.member]
    assert "<svg" in report.chart() and "0,33" not in report.chart()  # English: 0.33
    assert "0.33" in report.chart() and "<script" not in report.chart()


def test_the_ends_hold_at_most_five_members_each(case):
    for i in range(12):
        maker = MemberFactory()
        _made(maker, case["p"], 1)
        _post("work", {maker: 1000 * (i + 1), case["p"]: -1000 * (i + 1)})
    period = fairness.period(start=None, end=None, today=timezone.localdate())
    report = fairness.build(period)
    assert len(report.top) == len(report.bottom) == fairness.TOP
    assert report.top[0].ratio >= report.top[-1].ratio > report.bottom[-1].ratio >= report.bottom[0].ratio
    assert not {r.member.pk for r in report.top} & {r.member.pk for r in report.bottom}


def test_the_default_period_is_the_last_three_months():
    period = fairness.period(start="", end=None, today=datetime.date(2026, 2, 14))
    assert (period.first, period.last, period.label) == (
        datetime.date(2025, 12, 1),
        datetime.date(2026, 2, 1),
        "2025-12 – 2026-02",
    )


@pytest.mark.parametrize(
    "start, end, field, message",
    [
        ("2026-13", "", "start", "Write the first month as YYYY-MM"),
        ("januari", "", "start", "Write the first month as YYYY-MM"),
        ("", "26-1", "end", "Write the last month as YYYY-MM"),
        ("2025-06", "2025-05", "end", "The last month cannot be before the first month."),
        ("2020-01", "2025-05", "start", "A period is at most 24 months."),
        ("", "2999-01", "end", "The period cannot end after this month."),
        ("2999-01", "", "start", "The period cannot start after this month."),
    ],
)
def test_a_wrong_period_is_named_and_nothing_is_computed(client_as, start, end, field, message):
    with pytest.raises(Refusal) as refused:
        fairness.period(start=start, end=end, today=datetime.date(2026, 2, 14))
    assert refused.value.field == field
    response = client_as("board").get(URL, {"start": start, "end": end})
    text = response.content.decode()
    assert response.status_code == 400 and message in text and 'id="fairness-all"' not in text
    typed = start if field == "start" else end
    assert f'name="{field}" value="{typed}" class="form-control mr-3 is-invalid" aria-invalid="true"' in text
    csv_response = client_as("board").get(URL, {"start": start, "end": end, "format": "csv"})
    assert csv_response.status_code == 400 and message in csv_response.content.decode()


def test_the_page_and_csv(client_as, case):
    client = client_as("board")
    page = client.get(URL, {"start": _this_month(), "end": _this_month()})
    text = page.content.decode()
    assert page.status_code == 200 and "<svg" in text and 'id="fairness-top"' in text
    assert f'data-member="{case["b"].code}"' in text and "Rp 300.000" in text
    response = client.get(URL, {"start": _this_month(), "end": _this_month(), "format": "csv"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert f"guyub-fairness-{_this_month()}-{_this_month()}.csv" in response["Content-Disposition"]
    table = list(csv.reader(io.StringIO(response.content.decode())))
    assert table[0] == [
        "Member",
        "Name",
        "Units made",
        "Capacity (units)",
        "Load of capacity (%)",
        "Share of units (%)",
        "Earnings (Rp)",
        "Share of earnings (%)",
        "Earning share / load share",
        "Group",
    ]
    rows = {row[0]: row for row in table[1:]}
    assert all(len(row) == 10 for row in table)
    b, a, d = rows[case["b"].code], rows[case["a"].code], rows[case["d"].code]
    assert (b[2], b[5], b[6], b[7], b[8], b[9]) == ("3", "30.0", "90000", "30.0", "1.00", "Top")
    assert (a[8], a[9]) == ("0.33", "Bottom") and (d[2], d[5], d[8], d[9]) == ("0", "0.0", "", "")


def test_the_board_reports_link_to_it_for_the_board_only(client_as):
    reports_url = reverse("books:board-reports")
    assert URL in client_as("board").get(reports_url).content.decode()
    assert URL not in client_as("staff").get(reports_url).content.decode()


@pytest.mark.parametrize(
    "role, status", [("anonymous", 302), ("buyer", 403), ("artisan_a", 403), ("staff", 403), ("board", 200)]
)
def test_only_the_board_reads_it(client_as, role, status):
    client = client_as(role)
    assert client.get(URL).status_code == status
    assert client.get(URL, {"format": "csv"}).status_code == status


def test_a_fixed_number_of_queries_whatever_the_number_of_members(case):
    period = fairness.period(start=None, end=None, today=timezone.localdate())
    with CaptureQueriesContext(connection) as few:
        fairness.build(period)
    for _ in range(4):
        maker = MemberFactory()
        _made(maker, case["p"], 2)
        _post("work", {maker: 5000, case["p"]: -5000})
    with CaptureQueriesContext(connection) as many:
        fairness.build(period)
    assert len(many) == len(few) == 3
