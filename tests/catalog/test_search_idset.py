"""The search's hit lists travel as one query parameter (catalog/shop/search/idset.py, issue 16): the same rows as
Django's ``__in``, one parameter however many ids, and no query at all for none (as ``__in=[]``)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.models.functions import Coalesce
from django.test.utils import CaptureQueriesContext
from oscar.core.loading import get_model

from catalog.shop.search.idset import InIds

Product = get_model("catalogue", "Product")
StockRecord = get_model("partner", "StockRecord")

pytestmark = pytest.mark.django_db


def test_same_rows_as_in_with_one_parameter():
    ids = list(Product.objects.values_list("pk", flat=True))
    some = ids[::2] + [10**9]  # an id that matches nothing is harmless
    assert len(some) > 5
    ours = Product.objects.filter(InIds("pk", some))
    assert sorted(ours.values_list("pk", flat=True)) == sorted(
        Product.objects.filter(pk__in=some).values_list("pk", flat=True)
    )
    _sql, params = ours.query.sql_with_params()
    assert len(params) == 1


def test_expressions_and_either_of_two_lists():
    parents = list(Product.objects.filter(structure=Product.PARENT).values_list("pk", flat=True))
    standalone = list(Product.objects.filter(structure=Product.STANDALONE).values_list("pk", flat=True))
    owner = Coalesce("product__parent_id", "product_id")
    expected = set(StockRecord.objects.filter(product__parent_id__in=parents[:3]).values_list("pk", flat=True)) | set(
        StockRecord.objects.filter(product_id__in=standalone[:3]).values_list("pk", flat=True)
    )
    either = InIds("product__parent_id", parents[:3]) | InIds("product_id", standalone[:3])
    assert set(StockRecord.objects.filter(either).values_list("pk", flat=True)) == expected
    by_owner = StockRecord.objects.annotate(owner=owner).filter(InIds(owner, parents[:3] + standalone[:3]))
    assert set(by_owner.values_list("pk", flat=True)) == expected
    assert expected  # the comparison means something


def test_no_ids_run_no_query_and_drop_out_of_an_or():
    with CaptureQueriesContext(connection) as captured:
        assert list(Product.objects.filter(InIds("pk", []))) == []
    assert len(captured) == 0
    one = Product.objects.order_by("pk").first()
    assert list(Product.objects.filter(InIds("pk", []) | InIds("pk", [one.pk]))) == [one]


def test_only_whole_numbers_reach_the_sql():
    with pytest.raises(ValueError):
        InIds("pk", ["1); DROP TABLE catalogue_product; --"])
