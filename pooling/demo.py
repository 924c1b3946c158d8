"""The demo's pool: m02 posts overflow that m01 is offered, with the materials to make it. Idempotent."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from oscar.core.loading import get_model

from inventory.models import MaterialMovement, Member, StockMovement
from inventory.selectors import bill_for, capacity_calendar, current_week, material_balance, producible_products
from inventory.services import material_move, stock_move

from .models import RoutingRequest, RoutingRun, RoutingSettings, WorkOrder
from .services.routing import overflow_request

DEMO_NOTE = "demo: overflow for m01"
SOLD_OUT = 2  # variants the demo sells out, so the shop shows "made to order" with a lead time
Product = get_model("catalogue", "Product")


def sell_out_demo_variants(count: int = SOLD_OUT) -> int:
    """Sell out a few variants members can make (recorded adjustments: "sold at the fair"). Idempotent:
    returns how many were sold out by this run."""
    chosen, sold_out = 0, 0
    products = Product.objects.filter(structure=Product.CHILD, stockrecords__isnull=False).distinct().order_by("-upc")
    for product in products:
        if chosen >= count:
            break
        if not Member.objects.active().filter(skills=product.get_product_class()).exists():
            continue
        chosen += 1
        adjusted = False
        for record in product.stockrecords.all():
            key = f"demo:sold-out:{record.pk}"
            free = record.net_stock_level
            if free > 0 and not StockMovement.objects.filter(idempotency_key=key).exists():
                stock_move(
                    stockrecord=record,
                    kind=StockMovement.Kind.ADJUSTED,
                    quantity=-free,
                    reason="Sold out at the Sekaten fair (demo)",
                    idempotency_key=key,
                    source="demo",
                )
                adjusted = True
        sold_out += adjusted
    return sold_out  # newly sold out: a second run reports 0


def _demo_variant(member: Member):
    """A variant the member has the skill for and that has a bill of materials (production needs one)."""
    skills = set(member.skills.values_list("pk", flat=True))
    for product in producible_products(member):
        if product.get_product_class().pk in skills and bill_for(product):
            return product
    return None


def _demo_reasons(maker: Member, week, product_class, quantity: int) -> dict:
    """The load facts routing stores (pooling.routing.reasons), from m01's real load. No distance rank: this
    offer is made by hand, not by the engine, so claiming nearer members were full would be untrue."""
    [cell] = capacity_calendar(
        Member.objects.filter(pk=maker.pk), first_week=week, weeks=1, product_class=product_class
    )[maker]
    capacity = max(cell.capacity, 1)
    return {
        "load": round(100 * cell.load / capacity),
        "load_with": round(100 * (cell.load + quantity) / capacity),
        "preferred": False,
    }


@transaction.atomic
def seed_pooling() -> dict[str, int]:
    """One offered work order for m01 (from an overflow of m02), plus the materials m01 needs for it.

    The work order is written directly (not through the engine) so the demo does not depend on
    everyone's capacity; its explanation says so."""
    RoutingSettings.current()
    report = {"work orders": 0, "materials": 0, "sold-out variants": sell_out_demo_variants()}
    maker = Member.objects.filter(code="m01").first()
    poster = Member.objects.filter(code="m02").first()
    if maker is None or poster is None or RoutingRequest.objects.filter(note=DEMO_NOTE).exists():
        return report
    product = _demo_variant(maker)
    if product is None:
        return report
    quantity, week = 3, current_week() + datetime.timedelta(weeks=1)
    request = overflow_request(
        member=poster,
        product=product,
        quantity=quantity,
        due_week=week,
        note=DEMO_NOTE,
        status=RoutingRequest.Status.ROUTED,
    )
    RoutingRun.objects.create(request=request, round=0, routed=quantity, method="demo")
    WorkOrder.objects.create(
        request=request,
        round=0,
        member=maker,
        product=product,
        quantity=quantity,
        week=week,
        due_week=week,
        offered_at=timezone.now(),
        explanation="m01 has spare capacity next week and the skill (demo).",
        reasons=_demo_reasons(maker, week, product.get_product_class(), quantity),
    )
    report["work orders"] += 1
    for material, per_unit in bill_for(product).items():
        short = per_unit * quantity - material_balance(maker, material)
        if short > 0:
            material_move(
                member=maker,
                material=material,
                kind=MaterialMovement.Kind.PURCHASE,
                quantity=Decimal(int(short) + 1),
                idempotency_key=f"demo:pooling:{maker.code}:{material.code}",
                source="demo",
            )
            report["materials"] += 1
    return report
