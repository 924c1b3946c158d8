"""Search engines and chat previews read a description and Open Graph tags on every shop page, in the page's
language (issue 15: "no meta description"): the home, a category and a product page."""

from __future__ import annotations

import html as html_lib
import re

import pytest
from django.utils import translation
from oscar.core.loading import get_model

Product = get_model("catalogue", "Product")
Category = get_model("catalogue", "Category")

pytestmark = pytest.mark.django_db

SITE_DESCRIPTION = (
    "Handmade leather sandals, bags, belts, shoes and wallets from 33 family workshops in Keparakan Kidul, "
    "Yogyakarta. One fair price, shipped across Indonesia."
)


def _meta(page: str) -> dict[str, str]:
    """{name or property: content} of the page's <meta> tags."""
    tags = {}
    for tag in re.findall(r"<meta\b[^>]*>", page):
        key = re.search(r'\b(?:name|property)="([^"]+)"', tag)
        content = re.search(r'\bcontent="([^"]*)"', tag)
        if key and content:
            tags[key.group(1)] = html_lib.unescape(content.group(1)).strip()
    return tags


def _tags(client, url, language):
    client.cookies["django_language"] = language
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    tags = _meta(response.content.decode())
    for name in ("description", "og:title", "og:description", "og:url"):
        assert tags.get(name), (url, language, name, tags)
    assert tags["og:url"] == f"http://testserver{url}", tags["og:url"]
    return tags


def _site_description(language):
    with translation.override(language):
        return translation.gettext(SITE_DESCRIPTION)


@pytest.mark.parametrize("page", ["home", "category"])
def test_home_and_category_pages_describe_the_shop_in_their_language(client, page):
    url, category = "/", None
    if page == "category":
        category = Category.objects.filter(product__isnull=False).exclude(name_en="").distinct().order_by("pk")[0]
        assert category.name != category.name_en
        url = category.get_absolute_url()
    english, indonesian = _tags(client, url, "en"), _tags(client, url, "id")
    assert english["description"] == english["og:description"] == SITE_DESCRIPTION
    assert indonesian["description"] == indonesian["og:description"] == _site_description("id")
    assert indonesian["description"] != SITE_DESCRIPTION  # not the English text on the Indonesian page
    if category is None:
        assert "Keparakan Kidul" in indonesian["og:title"] and english["og:title"] != indonesian["og:title"]
    else:  # the category's name in the page's language
        assert english["og:title"].startswith(category.name_en) and indonesian["og:title"].startswith(category.name)
        client.cookies["django_language"] = "en"
        title = re.search(r"<title>(.*?)</title>", client.get(url).content.decode(), re.S).group(1)
        assert title.split("|")[0].strip() == category.name_en  # the English name in the title, not the Indonesian


def test_product_page_describes_the_product_in_its_language(client):
    product = (
        Product.objects.filter(structure=Product.PARENT, is_public=True)
        .exclude(description="")
        .exclude(description_en="")
        .order_by("upc")
        .first()
    )
    assert product is not None and product.description != product.description_en
    url = product.get_absolute_url()
    english, indonesian = _tags(client, url, "en"), _tags(client, url, "id")
    assert english["og:type"] == indonesian["og:type"] == "product"
    first_words = {
        lang: " ".join(re.sub(r"<[^>]+>", " ", text).split()[:4])
        for lang, text in (("en", product.description_en), ("id", product.description))
    }
    for tags, language in ((english, "en"), (indonesian, "id")):
        assert tags["description"].startswith(first_words[language]), (language, tags["description"])
        assert tags["og:description"] == tags["description"]
    assert english["og:title"] == product.title_en and indonesian["og:title"] == product.title
    image = product.primary_image()  # the seeded products have drawn pictures; the template shares the first
    assert image.original
    assert english["og:image"] == indonesian["og:image"] == f"http://testserver{image.original.url}"
