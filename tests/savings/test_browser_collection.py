"""The collection sheet on a phone (390x844), in Indonesian, in real Chromium against a real server: the
treasurer opens the sheet for the meeting day, types what each member of kelompok Mawar paid on the one screen and
posts it; the page speaks Indonesian (none of its own English strings left), the payments are posted (the
members' savings and instalments on the server's database), and the members leave the sheet. The member's own
loans page is then shown on the same phone. Screenshots in test-artifacts/savings-*.png."""

from __future__ import annotations

import re

import pytest

from tests.browser_fixtures import ARTIFACTS, login, shell_json
from tests.pooling.test_browser_made_to_order import server_rows

pytestmark = [pytest.mark.browser, pytest.mark.phone]

# Run inside the server's own copy of the database (no savings there yet): board1 is the treasurer; the board's
# amounts started six months ago; m01–m03 paid their savings up to two weeks before the next meeting and then
# borrowed as kelompok Mawar, Rp 25.000 each in four weekly instalments, so at the meeting two instalments and the
# month's wajib are due.
SETUP = r"""
import datetime, json
from django.contrib.auth import get_user_model
from django.utils import timezone
from common.roles import treasurer_group
from inventory.models import Member
from savings import rules, services

User = get_user_model()
board1, board2 = (User.objects.get(email=f"board{i}@guyub.example") for i in (1, 2))
board1.groups.add(treasurer_group())
today = timezone.localdate()
start = rules.add_months(today.replace(day=1), -6)
for kind, amount in (("pokok", 50000), ("wajib", 10000)):
    services.rule_add(kind=kind, amount=amount, effective_from=start, user=board1)
meeting = rules.next_meeting(today - datetime.timedelta(days=1))
day0 = meeting - datetime.timedelta(days=14)
members = list(Member.objects.active().order_by("code"))[:3]
for m in members:
    account = services.savings_account(m)
    for kind, owed in (("pokok", services.pokok_required(m)), ("wajib", services.wajib_required(m, day0))):
        if owed - getattr(account, kind) > 0:
            services.deposit(member=m, kind=kind, amount=owed - getattr(account, kind), channel="cash",
                             idempotency_key=f"browser:{m.code}:{kind}", user=board1, on=day0)
group = services.group_create(code="mawar", name="Kelompok Mawar", leader=members[0], members=members, user=board1)
product = services.product_add(name="Paket mingguan", min_amount=25000, max_amount=25000, instalments=4,
    frequency="weekly", jasa_percent="0.80", jasa_method="flat", for_groups=True, user=board1)
loan = services.loan_apply(product=product, group=group, shares=[(m, 25000) for m in members], user=board1, on=day0)
services.loan_approve(loan=loan, user=board1)
services.loan_approve(loan=loan, user=board2)
services.loan_disburse(loan=loan, channel="cash", user=board1, on=day0)
print(json.dumps({"meeting": meeting.isoformat(), "loan": loan.reference, "members": [m.code for m in members],
                  "wajib": {m.code: services.savings_account(m).wajib for m in members}}))
"""

# The page's own English strings (its template, the savings tabs and the choices it shows): none may be left.
ENGLISH = [
    "Collection sheet",
    "Meeting day",
    "Show",
    "Print",
    "Group (kelompok)",
    "Members without a group",
    "Instalment (angsuran)",
    "Paid by the group",
    "Dues (iuran)",
    "Total due",
    "How",
    "Post what was collected",
    "Cash at the meeting",
    "Bank transfer",
    "Nothing is due on this day",
    "Arrears",
    "Loans",
    "Groups",
    "Deposit",
    "Withdrawal",
    "Amounts and products",
    "Savings and loans",
    "payments posted",
]


def _english_left(text: str) -> list[str]:
    return [phrase for phrase in ENGLISH if re.search(rf"(?<!\w){re.escape(phrase)}(?!\w)", text)]


@pytest.fixture(scope="module")
def savings_server(live_shop):
    """The shared test server, with the SETUP above run in its database (as the trade browser test does: a copy of
    the seeded test database, so the test database itself stays untouched)."""
    return live_shop, shell_json(live_shop.database_url, SETUP)


