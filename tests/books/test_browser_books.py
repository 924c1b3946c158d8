"""The money books in a real browser (real server, Chromium): an artisan opens this month's statement and
downloads it as PDF; one board member makes a payout run and another approves it (maker and checker); staff
download the bank-transfer file; the checker also opens the fairness report from the board's reports.
Screenshots in test-artifacts/books-*.png."""

from __future__ import annotations

import csv
import io
import re
import zlib
from pathlib import Path

import pytest

from tests.browser_fixtures import ARTIFACTS, login, shell_json

pytestmark = pytest.mark.browser
SALE = 275_000

# Run inside the server's own database (a copy of the seeded one): a sale credited to m01 this month, and m01's
# bank account, asked for by its owner and confirmed by the board (so m01 is due a payout).
SETUP = r"""
import json
from django.contrib.auth import get_user_model
from books import ledger, selectors, services
from books.models import BankAccount, BooksSettings
from inventory.models import Member

board = get_user_model().objects.get(email="board3@guyub.example")
member = Member.objects.select_related("partner", "owner").get(code="m01")
services.post(kind="sale", reference="BROWSER-1 / Tas selempang", idempotency_key="browser:books:sale",
              legs={ledger.member_account("m01"): %(sale)d, ledger.BUYERS: -%(sale)d})
if not BankAccount.objects.filter(member=member, status=BankAccount.Status.CONFIRMED).exists():
    asked = services.bank_account_request(member=member, bank="BRI", number="0123 4567 8901", holder=member.name,
                                          user=member.owner)
    services.bank_account_decide(bank_account=asked, confirm=True, user=board)
account = BankAccount.objects.get(member=member, status=BankAccount.Status.CONFIRMED)
print(json.dumps({"name": member.name, "balance": selectors.member_balances()[member.pk],
                  "minimum": BooksSettings.current().payout_minimum,
                  "bank": account.bank, "number": account.number, "holder": account.holder}))
"""


@pytest.fixture(scope="module")
def books_shop(live_shop):
    facts = shell_json(live_shop.database_url, SETUP % {"sale": SALE})
    assert facts["balance"] >= max(SALE, facts["minimum"])
    return live_shop, facts


def _as(page, base, email):
    page.context.clear_cookies()
    login(page, base, email)
    page.wait_for_load_state()


def _pdf_text(data: bytes) -> str:
    """The text drawn in a PDF of fpdf2's core fonts: its content streams, inflated."""
    text = []
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        try:
            text.append(zlib.decompress(stream).decode("latin-1"))
        except zlib.error:
            text.append(stream.decode("latin-1"))
    return "\n".join(text)


def _shot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"books-{name}.png"), full_page=True)


def test_statement_pdf_payout_run_and_transfer_file(books_shop, browser_page):
    shop, facts = books_shop
    page, base = browser_page, shop.url

    # The artisan: this month's statement, then its PDF.
    _as(page, base, "artisan01@guyub.example")
    page.goto(f"{base}/books/statement/m01/")
    assert "BROWSER-1 / Tas selempang" in page.inner_text(".books-table")
    assert int(page.get_attribute("[data-closing]", "data-closing")) == facts["balance"]
    _shot(page, "statement")
    with page.expect_download() as download_info:
        page.click("[data-statement-pdf]")
    download = download_info.value
    assert re.fullmatch(r"guyub-m01-\d{4}-\d{2}\.pdf", download.suggested_filename)
    pdf = Path(download.path()).read_bytes()
    assert pdf.startswith(b"%PDF")
    drawn = _pdf_text(pdf)
    assert f"m01 - {facts['name']}" in drawn and "Rp 275.000" in drawn

    # The maker: a board member proposes the payout run.
    _as(page, base, "board1@guyub.example")
    page.goto(f"{base}/books/payouts/")
    page.click("form[action$='/payouts/new/'] button")
    page.wait_for_url(re.compile(r".*/books/payouts/\d+/$"))
    run_url = page.url
    assert page.locator("form[action$='/approve/']").count() == 0  # the maker cannot approve its own run
    _shot(page, "payout-made")

    # The checker: another board member approves it.
    _as(page, base, "board2@guyub.example")
    page.goto(run_url)
    page.click("form[action$='/approve/'] button")
    page.wait_for_selector(".alert-success, .alert-info")
    assert page.locator("form[action$='/approve/']").count() == 0
    _shot(page, "payout-approved")
    page.goto(f"{base}/books/board/reports/")
    page.click("#fairness-link")  # the board's fairness report, next to the money reports
    assert page.locator("#fairness-all tr[data-member='m01'] td").nth(6).inner_text() == "Rp 275.000"
    _shot(page, "fairness")

    # Staff: the bank-transfer file.
    _as(page, base, "staff@guyub.example")
    page.goto(run_url)
    with page.expect_download() as download_info:
        page.click("a[href$='transfers.csv']")
    rows = list(csv.reader(io.StringIO(Path(download_info.value.path()).read_text(encoding="utf-8"))))
    assert rows[0] == ["bank", "account_number", "name", "amount", "reference"]
    run_pk = re.search(r"/payouts/(\d+)/$", run_url).group(1)
    mine = [row for row in rows[1:] if row[4].endswith("-m01")]
    assert mine == [["BRI", "012345678901", facts["holder"], str(facts["balance"]), f"GUYUB-P{run_pk}-m01"]]
    assert facts["number"] == "012345678901"
    _shot(page, "payout-staff")
