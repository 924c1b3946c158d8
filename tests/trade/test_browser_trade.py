"""The issue's case in a real browser (real server, Chromium): a Singapore importer applies for a trade account,
staff approve it; the importer asks for 600 sandals and 200 belts six weeks out; staff prepare the quote (trade
prices, the pooling plan, shipping from the Singapore export zone) and send it; the importer accepts it and gets
an order awaiting the deposit, and work orders go out to exactly the plan's makers, units and weeks; staff
confirm the deposit from the bank statement in the dashboard and the order goes into production. Screenshots in
test-artifacts/trade-*.png."""

from __future__ import annotations

import datetime
import json

import pytest

from tests.browser_fixtures import ARTIFACTS, login, shell_json
from tests.pooling.test_browser_made_to_order import server_rows

pytestmark = pytest.mark.browser
EMAIL, PASSWORD = "mei.tan@lioncity.example.sg", "lion-city-2026"

# Run inside the server's own database (a copy of the seeded one): the same cooperative the trade tests set up
# (every active member makes sandals and belts, 40 a week; agreed unit and trader prices by the three board
# members), and the importer's login. The trade account itself is applied for and approved through the pages.
SETUP = r"""
import datetime, json
from decimal import Decimal
from django.contrib.auth import get_user_model
from django.utils import timezone
from catalog import services
from tests.trade.makers import sandal_and_belt_makers

User = get_user_model()
members, sandal_variant, belt_variant = sandal_and_belt_makers()
board = [User.objects.get(email=f"board{i}@guyub.example") for i in (1, 2, 3)]
at = timezone.now() - datetime.timedelta(minutes=5)
for product, amount, tier in ((sandal_variant, 150000, 1), (sandal_variant, 120000, 100),
                              (belt_variant, 90000, 1), (belt_variant, 75000, 100)):
    proposal = services.propose_price(product=product, amount=Decimal(amount), proposed_by=board[0],
        effective_from=at, min_quantity=tier, reason="trade browser test", now=at)
    for member in board[1:]:
        proposal = services.approve_proposal(proposal=proposal, board_member=member, now=at)
if not User.objects.filter(email="%(email)s").exists():
    User.objects.create_user(email="%(email)s", password="%(password)s")
print(json.dumps({"sandal": sandal_variant.upc, "belt": belt_variant.upc}))
"""


@pytest.fixture(scope="module")
def trade_shop(live_shop):
    return shell_json(live_shop.database_url, SETUP % {"email": EMAIL, "password": PASSWORD})


def _shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"trade-{name}.png"), full_page=True)


