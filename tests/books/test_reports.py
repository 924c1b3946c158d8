"""The board's reports: numbers from the postings made through books.services, the CSV of each, who may read
them, and a fixed number of queries whatever the number of members."""

import csv
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from oscar.core.loading import get_model

from books import ledger, reports, selectors, services
from catalog.shop.order import services as order_services

from .conftest import paid_order, record_of, refund

pytestmark = pytest.mark.django_db

ShippingAddress = get_model("order", "ShippingAddress")
Country = get_model("address", "Country")


def ship_to(order, *, country="ID", state="", postcode=""):
    land, _ = Country.objects.get_or_create(
        iso_3166_1_a2=country, defaults={"iso_3166_1_a3": country + "X", "iso_3166_1_numeric": "999", "name": country}
    )
    order.shipping_address = ShippingAddress.objects.create(
        first_name="A", last_name="B", line1="Jl. 1", line4="Kota", state=state, postcode=postcode, country=land
    )
    order.save(update_fields=["shipping_address"])
    return order


def shipped(lines, **address):
    order = paid_order(lines)
    if address:
        ship_to(order, **address)
    order_services.mark_shipped(order=order)
    return order


def rows(report):
    return {row[0]: row[1:] for row in report.rows}


def test_region_rules():
    assert reports.region_of("ID", "DI Yogyakarta", "") == reports.YOGYAKARTA
    assert reports.region_of("ID", "Jawa Tengah", "55281") == reports.YOGYAKARTA
    assert reports.region_of("ID", "Bali", "80361") == reports.INDONESIA
    assert reports.region_of("NL", "DI Yogyakarta", "55281") == reports.EXPORT
    assert reports.region_of(None, None, None) == reports.UNKNOWN


def test_the_reports_match_the_postings(general_fee):
    m01, m02 = record_of("m01"), record_of("m02")
    shipped([(m01, 2, 150000)], state="DI Yogyakarta", postcode="55281")
    shipped([(m01, 1, 100000), (m02, 1, 80000)], state="Jawa Barat", postcode="40115")
    shipped([(m02, 1, 200000)], country="NL", postcode="1011")
    refunded = shipped([(m02, 1, 50000)], state="Bali", postcode="80361")
    refund(refunded, 50000)
    services.charge_monthly_dues()

    built = reports.build()
    members = rows(built["members"])
    assert members["m01"][1] == 400000 and members["m02"][1] == 330000
    assert sum(r[2] for r in built["members"].rows) == 730000
    assert sum(r[1] for r in built["classes"].rows) == 730000
    assert [r[1] for r in built["months"].rows] == [730000]
    regions = {r[0]: (r[1], r[2]) for r in built["regions"].rows}
    assert regions == {"Yogyakarta": (300000, 1), "Rest of Indonesia": (230000, 2), "Export": (200000, 1)}
    # Fee income: 10% of 730,000, less the 5,000 taken back by the refund.
    assert [r[1] for r in built["fees"].rows] == [73000 - 5000]
    # Everyone charged dues whose balance is now below zero; m01 and m02 earned more than the dues.
    arrears = rows(built["arrears"])
    assert "m01" not in arrears and "m02" not in arrears
    owing = {m.code: b for m, b in selectors.members_owing()}
    assert {code: r[1] for code, r in arrears.items()} == owing and owing
    assert all(r[2] == 25000 and r[3] == 1 for r in arrears.values())


def test_a_sale_posting_without_its_line_finds_the_order_by_number(general_fee):
    order = ship_to(paid_order([(record_of("m01"), 1, 100000)]), country="US")
    services.post(
        kind="sale",
        reference=f"{order.number} / a line",
        legs={ledger.member_account("m01"): 1000, ledger.BUYERS: -1000},
        idempotency_key="test:sale:no-line",
    )
    assert {r[0]: r[1] for r in reports.build()["regions"].rows}["Export"] == 1000


def test_each_report_downloads_as_csv(client_as, general_fee):
    shipped([(record_of("m01"), 1, 100000)], state="DI Yogyakarta")
    services.charge_monthly_dues()
    client = client_as("board")
    for name, header in [
        ("members", ["Member", "Name", "Sales (Rp)", "Share (%)"]),
        ("classes", ["Product class", "Sales (Rp)", "Share (%)"]),
        ("months", ["Month", "Sales (Rp)"]),
        ("regions", ["Destination", "Sales (Rp)", "Orders", "Share (%)"]),
        ("fees", ["Month", "Fee income (Rp)"]),
        ("arrears", ["Member", "Name", "Balance (Rp)", "Dues charged (Rp)", "Months"]),
    ]:
        response = client.get(reverse("books:board-reports"), {"format": "csv", "report": name})
        assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
        table = list(csv.reader(io.StringIO(response.content.decode())))
        assert table[0] == header and all(len(row) == len(header) for row in table)
    members = list(
        csv.reader(
            io.StringIO(
                client.get(reverse("books:board-reports"), {"format": "csv", "report": "members"}).content.decode()
            )
        )
    )
    assert members[1][0] == "m01" and members[1][2] == "100000"
    arrears = list(
        csv.reader(
            io.StringIO(
                client.get(reverse("books:board-reports"), {"format": "csv", "report": "arrears"}).content.decode()
            )
        )
    )
    assert arrears[1][2].startswith("-")  # a number stays a number, not escaped
    assert client.get(reverse("books:board-reports"), {"format": "csv", "report": "nope"}).status_code == 404


def test_text_cells_never_run_as_formulas():
    report = reports.Report("x", "x", ["=A", "B"], [["@SUM(1)", -5], ["+1", 3]])
    assert list(csv.reader(io.StringIO(report.csv()))) == [["'=A", "B"], ["'@SUM(1)", "-5"], ["'+1", "3"]]


def test_the_page_shows_tables_and_inline_charts(client_as, general_fee):
    shipped([(record_of("m01"), 1, 100000)], state="DI Yogyakarta")
    page = client_as("board").get(reverse("books:board-reports"))
    text = page.content.decode()
    charts = re.findall(r"<svg.*?</svg>", text, re.S)
    assert page.status_code == 200 and len(charts) >= 4 and not any("<script" in c for c in charts)
    assert "<rect" in charts[0] and "Rp" in charts[0]
    assert 'href="?format=csv&amp;report=members"' in text
    assert reverse("books:board-reports") in client_as("board").get(reverse("books:board")).content.decode()


@pytest.mark.parametrize(
    "role, status", [("anonymous", 302), ("artisan_a", 403), ("buyer", 403), ("board", 200), ("staff", 200)]
)
def test_who_reads_the_reports(client_as, role, status):
    response = client_as(role).get(reverse("books:board-reports"))
    assert response.status_code == status
    if role == "anonymous":
        assert "login" in response["Location"]
    csv_response = client_as(role).get(reverse("books:board-reports"), {"format": "csv", "report": "members"})
    assert csv_response.status_code == status


def _queries(client):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("books:board-reports")).status_code == 200
    return len(captured)


def test_a_fixed_number_of_queries_whatever_the_number_of_members(client_as, general_fee):
    client = client_as("board")
    shipped([(record_of("m01"), 1, 100000)], state="DI Yogyakarta")
    few = _queries(client)
    shipped([(record_of("m02"), 1, 100000), (record_of("m01"), 2, 50000)], country="NL")
    shipped([(record_of("m02"), 1, 70000)], state="Bali")
    services.charge_monthly_dues()  # every member is now in the arrears or the sales
    assert len(reports.build()["arrears"].rows) >= 1
    assert _queries(client) == few
