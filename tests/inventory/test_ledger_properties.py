"""Property tests of the plain-Python ledger (no database): random sequences of movements, transfers,
productions and retried keys keep every balance equal to the sum of its movements, never negative, and a
refused change changes nothing."""

from __future__ import annotations

import copy
import datetime
from decimal import Decimal

import pytest
from hypothesis import given, settings, strategies as st

from inventory import ledger

STOCK = ["sandal@m1", "sandal@m2"]
MATERIALS = {("m1", "leather"): 2, ("m1", "buckle"): 0, ("m2", "leather"): 2, ("m2", "buckle"): 0}
BILL = {("m1", "leather"): Decimal("1.50"), ("m1", "buckle"): Decimal("2")}
KEYS = [f"k{i}" for i in range(12)]  # few keys, so sequences retry keys often

quantity_2 = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("20"), places=2)
ops = st.one_of(
    st.tuples(
        st.just("stock"),
        st.sampled_from(STOCK),
        st.sampled_from([k for k in ledger.STOCK_KINDS if not k.startswith("transfer")]),
        st.integers(-6, 8),
    ),
    st.tuples(st.just("stock_transfer"), st.sampled_from(STOCK), st.sampled_from(STOCK), st.integers(1, 6)),
    st.tuples(
        st.just("material"),
        st.sampled_from(sorted(MATERIALS)),
        st.sampled_from(["opening", "purchase", "consumed", "adjusted"]),
        st.one_of(quantity_2, quantity_2.map(lambda q: -q), st.integers(1, 9)),
    ),
    st.tuples(
        st.just("material_transfer"),
        st.sampled_from([("m1", "leather"), ("m2", "leather")]),
        st.sampled_from(sorted(ledger.TRANSFER_PURPOSES)),
        quantity_2,
    ),
    st.tuples(st.just("produce"), st.just("sandal@m1"), st.integers(1, 4)),
)


def apply(book: ledger.Ledger, op, key: str) -> None:
    name = op[0]
    if name == "stock":
        book.stock_move(op[1], op[2], op[3], key=key)
    elif name == "stock_transfer":
        book.stock_transfer(op[1], op[2], op[3], key=key)
    elif name == "material":
        book.material_move(op[1], op[2], op[3], MATERIALS[op[1]], key=key)
    elif name == "material_transfer":
        other = ("m2", "leather") if op[1] == ("m1", "leather") else ("m1", "leather")
        book.material_transfer(op[1], other, op[2], op[3], 2, key=key)
    else:
        book.produce(op[1], op[2], BILL, key=key)


def snapshot(book: ledger.Ledger):
    return copy.deepcopy((book.stock, book.materials, book.stock_movements, book.material_movements))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(ops, st.sampled_from(KEYS)), max_size=40))
def test_random_sequences_keep_the_ledger_invariants(sequence):
    book = ledger.Ledger()
    for op, key in sequence:
        before = snapshot(book)
        try:
            apply(book, op, key)
        except ledger.LedgerError:
            assert snapshot(book) == before, f"refused {op} changed the ledger"
        assert book.discrepancies() == []
        for level in book.stock.values():
            assert 0 <= level.allocated <= level.in_stock
        assert all(balance >= 0 for balance in book.materials.values())
        for account, places in MATERIALS.items():
            balance = book.materials.get(account, Decimal(0))
            assert balance == balance.quantize(Decimal(1).scaleb(-places))


@settings(max_examples=200, deadline=None)
@given(st.lists(ops, max_size=25))
def test_retrying_every_request_changes_nothing(sequence):
    book = ledger.Ledger()
    for n, op in enumerate(sequence):
        try:
            apply(book, op, f"req-{n}")
        except ledger.LedgerError:
            continue
        after = snapshot(book)
        apply(book, op, f"req-{n}")  # the same request again: a no-op, never a second application
        assert snapshot(book) == after


@settings(max_examples=200, deadline=None)
@given(leather=quantity_2, buckles=st.integers(0, 12), units=st.integers(1, 8))
def test_production_is_all_or_nothing(leather, buckles, units):
    book = ledger.Ledger()
    book.material_move(("m1", "leather"), "purchase", leather, 2, key="l")
    if buckles:
        book.material_move(("m1", "buckle"), "purchase", buckles, 0, key="b")
    enough = leather >= BILL[("m1", "leather")] * units and buckles >= BILL[("m1", "buckle")] * units
    before = snapshot(book)
    if enough:
        book.produce("sandal@m1", units, BILL, key="p")
        assert book.stock["sandal@m1"].in_stock == units
        assert book.materials[("m1", "leather")] == leather - Decimal("1.50") * units
    else:
        with pytest.raises(ledger.MaterialShortage) as refused:
            book.produce("sandal@m1", units, BILL, key="p")
        assert snapshot(book) == before
        short = refused.value.shortfalls
        assert short and all(s.short > 0 for s in short)


def test_quantities_are_exact_never_rounded():
    assert ledger.to_quantity("2.5", 2) == Decimal("2.50")
    with pytest.raises(ledger.InvalidQuantity):
        ledger.to_quantity("2.505", 2)
    with pytest.raises(ledger.InvalidQuantity):
        ledger.to_quantity("1.5", 0)
    with pytest.raises(ledger.InvalidQuantity):
        ledger.to_quantity("NaN", 2)
    with pytest.raises(ledger.InvalidQuantity):
        ledger.to_quantity("0", 2)
    with pytest.raises(ledger.InvalidQuantity):
        ledger.stock_deltas("adjusted", 0)
    assert ledger.stock_deltas("shipped", 3) == (-3, -3)


def test_bill_resolution_and_weeks():
    assert ledger.resolve_bill({"a": 1, "b": 2}, {"b": 0}, {"a": 3}) == {"a": 3}
    monday = datetime.date(2026, 11, 23)
    assert ledger.week_start(datetime.date(2026, 11, 29)) == monday
    assert ledger.weeks_from(datetime.date(2026, 11, 25), 2) == [monday, monday + datetime.timedelta(weeks=1)]
