"""Who may see and change what: every workspace view × every role, ids guessed in URLs, and Oscar's
dashboard order views (a member must never see another member's lines of the same order)."""

import pytest
from django.contrib.auth.models import Permission
from oscar.core.loading import get_model

from inventory import selectors, services
from inventory.models import Member, OwnOrder
from tests.factories import make_order

pytestmark = pytest.mark.django_db
StockRecord = get_model("partner", "StockRecord")

ROLES = ["anonymous", "buyer", "artisan_a", "artisan_b", "board", "staff"]
READ = {"anonymous": 302, "buyer": 403, "artisan_a": 200, "artisan_b": 404, "board": 200, "staff": 403}
WRITE = {**READ, "board": 403}


def m01_urls():
    m01 = Member.objects.get(code="m01")
    record = selectors.member_stock(m01).first()
    return {
        "member": ("/workspace/m01/", READ),
        "stock": ("/workspace/m01/stock/", READ),
        "materials": ("/workspace/m01/materials/", READ),
        "history": ("/workspace/m01/history/", READ),
        "history-materials": ("/workspace/m01/history/?show=materials", READ),
        "capacity": ("/workspace/m01/capacity/", READ),
        "work": ("/workspace/m01/work/", READ),
        "order-lines": ("/workspace/m01/order-lines/", READ),
        "profile": ("/workspace/m01/profile/", READ),
        "stock-adjust": (f"/workspace/m01/stock/{record.pk}/adjust/", WRITE),
        "material-record": ("/workspace/m01/materials/lem/", WRITE),
        "produce": ("/workspace/m01/produce/", WRITE),
    }


