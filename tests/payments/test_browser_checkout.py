"""Real Chromium, real server: a guest pays by bank transfer, a signed-in buyer pays in test card mode."""

import re

import pytest
from oscar.core.loading import get_class, get_model

from tests.browser_fixtures import ARTIFACTS, login
from tests.payments.helpers import ADDRESS

pytestmark = pytest.mark.browser
Product = get_model("catalogue", "Product")


def _paths_on_the_server(database_url: str, upcs: list[str]) -> list[str]:
    """Product pages as the server's copy of the database numbers them: when the copy was taken before a
    PostgreSQL transactional test flushed and re-seeded the test database, primary keys differ."""
    from django.urls import reverse

    if database_url.startswith("sqlite"):
        import sqlite3

        db = sqlite3.connect(database_url.removeprefix("sqlite:///"))
        query = "SELECT id, slug FROM catalogue_product WHERE upc = ?"
    else:
        import psycopg

        db = psycopg.connect(database_url)
        query = "SELECT id, slug FROM catalogue_product WHERE upc = %s"
    try:
        rows = [db.execute(query, (upc,)).fetchone() for upc in upcs]
    finally:
        db.close()
    return [reverse("catalogue:detail", kwargs={"product_slug": slug, "pk": pk}) for pk, slug in rows]


@pytest.fixture(scope="session")
def stocked_variants(live_shop, django_db_blocker):
    """Two sellable variants with free stock, as pages of the test server (live_shop seeds the database, agreed
    prices included, before it copies it for the server)."""
    with django_db_blocker.unblock():
        strategy = get_class("partner.strategy", "Selector")().strategy()
        found = []
        for product in Product.objects.filter(structure="child").order_by("upc"):
            info = strategy.fetch_for_product(product)
            if info.price.exists and info.availability.is_purchase_permitted(2)[0]:
                found.append(product.upc)
            if len(found) == 2:
                break
    assert len(found) == 2, "the seed should have variants in stock"
    return _paths_on_the_server(live_shop.database_url, found)


def add_to_basket(page, base, path):
    page.goto(base + path)
    # The product page adds in the background (product.js) and stays put: wait for the basket's answer.
    with page.expect_response(lambda response: "/basket/add/" in response.url):
        page.locator("#add_to_basket_form button[type=submit]").click()
    page.wait_for_load_state()


# The shop's test address as a buyer types it: the country stays as the form chooses it.
YOGYAKARTA = {field: value for field, value in ADDRESS.items() if field != "country"}


def fill_address(page, address=YOGYAKARTA):
    """The Indonesian address form: text fields, the province choice, the phone when the form asks for it."""
    for field, value in address.items():
        selector = f"#id_{field}"
        if field == "province":
            page.select_option(selector, value)
        elif field != "phone_number" or page.locator(selector).count():
            page.fill(selector, value)
    page.locator("#new_shipping_address button[type=submit]").click()
    page.wait_for_load_state()


def choose_shipping(page, code):
    """The shipping step lists pickup and the couriers with their prices; choose one."""
    assert "/checkout/shipping-method/" in page.url
    assert page.locator("input[name=method_code][value=pickup]").count() == 1
    page.locator(f"form:has(input[name=method_code][value={code}]) button[type=submit]").click()
    page.wait_for_load_state()


def test_guest_checkout_by_bank_transfer(stocked_variants, live_shop, browser_page):
    page, base = browser_page, live_shop.url
    add_to_basket(page, base, stocked_variants[0])

    page.goto(base + "/checkout/")
    page.fill("#id_username", "tamu@example.com")
    page.locator("form.card button[type=submit]").click()
    page.wait_for_load_state()
    fill_address(page)
    assert "JNE REG" in page.content()  # the couriers are offered with their prices
    choose_shipping(page, "jne-reg")

    assert "/checkout/payment-method/" in page.url
    page.check("input[name=method][value=transfer]")
    page.click("#payment-method-continue")
    page.wait_for_load_state()
    assert "/checkout/preview/" in page.url
    page.click("#place-order")
    page.wait_for_load_state()

    assert "/checkout/thank-you/" in page.url
    reference = page.locator("#transfer-reference").inner_text()
    assert re.fullmatch(r"GY\d+[A-Z2-9]{4}", reference)
    amount = page.locator("#transfer-amount").inner_text()
    assert amount.startswith("Rp ") and "," not in amount
    assert page.locator("#transfer-account").inner_text().strip()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "checkout-transfer-thank-you.png"), full_page=True)

    # The guest follows the order: Oscar's signed link asks for the email, then shows status and bank details.
    page.click("#order-status-link")
    page.wait_for_load_state()
    page.fill("#id_email", "tamu@example.com")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state()
    assert reference in page.locator("#order-payment-panel").inner_text()


def test_signed_in_buyer_pays_in_test_card_mode(stocked_variants, live_shop, browser_page):
    page, base = browser_page, live_shop.url
    login(page, base, "buyer1@guyub.example")
    page.wait_for_load_state()
    add_to_basket(page, base, stocked_variants[1])

    page.goto(base + "/checkout/")
    page.wait_for_load_state()
    if page.locator("#new_shipping_address").count():
        fill_address(page)
    else:  # an address kept from an earlier order
        page.locator("button.ship-address").first.click()
        page.wait_for_load_state()
    choose_shipping(page, "pickup")
    page.check("input[name=method][value=card]")
    page.click("#payment-method-continue")
    page.wait_for_load_state()

    assert page.locator("#test-card-mode").is_visible()  # clearly marked
    page.fill("#id_card_number", "4000 0000 0000 0002")
    page.fill("#id_expiry", "12/34")
    page.fill("#id_cvc", "123")
    page.click("#card-continue")
    page.wait_for_load_state()
    page.click("#place-order")
    page.wait_for_load_state()
    assert page.locator(".alert-danger").first.is_visible()  # declined, told why, still at the card step
    assert "/checkout/thank-you/" not in page.url

    page.fill("#id_card_number", "4242 4242 4242 4242")
    page.fill("#id_expiry", "12/34")
    page.fill("#id_cvc", "123")
    page.click("#card-continue")
    page.wait_for_load_state()
    assert "4242 4242 4242 4242" not in page.locator("#place_order_form").inner_html()
    page.click("#place-order")
    page.wait_for_load_state()

    assert "/checkout/thank-you/" in page.url
    assert page.locator("#card-payment").is_visible() and page.locator("#test-card-mode").is_visible()
    number = re.search(r"\d{6}", page.locator("h1").first.inner_text() + page.title()).group(0)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "checkout-card-thank-you.png"), full_page=True)
    page.goto(f"{base}/accounts/orders/{number}/")
    assert page.locator("#order-payment-panel").is_visible()
