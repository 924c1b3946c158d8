"""Issue 13 item 13: the board's price export cannot smuggle spreadsheet formulas (CSV injection), and the
exported file still reads back as a price sheet."""

import csv
import io
from decimal import Decimal

import pytest

from catalog.models import PriceProposal
from common.cells import escape_cell, unescape_cell

pytestmark = pytest.mark.django_db

DANGEROUS = ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\tTab", "\rReturn"]


@pytest.mark.parametrize("text", DANGEROUS)
def test_cells_that_start_like_a_formula_are_quoted_and_read_back(text):
    assert escape_cell(text) == "'" + text
    assert unescape_cell(escape_cell(text)) == text


def test_plain_cells_and_the_users_own_quotes_are_left_alone():
    for text in ["Tas kulit", "'quoted by hand", "150000", "", "a=b"]:
        assert escape_cell(text) == text and unescape_cell(text) == text


def _export(client):
    response = client.get("/prices/export.csv")
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.content.decode().lstrip("\ufeff"))))


def test_export_quotes_formula_titles_and_skus(client_as, make_product, agree):
    product = make_product(title='=HYPERLINK("http://evil.example","klik")')
    product.upc = "-TEST-INJ"
    product.save()
    agree(product, 150_000)
    rows = {row[0]: row for row in _export(client_as("board"))[1:]}
    row = rows["'-TEST-INJ"]
    assert row[1].startswith("'=HYPERLINK(")
    every_cell = [cell for r in rows.values() for cell in r]
    assert not [cell for cell in every_cell if cell.startswith(("=", "+", "-", "@", "\t", "\r"))]


def test_exported_sheet_round_trips_through_the_import(client_as, make_product, agree, board_user):
    product = make_product(title="@Tas Jebakan")
    product.upc = "=TEST-RT"
    product.save()
    agree(product, 150_000)
    client = client_as("board")
    header, *rows = _export(client)
    mine = [r for r in rows if r[0] == "'=TEST-RT"]
    assert mine and mine[0][header.index("price")] == "150000"
    mine[0][header.index("price")] = "160000"  # the board edits the price in its spreadsheet
    out = io.StringIO()
    csv.writer(out).writerows([header, *mine])
    response = client.post("/prices/import/", {"text": out.getvalue(), "apply": "1"})
    assert response.status_code == 302
    proposal = PriceProposal.objects.get(product=product, status="pending", source="sheet")
    assert proposal.amount == Decimal("160000") and proposal.proposed_by == board_user
