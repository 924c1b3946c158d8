"""The stock and material services on the database: movements, refusals, transfers, idempotency, production."""

from decimal import Decimal

import pytest
from oscar.core.loading import get_model

from inventory import selectors, services
from inventory.models import AppendOnlyError, MaterialMovement, Production, StockMovement
from inventory.services import InventoryError

StockRecord = get_model("partner", "StockRecord")

pytestmark = pytest.mark.django_db


def level(record):
    record.refresh_from_db()
    return record.num_in_stock or 0, record.num_allocated or 0


# --- Stock ---------------------------------------------------------------------------------------


def test_adjustment_changes_stock_and_writes_one_movement(member_a, variant_of, key):
    _, record = variant_of(member_a)
    before = level(record)[0]
    movement = services.stock_move(
        stockrecord=record, kind="adjusted", quantity=-1 if before else 3, reason="counted", idempotency_key=key()
    )
    assert level(record)[0] == before + movement.in_stock_delta
    assert selectors.stock_discrepancies(StockRecord.objects.filter(pk=record.pk)) == []


def test_stock_never_goes_negative(member_a, variant_of, key):
    _, record = variant_of(member_a)
    have = level(record)[0]
    with pytest.raises(InventoryError, match=f"{have + 1} needed, {have} free"):
        services.stock_move(
            stockrecord=record, kind="adjusted", quantity=-(have + 1), reason="lost", idempotency_key=key()
        )
    assert level(record)[0] == have
    assert not StockMovement.objects.filter(stockrecord=record, kind="adjusted").exists()


def test_allocated_units_are_not_free(member_a, variant_of, key):
    _, record = variant_of(member_a)
    services.stock_move(stockrecord=record, kind="produced", quantity=2, idempotency_key=key())
    in_stock, _ = level(record)
    services.stock_move(stockrecord=record, kind="allocated", quantity=in_stock, idempotency_key=key())
    with pytest.raises(InventoryError):
        services.stock_move(stockrecord=record, kind="allocated", quantity=1, idempotency_key=key())
    with pytest.raises(InventoryError):
        services.stock_move(stockrecord=record, kind="adjusted", quantity=-1, reason="x", idempotency_key=key())
    services.stock_move(stockrecord=record, kind="shipped", quantity=1, idempotency_key=key())
    assert level(record) == (in_stock - 1, in_stock - 1)
    services.stock_move(stockrecord=record, kind="deallocated", quantity=in_stock - 1, idempotency_key=key())
    assert level(record) == (in_stock - 1, 0)
    with pytest.raises(InventoryError):
        services.stock_move(stockrecord=record, kind="deallocated", quantity=1, idempotency_key=key())
    assert selectors.stock_discrepancies(StockRecord.objects.filter(pk=record.pk)) == []


def test_adjustment_needs_a_reason(member_a, variant_of, key):
    _, record = variant_of(member_a)
    with pytest.raises(InventoryError, match="reason"):
        services.stock_move(stockrecord=record, kind="adjusted", quantity=1, reason=" ", idempotency_key=key())


def test_same_key_applies_once_and_a_different_request_with_it_is_refused(member_a, variant_of, key):
    _, record = variant_of(member_a)
    k = key()
    first = services.stock_move(stockrecord=record, kind="produced", quantity=2, idempotency_key=k)
    after = level(record)
    again = services.stock_move(stockrecord=record, kind="produced", quantity=2, idempotency_key=k)
    assert again.pk == first.pk and level(record) == after
    with pytest.raises(InventoryError, match="already used"):
        services.stock_move(stockrecord=record, kind="produced", quantity=3, idempotency_key=k)


def test_transfer_writes_two_movements_and_creates_the_receivers_stockrecord(member_a, member_b, variant_of, key):
    product, record = variant_of(member_a)
    services.stock_move(stockrecord=record, kind="produced", quantity=3, idempotency_key=key())
    a_before = level(record)[0]
    target = services.stockrecord_for(member=member_b, product=product, create=False)
    b_before = level(target)[0] if target else 0
    out_leg, in_leg = services.stock_transfer(stockrecord=record, to_member=member_b, quantity=2, idempotency_key=key())
    assert out_leg.transfer == in_leg.transfer and out_leg.counterpart == member_b and in_leg.counterpart == member_a
    assert level(record)[0] == a_before - 2
    assert level(in_leg.stockrecord)[0] == b_before + 2
    assert in_leg.stockrecord.partner_id == member_b.partner_id
    assert selectors.stock_discrepancies() == []


def test_transfer_refuses_more_than_free_and_to_itself(member_a, member_b, variant_of, key):
    _, record = variant_of(member_a)
    movements_before = StockMovement.objects.count()
    with pytest.raises(InventoryError, match="two different members"):
        services.stock_transfer(stockrecord=record, to_member=member_a, quantity=1, idempotency_key=key())
    with pytest.raises(InventoryError, match="Not enough stock"):
        services.stock_transfer(
            stockrecord=record, to_member=member_b, quantity=level(record)[0] + 1, idempotency_key=key()
        )
    assert StockMovement.objects.count() == movements_before


