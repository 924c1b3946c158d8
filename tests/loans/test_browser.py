"""Borrowing and returning on a phone, through the pages, as two artisans on a real server."""

import datetime

import pytest
from django.utils import timezone

from tests.browser_fixtures import login


def _as(page, base, email):
    page.context.clear_cookies()
    login(page, base, email)
    page.wait_for_load_state()


@pytest.mark.browser
@pytest.mark.phone
@pytest.mark.django_db
def test_borrow_hand_over_receive_and_return(live_shop, browser_page):
    from inventory.models import MaterialBalance

    # What m02 holds (the server's database is a copy of this one).
    row = (
        MaterialBalance.objects.filter(member__code="m02", quantity__gte=4, material__unit="sqft")
        .select_related("material")
        .order_by("material__code")
        .first()
    )
    assert row is not None, "the demo gives m02 some leather"
    page, base = browser_page, live_shop.url

    _as(page, base, "artisan01@guyub.example")
    page.goto(f"{base}/loans/new/")
    page.select_option("#id_material", str(row.material.pk))
    page.fill("#id_quantity", "2")
    page.fill("#id_needed_by", (timezone.localdate() + datetime.timedelta(days=2)).isoformat())
    page.click("button[name=suggest]")
    ask = page.locator('button.ask[data-member="m02"]')
    if ask.count():
        ask.click()
    else:  # not among the suggestions: ask the named member
        page.select_option("#id_lender", label=page.locator("#id_lender option", has_text="m02").first.inner_text())
        page.click("button[name=send]")
    page.wait_for_url("**/loans/*/")
    loan_url = page.url
    assert "m02" in page.inner_text(".loans")

    _as(page, base, "artisan02@guyub.example")
    page.goto(loan_url)
    page.click("#action-accept button")
    page.wait_for_selector("#action-hand_over")
    page.click("#action-hand_over button")
    page.wait_for_load_state()
    assert page.locator("#action-receive").count() == 0  # only the borrower confirms receipt

    _as(page, base, "artisan01@guyub.example")
    page.goto(loan_url)
    page.click("#action-receive button")
    page.wait_for_selector("#loan-outstanding")
    assert page.inner_text("#loan-outstanding").startswith("2")
    page.fill("#q-return", "3")  # more than outstanding: refused, named
    page.click("#action-return button")
    assert "Quantity" in page.inner_text('[data-field="quantity"]') or "Jumlah" in page.inner_text(
        '[data-field="quantity"]'
    )
    page.fill("#q-return", "2")
    page.click("#action-return button")
    page.wait_for_selector("#loan-outstanding")
    assert page.inner_text("#loan-outstanding").startswith("0")
    assert page.locator("#actions").count() == 0
    page.goto(f"{base}/loans/")
    assert page.locator("#borrowed .loan-card").count() >= 1
