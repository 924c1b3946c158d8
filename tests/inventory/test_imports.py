"""Onboarding by CSV: dry run, errors by row and column, all or nothing, no prices."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from oscar.core.loading import get_model

from inventory import selectors
from inventory.imports import run_import
from inventory.models import Material, Member, MemberClassCapacity, StockMovement

pytestmark = pytest.mark.django_db
Product = get_model("catalogue", "Product")

MEMBERS = (
    "code,name,owner_email,owner_name,workers,phone,address,latitude,longitude,skills,weekly_capacity,"
    "joined\n"
    "m90,Kulit Sembilan,baru90@guyub.example,Sri Rahayu,3,0812,Jl. Tirtodipuran 9,-7.8101,110.3702,sandal;dompet,12,"
    "2024-03-01\n"
    "m91,Kulit Sembilan Satu,baru91@guyub.example,Budi,8,,Jl. Sisingamangaraja 2,-7.8122,110.3711,tas,30,\n"
)


def test_members_dry_run_writes_nothing_then_import_creates_them():
    preview = run_import("members", MEMBERS, dry_run=True)
    assert preview.ok and not preview.applied and len(preview.rows) == 2
    assert preview.rows[0]["code"] == "m90" and preview.rows[0]["row"] == 2
    assert not Member.objects.filter(code__in=["m90", "m91"]).exists()
    result = run_import("members", MEMBERS, dry_run=False)
    assert result.applied
    m90 = Member.objects.get(code="m90")
    assert (m90.name, m90.workers, m90.size_class, m90.weekly_capacity) == ("Kulit Sembilan", 3, "micro", 12)
    assert sorted(m90.skills.values_list("slug", flat=True)) == ["dompet", "sandal"]
    assert m90.owner.email == "baru90@guyub.example" and not m90.owner.has_usable_password()
    assert Member.objects.get(code="m91").size_class == "small"


def test_member_errors_name_row_and_column_and_nothing_is_written():
    bad = MEMBERS + (
        "m92,Kulit X,not-an-email,,3,,Jl. A,-7.8,110.3,sandal,10,\n"
        "m93,Kulit Y,y@guyub.example,,25,,Jl. B,-7.8,110.3,sandal,10,\n"
        "m01,Kulit Z,z@guyub.example,,2,,Jl. C,-7.8,110.3,kursi,10,\n"
        "m94,Kulit W,w@guyub.example,,2,,Jl. D,-97.8,110.3,,10,kemarin\n"
    )
    result = run_import("members", bad, dry_run=False)
    assert not result.applied
    found = {(e.row, e.column) for e in result.errors}
    assert found == {(4, "owner_email"), (5, "workers"), (6, "code"), (7, "latitude")}
    assert "Row 5, column workers" in str(next(e for e in result.errors if e.row == 5))
    assert not Member.objects.filter(code__in=["m90", "m91", "m92"]).exists()  # all or nothing


@pytest.mark.parametrize("column", ["price", "Harga", "harga_jual", "unit_price"])
def test_a_price_column_is_refused(column):
    content = f"member,upc,quantity,{column}\nm01,GY-X,1,150000\n"
    result = run_import("stock", content, dry_run=True)
    assert not result.ok
    error = next(e for e in result.errors if e.column == column.lower())
    assert error.row == 1 and "price" in error.message.lower()


def test_unknown_and_missing_columns():
    result = run_import("stock", "member,sku\nm01,x\n", dry_run=True)
    assert {(e.row, e.column) for e in result.errors} == {(1, "sku"), (1, "upc"), (1, "quantity")}


def _unstocked_variant(member):
    stocked = selectors.member_stock(member).values_list("product_id", flat=True)
    return Product.objects.filter(structure=Product.CHILD).exclude(pk__in=stocked).order_by("pk").first()


def test_opening_stock_import_records_opening_movements(member_a):
    variant = _unstocked_variant(member_a)
    content = f"member;upc;quantity\nm01;{variant.upc};7\n"  # semicolons, as spreadsheets here often save
    assert run_import("stock", content, dry_run=True).ok
    assert selectors.member_stock(member_a).filter(product=variant).count() == 0
    result = run_import("stock", content, dry_run=False)
    assert result.applied
    record = selectors.member_stock(member_a).get(product=variant)
    assert record.num_in_stock == 7
    assert StockMovement.objects.get(stockrecord=record).kind == "opening"
    again = run_import("stock", content, dry_run=False)  # importing the same file twice
    assert not again.applied and again.errors[0].column == "upc"
    record.refresh_from_db()
    assert record.num_in_stock == 7


def test_opening_stock_errors_keep_everything_out(member_a):
    variant = _unstocked_variant(member_a)
    parent = variant.parent
    content = (
        f"member,upc,quantity\nm01,{variant.upc},3\nm77,{variant.upc},1\nm01,NOPE,1\n"
        f"m01,{parent.upc},1\nm01,{variant.upc},-2\n"
    )
    result = run_import("stock", content, dry_run=False)
    assert {(e.row, e.column) for e in result.errors} == {(3, "member"), (4, "upc"), (5, "upc"), (6, "quantity")}
    assert not selectors.member_stock(member_a).filter(product=variant).exists()


def test_opening_materials_import_respects_units(member_b):
    fresh = Material.objects.create(code="kulit-ular", name="Kulit ular", unit="sqft")
    buckles = Material.objects.create(code="gesper-kuningan", name="Gesper kuningan", unit="piece")
    bad = 'member,material,quantity\nm02,kulit-ular,"12,5"\nm02,gesper-kuningan,2.5\n'
    result = run_import("materials", bad, dry_run=False)
    assert [(e.row, e.column) for e in result.errors] == [(3, "quantity")]
    assert "whole numbers" in result.errors[0].message
    good = 'member,material,quantity\nm02,kulit-ular,"12,5"\nm02,gesper-kuningan,40\n'
    assert run_import("materials", good, dry_run=False).applied
    assert selectors.material_balance(member_b, fresh) == 12.5
    assert selectors.material_balance(member_b, buckles) == 40


def test_import_page_previews_then_imports(client_as):
    client = client_as("board")
    upload = SimpleUploadedFile("members.csv", MEMBERS.encode(), content_type="text/csv")
    preview = client.post("/workspace/board/import/", {"kind": "members", "file": upload})
    html = preview.content.decode()
    assert preview.status_code == 200 and 'id="import-preview"' in html and "m90" in html
    assert not Member.objects.filter(code="m90").exists()
    done = client.post("/workspace/board/import/", {"kind": "members", "content": MEMBERS, "confirm": "1"})
    assert done.status_code == 302
    assert Member.objects.filter(code__in=["m90", "m91"]).count() == 2
    assert not MemberClassCapacity.objects.filter(member__code="m90").exists()


def test_import_page_shows_row_errors(client_as):
    upload = SimpleUploadedFile("stock.csv", b"member,upc,quantity,price\nm01,x,1,5\n", content_type="text/csv")
    html = client_as("board").post("/workspace/board/import/", {"kind": "stock", "file": upload}).content.decode()
    assert 'id="import-errors"' in html and "price" in html