def test_checker_page_reports_balanced_ledgers(client_as):
    assert 'id="ledger-ok"' in client_as("board").get("/workspace/board/check/").content.decode()


def test_movements_are_append_only(member_a, variant_of, key):
    _, record = variant_of(member_a)
    movement = services.stock_move(stockrecord=record, kind="produced", quantity=1, idempotency_key=key())
    movement.in_stock_delta = 100
    with pytest.raises(AppendOnlyError):
        movement.save()
    with pytest.raises(AppendOnlyError):
        movement.delete()
    with pytest.raises(AppendOnlyError):
        StockMovement.objects.filter(pk=movement.pk).update(in_stock_delta=100)
    with pytest.raises(AppendOnlyError):
        StockMovement.objects.filter(pk=movement.pk).delete()
    with pytest.raises(AppendOnlyError):
        MaterialMovement.objects.all().delete()


def test_checker_sees_a_stockrecord_changed_outside_the_ledger(member_a, variant_of, client_as):
    _, record = variant_of(member_a)
    StockRecord.objects.filter(pk=record.pk).update(num_in_stock=(record.num_in_stock or 0) + 5)
    off = selectors.stock_discrepancies()
    assert [row["pk"] for row in off] == [record.pk]
    assert 'id="ledger-off"' in client_as("board").get("/workspace/board/check/").content.decode()


# --- Materials -----------------------------------------------------------------------------------


def test_purchase_and_adjustment_of_material(member_a, material, key):
    leather = material("kulit-sapi-a")
    before = selectors.material_balance(member_a, leather)
    services.material_move(member=member_a, material=leather, kind="purchase", quantity="10.25", idempotency_key=key())
    services.material_move(
        member=member_a, material=leather, kind="adjusted", quantity="-0.25", reason="offcut", idempotency_key=key()
    )
    assert selectors.material_balance(member_a, leather) == before + Decimal("10.00")
    assert selectors.material_discrepancies(member_a) == []


def test_counted_materials_take_whole_numbers_and_measured_ones_two_places(member_a, material, key):
    with pytest.raises(InventoryError, match="whole numbers"):
        services.material_move(
            member=member_a, material=material("gesper"), kind="purchase", quantity="1.5", idempotency_key=key()
        )
    with pytest.raises(InventoryError, match="2 decimal places"):
        services.material_move(
            member=member_a, material=material("benang"), kind="purchase", quantity="1.005", idempotency_key=key()
        )


def test_material_balance_never_goes_negative(member_a, material, key):
    glue = material("lem")
    have = selectors.material_balance(member_a, glue)
    with pytest.raises(InventoryError, match="Not enough (Lem kuning|Contact glue)"):
        services.material_move(
            member=member_a,
            material=glue,
            kind="adjusted",
            quantity=-(have + Decimal("0.01")),
            reason="spilt",
            idempotency_key=key(),
        )
    assert selectors.material_balance(member_a, glue) == have


def test_loan_is_two_balanced_movements(member_a, member_b, material, key):
    soles = material("sol-karet")
    services.material_move(member=member_a, material=soles, kind="purchase", quantity=10, idempotency_key=key())
    a0, b0 = selectors.material_balance(member_a, soles), selectors.material_balance(member_b, soles)
    lent, borrowed = services.material_transfer(
        from_member=member_a,
        to_member=member_b,
        material=soles,
        quantity=4,
        purpose="loan",
        idempotency_key=key(),
        source="loan:1",
    )
    assert (lent.kind, lent.delta, borrowed.kind, borrowed.delta) == ("lent", -4, "borrowed", 4)
    assert lent.transfer == borrowed.transfer
    returned, received = services.material_transfer(
        from_member=member_b, to_member=member_a, material=soles, quantity=4, purpose="return", idempotency_key=key()
    )
    assert (returned.kind, received.kind) == ("returned", "return_received")
    assert selectors.material_balance(member_a, soles) == a0
    assert selectors.material_balance(member_b, soles) == b0
    assert selectors.material_discrepancies() == []


def test_loan_refused_when_the_lender_lacks_the_material(member_a, member_b, material, key):
    thread = material("benang")
    have = selectors.material_balance(member_a, thread)
    with pytest.raises(InventoryError, match="Not enough"):
        services.material_transfer(
            from_member=member_a,
            to_member=member_b,
            material=thread,
            quantity=have + 1,
            purpose="loan",
            idempotency_key=key(),
        )
    assert not MaterialMovement.objects.filter(
        kind__in=["lent", "borrowed"], member__in=[member_a, member_b], material=thread
    ).exists()


