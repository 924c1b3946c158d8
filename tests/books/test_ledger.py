"""The pure rules (books/ledger.py): whole rupiah, fees, proportional splits, refund caps, months."""

import datetime
from decimal import Decimal

import pytest
from hypothesis import given, strategies as st

from books import ledger


def test_rupiah_is_whole_and_never_float():
    assert ledger.rupiah(Decimal("150000")) == 150000 and ledger.rupiah("150.000") == 150000
    for bad in (1.5, Decimal("1.5"), "abc", True, Decimal("NaN"), ledger.MAX_AMOUNT + 1):
        with pytest.raises(ledger.BooksError) as error:
            ledger.rupiah(bad, field="amount_x")
        assert error.value.field == "amount_x"


def test_format_like_indonesians_write_it():
    assert ledger.format_rupiah(150000) == "Rp 150.000"
    assert ledger.format_rupiah(-1250) == "-Rp 1.250"
    assert ledger.format_rupiah(0) == "Rp 0"


def test_fee_rounds_half_a_rupiah_up():
    assert ledger.percent_of(150000, Decimal("10")) == 15000
    assert ledger.percent_of(5, Decimal("10")) == 1  # 0.5 → 1
    assert ledger.percent_of(4, Decimal("10")) == 0


@given(st.integers(0, 10**9), st.lists(st.integers(0, 10**7), min_size=1, max_size=8))
def test_a_split_adds_up_exactly(amount, weights):
    shares = ledger.split_in_proportion(amount, weights)
    assert sum(shares) == (amount if sum(weights) else 0)
    assert all(s >= 0 for s in shares)


@given(st.integers(1, 10**8), st.integers(0, 50), st.lists(st.integers(0, 2 * 10**8), min_size=1, max_size=6))
def test_refunds_never_take_back_more_than_a_line_earned(gross, percent, asks):
    credit = ledger.LineCredit(gross=gross, fee=ledger.percent_of(gross, Decimal(percent)))
    for ask in asks:
        [(g, f)] = ledger.refund_reversal([credit], [ask])
        credit = ledger.LineCredit(credit.gross, credit.fee, credit.reversed_gross + g, credit.reversed_fee + f)
        assert 0 <= credit.reversed_gross <= credit.gross and 0 <= credit.reversed_fee <= credit.fee
    if credit.reversed_gross == credit.gross:
        assert credit.reversed_fee == credit.fee  # a line refunded in full gives back its whole fee


def test_legs_must_balance_and_be_two():
    assert ledger.check_legs({"a": 5, "b": -5, "c": 0}) == {"a": 5, "b": -5}
    with pytest.raises(ledger.BooksError):
        ledger.check_legs({"a": 5, "b": -4})
    with pytest.raises(ledger.BooksError):
        ledger.check_legs({"a": 0, "b": 0})


def test_late_events_go_into_the_open_month_and_months_close_in_order():
    jan, feb, mar = (datetime.date(2026, m, 1) for m in (1, 2, 3))
    assert ledger.booking_month(datetime.date(2026, 1, 20), None) == jan
    assert ledger.booking_month(datetime.date(2026, 1, 20), jan) == feb
    assert ledger.closable(jan, None, datetime.date(2026, 2, 1)) is None
    assert ledger.closable(feb, None, datetime.date(2026, 2, 20)) is not None  # not ended
    assert ledger.closable(mar, jan, datetime.date(2026, 5, 1)) is not None  # February first
    assert ledger.closable(jan, jan, datetime.date(2026, 5, 1)) is not None
    assert ledger.parse_month("2026-03") == mar
    with pytest.raises(ledger.BooksError):
        ledger.parse_month("2026-3")


@pytest.mark.parametrize("text", ["0001-01", "1899-12", "9999-01", "9999-12"])
def test_a_month_outside_the_books_years_is_refused(text):
    """Its neighbours (previous, next month) must stay in the calendar: 0001-01 and 9999-12 were a 500."""
    with pytest.raises(ledger.BooksError, match="between 1900-01 and 9998-12"):
        ledger.parse_month(text)
