"""The demo's pool: m02 posts overflow that m01 is offered, with the materials to make it. Idempotent."""
from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from inventory.models import Member, MaterialMovement
from inventory.selectors import bill_for, current_week, material_balance, producible_products
from inventory.services import material_move

from .models import RoutingRequest, RoutingRun, RoutingSettings, WorkOrder

DEMO_NOTE = "demo: overflow for m01"


def _demo_variant(member: Member):
    """A variant the member has the skill for and that has a bill of materials (production needs one)."""
    skills = set(member.skills.values_list("pk", flat=True))
    for product in producible_products(member):
        if product.get_product_class().pk in skills and bill_for(product):
            return product
    return None


@transaction.atomic
def seed_pooling() -> dict[str, int]:
    """One offered work order for m01 (from an overflow of m02), plus the materials m01 needs for it.

    The work order is written directly (not through the engine) so the demo does not depend on
    everyone's capacity; its explanation says so."""
    RoutingSettings.current()
    report = {"work orders": 0, "materials": 0}
    maker = Member.objects.filter(code="m01").first()
    poster = Member.objects.filter(code="m02").first()
    if maker is None or poster is None or RoutingRequest.objects.filter(note=DEMO_NOTE).exists():
        return report
    product = _demo_variant(maker)
    if product is None:
        return report
    quantity, week = 3, current_week() + datetime.timedelta(weeks=1)
    request = RoutingRequest.objects.create(
        kind=RoutingRequest.Kind.OVERFLOW, member=poster, product=product, product_class=product.get_product_class(),
        ordered=quantity, quantity=quantity, due_week=week, note=DEMO_NOTE, status=RoutingRequest.Status.ROUTED,
    )
    RoutingRun.objects.create(request=request, round=0, routed=quantity, method="demo")
    WorkOrder.objects.create(
        request=request, round=0, member=maker, product=product, quantity=quantity, week=week, due_week=week,
        offered_at=timezone.now(), explanation="m01 has spare capacity next week and the skill (demo).",
    )
    report["work orders"] += 1
    for material, per_unit in bill_for(product).items():
        short = per_unit * quantity - material_balance(maker, material)
        if short > 0:
            material_move(member=maker, material=material, kind=MaterialMovement.Kind.PURCHASE,
                          quantity=Decimal(int(short) + 1),
                          idempotency_key=f"demo:pooling:{maker.code}:{material.code}", source="demo")
            report["materials"] += 1
    return report
