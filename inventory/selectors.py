"""Reads: what views, the board and later issues (routing, loans) ask of the inventory."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, F, IntegerField, OuterRef, Q, Subquery, Sum, Value, Window, prefetch_related_objects
from django.db.models.functions import Coalesce
from django.utils import timezone
from oscar.core.loading import get_model

from . import ledger
from .models import BillLine, Material, MaterialBalance, MaterialMovement, Member, OwnOrder, StockMovement, WeeklyLoad

StockRecord = get_model("partner", "StockRecord")
Product = get_model("catalogue", "Product")
OrderLine = get_model("order", "Line")


# --- Finished goods ------------------------------------------------------------------------------


def member_stock(member: Member):
    """The member's stockrecords with their variants, by product title."""
    return (
        StockRecord.objects.filter(partner_id=member.partner_id)
        .select_related("product", "product__parent", "product__product_class", "product__parent__product_class")
        .order_by("product__parent__title", "product__title", "pk")
    )


def stock_totals(member: Member) -> dict[str, int]:
    """The overview's numbers in one query: ``units`` in stock and the ``variants`` the member holds."""
    return StockRecord.objects.filter(partner_id=member.partner_id).aggregate(
        units=Coalesce(Sum("num_in_stock"), 0),
        variants=Count("pk"),
    )


def producible_products(member: Member):
    """Variants the member may record production of: its skills' classes, and what it already stocks."""
    skills = member.skills.all()
    return (
        Product.objects.exclude(structure=Product.PARENT)
        .filter(
            Q(product_class__in=skills)
            | Q(parent__product_class__in=skills)
            | Q(stockrecords__partner_id=member.partner_id)
        )
        .select_related("parent")
        .distinct()
        .order_by("parent__title", "title", "pk")
    )


def stock_history(member: Member):
    """The member's stock movements, newest first, each with the stock level it left behind."""
    running = Window(Sum("in_stock_delta"), partition_by=[F("stockrecord_id")], order_by=F("id").asc())
    return (
        StockMovement.objects.filter(stockrecord__partner_id=member.partner_id)
        .select_related("stockrecord__product", "counterpart__partner", "created_by")
        .annotate(in_stock_after=running)
        .order_by("-id")
    )


# --- Materials -----------------------------------------------------------------------------------


def member_materials(member: Member) -> list[tuple[Material, Decimal]]:
    """Every active material with the member's balance (zero where it has none)."""
    balances = dict(MaterialBalance.objects.filter(member=member).values_list("material_id", "quantity"))
    return [(m, balances.get(m.pk, Decimal(0))) for m in Material.objects.filter(active=True)]


def material_balance(member: Member, material: Material) -> Decimal:
    row = MaterialBalance.objects.filter(member=member, material=material).values_list("quantity", flat=True).first()
    return row if row is not None else Decimal(0)


def material_history(member: Member):
    """The member's material movements, newest first, each with the balance it left behind."""
    running = Window(Sum("delta"), partition_by=[F("material_id")], order_by=F("id").asc())
    return (
        MaterialMovement.objects.filter(member=member)
        .select_related("material", "counterpart__partner", "created_by")
        .annotate(balance_after=running)
        .order_by("-id")
    )


def bill_for(product) -> dict[Material, Decimal]:
    """What one unit of ``product`` consumes: its class's bill, overridden per material by the parent
    product's and then the variant's own lines."""
    product_class = product.get_product_class()
    of_class = Q(product_class=product_class) if product_class else Q()
    products = [pk for pk in (product.parent_id, product.pk) if pk]
    lines = BillLine.objects.filter(of_class | Q(product_id__in=products)).select_related("material")
    general: dict[int, Decimal] = {}
    parent: dict[int, Decimal] = {}
    own: dict[int, Decimal] = {}
    materials: dict[int, Material] = {}
    for line in lines:
        level = general if line.product_class_id else own if line.product_id == product.pk else parent
        level[line.material_id] = line.quantity
        materials[line.material_id] = line.material
    return {materials[pk]: qty for pk, qty in ledger.resolve_bill(general, parent, own).items()}


# --- The ledgers' invariant ----------------------------------------------------------------------


