""" "Order from this workshop" shows the chosen maker (issue 15): an artisan's page links its products with
?maker=<code>; the product page, the basket line and the checkout preview line then say "Made by <workshop>".
Without a maker nothing is shown."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils.html import escape
from oscar.core.loading import get_model

from tests.payments.helpers import to_preview

Product = get_model("catalogue", "Product")

pytestmark = pytest.mark.django_db


def _artisan_link(client):
    """The first "Order from …" link of an artisan's page that has products."""
    from guyub.content.models import ArtisanPage

    page = next(p for p in ArtisanPage.objects.live().order_by("pk") if p.products().count())
    html = client.get(page.url).content.decode()
    url = re.search(r'href="([^"]+\?maker=[^"]+)"', html).group(1).replace("&amp;", "&")
    return url


def _buyable_variant(response):
    variants = [v for v in response.context["variants"] if v["buyable"]]
    if variants:
        return Product.objects.get(pk=variants[0]["pk"])
    return response.context["product"]


def _made_by(member) -> str:
    return f"Made by {escape(member.partner.name)}"


def test_artisan_link_shows_the_maker_on_product_basket_and_preview(client, english_messages):
    from inventory.models import Member

    url = _artisan_link(client)
    code = url.split("?maker=")[1]
    member = Member.objects.select_related("partner").get(code=code)

    product_page = client.get(url)
    assert product_page.status_code == 200
    assert product_page.context["chosen_maker"] == member
    assert _made_by(member) in product_page.content.decode()

    variant = _buyable_variant(product_page)
    # Back on the product page without ?maker=: the session still remembers the workshop.
    again = client.get(variant.get_absolute_url())
    assert _made_by(member) in again.content.decode()

    preview = to_preview(client, product=variant, method="transfer")
    assert _made_by(member) in preview.content.decode()
    basket = client.get(reverse("basket:summary"))
    assert _made_by(member) in basket.content.decode()
    assert 'class="gy-chosen-maker' in basket.content.decode()


def test_without_a_maker_nothing_is_shown(client, english_messages):
    url = _artisan_link(client.__class__())  # the artisan page read by someone else
    plain = url.split("?maker=")[0]
    product_page = client.get(plain)
    assert product_page.context["chosen_maker"] is None
    assert "gy-chosen-maker" not in product_page.content.decode()
    variant = _buyable_variant(product_page)
    preview = to_preview(client, product=variant, method="transfer")
    assert "gy-chosen-maker" not in preview.content.decode()
    assert "gy-chosen-maker" not in client.get(reverse("basket:summary")).content.decode()


def test_the_basket_reads_its_makers_in_one_query(client, english_messages):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = _artisan_link(client)
    variant = _buyable_variant(client.get(url))
    to_preview(client, product=variant, method="transfer")
    with CaptureQueriesContext(connection) as captured:
        client.get(reverse("basket:summary"))
    makers = [q["sql"] for q in captured.captured_queries if "pooling_makerpreference" in q["sql"]]
    assert len(makers) == 1, makers