def _wajib(database_url: str, code: str) -> int:
    [(wajib,)] = server_rows(
        database_url,
        "SELECT s.wajib FROM savings_savingsaccount s JOIN inventory_member m ON m.id = s.member_id WHERE m.code = %s",
        (code,),
    )
    return int(wajib)


def test_the_treasurer_posts_the_collection_sheet_on_a_phone_in_indonesian(savings_server, browser_page):
    live, facts = savings_server
    page, base = browser_page, live.url
    ARTIFACTS.mkdir(exist_ok=True)
    login(page, base, "board1@guyub.example")
    page.wait_for_load_state()
    page.goto(f"{base}/simpan/rapat/?date={facts['meeting']}")
    page.wait_for_selector(".savings-sheet")
    assert page.viewport_size == {"width": 390, "height": 844}

    text = page.inner_text("main") if page.locator("main").count() else page.inner_text("body")
    assert "Daftar tagihan untuk rapat tanggal" in text and "Catat yang sudah diterima" in text
    assert _english_left(text) == [], _english_left(text)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing wider than the phone

    instalments_paid = 0
    for code in facts["members"]:
        row = page.locator(f'.savings-row[data-member="{code}"]')
        inputs = row.locator("input.form-control")
        assert inputs.count() >= 2  # the instalments (incl. today's) and the month's wajib (dues, if the board set any)
        for i in range(inputs.count()):
            field = inputs.nth(i)
            amount = field.get_attribute("placeholder")
            field.fill(amount)  # what the member paid: all that is due
            if "-instalment-" in field.get_attribute("name"):
                instalments_paid += int(amount)
    page.screenshot(path=str(ARTIFACTS / "savings-collection-sheet-phone-filled.png"), full_page=True)
    page.select_option("#sheet-channel", "cash")
    with page.expect_navigation():
        page.get_by_role("button", name="Catat yang sudah diterima").click()
    page.wait_for_selector(".savings-sheet")
    done_text = page.inner_text("body")
    assert "pembayaran dicatat" in done_text and _english_left(done_text) == []
    page.screenshot(path=str(ARTIFACTS / "savings-collection-sheet-phone-posted.png"), full_page=True)

    for code in facts["members"]:
        assert page.locator(f'.savings-row[data-member="{code}"]').count() == 0  # nothing more due from them
        assert _wajib(live.database_url, code) == facts["wajib"][code] + 10_000  # the meeting month's wajib
    [(unpaid,)] = server_rows(
        live.database_url,
        "SELECT COUNT(*) FROM savings_instalment i JOIN savings_loanshare s ON s.id = i.share_id "
        "JOIN savings_loan l ON l.id = s.loan_id WHERE l.reference = %s AND i.paid_on IS NULL",
        (facts["loan"],),
    )
    assert unpaid == 2 * 3  # of each member's four instalments, the two due by the meeting are paid
    [(posted,)] = server_rows(
        live.database_url,
        "SELECT COALESCE(SUM(amount), 0) FROM savings_loanpayment p JOIN savings_loanshare s ON s.id = p.share_id "
        "JOIN savings_loan l ON l.id = s.loan_id WHERE l.reference = %s",
        (facts["loan"],),
    )
    assert int(posted) == instalments_paid  # every rupiah typed for the instalments was posted to the loan


def test_a_member_reads_its_loans_on_the_phone(savings_server, browser_page):
    live, facts = savings_server
    page, base = browser_page, live.url
    login(page, base, "artisan01@guyub.example")
    page.wait_for_load_state()
    page.goto(f"{base}/simpan/buku/m01/pinjaman/")
    page.wait_for_selector(".savings-schedule")
    assert page.locator(f'.savings-loan[data-loan="{facts["loan"]}"] tr[data-status]').count() == 4
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    schedule = page.locator(".savings-loan").first
    page.screenshot(path=str(ARTIFACTS / "savings-member-loans-phone.png"), full_page=True)
    assert schedule.evaluate("e => e.scrollWidth <= e.clientWidth")  # the schedule fits the phone, no scrolling
