"""Issue 15: axe-core (npm, installed by scripts/axe.sh) run inside the page finds no serious or critical
violation on the home page, the catalogue, a product, the basket and the first checkout step, in both languages."""

import json

import pytest

from tests.browser_fixtures import ARTIFACTS, ROOT

pytestmark = pytest.mark.browser

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"


def _axe(page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"]][:12],
            "summary": v["nodes"][0].get("failureSummary", "") if v["nodes"] else "",
        }
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def _walk(live_shop, page, language: str, size: str) -> None:
    """Home → catalogue → product → add → basket → checkout, axe on each page; fails on any serious or
    critical violation. ``size`` names the screenshots (desktop or phone)."""
    if not AXE.exists():
        pytest.skip("node_modules/axe-core is absent: run `bash scripts/axe.sh` (make test does) to install it")
    base = live_shop.url
    page.context.add_cookies([{"name": "django_language", "value": language, "url": base}])
    found = {}
    suffix = "" if size == "desktop" else f"-{size}"

    def check(name: str) -> None:
        page.wait_for_load_state()
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"axe-{language}-{name}{suffix}.png"), full_page=True)
        violations = _axe(page)
        if violations:
            found[f"{name} ({page.url})"] = violations

    page.goto(base + "/")
    check("home")
    page.goto(base + "/catalogue/")
    check("catalogue")
    page.locator(".gy-card-link").first.click()
    check("product")
    # Add something so the basket and the checkout have content.
    button = page.locator("#add-to-basket, #add_to_basket_form button[type=submit]").first
    for swatch in page.locator(".gy-swatch").all():
        if button.is_enabled():
            break
        swatch.click()
    with page.expect_response(lambda r: "/basket/add/" in r.url):
        button.click()
    page.goto(base + "/basket/")
    check("basket")
    page.goto(base + "/checkout/")
    assert "/checkout/" in page.url
    check("checkout")
    assert not found, json.dumps(found, indent=1, ensure_ascii=False)


@pytest.mark.parametrize("language", ["id", "en"])
def test_no_serious_accessibility_violations(live_shop, browser_page, language):
    _walk(live_shop, browser_page, language, "desktop")


@pytest.mark.phone
@pytest.mark.parametrize("language", ["id", "en"])
def test_no_serious_accessibility_violations_on_the_phone(live_shop, browser_page, language):
    """The same pages at the phone viewport (390×844): the collapsed menu, the stacked product page."""
    _walk(live_shop, browser_page, language, "phone")
