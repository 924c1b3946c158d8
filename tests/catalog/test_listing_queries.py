"""The catalogue page reads prices, stock and availability in a fixed number of queries, not per product."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_catalogue_page_queries_do_not_grow_with_its_products(client, monkeypatch):
    from catalog.shop.catalogue import views

    def queries(per_page):
        monkeypatch.setattr(views.CatalogueView, "paginate_by", per_page)
        client.get(reverse("catalogue:index"))  # warm caches (site, categories)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("catalogue:index"))
        assert response.status_code == 200
        assert len(response.context["products"]) == per_page  # a full page, or "more products" proves nothing
        return len(captured)

    few, many = queries(2), queries(8)
    assert many == few, (few, many)
    assert many <= 20, many