VIEW_NAMES = [
    "member",
    "stock",
    "materials",
    "history",
    "history-materials",
    "capacity",
    "work",
    "order-lines",
    "profile",
    "stock-adjust",
    "material-record",
    "produce",
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("view", VIEW_NAMES)
def test_workspace_view_permissions(client_as, role, view):
    url, expected = m01_urls()[view]
    response = client_as(role).get(url)
    assert response.status_code == expected[role], (view, role)
    if response.status_code == 302:
        assert "/accounts/login/" in response["Location"]


def _own_order(member):
    return services.own_order_create(
        member=member, product_class=member.skills.first(), quantity=1, due_week=selectors.current_week()
    )


@pytest.mark.parametrize("role", ROLES)
def test_post_only_views(client_as, role, member_a):
    order = _own_order(member_a)
    expected = {"anonymous": 302, "buyer": 403, "artisan_a": 302, "artisan_b": 404, "board": 403, "staff": 403}
    client = client_as(role)
    response = client.post(f"/workspace/m01/orders/own/{order.pk}/close/", {"status": "cancelled"})
    assert response.status_code == expected[role]
    order.refresh_from_db()
    assert (order.status == OwnOrder.Status.CANCELLED) == (role == "artisan_a")
    response = client.post("/workspace/m01/orders/own/", {})
    assert response.status_code == {**expected, "artisan_a": 200}[role]  # an empty form re-renders


@pytest.mark.parametrize("role", ROLES)
def test_board_pages(client_as, role):
    home = {"anonymous": 302, "buyer": 403, "artisan_a": 302, "artisan_b": 302, "board": 200, "staff": 403}
    board_only = {"anonymous": 302, "buyer": 403, "artisan_a": 403, "artisan_b": 403, "board": 200, "staff": 403}
    client = client_as(role)
    assert client.get("/workspace/").status_code == home[role]
    assert client.get("/workspace/board/import/").status_code == board_only[role]
    assert client.get("/workspace/board/check/").status_code == board_only[role]
    pick = client.get("/workspace/board/pick/?code=m02")
    assert pick.status_code == {**board_only, "board": 302}[role]
    if role == "board":
        assert pick["Location"] == "/workspace/m02/"


def test_artisan_lands_on_its_own_workshop(client_as):
    assert client_as("artisan_a").get("/workspace/")["Location"] == "/workspace/m01/"
    assert client_as("artisan_b").get("/workspace/")["Location"] == "/workspace/m02/"


def test_guessed_ids_of_another_member_are_not_found(client_as, member_b):
    other_record = selectors.member_stock(member_b).first()
    other_order = _own_order(member_b)
    client = client_as("artisan_a")
    assert client.get(f"/workspace/m01/stock/{other_record.pk}/adjust/").status_code == 404
    before = other_record.num_in_stock
    response = client.post(
        f"/workspace/m01/stock/{other_record.pk}/adjust/", {"change": 5, "reason": "x", "idempotency_key": "guess-1"}
    )
    assert response.status_code == 404
    other_record.refresh_from_db()
    assert other_record.num_in_stock == before
    assert client.post(f"/workspace/m01/orders/own/{other_order.pk}/close/", {"status": "cancelled"}).status_code == 404
    assert client.get("/workspace/m99/").status_code == 404
    assert client_as("board").get("/workspace/m99/").status_code == 404


def test_board_cannot_change_a_members_stock(client_as, member_a):
    record = selectors.member_stock(member_a).first()
    before = record.num_in_stock
    response = client_as("board").post(
        f"/workspace/m01/stock/{record.pk}/adjust/", {"change": 1, "reason": "x", "idempotency_key": "board-1"}
    )
    assert response.status_code == 403
    record.refresh_from_db()
    assert record.num_in_stock == before


def test_member_edits_only_its_contact_details(client_as, member_a):
    workers, capacity = member_a.workers, member_a.weekly_capacity
    response = client_as("artisan_a").post(
        "/workspace/m01/profile/",
        {
            "phone": "0812-0000-1111",
            "address": "Jl. Baru 1",
            "workers": 19,
            "weekly_capacity": 999,
            "status": "suspended",
        },
    )
    assert response.status_code == 302
    member_a.refresh_from_db()
    assert (member_a.phone, member_a.address) == ("0812-0000-1111", "Jl. Baru 1")
    assert (member_a.workers, member_a.weekly_capacity, member_a.status) == (workers, capacity, "active")


def test_board_edits_the_whole_profile_and_class_capacity(client_as, member_a):
    sandal = member_a.skills.order_by("pk").first()
    data = {
        "name": "Kulit Baru",
        "workers": 6,
        "phone": "1",
        "address": "Jl. A",
        "latitude": "-7.81",
        "longitude": "110.37",
        "weekly_capacity": 40,
        "joined": "2020-01-02",
        "status": "suspended",
        "skills": [sandal.pk],
        f"capacity_{sandal.pk}": 12,
    }
    assert client_as("board").post("/workspace/m01/profile/", data).status_code == 302
    member_a.refresh_from_db()
    assert (member_a.workers, member_a.size_class, member_a.status, member_a.name) == (
        6,
        "small",
        "suspended",
        "Kulit Baru",
    )
    assert member_a.capacity_for(sandal) == 12
    assert list(member_a.skills.all()) == [sandal]


# --- Oscar's dashboard --------------------------------------------------------------------------


@pytest.fixture
def shared_order(member_a, member_b):
    """One order with a line from m01 and a line from m02."""
    record_a = selectors.member_stock(member_a).first()
    record_b = selectors.member_stock(member_b).exclude(product=record_a.product).first()
    order = make_order([(record_a, 1), (record_b, 2)])
    line_a = order.lines.get(partner_id=member_a.partner_id)
    line_b = order.lines.get(partner_id=member_b.partner_id)
    type(line_a).objects.filter(pk=line_a.pk).update(title="LINE-OF-M01")
    type(line_b).objects.filter(pk=line_b.pk).update(title="LINE-OF-M02")
    return order, line_a, line_b


# Staff and board reach the dashboard; which order pages they may open is the shop's permission set
# (Oscar's view_order), so only "not blocked by the member rule" is asserted for them.
DASHBOARD = {
    "anonymous": {302},
    "buyer": {403},
    "artisan_a": {403},
    "artisan_b": {403},
    "board": {200, 403},
    "staff": {200, 403},
}


@pytest.mark.parametrize("role", ROLES)
def test_dashboard_order_views(client_as, role, shared_order):
    order, line_a, line_b = shared_order
    client = client_as(role)
    if role in ("board", "staff"):
        assert client.get("/dashboard/").status_code == 200
    for url in [
        "/dashboard/",
        "/dashboard/orders/",
        f"/dashboard/orders/{order.number}/",
        f"/dashboard/orders/{order.number}/lines/{line_b.pk}/",
        "/dashboard/orders/statistics/",
    ]:
        response = client.get(url)
        assert response.status_code in DASHBOARD[role], (url, role)
        if role.startswith("artisan") or role == "buyer":
            assert "LINE-OF-M0" not in response.content.decode()


def test_artisan_with_oscar_partner_access_is_still_kept_out_of_the_dashboard(
    client_as, artisan_a, member_a, shared_order
):
    # What Oscar's "link user to partner" would grant: partner.users plus the dashboard permission.
    member_a.partner.users.add(artisan_a)
    artisan_a.user_permissions.add(
        Permission.objects.get(codename="dashboard_access", content_type__app_label="partner")
    )
    order, _, line_b = shared_order
    client = client_as("artisan_a")
    for url in [
        "/dashboard/orders/",
        f"/dashboard/orders/{order.number}/",
        f"/dashboard/orders/{order.number}/lines/{line_b.pk}/",
    ]:
        response = client.get(url)
        assert response.status_code == 403
        assert "LINE-OF-M02" not in response.content.decode()


def test_workspace_shows_only_the_members_own_lines(client_as, shared_order):
    html_a = client_as("artisan_a").get("/workspace/m01/order-lines/").content.decode()
    assert "LINE-OF-M01" in html_a and "LINE-OF-M02" not in html_a
    html_home = client_as("artisan_a").get("/workspace/m01/").content.decode()
    assert "LINE-OF-M02" not in html_home
    html_b = client_as("artisan_b").get("/workspace/m02/order-lines/").content.decode()
    assert "LINE-OF-M02" in html_b and "LINE-OF-M01" not in html_b
    html_board = client_as("board").get("/workspace/m02/order-lines/").content.decode()
    assert "LINE-OF-M02" in html_board and "LINE-OF-M01" not in html_board
