"""The board's screens: propose, vote, history chart, price list, rules; bad input is named and changes nothing."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from catalog import selectors, services
from catalog.models import PriceBoardSettings, PriceProposal

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    # Assertions read English words; the site defaults to Indonesian (set per request by the cookie).
    with translation.override("en"):
        yield


def _en(client):
    client.cookies["django_language"] = "en"
    return client


def test_board_proposes_and_two_others_approve_through_the_screens(client_as, make_product, agree):
    product = make_product()
    agree(product, 150_000, at=timezone.now() - timedelta(days=1))
    board1 = _en(client_as("board"))
    response = board1.post(
        "/prices/proposals/new/",
        {
            "sku": product.upc,
            "amount": "158.000",
            "min_quantity": "1",
            "effective_from": "",
            "reason": "",
        },
    )
    proposal = PriceProposal.objects.get(product=product, status="pending")
    assert response.status_code == 302 and response["Location"] == f"/prices/proposals/{proposal.pk}/"
    page = board1.get(response["Location"]).content.decode()
    assert "You made this proposal" in page and 'id="approve"' not in page

    board2 = _en(client_as("board2"))
    page = board2.get(f"/prices/proposals/{proposal.pk}/").content.decode()
    assert 'id="approve"' in page
    board2.post(f"/prices/proposals/{proposal.pk}/approve/")
    assert selectors.price_in_force(product, at=timezone.now()) == Decimal("150000")
    board3 = _en(client_as("board3"))
    page = board3.post(f"/prices/proposals/{proposal.pk}/approve/", follow=True).content.decode()
    assert "the board has agreed this price" in page
    assert selectors.price_in_force(product, at=timezone.now()) == Decimal("158000")


def test_proposal_form_names_the_bad_field_and_changes_nothing(client_as, make_product, agree):
    product = make_product()
    agree(product, 100_000)
    client = _en(client_as("board"))
    cases = [
        ({"amount": "100000,50"}, "amount", "whole rupiah"),
        ({"amount": "-5"}, "amount", "more than zero"),
        ({"amount": "abc"}, "amount", "whole rupiah"),
        ({"amount": "250000"}, "reason", "give a reason"),
        ({"sku": "NO-SUCH"}, "sku", "No product has the SKU"),
        ({"effective_from": "2020-01-01T10:00"}, "effective_from", "in the past"),
        ({"effective_from": "next tuesday"}, "effective_from", "valid date"),
        ({"min_quantity": "0"}, "min_quantity", ""),
    ]
    for change, field, words in cases:
        data = {
            "sku": product.upc,
            "amount": "101000",
            "min_quantity": "1",
            "effective_from": "",
            "reason": "",
            **change,
        }
        response = client.post("/prices/proposals/new/", data)
        assert response.status_code == 200, change
        form = response.context["form"]
        assert field in form.errors, (change, form.errors)
        assert words in " ".join(form.errors[field]), (change, form.errors)
    assert not PriceProposal.objects.filter(product=product, status="pending").exists()


def test_reject_without_reason_is_refused_with_a_message(client_as, make_product, board_user):
    product = make_product()
    proposal = services.propose_price(product=product, amount=Decimal("100000"), proposed_by=board_user)
    client = _en(client_as("board2"))
    page = client.post(f"/prices/proposals/{proposal.pk}/reject/", {"reason": ""}, follow=True).content.decode()
    assert "Reason: Say why you reject the proposal." in page
    proposal.refresh_from_db()
    assert proposal.status == "pending" and not proposal.votes.exists()
    client.post(f"/prices/proposals/{proposal.pk}/reject/", {"reason": "too high for our buyers"})
    proposal.refresh_from_db()
    assert proposal.status == "rejected"
    history = client.get(f"/prices/products/{product.pk}/").content.decode()
    assert "too high for our buyers" in history


def test_withdraw_through_the_screen(client_as, make_product, board_user):
    product = make_product()
    proposal = services.propose_price(product=product, amount=Decimal("100000"), proposed_by=board_user)
    client = _en(client_as("board"))
    assert 'id="withdraw"' in client.get(f"/prices/proposals/{proposal.pk}/").content.decode()
    client.post(f"/prices/proposals/{proposal.pk}/withdraw/", {"reason": "wrong SKU"})
    proposal.refresh_from_db()
    assert (proposal.status, proposal.withdrawal_reason) == ("withdrawn", "wrong SKU")


def test_withdraw_button_only_until_an_approved_price_starts(
    client_as, make_product, agree, board_user, board_user_2, board_user_3
):
    product = make_product()
    started = agree(product, 100_000)
    scheduled = services.propose_price(
        product=product,
        amount=Decimal("101000"),
        proposed_by=board_user,
        effective_from=timezone.now() + timedelta(days=7),
    )
    for member in (board_user_2, board_user_3):
        services.approve_proposal(proposal=scheduled, board_member=member)
    client = _en(client_as("board"))
    assert 'id="withdraw"' in client.get(f"/prices/proposals/{scheduled.pk}/").content.decode()
    assert 'id="withdraw"' not in client.get(f"/prices/proposals/{started.pk}/").content.decode()
    assert 'id="withdraw"' not in _en(client_as("board2")).get(f"/prices/proposals/{scheduled.pk}/").content.decode()


def test_history_shows_old_to_new_who_and_a_chart(client_as, make_product, agree):
    product = make_product()
    agree(product, 100_000, at=timezone.now() - timedelta(days=60))
    agree(product, 120_000, at=timezone.now() - timedelta(days=30))
    agree(product, 108_000, min_quantity=12, at=timezone.now() - timedelta(days=30))
    html = _en(client_as("artisan_a")).get(f"/prices/products/{product.pk}/").content.decode()
    assert "<svg" in html and "<polyline" in html and "cdn" not in html.lower()
    assert "Rp 100.000 → Rp 120.000" in html
    assert "Hartono" in html and "Sulastri" in html and "Warsito" in html  # proposer and approvers
    assert "trader price from 12 units" in html
    assert "Propose a price" not in html  # artisans read only


def test_price_list_search_pagination_and_pending(client_as, make_product, agree, board_user):
    product = make_product(title="Tas Pencarian")
    agree(product, 150_000)
    services.propose_price(product=product, amount=Decimal("151000"), proposed_by=board_user)
    client = _en(client_as("staff"))
    page = client.get("/prices/?q=Pencarian")
    assert [row.product.pk for row in page.context["rows"]] == [product.pk]
    html = page.content.decode()
    assert "Rp 150.000" in html and "Rp 151.000" in html and "Waiting" in html
    assert "Propose" not in html  # staff read only
    full = client.get("/prices/")
    assert full.context["paginator"].count == selectors.purchasable_products().count()
    assert len(full.context["rows"]) == 25
    assert client.get("/prices/?page=999").status_code == 200  # past the end: last page, not a 500


def test_board_sets_the_rules_and_bad_values_are_named(client_as, board_user):
    client = _en(client_as("board"))
    response = client.post("/prices/rules/", {"quorum": "0", "change_threshold_percent": "abc"})
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"quorum", "change_threshold_percent"}
    assert PriceBoardSettings.current().quorum == 2
    client.post("/prices/rules/", {"quorum": "1", "change_threshold_percent": "20"})
    rules = PriceBoardSettings.current()
    assert (rules.quorum, rules.change_threshold_percent, rules.updated_by) == (1, 20, board_user)


def test_export_lists_every_purchasable_product_with_its_prices(client_as, make_product, agree):
    product = make_product()
    agree(product, 150_000)
    agree(product, 140_000, min_quantity=6)
    response = client_as("artisan_b").get("/prices/export.csv")
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[0] == "sku,title,min_quantity,price,in_force_since,effective_from,reason"
    assert f"{product.upc},{product.title},1,150000," in text and f"{product.upc},{product.title},6,140000," in text
    assert len(lines) >= selectors.purchasable_products().count() + 1


@pytest.mark.parametrize(
    "role,reads,governs",
    [
        ("anonymous", False, False),
        ("buyer", False, False),
        ("artisan_a", True, False),
        ("staff", True, False),
        ("board", True, True),
    ],
)
def test_template_filters_for_the_nav(client_as, role, reads, governs):
    from django.contrib.auth.models import AnonymousUser
    from django.template import Context, Template

    client = client_as(role)
    user = AnonymousUser()
    if role != "anonymous":
        from django.contrib.auth import get_user_model

        user = get_user_model().objects.get(pk=client.session["_auth_user_id"])
    html = Template("{% load catalog_tags %}{{ user|reads_prices }} {{ user|governs_prices }}").render(
        Context({"user": user})
    )
    assert html == f"{reads} {governs}"
