"""The plain-Python price sheet checks: whole rupiah, dates, reasons, unknown SKUs, by row and column."""

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings, strategies as st

from catalog.pricing.chart import step_chart
from catalog.pricing.sheet import Priced, check_sheet, parse_rupiah, parse_when

WIB = ZoneInfo("Asia/Jakarta")
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=WIB)
CATALOGUE = {
    "GY-A-1": Priced(True, {1: Decimal("150000"), 12: Decimal("135000")}),
    "GY-B-1": Priced(True, {1: Decimal("100000")}),
    "GY-NEW-1": Priced(True, {}),
    "GY-PARENT": Priced(False),
}


def check(text, threshold=30):
    return check_sheet(
        text,
        lookup=lambda skus: {s: CATALOGUE[s] for s in skus if s in CATALOGUE},
        now=NOW,
        tz=WIB,
        threshold_percent=threshold,
    )


@pytest.mark.parametrize(
    "text,amount,code",
    [
        ("150000", Decimal("150000"), None),
        ("150.000", Decimal("150000"), None),
        ("Rp 150.000", Decimal("150000"), None),
        ("1.500.000", Decimal("1500000"), None),
        ("150000.50", None, "not_whole_rupiah"),
        ("150,000", None, "not_whole_rupiah"),
        ("150.00", None, "not_whole_rupiah"),
        ("0", None, "not_positive"),
        ("-1000", None, "not_positive"),
        ("", None, "required"),
        ("abc", None, "not_whole_rupiah"),
        ("1e5", None, "not_whole_rupiah"),
    ],
)
def test_parse_rupiah(text, amount, code):
    assert parse_rupiah(text) == (amount, code)


@given(st.integers(min_value=1, max_value=1_000_000_000))
@settings(max_examples=200, deadline=None)
def test_rupiah_round_trips_plain_and_grouped(n):
    grouped = f"{n:,}".replace(",", ".")
    assert parse_rupiah(str(n)) == (Decimal(n), None)
    assert parse_rupiah(grouped) == (Decimal(n), None)
    assert parse_rupiah(f"Rp {grouped}") == (Decimal(n), None)


@given(st.text(max_size=12))
@settings(max_examples=300, deadline=None)
def test_parse_rupiah_never_crashes_and_only_gives_whole_positive(text):
    amount, code = parse_rupiah(text)
    assert (amount is None) != (code is None)
    if amount is not None:
        assert amount > 0 and amount == amount.to_integral_value()


def test_parse_when_dates_in_the_shop_time_zone():
    assert parse_when("2026-12-12", WIB) == (datetime(2026, 12, 12, tzinfo=WIB), None)
    assert parse_when("2026-12-12 09:00", WIB) == (datetime(2026, 12, 12, 9, tzinfo=WIB), None)
    assert parse_when("2026-12-12T02:00:00+00:00", WIB)[0] == datetime(2026, 12, 12, 9, tzinfo=WIB)
    assert parse_when("", WIB) == (None, None)
    assert parse_when("12/12/2026", WIB) == (None, "bad_date")
    assert parse_when("2026-13-01", WIB) == (None, "bad_date")


def test_a_valid_sheet_lists_changes_and_skips_unchanged_rows():
    result = check(
        "sku,price,effective_from,reason\nGY-A-1,160000,2026-12-12 09:00,\nGY-B-1,100000,,\n"
        "GY-NEW-1,90.000,,first price\n\n"
    )
    assert result.ok
    assert [r.sku for r in result.changes] == ["GY-A-1", "GY-NEW-1"]
    first = result.rows[0]
    assert (first.old, first.amount, first.effective_from) == (
        Decimal("150000"),
        Decimal("160000"),
        datetime(2026, 12, 12, 9, tzinfo=WIB),
    )
    assert result.rows[1].unchanged


def test_every_bad_row_is_named_by_row_and_column():
    result = check(
        "sku,price,effective_from,reason\n"
        "NOPE,100000,,\n"  # row 2: unknown sku
        "GY-B-1,12.5,,\n"  # row 3: not whole rupiah
        "GY-B-1,-100,,\n"  # row 4: not positive
        "GY-A-1,250000,,\n"  # row 5: +67% without reason
        "GY-A-1,150001,31/12/2026,\n"  # row 6: bad date
        "GY-A-1,150001,2020-01-01,\n"  # row 7: in the past
        "GY-PARENT,1000,,\n"  # row 8: a parent has no price of its own
    )
    assert not result.ok
    found = {(p.row, p.column, p.code) for p in result.problems}
    assert found == {
        (2, "sku", "unknown_sku"),
        (3, "price", "not_whole_rupiah"),
        (4, "price", "not_positive"),
        (5, "reason", "reason_required"),
        (6, "effective_from", "bad_date"),
        (7, "effective_from", "in_the_past"),
        (8, "sku", "parent_product"),
    }


def test_reason_makes_a_big_change_valid_and_threshold_is_the_boards():
    assert check("sku,price,reason\nGY-A-1,250000,leather doubled\n").ok
    assert check("sku,price\nGY-A-1,250000\n", threshold=100).ok


def test_tiers_and_semicolons_and_aliases():
    result = check("upc;harga;min_quantity\nGY-A-1;130.000;12\nGY-B-1;90000;24\n")
    assert result.ok, result.problems
    assert [(r.sku, r.min_quantity, r.old) for r in result.rows] == [
        ("GY-A-1", 12, Decimal("135000")),
        ("GY-B-1", 24, None),
    ]


def test_duplicates_and_missing_columns_and_empty_files():
    dup = check("sku,price\nGY-B-1,110000\nGY-B-1,120000\n")
    assert {(p.row, p.column, p.code) for p in dup.problems} == {(3, "sku", "duplicate")}
    missing = check("sku,harga_lama\nGY-B-1,1\n").problems
    assert {(p.row, p.column, p.code) for p in missing} == {(1, "price", "missing_column")}
    assert [p.code for p in check("").problems] == ["empty_file"]
    assert [p.code for p in check("sku,price\n").problems] == ["no_rows"]


def test_step_chart_is_a_staircase():
    t = NOW
    chart = step_chart([(t, Decimal("100")), (t + timedelta(days=10), Decimal("200"))], now=t + timedelta(days=20))
    points = [tuple(map(float, p.split(","))) for p in chart.points.split()]
    assert len(points) == 4
    assert points[1][0] == points[2][0]  # vertical at the change
    assert points[0][1] > points[2][1]  # the higher price is drawn higher
    assert step_chart([], now=t) is None
