"""A buyer in a real Chromium: home page, switch to English, open a product, add it to the basket."""

import pytest

from tests.browser_fixtures import ARTIFACTS

pytestmark = pytest.mark.browser


def test_buyer_switches_language_and_fills_basket(live_shop, browser_page):
    page = browser_page
    page.goto(live_shop.url + "/")
    assert page.locator("html").get_attribute("lang") == "id"
    assert page.locator("h1").first.inner_text() == "Koperasi kulit Keparakan Kidul"

    page.click("form.language-switcher button[data-lang=en]")
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert "The Keparakan Kidul leather cooperative" in page.locator("h1").first.inner_text()

    page.locator("article.product_pod a.gy-card-link").first.click()
    page.wait_for_load_state()
    price = page.locator(".product_main .price_color").first.inner_text()
    assert price.startswith("Rp ") and "," not in price

    # A parent product offers its variants as size and colour swatches; the buyer picks one and adds it
    # without leaving the page (the basket count in the header goes up).
    page.locator(".gy-swatch").last.click()
    page.locator("#add_to_basket_form button[type=submit]").click()
    page.wait_for_function("document.getElementById('basket-count').textContent.trim() !== '0'")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "basket-after-add.png"), full_page=True)
    page.goto(live_shop.url + "/basket/")
    assert page.locator("#basket_formset, .basket-items").count() > 0
