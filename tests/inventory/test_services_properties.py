"""The same random sequences through the services on the database, checked against the in-memory
reference ledger after every step: equal balances, equal to the sum of movements, never negative, and a
production short of material changes nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings, strategies as st
from oscar.core.loading import get_model

from inventory import ledger, selectors, services
from inventory.models import Material
from inventory.services import InventoryError

StockRecord = get_model("partner", "StockRecord")
pytestmark = pytest.mark.django_db

quantity_2 = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("9"), places=2)
ops = st.one_of(
    st.tuples(
        st.just("stock"),
        st.sampled_from(["a", "b"]),
        st.sampled_from(["produced", "allocated", "deallocated", "shipped", "returned", "adjusted"]),
        st.integers(-4, 5),
    ),
    st.tuples(st.just("stock_transfer"), st.sampled_from(["a", "b"]), st.integers(1, 4)),
    st.tuples(
        st.just("material"),
        st.sampled_from(["a", "b"]),
        st.sampled_from(["lem", "gesper"]),
        st.sampled_from(["purchase", "adjusted", "consumed"]),
        st.one_of(quantity_2, quantity_2.map(lambda q: -q), st.integers(1, 6)),
    ),
    st.tuples(
        st.just("material_transfer"),
        st.sampled_from(["a", "b"]),
        st.sampled_from(["loan", "return"]),
        st.integers(1, 5),
    ),
    st.tuples(st.just("produce"), st.integers(1, 3)),
)


@pytest.fixture
def world(member_a, member_b, variant_of):
    """Two members, one variant both can hold, the materials its bill uses, and the reference ledger
    started from the database's current numbers."""
    product, record_a = variant_of(member_a)
    record_b = services.stockrecord_for(member=member_b, product=product)
    bill = selectors.bill_for(product)
    materials = {m.code: m for m in Material.objects.filter(code__in=["lem", "gesper", *[m.code for m in bill]])}
    return {
        "product": product,
        "records": {"a": record_a, "b": record_b},
        "members": {"a": member_a, "b": member_b},
        "bill": bill,
        "materials": materials,
    }


def start_reference(world) -> ledger.Ledger:
    book = ledger.Ledger()
    for side, record in world["records"].items():
        record.refresh_from_db()
        book.stock[side] = ledger.StockLevel(record.num_in_stock or 0, record.num_allocated or 0)
    for side, member in world["members"].items():
        for code, material in world["materials"].items():
            book.materials[(side, code)] = selectors.material_balance(member, material)
    return book


def step(world, book, op, key):
    """Apply ``op`` to the reference ledger and through the services; both must agree on refusing."""
    name, side = op[0], op[1] if len(op) > 1 else "a"
    other = "b" if side == "a" else "a"
    members, records, materials = world["members"], world["records"], world["materials"]
    if name == "stock":
        model = lambda: book.stock_move(side, op[2], op[3], key=key)  # noqa: E731
        real = lambda: services.stock_move(  # noqa: E731
            stockrecord=records[side],
            kind=op[2],
            quantity=op[3],  # noqa: E731
            reason="test",
            idempotency_key=key,
        )
    elif name == "stock_transfer":
        model = lambda: book.stock_transfer(side, other, op[2], key=key)  # noqa: E731
        real = lambda: services.stock_transfer(  # noqa: E731
            stockrecord=records[side],
            to_member=members[other],  # noqa: E731
            quantity=op[2],
            idempotency_key=key,
        )
    elif name == "material":
        material = materials[op[2]]
        model = lambda: book.material_move((side, op[2]), op[3], op[4], material.places, key=key)  # noqa: E731
        real = lambda: services.material_move(  # noqa: E731
            member=members[side],
            material=material,
            kind=op[3],  # noqa: E731
            quantity=op[4],
            reason="test",
            idempotency_key=key,
        )
    elif name == "material_transfer":
        material = materials["gesper"]
        model = lambda: book.material_transfer((side, "gesper"), (other, "gesper"), op[2], op[3], 0, key=key)  # noqa: E731
        real = lambda: services.material_transfer(  # noqa: E731
            from_member=members[side],
            to_member=members[other],  # noqa: E731
            material=material,
            quantity=op[3],
            purpose=op[2],
            idempotency_key=key,
        )
    else:
        bill = {("a", m.code): q for m, q in world["bill"].items()}
        model = lambda: book.produce("a", op[1], bill, key=key)  # noqa: E731
        real = lambda: services.production_record(  # noqa: E731
            member=members["a"],
            product=world["product"],  # noqa: E731
            quantity=op[1],
            idempotency_key=key,
        )
    try:
        model()
        expected_refusal = False
    except ledger.LedgerError:
        expected_refusal = True
    try:
        real()
        refused = False
    except InventoryError:
        refused = True
    assert refused == expected_refusal, f"{op}: database refused={refused}, reference refused={expected_refusal}"


def assert_same(world, book):
    for side, record in world["records"].items():
        record.refresh_from_db()
        level = ledger.StockLevel(record.num_in_stock or 0, record.num_allocated or 0)
        assert level == book.stock[side]
        assert 0 <= level.allocated <= level.in_stock
    for side, member in world["members"].items():
        for code, material in world["materials"].items():
            balance = selectors.material_balance(member, material)
            assert balance == book.materials.get((side, code), Decimal(0)) and balance >= 0
    records = StockRecord.objects.filter(pk__in=[r.pk for r in world["records"].values()])
    assert selectors.stock_discrepancies(records) == []
    assert selectors.material_discrepancies(world["members"]["a"]) == []
    assert selectors.material_discrepancies(world["members"]["b"]) == []


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sequence=st.lists(st.tuples(ops, st.integers(0, 7)), min_size=1, max_size=15))
def test_services_match_the_reference_ledger(world, sequence):
    with transaction.atomic():  # each example starts from the same database state
        book = start_reference(world)
        for op, key in sequence:
            step(world, book, op, f"prop-{key}")  # few keys: retries and conflicting reuse happen often
            assert_same(world, book)
        transaction.set_rollback(True)
