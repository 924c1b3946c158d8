"""Every price view checks who asks: anonymous → login, buyers → 403, readers (artisans, staff) read, board acts."""

from decimal import Decimal

import pytest

from catalog import services
from catalog.models import PriceProposal

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "buyer", "artisan_a", "artisan_b", "staff", "board"]
READERS = {"artisan_a", "artisan_b", "staff", "board"}
BOARD = {"board"}

# (name, method, url template, who may, status when allowed)
VIEWS = [
    ("price list", "get", "/prices/", READERS, 200),
    ("price list search", "get", "/prices/?q=GY-SAN&page=2", READERS, 200),
    ("export", "get", "/prices/export.csv", READERS, 200),
    ("history", "get", "/prices/products/{product}/", READERS, 200),
    ("proposals", "get", "/prices/proposals/?show=all", READERS, 200),
    ("proposal", "get", "/prices/proposals/{proposal}/", READERS, 200),
    ("propose form", "get", "/prices/proposals/new/?product={product}", BOARD, 200),
    ("propose", "post", "/prices/proposals/new/", BOARD, 302),
    ("approve", "post", "/prices/proposals/{proposal}/approve/", BOARD, 302),
    ("reject", "post", "/prices/proposals/{proposal}/reject/", BOARD, 302),
    ("withdraw", "post", "/prices/proposals/{proposal}/withdraw/", BOARD, 302),
    ("import form", "get", "/prices/import/", BOARD, 200),
    ("import preview", "post", "/prices/import/", BOARD, 200),
    ("rules form", "get", "/prices/rules/", BOARD, 200),
    ("rules", "post", "/prices/rules/", BOARD, 302),
]


@pytest.fixture
def world(make_product, agree, board_user_2):
    product = make_product()
    agree(product, 150_000)
    proposal = services.propose_price(product=product, amount=Decimal("155000"), proposed_by=board_user_2)
    return {"product": product, "proposal": proposal}


def _data(name, world):
    return {
        "propose": {
            "sku": world["product"].upc,
            "amount": "151.000",
            "min_quantity": "1",
            "effective_from": "",
            "reason": "test",
        },
        "reject": {"reason": "not now"},
        "import preview": {"text": f"sku,price\n{world['product'].upc},152000\n", "preview": "1"},
        "rules": {"quorum": "2", "change_threshold_percent": "30"},
    }.get(name, {})


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name,method,url,allowed,ok_status", VIEWS, ids=[v[0] for v in VIEWS])
def test_permission_matrix(client_as, world, role, name, method, url, allowed, ok_status):
    client = client_as(role)
    url = url.format(product=world["product"].pk, proposal=world["proposal"].pk)
    before = (PriceProposal.objects.count(), world["proposal"].votes.count())
    response = getattr(client, method)(url, _data(name, world))
    if role == "anonymous":
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    elif role in allowed:
        assert response.status_code == ok_status, response.content[:300]
    else:
        assert response.status_code == 403
    if role not in allowed:
        assert (PriceProposal.objects.count(), world["proposal"].votes.count()) == before  # nothing changed


@pytest.mark.parametrize(
    "url",
    [
        "/prices/proposals/{proposal}/approve/",
        "/prices/proposals/{proposal}/reject/",
        "/prices/proposals/{proposal}/withdraw/",
    ],
)
def test_decisions_are_post_only(client_as, world, url):
    response = client_as("board").get(url.format(proposal=world["proposal"].pk))
    assert response.status_code == 405


def test_missing_things_are_404_not_500(client_as, world):
    client = client_as("board")
    assert client.get("/prices/proposals/999999/").status_code == 404
    assert client.post("/prices/proposals/999999/approve/").status_code == 404
    assert client.get("/prices/products/999999/").status_code == 404
    parent = world["product"].__class__.objects.filter(structure="parent").first()
    assert client.get(f"/prices/products/{parent.pk}/").status_code == 404


def test_buyers_see_only_the_price_in_force(client_as, world):
    client = client_as("buyer")
    html = client.get(world["product"].get_absolute_url()).content.decode()
    assert "Rp 150.000" in html and "155.000" not in html
