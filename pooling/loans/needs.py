"""What a member's own accepted work will consume of a material: the bill of materials × accepted work orders.

Work orders (pooling.models.WorkOrder) are built alongside this app; the import is lazy so loans work (and
count no needs) before that model exists.
"""
from __future__ import annotations

import datetime
from decimal import Decimal


_table_seen = False


def work_order_model():
    """WorkOrder when both the model and its table exist (a query on a missing table would abort the
    caller's transaction on PostgreSQL, so look before asking)."""
    global _table_seen
    try:
        from pooling.models import WorkOrder  # noqa: PLC0415 (built by the routing issue, maybe not yet)
    except (ImportError, AttributeError):
        return None
    if not _table_seen:
        from django.db import connection

        _table_seen = WorkOrder._meta.db_table in connection.introspection.table_names()
    return WorkOrder if _table_seen else None


def accepted_work_needs(member, material, until: datetime.date | None) -> Decimal:
    """Material needed by the member's accepted work orders made in weeks starting on or before ``until``
    (all accepted work when ``until`` is None)."""
    from inventory.selectors import bill_for

    WorkOrder = work_order_model()
    if WorkOrder is None:
        return Decimal(0)
    orders = WorkOrder.objects.filter(member=member, state="accepted")
    if until is not None:
        orders = orders.filter(week__lte=until)
    total = Decimal(0)
    bills: dict[int, dict] = {}
    for order in orders.exclude(product=None).select_related("product", "product__parent", "product__product_class"):
        if order.product_id not in bills:
            bills[order.product_id] = {m.pk: qty for m, qty in bill_for(order.product).items()}
        total += bills[order.product_id].get(material.pk, Decimal(0)) * order.quantity
    return total
