"""The storefront reads as written by a person, in both languages (issue 15): the product page's variant picker,
no empty review block, one promise wording, and a walk over the public and checkout pages that fails on a
sentence repeated more than twice or an English/Oscar leftover on an Indonesian page."""

from __future__ import annotations

import datetime
import re
from collections import Counter

import pytest
from django.urls import reverse
from django.utils import translation
from oscar.core.loading import get_model

from tests.payments.helpers import place_order, to_payment_method, to_preview, variant_with_stock

Product = get_model("catalogue", "Product")
Order = get_model("order", "Order")

pytestmark = pytest.mark.django_db

LEFTOVERS_ID = [
    "Page 1 of",
    " to <strong>",
    "Variants:",
    "Your basket total is now",
    "Your basket has got some issues",
    "Re-order",
    "(inc. tax)",
    "ulangan",
    "proses untuk proses akhir",
    "Tuliskan pesanan",
    "Hubungan",
    "Tanggal Dikirim",
    "cekout",
    "Troli",
    "belanjaan",
]
LEFTOVERS_EN = ["Tas ", ">Hitam", "Ukuran", "1 workers", "Troli"]


def _text(html: str) -> str:
    html = re.sub(r"(?s)<(script|style)\b.*?</\1>", " ", html)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "\n", html))


def _sentences(html: str) -> list[str]:
    text = re.sub(r"(?s)<(script|style)\b.*?</\1>", " ", html)
    parts = re.split(r"<[^>]+>|(?<=[.!?])\s", text)
    # Sentences, not repeated button labels ("Order from …" under every tile): ending in . ! ? or long.
    return [p.strip() for p in parts if len(p.strip()) > 30 and (p.strip()[-1] in ".!?" or len(p.strip()) > 60)]


def _check(url: str, response, language: str) -> None:
    assert response.status_code == 200, (url, response.status_code)
    html = response.content.decode()
    repeated = [s for s, n in Counter(_sentences(html)).items() if n > 2]
    assert not repeated, (url, language, repeated[:3])
    for s in _sentences(html):  # a sentence glued to itself (the garbled plural entries)
        half = s[: len(s) // 2]
        assert not (len(s) > 60 and s.count(half[:40]) > 2), (url, s[:120])
    leftovers = LEFTOVERS_ID if language == "id" else LEFTOVERS_EN
    found = [w for w in leftovers if w in html]
    assert not found, (url, language, found)


def _parent():
    return Product.objects.filter(structure=Product.PARENT, is_public=True).order_by("upc").first()


@pytest.mark.parametrize("language", ["id", "en"])
def test_every_public_and_checkout_page_reads_cleanly(client, language):
    client.cookies["django_language"] = language
    parent = _parent()
    public = ["/", "/catalogue/", parent.get_absolute_url(), "/pengrajin/", "/cerita/", "/search/?q=tas"]
    public += ["/tentang/", "/kontak/", "/pengiriman/", "/pengembalian/", "/privasi/", "/basket/"]
    from guyub.content.models import ArtisanPage

    public.append(ArtisanPage.objects.live().order_by("pk").first().url)
    for url in public:
        _check(url, client.get(url), language)
    product, _record = variant_with_stock(1)
    to_payment_method(client, product=product, language=language)
    for url in ["/basket/", reverse("checkout:shipping-address"), reverse("checkout:payment-method")]:
        _check(url, client.get(url), language)
    response = client.post(reverse("checkout:payment-method"), {"method": "transfer"})
    assert response.status_code == 302
    _check("payment details / preview", client.get(reverse("checkout:payment-details"), follow=True), language)


@pytest.mark.parametrize("language", ["id", "en"])
def test_order_pages_read_cleanly(client, buyer_user, language):
    """After the order: the thank-you page, the account's order history and order detail (where "Re-order" and
    "Tanggal Dikirim" were seen), and the guests' order-status form and the order page it leads to."""
    from django.test import Client

    client.force_login(buyer_user)
    product, _record = variant_with_stock(2)
    placed = place_order(client, to_preview(client, product=product, language=language, guest=False))
    assert placed.status_code == 302 and placed["Location"].startswith(reverse("checkout:thank-you"))
    _check("thank-you", client.get(placed["Location"]), language)
    history = client.get(reverse("customer:order-list"))
    _check("order history", history, language)
    order = buyer_user.orders.order_by("-pk").first()
    assert order is not None and order.number in history.content.decode()
    _check("order detail", client.get(reverse("customer:order", kwargs={"order_number": order.number})), language)

    guest = Client()
    guest_order = place_order(guest, to_preview(guest, product=product, language=language, email="tamu@example.com"))
    assert guest_order.status_code == 302
    lookup = reverse("checkout:order-lookup")
    form = guest.get(lookup)
    _check("order-status form", form, language)
    if language == "id":  # the form was seen in English on Indonesian pages
        english = ["Follow your order", "Show my order", "Order number", "Email address used"]
        assert not [w for w in english if w in form.content.decode()], form.content.decode()
    order = Order.objects.filter(user=None, guest_email="tamu@example.com").latest("pk")
    found = guest.post(lookup, {"order_number": order.number, "email": "tamu@example.com"})
    assert found.status_code == 302, found.content[:500]
    _check("order status", guest.get(found["Location"]), language)


def test_variant_picker_posts_the_chosen_variant(client):
    parent = _parent()
    page = client.get(parent.get_absolute_url())
    variants = page.context["variants"]
    assert len(variants) >= 2
    html = page.content.decode()
    assert 'name="child_id"' in html and f'action="/basket/add/{parent.pk}/"' in html
    assert "Variants:" not in html and "Varian:" not in html
    chosen = [v for v in variants if v["buyable"]][-1]
    response = client.post(f"/basket/add/{parent.pk}/", {"child_id": chosen["pk"], "quantity": 1})
    assert response.status_code == 302
    basket = client.get("/basket/").context["basket"]
    assert [line.product_id for line in basket.all_lines()] == [chosen["pk"]]


def test_product_page_has_no_review_block_without_reviews(client):
    parent = _parent()
    html = client.get(parent.get_absolute_url()).content.decode()
    assert 'id="reviews"' not in html and "star-rating" not in html
    assert "application/ld+json" in html and '"priceCurrency": "IDR"' in html
    listing = client.get("/catalogue/").content.decode()
    assert "star-rating" not in listing and "Number of reviews" not in listing and "UPC" not in listing


def test_one_promise_wording_a_week_ahead():
    from pooling.selectors import LeadTime, promise_text, ships_by

    today = datetime.date(2026, 12, 2)
    this_monday = today - datetime.timedelta(days=today.weekday())
    with translation.override("en"):
        lead = LeadTime(in_stock=False, weeks=1, due_week=this_monday)
        assert lead.text == promise_text(this_monday) == "Made to order, ships by 7 Dec 2026"
    assert ships_by(this_monday) > today
    from django.template import Context, Template

    with translation.override("en"):
        rendered = Template("{% load pooling_tags %}{{ week|promise }}").render(Context({"week": this_monday}))
    assert rendered == "Made to order, ships by 7 Dec 2026"
