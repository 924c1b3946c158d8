"""An artisan on a phone: logs in, records production, sees the stock go up and the materials go down."""

from decimal import Decimal

import pytest

from tests.browser_fixtures import ARTIFACTS, login, manage


@pytest.mark.django_db
def test_every_variant_offered_for_production_has_a_bill(member_a):
    # Also makes this module set up the test database when run on its own (the browser test alone uses
    # no database fixture, and pytest-django then creates no test database for live_shop to copy).
    from inventory import selectors

    assert all(selectors.bill_for(p) for p in selectors.producible_products(member_a))


def _balances(page) -> dict[str, Decimal]:
    rows = page.locator("#material-list li[data-material]")
    return {
        rows.nth(i).get_attribute("data-material"): Decimal(
            rows.nth(i).locator("[data-balance]").inner_text().split()[0].replace(",", ".")
        )
        for i in range(rows.count())
    }


def _stock_of(page, product_id: str) -> int:
    row = page.locator(f"#stock-list li[data-product='{product_id}'] [data-stock]")
    return int(row.inner_text()) if row.count() else 0


@pytest.mark.browser
@pytest.mark.phone
def test_artisan_records_production_on_a_phone(live_shop, browser_page):
    # The live server's database is a copy made by whichever browser test came first; make sure it
    # carries the inventory (idempotent, a no-op once the demo seed runs seed_inventory itself).
    manage(live_shop.database_url, "seed_inventory")
    page = browser_page
    login(page, live_shop.url, "artisan01@guyub.example")
    page.goto(live_shop.url + "/workspace/")
    assert page.url.endswith("/workspace/m01/")
    assert page.locator("html").get_attribute("lang") == "id"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing wider than the phone

    page.goto(live_shop.url + "/workspace/m01/materials/")
    materials_before = _balances(page)
    page.goto(live_shop.url + "/workspace/m01/produce/")
    product_id = page.locator("#id_product option[value]:not([value=''])").first.get_attribute("value")
    page.goto(live_shop.url + "/workspace/m01/stock/")
    stock_before = _stock_of(page, product_id)

    page.locator(".ws-tabs a[href$='/produce/']").click()
    page.select_option("#id_product", product_id)
    page.fill("#id_quantity", "1")
    page.click("#produce-form button[type=submit]")
    page.wait_for_url("**/workspace/m01/stock/")
    assert page.locator(".alert-success").count() == 1
    assert _stock_of(page, product_id) == stock_before + 1
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "workspace-after-production.png"), full_page=True)

    page.locator(".ws-tabs a[href$='/materials/']").click()
    page.wait_for_url("**/workspace/m01/materials/")
    materials_after = _balances(page)
    used = {code: materials_before[code] - materials_after[code] for code in materials_before}
    assert any(d > 0 for d in used.values()), used
    assert all(d >= 0 for d in used.values()), used