def test_transfer_kinds_cannot_be_recorded_one_sided(member_a, material, key):
    with pytest.raises(InventoryError, match="transfer"):
        services.material_move(
            member=member_a, material=material("gesper"), kind="borrowed", quantity=1, idempotency_key=key()
        )


# --- Production ----------------------------------------------------------------------------------


def test_production_adds_stock_and_consumes_the_bill(member_a, variant_of, key):
    product, record = variant_of(member_a)
    bill = selectors.bill_for(product)
    for m, per_unit in bill.items():  # make sure there is enough
        services.material_move(
            member=member_a, material=m, kind="purchase", quantity=per_unit * 3, idempotency_key=key()
        )
    before_stock = level(record)[0]
    before = {m: selectors.material_balance(member_a, m) for m in bill}
    production = services.production_record(member=member_a, product=product, quantity=2, idempotency_key=key())
    assert level(record)[0] == before_stock + 2
    for m, per_unit in bill.items():
        assert selectors.material_balance(member_a, m) == before[m] - 2 * per_unit
    assert production.stock_movements.get().in_stock_delta == 2
    assert production.material_movements.count() == len(bill)
    assert selectors.stock_discrepancies() == [] and selectors.material_discrepancies() == []


def test_production_refused_as_a_whole_naming_the_short_material(member_a, variant_of, key):
    product, record = variant_of(member_a)
    bill = selectors.bill_for(product)
    short_material, per_unit = next(iter(bill.items()))
    have = selectors.material_balance(member_a, short_material)
    units = int(have / per_unit) + 1  # one unit more than the material allows
    for m, q in bill.items():
        if m != short_material:
            services.material_move(
                member=member_a, material=m, kind="purchase", quantity=q * units, idempotency_key=key()
            )
    stock_before = level(record)[0]
    balances_before = {m: selectors.material_balance(member_a, m) for m in bill}
    short = per_unit * units - have
    with pytest.raises(InventoryError) as refused:
        services.production_record(member=member_a, product=product, quantity=units, idempotency_key=key())
    message = refused.value.messages[0]
    assert short_material.display_name in message and short_material.format(short) in message
    assert level(record)[0] == stock_before
    assert {m: selectors.material_balance(member_a, m) for m in bill} == balances_before
    assert not Production.objects.filter(member=member_a, quantity=units, product=product).exists()


def test_production_retried_with_the_same_key_applies_once(member_a, variant_of, key):
    product, record = variant_of(member_a)
    for m, per_unit in selectors.bill_for(product).items():
        services.material_move(member=member_a, material=m, kind="purchase", quantity=per_unit, idempotency_key=key())
    k = key()
    first = services.production_record(member=member_a, product=product, quantity=1, idempotency_key=k)
    stock_after = level(record)[0]
    assert services.production_record(member=member_a, product=product, quantity=1, idempotency_key=k).pk == first.pk
    assert level(record)[0] == stock_after


def test_production_of_a_class_the_member_does_not_make_is_refused(member_a, key):
    Product = get_model("catalogue", "Product")
    foreign = (
        Product.objects.filter(structure=Product.CHILD)
        .exclude(parent__product_class__in=member_a.skills.all())
        .exclude(stockrecords__partner_id=member_a.partner_id)
        .first()
    )
    if foreign is None:
        pytest.skip("m01 makes every class in the small seed")
    with pytest.raises(InventoryError, match="does not make"):
        services.production_record(member=member_a, product=foreign, quantity=1, idempotency_key=key())


def test_bill_levels_variant_beats_product_beats_class(material):
    from inventory.models import BillLine

    Product = get_model("catalogue", "Product")
    variant = Product.objects.filter(structure=Product.CHILD).order_by("pk").first()
    parent, product_class = variant.parent, variant.get_product_class()
    BillLine.objects.filter(product__in=[parent, *parent.children.all()]).delete()
    BillLine.objects.filter(product_class=product_class).delete()
    glue, thread, buckles = material("lem"), material("benang"), material("gesper")
    BillLine.objects.create(product_class=product_class, material=glue, quantity=Decimal("0.10"))
    BillLine.objects.create(product_class=product_class, material=thread, quantity=Decimal("2.00"))
    BillLine.objects.create(product_class=product_class, material=buckles, quantity=Decimal("1"))
    BillLine.objects.create(product=parent, material=thread, quantity=Decimal("3.00"))
    BillLine.objects.create(product=parent, material=buckles, quantity=Decimal("0"))  # the model has none
    BillLine.objects.create(product=variant, material=thread, quantity=Decimal("4.50"))
    assert selectors.bill_for(variant) == {glue: Decimal("0.10"), thread: Decimal("4.50")}
    sibling = parent.children.exclude(pk=variant.pk).first()
    assert selectors.bill_for(sibling) == {glue: Decimal("0.10"), thread: Decimal("3.00")}
