"""Price sheets: a dry-run preview names every bad row and column; applying is all-or-nothing and only proposes."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from catalog import services
from catalog.models import AgreedPrice, PriceProposal

from .conftest import codes

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_products(make_product, agree):
    a, b = make_product(), make_product()
    agree(a, 150_000)
    agree(b, 100_000)
    return a, b


def _client(client_as):
    client = client_as("board")
    client.cookies["django_language"] = "en"
    return client


def test_dry_run_preview_shows_changes_and_writes_nothing(client_as, two_products):
    a, b = two_products
    later = (timezone.localtime() + timedelta(days=20)).strftime("%Y-%m-%d 09:00")
    sheet = f"sku,price,effective_from,reason\n{a.upc},160.000,{later},\n{b.upc},100000,,\n"
    before = PriceProposal.objects.count()
    response = _client(client_as).post("/prices/import/", {"text": sheet, "preview": "1"})
    assert response.status_code == 200
    check = response.context["check"]
    assert check.ok and [r.sku for r in check.changes] == [a.upc]
    html = response.content.decode()
    assert "Rp 150.000" in html and "Rp 160.000" in html and "Will be proposed" in html and "No change" in html
    assert 'id="apply"' in html
    assert PriceProposal.objects.count() == before


def test_bad_rows_are_reported_by_row_and_column_and_nothing_is_applied(client_as, two_products):
    a, b = two_products
    sheet = (
        "sku,price,effective_from,reason\n"
        f"{a.upc},155000,,\n"  # row 2 fine
        "GY-NOPE,100000,,\n"  # row 3 unknown
        f"{b.upc},99999.5,,\n"  # row 4 not whole rupiah
        f"{b.upc},0,,\n"  # row 5 not positive
        f"{a.upc},300000,,\n"  # row 6 +100% without a reason
        f"{b.upc},101000,31-12-2026,\n"  # row 7 bad date
    )
    before = (PriceProposal.objects.count(), AgreedPrice.objects.count())
    client = _client(client_as)
    for action in ("preview", "apply"):
        response = client.post("/prices/import/", {"text": sheet, action: "1"})
        assert response.status_code == 200
        problems = {(p.row, p.column, p.code) for p in response.context["check"].problems}
        assert problems == {
            (3, "sku", "unknown_sku"),
            (4, "price", "not_whole_rupiah"),
            (5, "price", "not_positive"),
            (6, "reason", "reason_required"),
            (7, "effective_from", "bad_date"),
        }
        html = response.content.decode()
        assert "Row 3, column “sku”: No product has the SKU “GY-NOPE”." in html
        assert "Row 6, column “reason”: A change of 100% is more than the board&#x27;s 30%: give a reason." in html
        assert 'id="apply"' not in html and 'id="nothing-applied"' in html
    assert (PriceProposal.objects.count(), AgreedPrice.objects.count()) == before


def test_apply_creates_proposals_that_still_need_the_quorum(client_as, two_products, board_user):
    a, b = two_products
    sheet = f"sku;price;min_quantity;reason\n{a.upc};165.000;1;\n{b.upc};90000;12;grosir\n"
    response = _client(client_as).post("/prices/import/", {"text": sheet, "apply": "1"})
    assert response.status_code == 302 and response["Location"] == "/prices/proposals/?show=pending"
    made = PriceProposal.objects.filter(product__in=[a, b], status="pending", source="sheet").order_by("product__upc")
    assert [(p.product_id, p.amount, p.min_quantity, p.proposed_by) for p in made] == [
        (a.pk, Decimal("165000"), 1, board_user),
        (b.pk, Decimal("90000"), 12, board_user),
    ]
    assert not AgreedPrice.objects.filter(proposal__in=made).exists()  # nothing in force before the board votes
    assert [p.previous_amount for p in made] == [Decimal("150000"), None]  # b had no tier from 12 yet


def test_upload_a_file_and_bad_files(client_as, two_products):
    from django.core.files.uploadedfile import SimpleUploadedFile

    a, _b = two_products
    client = _client(client_as)
    upload = SimpleUploadedFile("harga.csv", f"\ufeffsku,price\n{a.upc},151000\n".encode(), "text/csv")
    response = client.post("/prices/import/", {"file": upload, "preview": "1"})
    assert response.context["check"].ok
    latin = SimpleUploadedFile("harga.csv", "sku,price\nTas kulit \xe9,1\n".encode("latin-1"), "text/csv")
    response = client.post("/prices/import/", {"file": latin, "preview": "1"})
    assert response.status_code == 200 and "file" in response.context["form"].errors
    response = client.post("/prices/import/", {"text": "", "preview": "1"})
    assert response.status_code == 200 and "file" in response.context["form"].errors
    response = client.post("/prices/import/", {"text": "nama,jumlah\nx,1\n", "preview": "1"})
    assert {(p.row, p.column) for p in response.context["check"].problems} == {(1, "sku"), (1, "price")}


def test_apply_service_is_all_or_nothing(two_products, board_user):
    a, b = two_products
    with translation.override("en"):
        result = services.apply_price_sheet(text=f"sku,price\n{a.upc},151000\n{b.upc},x\n", proposed_by=board_user)
    assert not result.check.ok and result.proposals == []
    assert not PriceProposal.objects.filter(product=a, status="pending").exists()
    result = services.apply_price_sheet(text=f"sku,price\n{a.upc},151000\n{b.upc},101000\n", proposed_by=board_user)
    assert len(result.proposals) == 2


def test_apply_refuses_a_sheet_the_board_cannot_approve(two_products, board_user):
    a, _b = two_products
    services.update_price_rules(quorum=3, change_threshold_percent=30, changed_by=board_user)
    with pytest.raises(ValidationError) as refused:
        services.apply_price_sheet(text=f"sku,price\n{a.upc},151000\n", proposed_by=board_user)
    assert codes(refused.value) == {"__all__": ["quorum_unreachable"]}
    assert not PriceProposal.objects.filter(product=a, status="pending").exists()
