"""Every pooling view for every role; forms refuse bad input naming the field and change nothing."""

from __future__ import annotations

import pytest
from django.urls import reverse

from pooling.demo import seed_pooling
from pooling.models import RoutingRequest, RoutingSettings, WorkOrder

pytestmark = pytest.mark.django_db
ROLES = ["anonymous", "buyer", "artisan_a", "artisan_b", "board", "staff"]


@pytest.fixture
def demo_work(db):
    """seed_pooling: m02's overflow, offered to m01 as one work order."""
    seed_pooling()
    wo = WorkOrder.objects.get(member__code="m01", request__note__startswith="demo")
    return wo


def _status(response):
    if response.status_code == 302 and "/accounts/login/" in response["Location"]:
        return "login"
    return response.status_code


# (name, url builder, method, {role: expected})
MATRIX = [
    (
        "index",
        lambda wo: reverse("pooling:index"),
        "get",
        {"anonymous": "login", "buyer": 403, "artisan_a": 302, "artisan_b": 302, "board": 302, "staff": 302},
    ),
    (
        "board",
        lambda wo: reverse("pooling:board"),
        "get",
        {"anonymous": "login", "buyer": 403, "artisan_a": 403, "artisan_b": 403, "board": 200, "staff": 200},
    ),
    (
        "board-settings",
        lambda wo: reverse("pooling:board-settings"),
        "get",
        {"anonymous": "login", "buyer": 403, "artisan_a": 403, "artisan_b": 403, "board": 200, "staff": 403},
    ),
    (
        "work",
        lambda wo: reverse("pooling:work", args=["m01"]),
        "get",
        {"anonymous": "login", "buyer": 403, "artisan_a": 200, "artisan_b": 404, "board": 200, "staff": 403},
    ),
    (
        "overflow-list",
        lambda wo: reverse("pooling:overflow-list", args=["m01"]),
        "get",
        {"anonymous": "login", "buyer": 403, "artisan_a": 200, "artisan_b": 404, "board": 200, "staff": 403},
    ),
    (
        "work-order",
        lambda wo: reverse("pooling:work-order", args=[wo.pk]),
        "get",
        {"anonymous": "login", "buyer": 404, "artisan_a": 200, "artisan_b": 404, "board": 200, "staff": 200},
    ),
    (
        "accept",
        lambda wo: reverse("pooling:work-order-action", args=[wo.pk, "accept"]),
        "post",
        {"anonymous": "login", "buyer": 404, "artisan_a": 302, "artisan_b": 404, "board": 403, "staff": 403},
    ),
    (
        "overflow",
        lambda wo: reverse("pooling:overflow", args=[wo.request_id]),
        "get",
        {"anonymous": "login", "buyer": 404, "artisan_a": 404, "artisan_b": 200, "board": 200, "staff": 200},
    ),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name,url,method,expected", MATRIX, ids=[m[0] for m in MATRIX])
def test_permission_matrix(client_as, demo_work, role, name, url, method, expected):
    client = client_as(role)
    response = getattr(client, method)(url(demo_work))
    assert _status(response) == expected[role]
    demo_work.refresh_from_db()
    if name == "accept":
        assert demo_work.state == ("accepted" if role == "artisan_a" else "offered")


def test_unknown_ids_and_actions_are_404(client_as, demo_work):
    client = client_as("artisan_a")
    assert client.get(reverse("pooling:work-order", args=[999999])).status_code == 404
    assert client.post(reverse("pooling:work-order-action", args=[demo_work.pk, "explode"])).status_code == 404
    assert client.get(reverse("pooling:work-order-action", args=[demo_work.pk, "accept"])).status_code == 405
    assert client.get(reverse("pooling:overflow", args=[999999])).status_code == 404


def test_artisan_sees_own_work_with_actions(client_as, demo_work):
    page = client_as("artisan_a").get(reverse("pooling:work", args=["m01"])).content.decode()
    assert f'id="wo-{demo_work.pk}"' in page and "/accept/" in page
    board_page = client_as("board").get(reverse("pooling:work", args=["m01"])).content.decode()
    assert f'id="wo-{demo_work.pk}"' in board_page and "/accept/" not in board_page  # the board reads only


def test_decline_without_reason_names_the_field_and_changes_nothing(client_as, demo_work):
    response = client_as("artisan_a").post(
        reverse("pooling:work-order-action", args=[demo_work.pk, "decline"]), {"reason": ""}
    )
    assert response.status_code == 400
    assert "id_reason" in response.content.decode() and "invalid-feedback" in response.content.decode()
    demo_work.refresh_from_db()
    assert demo_work.state == "offered"


def test_decline_through_the_view_reroutes(client_as, demo_work, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_as("artisan_a").post(
            reverse("pooling:work-order-action", args=[demo_work.pk, "decline"]), {"reason": "Mesin rusak"}
        )
    assert response.status_code == 302
    demo_work.refresh_from_db()
    assert demo_work.state == "declined" and demo_work.decline_reason == "Mesin rusak"
    again = WorkOrder.objects.filter(request=demo_work.request, round=1)
    assert not again.filter(member__code__in=["m01", "m02"]).exists()  # neither decliner nor poster


@pytest.mark.parametrize(
    "field,value",
    [
        ("fairness", "-1"),
        ("distance", "abc"),
        ("preference", "nan"),
        ("fairness", "inf"),
        ("response_hours", "0"),
        ("response_hours", "2.5"),
        ("distance", ""),
    ],
)
def test_board_weights_form_refuses_bad_numbers(client_as, field, value):
    before = RoutingSettings.current()
    data = {"fairness": "100", "distance": "1", "preference": "20", "response_hours": "48", field: value}
    response = client_as("board").post(reverse("pooling:board-settings"), data)
    assert response.status_code == 400
    assert f"id_{field}" in response.content.decode() and "invalid-feedback" in response.content.decode()
    after = RoutingSettings.objects.get(pk=before.pk)
    assert (after.fairness, after.distance, after.preference, after.response_hours) == (
        before.fairness,
        before.distance,
        before.preference,
        before.response_hours,
    )


def test_board_changes_weights(client_as):
    client = client_as("board")
    response = client.post(
        reverse("pooling:board-settings"),
        {"fairness": "50", "distance": "2.5", "preference": "0", "response_hours": "24"},
    )
    assert response.status_code == 302
    row = RoutingSettings.current()
    assert (row.fairness, row.distance, row.preference, row.response_hours) == (50, 2.5, 0, 24)
    client.cookies["django_language"] = "en"
    board = client.get(reverse("pooling:board")).content.decode()
    assert "fairness 50.0, distance 2.5 per km, preference 0.0" in board and "after 24 hours" in board


def test_staff_cannot_change_weights(client_as):
    response = client_as("staff").post(
        reverse("pooling:board-settings"), {"fairness": "1", "distance": "1", "preference": "1", "response_hours": "1"}
    )
    assert response.status_code == 403
    assert RoutingSettings.current().fairness == 100


def test_overflow_form_bad_input_names_field(client_as):
    response = client_as("artisan_a").post(
        reverse("pooling:overflow-list", args=["m01"]), {"product": "", "quantity": "0", "due_week": "not-a-date"}
    )
    assert response.status_code == 400
    body = response.content.decode()
    for field in ("id_product", "id_quantity", "id_due_week"):
        assert field in body
    assert not RoutingRequest.objects.filter(kind="overflow", member__code="m01").exists()


def test_board_page_shows_heat_map_and_fairness(client_as, demo_work):
    body = client_as("board").get(reverse("pooling:board")).content.decode()
    assert 'id="heat-map"' in body and "background-color: rgb(" in body
    assert 'id="fairness"' in body and 'id="flows"' in body and "m02" in body


def test_seed_pooling_is_idempotent(db):
    first = seed_pooling()
    second = seed_pooling()
    assert first["work orders"] == 1 and second["work orders"] == 0
    assert WorkOrder.objects.filter(member__code="m01", state="offered").count() >= 1


def test_order_progress_tag_hides_members(order_factory, variant, empty_stock):
    from django.template import Context, Template

    from inventory.models import Member
    from inventory.services import stockrecord_for
    from pooling import services

    empty_stock(variant)
    order = order_factory([(stockrecord_for(member=Member.objects.get(code="m01"), product=variant), 3, 0)])
    [request] = services.plan_order(order=order)
    services.route_request(request_id=request.pk)
    html = Template("{% load pooling_tags %}{% pooling_order_progress order %}").render(Context({"order": order}))
    assert 'id="order-progress"' in html
    for member in Member.objects.all():
        assert member.name not in html and f">{member.code}<" not in html
    lead = Template("{% load pooling_tags %}{% pooling_lead_time product %}").render(Context({"product": variant}))
    assert 'id="lead-time"' in lead


def test_overflow_posted_through_the_view_shows_who_took_it(client_as, variant, django_capture_on_commit_callbacks):
    import datetime

    from inventory.selectors import current_week

    client = client_as("artisan_a")
    week = current_week() + datetime.timedelta(weeks=2)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("pooling:overflow-list", args=["m01"]),
            {"product": variant.pk, "quantity": "4", "due_week": week.isoformat(), "note": "Toko"},
        )
    posted = RoutingRequest.objects.get(kind="overflow", member__code="m01", note="Toko")
    assert response.status_code == 302 and response["Location"] == reverse("pooling:overflow", args=[posted.pk])
    work = list(WorkOrder.objects.filter(request=posted).select_related("member"))
    assert work and all(w.member.code != "m01" for w in work)
    page = client.get(response["Location"]).content.decode()
    for wo in work:
        assert f"{wo.member.code} {wo.member.name}" in page


def test_a_buyer_from_an_artisans_page_prefers_that_maker(client, variant):
    from pooling.models import MakerPreference
    from tests.payments.helpers import _ensure_agreed_prices

    _ensure_agreed_prices(variant)
    client.get(variant.get_absolute_url() + "?maker=m03")
    client.post(reverse("basket:add", kwargs={"pk": variant.pk}), {"quantity": 1})
    assert MakerPreference.objects.get(product=variant).member.code == "m03"
