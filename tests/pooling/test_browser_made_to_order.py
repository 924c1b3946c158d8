"""A guest orders more than the cooperative holds (real server, Chromium): the basket and the preview say which
part is made to order; placing it uses the stock first and routes the rest; a member who got the work accepts it."""

from __future__ import annotations

import pytest
from django.urls import reverse
from oscar.core.loading import get_class, get_model

from tests.browser_fixtures import ARTIFACTS, login
from tests.payments.test_browser_checkout import choose_shipping, fill_address

pytestmark = pytest.mark.browser
Product = get_model("catalogue", "Product")
MADE = 3  # units beyond the free stock


def server_rows(database_url: str, sql: str, params=()) -> list[tuple]:
    """Read the server's own copy of the database (it diverges from the test database once orders are placed)."""
    if database_url.startswith("sqlite"):
        import sqlite3

        db = sqlite3.connect(database_url.removeprefix("sqlite:///"))
        sql = sql.replace("%s", "?")
    else:
        import psycopg

        db = psycopg.connect(database_url)
    try:
        return list(db.execute(sql, params).fetchall())
    finally:
        db.close()


@pytest.fixture(scope="module")
def made_to_order_variant(live_shop, django_db_blocker):
    """A variant for sale whose skilled members can make a few more than its stock: (page path, free on server)."""
    with django_db_blocker.unblock():
        strategy = get_class("partner.strategy", "Selector")().strategy()
        upc = None
        for product in Product.objects.filter(structure="child").order_by("-upc")[:40]:
            info = strategy.fetch_for_product(product)
            if info.price.exists and info.availability.is_purchase_permitted(info.availability.free + 20)[0]:
                upc = product.upc
                break
    assert upc, "the seed should have variants its members can make"
    [(pk, slug)] = server_rows(live_shop.database_url, "SELECT id, slug FROM catalogue_product WHERE upc = %s", (upc,))
    [(free,)] = server_rows(
        live_shop.database_url,
        "SELECT COALESCE(SUM(CASE WHEN num_in_stock - COALESCE(num_allocated, 0) > 0 "
        "THEN num_in_stock - COALESCE(num_allocated, 0) ELSE 0 END), 0) FROM partner_stockrecord WHERE product_id = %s",
        (pk,),
    )
    return reverse("catalogue:detail", kwargs={"product_slug": slug, "pk": pk}), int(free)


def test_guest_orders_beyond_stock_and_a_member_accepts_the_made_part(made_to_order_variant, live_shop, browser_page):
    page, base = browser_page, live_shop.url
    path, free = made_to_order_variant
    quantity = free + MADE

    page.goto(base + path)
    page.fill("#id_quantity", str(quantity))
    # The product page adds in the background (product.js) and stays put: wait for the basket's answer.
    with page.expect_response(lambda response: "/basket/add/" in response.url):
        page.locator("#add_to_basket_form button[type=submit]").click()
    page.wait_for_load_state()
    page.goto(base + "/basket/")
    assert page.locator("p.availability.made-to-order").count() == 1, page.content()[:2000]

    page.goto(base + "/checkout/")
    page.fill("#id_username", "pesanan@example.com")
    page.locator("form.card button[type=submit]").click()
    page.wait_for_load_state()
    fill_address(page)
    choose_shipping(page, "pickup")
    page.check("input[name=method][value=transfer]")
    page.click("#payment-method-continue")
    page.wait_for_load_state()
    assert page.locator(".availability.made-to-order").count() == 1  # the preview states the promise too
    page.click("#place-order")
    page.wait_for_load_state()
    assert "/checkout/thank-you/" in page.url
    progress = page.locator("#order-progress")
    assert progress.is_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "made-to-order-thank-you.png"), full_page=True)

    # On the server: stock first, the rest routed to members as offered work orders.
    [(line_id, held, to_make, promised)] = server_rows(
        live_shop.database_url,
        "SELECT l.id, l.num_allocated, l.promised_to_make, l.promised_week FROM order_line l "
        "JOIN order_order o ON o.id = l.order_id WHERE o.guest_email = %s",
        ("pesanan@example.com",),
    )
    assert (held, to_make) == (free, MADE) and promised
    [(request_id, from_stock, to_route)] = server_rows(
        live_shop.database_url,
        "SELECT id, from_stock, quantity FROM pooling_routingrequest WHERE order_line_id = %s",
        (line_id,),
    )
    assert (from_stock, to_route) == (free, MADE)
    work = server_rows(
        live_shop.database_url,
        "SELECT w.id, w.quantity, m.code, u.email FROM pooling_workorder w "
        "JOIN inventory_member m ON m.id = w.member_id "
        "JOIN users_user u ON u.id = m.owner_id WHERE w.request_id = %s AND w.state = 'offered' ORDER BY w.id",
        (request_id,),
    )
    assert sum(units for _pk, units, _code, _email in work) == MADE

    # The member who got (part of) the work accepts it on its phone-sized work list.
    work_id, _units, code, email = work[0]
    page.context.clear_cookies()
    login(page, base, email)
    page.goto(f"{base}/pool/w/{code}/")
    card = page.locator(f"#wo-{work_id}")
    assert card.get_attribute("data-state") == "offered"
    card.locator("button[name=accept]").click()
    page.wait_for_load_state()
    assert page.locator(f"#wo-{work_id}").get_attribute("data-state") == "accepted"