def stock_discrepancies(stockrecords=None) -> list[dict]:
    """Stockrecords whose numbers differ from the sum of their movements (empty when the ledger holds).

    A stockrecord with no movement must hold nothing: stock enters only through movements.
    """
    sums = StockMovement.objects.filter(stockrecord=OuterRef("pk")).values("stockrecord")
    rows = (
        (stockrecords if stockrecords is not None else StockRecord.objects.all())
        .annotate(
            moved_in=Coalesce(Subquery(sums.annotate(s=Sum("in_stock_delta")).values("s")), Value(0)),
            moved_alloc=Coalesce(Subquery(sums.annotate(s=Sum("allocated_delta")).values("s")), Value(0)),
            held_in=Coalesce("num_in_stock", Value(0), output_field=IntegerField()),
            held_alloc=Coalesce("num_allocated", Value(0), output_field=IntegerField()),
        )
        .exclude(moved_in=F("held_in"), moved_alloc=F("held_alloc"))
    )
    return list(rows.values("pk", "partner__code", "product__upc", "held_in", "moved_in", "held_alloc", "moved_alloc"))


def material_discrepancies(member: Member | None = None) -> list[dict]:
    """(member, material) balances that differ from the sum of their movements, compared in Python
    at the column's two places (SQLite sums decimals as floats)."""
    sums = MaterialMovement.objects.values("member_id", "material_id").annotate(s=Sum("delta"))
    balances = MaterialBalance.objects.values("member_id", "material_id", "quantity")
    if member is not None:
        sums, balances = sums.filter(member=member), balances.filter(member=member)
    cent = Decimal("0.01")
    moved = {(r["member_id"], r["material_id"]): Decimal(r["s"]).quantize(cent) for r in sums}
    held = {(r["member_id"], r["material_id"]): Decimal(r["quantity"]).quantize(cent) for r in balances}
    return [
        {
            "member_id": key[0],
            "material_id": key[1],
            "held": held.get(key, Decimal(0)),
            "moved": moved.get(key, Decimal(0)),
        }
        for key in sorted(set(moved) | set(held))
        if held.get(key, Decimal(0)) != moved.get(key, Decimal(0))
    ]


# --- Capacity and load ---------------------------------------------------------------------------


@dataclass(frozen=True)
class WeekLoad:
    week: datetime.date
    capacity: int
    load: int

    @property
    def spare(self) -> int:
        return max(0, self.capacity - self.load)

    @property
    def utilisation(self) -> int:
        return round(100 * self.load / self.capacity) if self.capacity else 100

    @property
    def iso(self) -> str:
        return ledger.iso_week(self.week)


def current_week() -> datetime.date:
    return ledger.week_start(timezone.localdate())


def loads(members, weeks: list[datetime.date]) -> dict[tuple[int, datetime.date], int]:
    """Committed units per (member id, week) — own orders and routed work alike."""
    rows = (
        WeeklyLoad.objects.filter(member__in=members, week__in=weeks)
        .values("member_id", "week")
        .annotate(units=Sum("units"))
    )
    return {(r["member_id"], r["week"]): r["units"] for r in rows}


def capacity_calendar(
    members, *, first_week: datetime.date | None = None, weeks: int = 8, product_class=None
) -> dict[Member, list[WeekLoad]]:
    """Capacity and committed load per member per ISO week, from ``first_week`` (default: this week).

    Capacity is per class when ``product_class`` is given (the member's override or its weekly
    capacity); load counts all the member's work, because one workshop's hands make every class.
    This is what the routing issue feeds to pooling.engine (capacity[w], load[w]).
    """
    calendar = ledger.weeks_from(first_week or current_week(), weeks)
    members = list(members)
    if product_class is not None:  # capacity_for reads the overrides: one query for all, list or queryset
        prefetch_related_objects(members, "class_capacities")
    committed = loads(members, calendar)
    out = {}
    for member in members:
        cap = member.capacity_for(product_class) if product_class is not None else member.weekly_capacity
        out[member] = [WeekLoad(week, cap, committed.get((member.pk, week), 0)) for week in calendar]
    return out


def own_orders(member: Member):
    return OwnOrder.objects.filter(member=member).select_related("product_class").order_by("-status", "due_week", "pk")


# --- Orders --------------------------------------------------------------------------------------


def order_lines_for_member(member: Member):
    """The Oscar order lines this member fulfils (its partner's lines) — never other members' lines
    of the same order."""
    return (
        OrderLine.objects.filter(partner_id=member.partner_id)
        .select_related("order", "product")
        .order_by("-order__date_placed", "-pk")
    )


# --- The board's view ----------------------------------------------------------------------------


def members_overview():
    """All members with their units in stock, for the board's member picker."""
    units = (
        StockRecord.objects.filter(partner_id=OuterRef("partner_id"))
        .values("partner_id")
        .annotate(s=Sum("num_in_stock"))
        .values("s")
    )
    return (
        Member.objects.select_related("partner", "owner")
        .annotate(units_in_stock=Coalesce(Subquery(units), Value(0)))
        .order_by("code")
    )
