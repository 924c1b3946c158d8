"""In a real Chromium: board1 proposes a price, board2 and board3 approve it, and the shop shows it at once."""

import re
from decimal import Decimal

import pytest
from django.utils import timezone
from oscar.core.loading import get_model

from catalog import selectors
from tests.browser_fixtures import ARTIFACTS, login

Product = get_model("catalogue", "Product")

pytestmark = [pytest.mark.browser, pytest.mark.django_db]


def _rupiah(amount: Decimal) -> str:
    return "Rp " + f"{int(amount):,}".replace(",", ".")


def _as(page, base_url, email):
    page.context.clear_cookies()
    login(page, base_url, email)
    page.wait_for_load_state()


def test_board_agrees_a_price_and_the_shop_shows_it(live_shop, browser_page):
    # A variant that members hold and that the demo's own proposals leave alone (they use the first upcs).
    product = (
        selectors.purchasable_products()
        .filter(upc__startswith="GY-", stockrecords__num_in_stock__gt=0)
        .order_by("-upc")
        .first()
    )
    old = selectors.price_in_force(product, at=timezone.now())
    new = old + Decimal("7000")
    page, base = browser_page, live_shop.url

    page.goto(base + product.get_absolute_url())
    assert page.locator(".product_main .price_color").first.inner_text().strip() == _rupiah(old)

    _as(page, base, "board1@guyub.example")
    page.goto(f"{base}/prices/proposals/new/?product={product.pk}")
    assert page.locator("#id_sku").input_value() == product.upc
    page.fill("#id_amount", f"{int(new):,}".replace(",", "."))
    page.fill("#id_reason", "Ongkos jahit naik (uji peramban)")
    page.click("#propose-form button[type=submit]")
    page.wait_for_url(re.compile(r".*/prices/proposals/\d+/$"))
    proposal_url = page.url
    assert page.locator("#approve").count() == 0  # the proposer cannot approve

    for approver in ("board2@guyub.example", "board3@guyub.example"):
        _as(page, base, approver)
        page.goto(proposal_url)
        page.click("#approve")
        page.wait_for_load_state()
    assert page.locator("#proposal-status .badge-success").count() == 1
    assert len(page.locator("#votes li").all()) == 2

    # A buyer's view: the price in force now is the new one.
    page.context.clear_cookies()
    page.goto(base + product.get_absolute_url())
    assert page.locator(".product_main .price_color").first.inner_text().strip() == _rupiah(new)

    # And the board's history shows old → new with its chart.
    _as(page, base, "artisan01@guyub.example")
    page.goto(f"{base}/prices/products/{product.pk}/")
    assert page.locator("svg.prices-chart polyline").count() == 1
    assert f"{_rupiah(old)} → {_rupiah(new)}" in page.locator("#history").inner_text()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "prices-history.png"), full_page=True)
