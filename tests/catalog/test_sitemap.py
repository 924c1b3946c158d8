"""Issue 15: /sitemap.xml lists Wagtail's pages and the shop's products (not their variants), on one host: the
root URL of Wagtail's site."""

import xml.etree.ElementTree as ET

import pytest
from oscar.core.loading import get_model
from wagtail.models import Page, Site

pytestmark = pytest.mark.django_db
Product = get_model("catalogue", "Product")
NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def test_sitemap_lists_pages_and_products(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(20):
        response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    locations = [e.text for e in ET.fromstring(response.content).findall("s:url/s:loc", NS)]
    root = Site.objects.get(is_default_site=True).root_url
    assert locations and all(loc.startswith(root + "/") for loc in locations)

    products = Product.objects.browsable().filter(is_public=True)
    assert products.exists()
    for product in products:
        assert f"{root}{product.get_absolute_url()}" in locations, product.upc
    child = Product.objects.filter(structure="child").first()
    assert f"{root}{child.get_absolute_url()}" not in locations  # variants: on the parent page

    pages = Page.objects.live().public().filter(depth__gt=1).specific()
    assert pages.exists()
    for page in pages:
        assert page.get_full_url() in locations, page.title
    assert root + "/" in locations  # the home page
    assert len(locations) == len(set(locations))
