"""Issue 13, items 6 and 7 (shop and prices): hostile input gets a clear message, never a server error."""

from __future__ import annotations

import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from oscar.core.loading import get_model
from PIL import Image

from catalog.pricing.sheet import check_sheet
from tests.factories import make_order

StockRecord = get_model("partner", "StockRecord")


@pytest.fixture(autouse=True)
def _english(english_messages):
    """These tests read the English wording."""


# --- Item 6: a price sheet that is only byte-order marks ------------------------------------------------


@pytest.mark.parametrize("text", ["\ufeff", "\ufeff\ufeff", "\ufeff \n", "\ufeff\ufeff\r\n\r\n"])
def test_a_sheet_of_byte_order_marks_is_an_empty_file(text):
    check = check_sheet(
        text,
        lookup=lambda skus: {},
        now=datetime(2026, 1, 5, tzinfo=ZoneInfo("Asia/Jakarta")),
        tz=ZoneInfo("Asia/Jakarta"),
        threshold_percent=30,
    )
    assert [p.code for p in check.problems] == ["empty_file"]


@pytest.mark.parametrize("text", ["\ufeff", "\ufeff\ufeff"])
def test_the_import_page_says_the_file_is_empty(client_as, text):
    response = client_as("board").post(reverse("catalog:import"), {"text": text})
    assert response.status_code == 200
    assert "The file is empty." in response.content.decode()


# --- Item 7: bounded ids from URLs, the order line page, broken images -----------------------------------


@pytest.mark.parametrize("value", ["9" * 5000, "9" * 30, "99999999999", "-1", "٣", "1e5", " 7", ""])
def test_propose_with_an_absurd_product_id_shows_the_empty_form(client_as, value):
    response = client_as("board").get(reverse("catalog:propose"), {"product": value})
    assert response.status_code == 200


def _order_of(user):
    record = StockRecord.objects.select_related("product", "partner").filter(product__is_public=True).first()
    order = make_order([(record, 1, 0, 150000)], user=user)
    return order, order.lines.get()


def test_the_buyer_sees_a_line_of_their_own_order(client_as, buyer_user):
    order, line = _order_of(buyer_user)
    response = client_as("buyer").get(f"/accounts/orders/{order.number}/{line.pk}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="order-line"' in page and line.title in page and "Back to the order" in page


def test_a_line_of_another_order_or_a_huge_id_is_not_found(client_as, buyer_user):
    order, line = _order_of(buyer_user)
    other, other_line = _order_of(buyer_user)
    client = client_as("buyer")
    assert client.get(f"/accounts/orders/{order.number}/{other_line.pk}/").status_code == 404
    assert client.get(f"/accounts/orders/{order.number}/{'9' * 25}/").status_code == 404
    assert client.get("/accounts/orders/100001/1/").status_code == 404  # no such order of theirs


def _truncated_jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (400, 300), (200, 120, 40)).save(buffer, "JPEG")
    data = buffer.getvalue()
    return data[: len(data) // 2]


@pytest.fixture
def cms_admin(client, django_user_model):
    user = django_user_model.objects.create_superuser(email="cms-b13@guyub.example", password="x-very-long-pass-13")
    client.force_login(user)
    return client


def test_a_truncated_jpeg_is_a_form_error_naming_the_file(cms_admin):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from wagtail.images import get_image_model

    before = get_image_model().objects.count()
    response = cms_admin.post(
        "/cms/images/add/",
        {"title": "Tas", "file": SimpleUploadedFile("tas-rusak.jpg", _truncated_jpeg(), "image/jpeg")},
    )
    assert response.status_code == 200
    assert "tas-rusak.jpg is not a complete image" in response.content.decode()
    response = cms_admin.post(
        "/cms/images/multiple/add/", {"files[]": SimpleUploadedFile("tas-rusak.jpg", _truncated_jpeg(), "image/jpeg")}
    )
    assert response.status_code == 200 and response.json()["success"] is False
    assert "tas-rusak.jpg is not a complete image" in str(response.json())
    assert get_image_model().objects.count() == before