def test_singapore_importer_requests_staff_quote_buyer_accepts(trade_shop, live_shop, chromium_browser):
    base = live_shop.url
    buyer_context = chromium_browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    staff_context = chromium_browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    buyer, staff = buyer_context.new_page(), staff_context.new_page()
    for page in (buyer, staff):
        page.set_default_timeout(20_000)
    try:
        # The importer applies for a trade account.
        login(buyer, base, EMAIL, PASSWORD)
        buyer.wait_for_load_state()
        buyer.goto(f"{base}/trade/")
        form = buyer.locator("form:has(input[name=company])")
        form.locator("input[name=company]").fill("Lion City Leather Pte Ltd")
        form.locator("input[name=contact]").fill("Mei Tan")
        form.locator("input[name=country]").fill("Singapore")
        form.locator("input[name=tax_number]").fill("201912345K")
        form.locator("button").click()
        buyer.wait_for_load_state()
        _shot(buyer, "1-applied")

        # Staff approve it.
        login(staff, base, "staff@guyub.example")
        staff.wait_for_load_state()
        staff.goto(f"{base}/trade/staff/")
        staff.locator("tr", has_text="Lion City Leather").locator("button[name=approve][value='1']").click()
        staff.wait_for_load_state()
        [(status,)] = server_rows(
            live_shop.database_url,
            "SELECT status FROM trade_tradeaccount WHERE company = %s",
            ("Lion City Leather Pte Ltd",),
        )
        assert status == "approved"

        # The importer asks for 600 sandals and 200 belts, six weeks out.
        buyer.goto(f"{base}/trade/requests/new/")
        wanted = (datetime.date.today() + datetime.timedelta(weeks=6)).isoformat()
        buyer.fill("input[name=wanted]", wanted)
        buyer.fill("input[name=destination]", "Jurong, Singapore")
        buyer.fill("textarea[name=lines]", f"{trade_shop['sandal']},600\n{trade_shop['belt']},200")
        buyer.fill("textarea[name=notes]", "One carton per size, please.")
        _shot(buyer, "2-request")
        buyer.locator("form:has(textarea[name=lines]) button").click()
        buyer.wait_for_url("**/trade/requests/*/")
        request_url = buyer.url

        # Staff prepare the quote: trade prices, the dry-run plan, shipping from the rate table (left empty).
        staff.goto(request_url + "?plan=1")
        assert staff.locator(".shipping-estimate").inner_text().strip()
        assert "EMS" in staff.locator(".shipping-estimate").inner_text()
        _shot(staff, "3-staff-plan")
        valid = (datetime.date.today() + datetime.timedelta(days=14)).isoformat()
        prepare = staff.locator("form:has(input[name=valid_until])")
        prepare.locator("input[name=valid_until]").fill(valid)
        prepare.locator("button").click()
        staff.wait_for_load_state()
        assert staff.locator("#quote").count() == 1
        staff.locator("form[action*='/send/'] button").click()
        staff.wait_for_load_state()
        _shot(staff, "4-staff-sent")
        makers = server_rows(live_shop.database_url, "SELECT plan FROM trade_quote ORDER BY id DESC LIMIT 1")
        plan = json.loads(makers[0][0]) if isinstance(makers[0][0], str) else makers[0][0]
        assert len({m["member"] for m in plan["makers"]}) >= 5

        # The importer sees the trade prices and accepts.
        buyer.goto(request_url)
        text = buyer.locator("table.quote-lines").inner_text()
        assert "120,000" in text or "120.000" in text  # the sandal's trader tier
        assert "75,000" in text or "75.000" in text  # the belt's
        assert buyer.locator(".shipping-basis").count() == 1
        _shot(buyer, "5-buyer-quote")
        buyer.locator("form[action*='/accept/'] button").click()
        buyer.wait_for_load_state()
        _shot(buyer, "6-buyer-accepted")
        [(number, order_status)] = server_rows(
            live_shop.database_url,
            "SELECT o.number, o.status FROM trade_quote q JOIN order_order o ON o.id = q.order_id "
            "ORDER BY q.id DESC LIMIT 1",
        )
        assert number.startswith("TR") and order_status == "Awaiting payment"
        assert number in buyer.content()
        assert buyer.locator(".trade-documents a[href$='/pdf/']").count() == 3

        # Work orders went out to exactly the makers, units and weeks of the plan the quote showed.
        [(committed,)] = server_rows(live_shop.database_url, "SELECT plan FROM trade_quote ORDER BY id DESC LIMIT 1")
        committed = json.loads(committed) if isinstance(committed, str) else committed
        work = server_rows(
            live_shop.database_url,
            "SELECT m.code, p.upc, w.quantity, w.week FROM pooling_workorder w "
            "JOIN pooling_routingrequest r ON r.id = w.request_id JOIN order_line l ON l.id = r.order_line_id "
            "JOIN order_order o ON o.id = l.order_id JOIN inventory_member m ON m.id = w.member_id "
            "JOIN catalogue_product p ON p.id = w.product_id WHERE o.number = %s",
            (number,),
        )
        assert sorted((c, u, q, str(w)[:10]) for c, u, q, w in work) == sorted(
            (m["member"], m["sku"], m["units"], m["week"]) for m in committed["makers"]
        )
        assert len({row[0] for row in work}) >= 5

        # The deposit arrives: staff upload the bank statement in the dashboard; the order goes into production.
        [(reference, amount)] = server_rows(
            live_shop.database_url,
            "SELECT t.reference, t.amount FROM payment_banktransfer t JOIN order_order o ON o.id = t.order_id "
            "WHERE o.number = %s",
            (number,),
        )
        csv = f"date,description,amount\n{datetime.date.today():%Y-%m-%d},TRF LION CITY {reference},{int(amount)}\n"
        staff.goto(f"{base}/dashboard/transfers/statement/")
        staff.set_input_files(
            "input[name=statement]", {"name": "bca.csv", "mimeType": "text/csv", "buffer": csv.encode()}
        )
        staff.locator("#statement-dry-run").click()
        staff.wait_for_selector("#statement-matches")
        assert reference in staff.locator("#statement-matches").inner_text()
        staff.locator("#statement-apply button").click()
        staff.wait_for_load_state()
        _shot(staff, "7-deposit-confirmed")
        [(order_status,)] = server_rows(
            live_shop.database_url, "SELECT status FROM order_order WHERE number = %s", (number,)
        )
        assert order_status == "In production"
    finally:
        buyer_context.close()
        staff_context.close()
