"""An artisan on a phone accepts a work order, records it made and hands it over (real server, Chromium)."""

import pytest

from tests.browser_fixtures import login, manage

pytestmark = [pytest.mark.browser, pytest.mark.phone]


def test_artisan_accepts_makes_and_hands_over_work(live_shop, browser_page):
    # The server runs on a copy of the test database: seed the pool there, through the management command.
    manage(live_shop.database_url, "seed_pooling")
    page = browser_page
    login(page, live_shop.url, "artisan01@guyub.example")
    page.goto(live_shop.url + "/pool/w/m01/")
    # The seeded offer: m02's overflow (the session's server may hold other offers to m01, e.g. a trade order's).
    card = page.locator("li.work-order[data-state=offered]", has_text="m02").first
    card_id = card.get_attribute("id")
    assert card.locator("text=m02").count() == 1  # where the work comes from

    page.locator(f"#{card_id} button[name=accept]").click()
    page.wait_for_load_state()
    assert page.locator(f"#{card_id}").get_attribute("data-state") == "accepted"
    assert page.locator(".alert-success").count() >= 1

    page.locator(f"#{card_id} button[name=made]").click()
    page.wait_for_load_state()
    assert page.locator(f"#{card_id}").get_attribute("data-state") == "made", page.locator(".alert").all_inner_texts()

    page.locator(f"#{card_id} button[name=handed-over]").click()
    page.wait_for_load_state()
    assert page.locator(f"#{card_id}").get_attribute("data-state") == "handed_over"
    # Phone-first: nothing wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1
