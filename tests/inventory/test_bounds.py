"""Issue 13, items 4, 6 and 10 (inventory): quantities, balances, workshop profiles and CSV imports stay within
sane bounds (service, form and database check), refusals name the field, and own orders are idempotent."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction
from oscar.core.loading import get_model

from inventory import ledger, selectors, services
from inventory.imports import run_import
from inventory.models import (
    Material,
    MaterialBalance,
    MaterialMovement,
    Member,
    MemberClassCapacity,
    OwnOrder,
    StockMovement,
    WeeklyLoad,
)
from inventory.services import InventoryError

pytestmark = pytest.mark.django_db
Product = get_model("catalogue", "Product")

HUGE = ["9223372036854775807", "1000000000000", str(10**19), str(-(10**19)), "-9223372036854775808"]


def form_key(html: str) -> str:
    return re.search(r'name="idempotency_key" value="([0-9a-f]+)"', html).group(1)


def ledgers_balance():
    call_command("inventory_check")  # raises CommandError when any account differs from its movements


@pytest.fixture
def hide(db):
    """A fresh counted material with no movements yet."""
    return Material.objects.create(code="b13-hide", name="Kulit uji", unit="piece")


# --- Item 4: quantities and balances ----------------------------------------------------------------------


def test_the_bounds_are_named_once():
    assert (ledger.MAX_MOVE, ledger.MAX_BALANCE, ledger.MAX_WEEKLY_CAPACITY) == (100_000, 1_000_000, 1_000)


@pytest.mark.parametrize("quantity", ["9999999999.99", "100000.01", str(10**19), "1e30"])
def test_a_material_purchase_beyond_the_bound_is_refused_naming_the_quantity(member_a, material, key, quantity):
    glue = material("lem")
    before = selectors.material_balance(member_a, glue)
    with pytest.raises(InventoryError, match="quantity must be at most 100000"):
        services.material_move(
            member=member_a, material=glue, kind="purchase", quantity=Decimal(quantity), idempotency_key=key()
        )
    assert selectors.material_balance(member_a, glue) == before
    ledgers_balance()


@pytest.mark.parametrize("change", HUGE)
def test_a_stock_adjustment_beyond_the_bound_is_refused_naming_the_change(member_a, variant_of, key, change):
    _product, record = variant_of(member_a)
    count = StockMovement.objects.count()
    with pytest.raises(InventoryError, match="change must be between -100000 and 100000"):
        services.stock_move(
            stockrecord=record, kind="adjusted", quantity=int(change), reason="x", idempotency_key=key()
        )
    assert StockMovement.objects.count() == count


def test_a_balance_never_passes_its_bound(member_a, hide, key):
    for _ in range(10):
        services.material_move(member=member_a, material=hide, kind="purchase", quantity=100_000, idempotency_key=key())
    assert selectors.material_balance(member_a, hide) == ledger.MAX_BALANCE
    with pytest.raises(InventoryError, match="balance would be 1000001 pieces, more than the limit of 1000000"):
        services.material_move(member=member_a, material=hide, kind="purchase", quantity=1, idempotency_key=key())
    assert selectors.material_balance(member_a, hide) == ledger.MAX_BALANCE
    ledgers_balance()


def test_stock_never_passes_its_bound(member_a, variant_of, key):
    _product, record = variant_of(member_a)
    room = ledger.MAX_BALANCE - (record.num_in_stock or 0)
    while room >= ledger.MAX_MOVE:
        services.stock_move(stockrecord=record, kind="returned", quantity=ledger.MAX_MOVE, idempotency_key=key())
        room -= ledger.MAX_MOVE
    if room:
        services.stock_move(stockrecord=record, kind="returned", quantity=room, idempotency_key=key())
    with pytest.raises(InventoryError, match="more than the limit of 1000000"):
        services.stock_move(stockrecord=record, kind="adjusted", quantity=1, reason="x", idempotency_key=key())
    record.refresh_from_db()
    assert record.num_in_stock == ledger.MAX_BALANCE
    ledgers_balance()


def test_the_in_memory_ledger_has_the_same_bounds():
    book = ledger.Ledger()
    for n in range(10):
        book.material_move("a", "purchase", 100_000, 0, key=f"m{n}")
    with pytest.raises(ledger.OutOfBounds):
        book.material_move("a", "purchase", 1, 0, key="over")
    book.materials["b"] = Decimal(5)
    with pytest.raises(ledger.OutOfBounds):  # the receiver would pass the bound: neither side changes
        book.material_transfer("b", "a", "transfer", 1, 0, key="t")
    with pytest.raises(ledger.OutOfBounds):
        book.stock_move("s", "produced", 100_001, key="s1")
    assert book.materials["a"] == ledger.MAX_BALANCE and book.materials["b"] == 5


@pytest.mark.parametrize(
    "statement",
    [
        lambda m, mat: MaterialBalance.objects.filter(member=m).update(quantity=Decimal("2000000")),
        lambda m, mat: MaterialMovement(
            member=m, material=mat, kind="adjusted", delta=Decimal("-2000000"), idempotency_key="b13-db-delta"
        ).save(),
        lambda m, mat: Member.objects.filter(pk=m.pk).update(weekly_capacity=10**6),
        lambda m, mat: Member.objects.filter(pk=m.pk).update(latitude=Decimal("999")),
        lambda m, mat: Member.objects.filter(pk=m.pk).update(longitude=Decimal("-181")),
        lambda m, mat: Member.objects.filter(pk=m.pk).update(joined=datetime.date(1, 1, 1)),
        lambda m, mat: OwnOrder.objects.create(
            member=m, product_class=m.skills.first(), quantity=10**6, due_week=datetime.date(2026, 1, 5)
        ),
    ],
)
def test_the_database_refuses_what_the_services_refuse(member_a, material, statement):
    with pytest.raises(IntegrityError), transaction.atomic():
        statement(member_a, material("lem"))


@pytest.mark.parametrize("change", HUGE + ["1e5", "12.5", ""])
def test_the_adjust_form_refuses_huge_changes_on_the_field(client_as, member_a, variant_of, change):
    _product, record = variant_of(member_a)
    client = client_as("artisan_a")
    url = f"/workspace/m01/stock/{record.pk}/adjust/"
    response = client.post(
        url, {"change": change, "reason": "dihitung", "idempotency_key": form_key(client.get(url).content.decode())}
    )
    assert response.status_code == 200
    assert re.search(
        r'data-field="change"|id="id_change"[^>]*is-invalid|is-invalid[^>]*id="id_change"', response.content.decode()
    )
    assert not StockMovement.objects.filter(stockrecord=record, kind="adjusted", reason="dihitung").exists()
    assert client.get("/workspace/m01/history/").status_code == 200
    ledgers_balance()


def test_a_huge_purchase_through_the_form_changes_nothing_and_every_page_still_works(client_as, member_a, material):
    glue = material("lem")
    before = selectors.material_balance(member_a, glue)
    client = client_as("artisan_a")
    url = "/workspace/m01/materials/lem/"
    response = client.post(url, {"kind": "purchase", "quantity": "9999999999.99", "idempotency_key": "b13-huge"})
    assert response.status_code == 200
    assert "Ensure this value is less than or equal to 100000" in response.content.decode()
    assert selectors.material_balance(member_a, glue) == before
    for page in ("/workspace/m01/materials/", url, "/pool/w/m01/", "/workspace/m01/history/?show=materials"):
        assert client.get(page).status_code == 200
    assert client_as("board").get("/workspace/board/check/").status_code == 200
    ledgers_balance()


# --- Item 6: the board's workshop form --------------------------------------------------------------------


def _profile(member, **changes):
    sandal = member.skills.order_by("pk").first()
    data = {
        "name": member.name,
        "workers": member.workers,
        "phone": member.phone,
        "address": member.address,
        "latitude": str(member.latitude),
        "longitude": str(member.longitude),
        "weekly_capacity": member.weekly_capacity,
        "joined": member.joined.isoformat(),
        "status": member.status,
        "skills": [sandal.pk],
    }
    data.update({k.replace("SANDAL", str(sandal.pk)): v for k, v in changes.items()})
    return data


@pytest.mark.parametrize(
    "field,value,message",
    [
        ("capacity_SANDAL", str(10**19), "less than or equal to 1000"),
        ("weekly_capacity", str(10**12), "less than or equal to 1000"),
        ("weekly_capacity", "1001", "less than or equal to 1000"),
        ("latitude", "999", "less than or equal to 90"),
        ("longitude", "-180.5", "greater than or equal to -180"),
        ("joined", "0001-01-01", "cannot be before 1990-01-01"),
        ("joined", "9999-12-31", "cannot be in the future"),
    ],
)
def test_the_board_form_refuses_out_of_range_profiles_on_the_field(client_as, member_a, field, value, message):
    before = Member.objects.values().get(pk=member_a.pk)
    response = client_as("board").post("/workspace/m01/profile/", _profile(member_a, **{field: value}))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Member.objects.values().get(pk=member_a.pk) == before
    assert not MemberClassCapacity.objects.filter(member=member_a, weekly_capacity__gt=1000).exists()


def test_the_profile_service_refuses_naming_the_field(member_a):
    sandal = member_a.skills.first()
    with pytest.raises(InventoryError, match="Weekly capacity for .* from 0 to 1000"):
        services.member_update(member=member_a, class_capacities={sandal: 10**19})
    with pytest.raises(InventoryError, match=r"Weekly capacity \(units\):"):
        services.member_update(member=member_a, weekly_capacity=10**12)
    with pytest.raises(InventoryError, match="Latitude:"):
        services.member_update(member=member_a, latitude=Decimal("999"))
    with pytest.raises(InventoryError, match="Joined:"):
        services.member_update(member=member_a, joined=datetime.date(1, 1, 1))
    with pytest.raises(InventoryError, match="name must be at most 128"):
        services.member_update(member=member_a, name="x" * 10_000)


# --- Item 6: CSV imports ------------------------------------------------------------------------------------


def _variant_not_stocked_by(member):
    stocked = member.partner.stockrecords.values_list("product_id", flat=True)
    return (
        Product.objects.filter(structure=Product.CHILD).exclude(pk__in=stocked).exclude(upc="").first()
        or Product.objects.filter(structure=Product.STANDALONE).exclude(pk__in=stocked).exclude(upc="").first()
    )


@pytest.mark.parametrize("quantity", [str(10**19), "100001", "9" * 5000])
def test_a_huge_stock_quantity_in_a_csv_is_a_row_error(member_a, quantity):
    product = _variant_not_stocked_by(member_a)
    result = run_import("stock", f"member,upc,quantity\nm01,{product.upc},{quantity}\n", dry_run=False)
    assert not result.applied
    assert [(e.row, e.column) for e in result.errors] == [(2, "quantity")]


def test_a_huge_material_quantity_in_a_csv_is_a_row_error(hide):
    result = run_import("materials", f"member,material,quantity\nm01,{hide.code},{10**19}\n", dry_run=False)
    assert [(e.row, e.column) for e in result.errors] == [(2, "quantity")]
    assert "at most 100000" in result.errors[0].message


def test_the_same_member_and_variant_twice_refuses_the_whole_file(member_a):
    product = _variant_not_stocked_by(member_a)
    content = f"member,upc,quantity\nm01,{product.upc},3\nm01,{product.upc},4\n"
    result = run_import("stock", content, dry_run=False)
    assert not result.applied
    assert [(e.row, e.column) for e in result.errors] == [(3, "upc")]
    assert "Row 2 already gives this member and item" in result.errors[0].message
    assert (
        services.stockrecord_for(member=member_a, product=product, create=False) is None
        or not StockMovement.objects.filter(
            stockrecord__product=product, stockrecord__partner=member_a.partner
        ).exists()
    )


def test_the_same_member_and_material_twice_refuses_the_whole_file(hide):
    result = run_import(
        "materials",
        f"member,material,quantity\nm01,{hide.code},3\nm02,{hide.code},1\nm01,{hide.code},4\n",
        dry_run=False,
    )
    assert not result.applied and [(e.row, e.column) for e in result.errors] == [(4, "material")]
    assert not MaterialMovement.objects.filter(material=hide).exists()


HEADER = "code,name,owner_email,workers,address,latitude,longitude,weekly_capacity,joined\n"


@pytest.mark.parametrize(
    "row,column",
    [
        ("m95,{long},b95@guyub.example,3,Jl. A,-7.8,110.3,12,", "name"),
        ("m95,Kulit,b95@guyub.example,3,{long},-7.8,110.3,12,", "address"),
        ("m95,Kulit,b95@guyub.example,3,Jl. A,-7.8,110.3,10000000000000000000,", "weekly_capacity"),
        ("m95,Kulit,b95@guyub.example,3,Jl. A,-7.8,110.3,1001,", "weekly_capacity"),
        ("m95,Kulit,b95@guyub.example,3,Jl. A,-7.8,110.3,12,0001-01-01", "joined"),
        ("m95,Kulit,b95@guyub.example,3,Jl. A,-7.8,110.3,12,9999-12-31", "joined"),
        ("m95{long},Kulit,b95@guyub.example,3,Jl. A,-7.8,110.3,12,", "code"),
    ],
)
def test_member_rows_out_of_bounds_are_refused_by_column(row, column):
    result = run_import("members", HEADER + row.format(long="x" * 10_000) + "\n", dry_run=False)
    assert not result.applied and [(e.row, e.column) for e in result.errors] == [(2, column)]
    assert not Member.objects.filter(code__startswith="m95").exists()


# --- Item 10: own orders are idempotent --------------------------------------------------------------------


def test_replays_of_one_own_order_post_record_one_order(client_as, member_a):
    client = client_as("artisan_a")
    html = client.get("/workspace/m01/capacity/").content.decode()
    week = selectors.current_week() + datetime.timedelta(weeks=3)
    data = {
        "product_class": member_a.skills.first().pk,
        "quantity": 4,
        "due_week": week.isoformat(),
        "note": "Replay",
        "idempotency_key": form_key(html),
    }
    before = OwnOrder.objects.filter(member=member_a).count()
    for _ in range(5):
        assert client.post("/workspace/m01/orders/own/", data).status_code == 302
    assert OwnOrder.objects.filter(member=member_a).count() == before + 1
    order = OwnOrder.objects.get(idempotency_key=data["idempotency_key"])
    assert WeeklyLoad.objects.filter(source=order.load_source).count() == 1


def test_the_own_order_service_returns_the_first_order_for_a_replayed_key(member_a, key):
    week = selectors.current_week() + datetime.timedelta(weeks=1)
    pc = member_a.skills.first()
    k = key()
    first = services.own_order_create(member=member_a, product_class=pc, quantity=2, due_week=week, idempotency_key=k)
    again = services.own_order_create(member=member_a, product_class=pc, quantity=2, due_week=week, idempotency_key=k)
    assert again.pk == first.pk
    with pytest.raises(InventoryError, match="already used for a different change"):
        services.own_order_create(member=member_a, product_class=pc, quantity=3, due_week=week, idempotency_key=k)
    with pytest.raises(InventoryError, match="at most 100000"):
        services.own_order_create(member=member_a, product_class=pc, quantity=10**19, due_week=week)
