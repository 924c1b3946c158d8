"""The strategy reads made-to-order capacity for every product class at once (issue 16): the same numbers as
`weekly_spare(product_class)` for each class, in a fixed number of queries however many classes a page shows."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from oscar.core.loading import get_model

from inventory.models import MemberClassCapacity
from pooling import selectors
from pooling.models import RoutingRequest

ProductClass = get_model("catalogue", "ProductClass")
Product = get_model("catalogue", "Product")

pytestmark = pytest.mark.django_db


def test_every_class_at_once_equals_each_class_alone(member_a):
    # Something waiting for routing too, so the "not yet routed" deduction is compared as well.
    product = Product.objects.filter(structure=Product.CHILD).order_by("upc").first()
    RoutingRequest.objects.create(
        kind=RoutingRequest.Kind.OVERFLOW,
        member=member_a,
        product=product,
        product_class=product.get_product_class(),
        ordered=4,
        quantity=4,
        due_week=selectors.current_week() + datetime.timedelta(weeks=1),
        status=RoutingRequest.Status.OPEN,
    )
    # A workshop slower at one class than its usual week: the class override must count, not the weekly capacity.
    made = member_a.skills.order_by("pk").first()
    MemberClassCapacity.objects.update_or_create(
        member=member_a, product_class=made, defaults={"weekly_capacity": member_a.weekly_capacity + 7}
    )
    everything = selectors.weekly_spare_by_class()
    classes = list(ProductClass.objects.all())
    assert len(classes) >= 2
    for product_class in classes:
        assert everything[product_class.pk] == selectors.weekly_spare(product_class), product_class.slug
    assert any(sum(everything[pc.pk]) for pc in classes)  # not all zeros: the comparison means something
    some = {classes[0].pk, classes[-1].pk}
    assert dict(selectors.weekly_spare_by_class(some)) == {pk: everything[pk] for pk in some}


def test_reading_every_class_takes_a_fixed_number_of_queries():
    with CaptureQueriesContext(connection) as captured:
        selectors.weekly_spare_by_class()
    assert len(captured) <= 4  # who makes what at which capacity; their load; their open offers; waiting units


def test_a_basket_of_several_classes_made_to_order_reads_capacity_once(client, monkeypatch):
    from catalog.shop.partner import strategy

    calls = []
    real = strategy.weekly_spare_by_class
    monkeypatch.setattr(strategy, "weekly_spare_by_class", lambda *a, **kw: calls.append(a) or real(*a, **kw))
    seen, products = set(), []
    for child in Product.objects.filter(structure=Product.CHILD, stockrecords__isnull=False).distinct().order_by("upc"):
        if child.get_product_class().pk not in seen:
            seen.add(child.get_product_class().pk)
            products.append(child)
    assert len(products) >= 2
    for product in products:  # the basket's quantity limits (num_available) read each class's capacity
        client.post(f"/basket/add/{product.pk}/", {"quantity": 1})
    client.get("/basket/")
    calls.clear()
    response = client.get("/basket/")
    assert response.status_code == 200
    assert len(calls) <= 1
