"""Real Chromium, real server, on the phone and in Indonesian: a guest ships to Surabaya by JNE REG, pays through
Midtrans (the fake gateway's pretend Snap page, BCA virtual account), and the order is paid."""

import re

import pytest

from tests.browser_fixtures import ARTIFACTS

from .test_browser_checkout import add_to_basket, choose_shipping, fill_address, stocked_variants  # noqa: F401

pytestmark = pytest.mark.browser


def _shot(page, step: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"midtrans-phone-id-{step}.png"), full_page=True)


def _order_on_the_server(database_url: str, email: str) -> tuple[str, str]:
    """(status of the guest's order, status of its Midtrans payment) as the server's database has them."""
    query = (
        "SELECT o.status, p.status FROM order_order o JOIN payment_midtranspayment p ON p.order_id = o.id "
        "WHERE o.guest_email = {0} ORDER BY o.id DESC"
    )
    if database_url.startswith("sqlite"):
        import sqlite3

        db = sqlite3.connect(database_url.removeprefix("sqlite:///"))
        query = query.format("?")
    else:
        import psycopg

        db = psycopg.connect(database_url)
        query = query.format("%s")
    try:
        row = db.execute(query, (email,)).fetchone()
    finally:
        db.close()
    assert row is not None, f"no Midtrans order for {email} on the server"
    return row


SURABAYA = {
    "first_name": "Dewi",
    "last_name": "Lestari",
    "line1": "Jl. Tunjungan No. 12",
    "subdistrict": "Genteng",
    "district": "Genteng",
    "line4": "Kota Surabaya",
    "province": "Jawa Timur",
    "postcode": "60111",
    "phone_number": "+6281331001234",
}


@pytest.mark.phone
def test_guest_pays_by_bca_virtual_account_through_midtrans(stocked_variants, live_shop, browser_page):  # noqa: F811
    page, base, email = browser_page, live_shop.url, "tamu-midtrans@example.com"
    page.context.add_cookies([{"name": "django_language", "value": "id", "url": base}])
    add_to_basket(page, base, stocked_variants[0])

    page.goto(base + "/checkout/")
    assert page.evaluate("document.documentElement.lang").startswith("id")
    page.fill("#id_username", email)
    page.locator("form.card button[type=submit]").click()
    page.wait_for_load_state()
    fill_address(page, SURABAYA)

    # JNE REG is offered to Surabaya with its cost and its estimate.
    assert "/checkout/shipping-method/" in page.url, page.url
    jne = page.locator(".basket-items:has(input[name=method_code][value=jne-reg])")  # Oscar's row per method
    assert jne.count() == 1
    jne.scroll_into_view_if_needed()
    assert jne.is_visible()
    offer = jne.inner_text()
    assert "JNE REG" in offer
    assert re.search(r"Rp\s?\d{1,3}(\.\d{3})+", offer), offer
    assert re.search(r"\d+(\s?[-–]\s?\d+)?\s+hari", offer), offer
    _shot(page, "1-shipping")
    choose_shipping(page, "jne-reg")

    # Midtrans, which offers the BCA virtual account on its own page.
    assert "/checkout/payment-method/" in page.url, page.url
    assert "BCA" in page.locator("#midtrans-choices").inner_text()
    page.check("input[name=method][value=midtrans]")
    _shot(page, "2-payment-method")
    page.click("#payment-method-continue")
    page.wait_for_load_state()
    assert "/checkout/preview/" in page.url, page.url
    assert "JNE REG" in page.content()
    _shot(page, "3-preview")
    page.click("#place-order")
    page.wait_for_load_state()

    # The fake gateway's pretend Snap page: the buyer pays by BCA virtual account.
    assert "/checkout/midtrans/test-pay/" in page.url, page.url
    assert page.locator("#test-midtrans-mode").is_visible()
    _shot(page, "4-snap")
    page.click("#midtrans-pay-bank_transfer")
    page.wait_for_load_state()

    assert "/checkout/thank-you/" in page.url, page.url
    assert page.locator("#midtrans-payment").is_visible()
    assert "Sudah dibayar" in page.locator("#midtrans-payment").inner_text()
    assert page.locator("#order-status").inner_text().strip() == "Dibayar"
    _shot(page, "5-thank-you")

    order_status, payment_status = _order_on_the_server(live_shop.database_url, email)
    assert (order_status, payment_status) == ("Paid", "paid")
