"""What members' own accepted work will consume of a material: the bill of materials × accepted work orders."""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal

from inventory.selectors import bill_for

from .models import WorkOrder


def accepted_work_needs(members, material, until: datetime.date | None) -> dict[int, Decimal]:
    """Material needed, by member pk, by the accepted work orders of ``members`` (Members or pks) made in
    weeks starting on or before ``until`` (all accepted work when None). Members with no such work are left out.

    One query for all the members' work orders and one bill per product, so ranking every holder of a
    material costs the same as asking about one.
    """
    orders = WorkOrder.objects.filter(member__in=members, state=WorkOrder.State.ACCEPTED).exclude(product=None)
    if until is not None:
        orders = orders.filter(week__lte=until)
    needs: dict[int, Decimal] = defaultdict(Decimal)
    bills: dict[int, dict[int, Decimal]] = {}
    for order in orders.select_related("product", "product__parent", "product__product_class"):
        if order.product_id not in bills:
            bills[order.product_id] = {m.pk: qty for m, qty in bill_for(order.product).items()}
        needs[order.member_id] += bills[order.product_id].get(material.pk, Decimal(0)) * order.quantity
    return dict(needs)
