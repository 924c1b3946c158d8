"""Issue 15, as a buyer walks it in Chromium: search → filter → product → pick a variant → add → basket → checkout
up to the payment step, as a guest, in Indonesian and English, on desktop and on the phone (390×844).

Screenshots of every step land in test-artifacts/ (storefront-<viewport>-<language>-<step>.png).
"""

import pytest

from tests.browser_fixtures import ARTIFACTS
from tests.payments.test_browser_checkout import choose_shipping, fill_address

pytestmark = pytest.mark.browser

PHONE_HEIGHT = 844


def _shot(page, viewport: str, language: str, step: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"storefront-{viewport}-{language}-{step}.png"), full_page=True)


def _pick_buyable_variant(page) -> None:
    """Click colour swatches (then size swatches) until the picked variant can be added."""
    button = page.locator("#add-to-basket")
    for selector in (".gy-swatch-colour", ".gy-swatch-size"):
        swatches = page.locator(selector)
        for i in range(swatches.count()):
            swatches.nth(i).click()
            assert swatches.nth(i).get_attribute("aria-pressed") == "true"
            if button.is_enabled():
                return
    assert button.is_enabled(), "no variant of this product can be added"


def walk_the_shop(page, base: str, language: str, viewport: str) -> None:
    page.context.add_cookies([{"name": "django_language", "value": language, "url": base}])

    # Search.
    page.goto(base + "/search/")
    page.fill("#search-q", "tas")
    page.locator("form.search-again button[type=submit]").click()
    page.wait_for_load_state()
    assert "q=tas" in page.url
    assert page.locator(".search-list .gy-card").count() > 0
    _shot(page, viewport, language, "1-search")

    # Filter: a colour facet narrows the results.
    facet = page.locator(".search-facets a[href*='colour=']").first
    facet.click()
    page.wait_for_load_state()
    assert "colour=" in page.url
    assert page.locator(".search-chosen a").count() == 1
    assert page.locator(".search-list .gy-card").count() > 0
    _shot(page, viewport, language, "2-filtered")

    # Product.
    page.locator(".search-list .gy-card-link").first.click()
    page.wait_for_load_state()
    assert "/catalogue/" in page.url
    assert page.locator(".gy-swatch").count() > 0, "product.js should turn the variants into swatches"
    if viewport == "phone":
        box = page.locator("#add-to-basket").bounding_box()
        assert box is not None and box["y"] < PHONE_HEIGHT, f"Add to basket at {box} is below the first screen"

    # Pick a variant, add in the background: the page stays put and the basket count follows.
    _pick_buyable_variant(page)
    product_url = page.url
    _shot(page, viewport, language, "3-product")
    with page.expect_response(lambda r: "/basket/add/" in r.url):
        page.locator("#add-to-basket").click()
    page.wait_for_function("document.getElementById('added-note').textContent.length > 0")
    assert page.url == product_url
    assert page.locator("#basket-count").inner_text().strip() not in ("", "0")

    # Basket.
    page.goto(base + "/basket/")
    assert page.locator("#basket_formset, form#basket_formset, .basket-items, input[name$='-quantity']").count() > 0
    _shot(page, viewport, language, "4-basket")

    # Checkout as a guest, up to the payment step.
    page.goto(base + "/checkout/")
    page.fill("#id_username", f"tamu-{viewport}-{language}@example.com")
    page.locator("form.card button[type=submit]").click()
    page.wait_for_load_state()
    _shot(page, viewport, language, "5-address")
    fill_address(page)
    choose_shipping(page, "jne-reg")
    assert "/checkout/payment-method/" in page.url
    assert page.locator("input[name=method][value=transfer]").count() == 1
    assert page.evaluate("document.documentElement.lang").startswith(language)
    _shot(page, viewport, language, "6-payment")


@pytest.mark.parametrize("language", ["id", "en"])
def test_storefront_walk_desktop(live_shop, browser_page, language):
    walk_the_shop(browser_page, live_shop.url, language, "desktop")


@pytest.mark.phone
@pytest.mark.parametrize("language", ["id", "en"])
def test_storefront_walk_phone(live_shop, browser_page, language):
    walk_the_shop(browser_page, live_shop.url, language, "phone")
