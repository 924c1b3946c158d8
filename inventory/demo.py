"""The demo cooperative's inventory: run after the demo seed (members, products, stockrecords exist).

``seed_inventory()`` is idempotent (every step looks up what exists first, and ledger rows carry fixed
idempotency keys) and deterministic per member code. It brings the seed's stockrecords into the stock
ledger (opening movements equal to their numbers), adds the materials catalogue, bills of materials per
product class (with product- and variant-level overrides), opening material balances, per-class
capacity overrides, and a few own orders so the capacity calendar has load.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import Prefetch
from oscar.core.loading import get_model

from . import ledger, services
from .models import BillLine, Material, MaterialMovement, Member, MemberClassCapacity, OwnOrder, StockMovement
from .selectors import current_week

ProductClass = get_model("catalogue", "ProductClass")
Product = get_model("catalogue", "Product")
ProductAttributeValue = get_model("catalogue", "ProductAttributeValue")
StockRecord = get_model("partner", "StockRecord")

# code, Indonesian name, English name, grade, unit
MATERIALS = [
    ("kulit-sapi-a", "Kulit sapi", "Cow leather", "A", "sqft"),
    ("kulit-sapi-b", "Kulit sapi", "Cow leather", "B", "sqft"),
    ("kulit-kambing", "Kulit kambing", "Goat leather", "", "sqft"),
    ("kulit-domba", "Kulit domba", "Sheep leather", "", "sqft"),
    ("sol-karet", "Sol karet", "Rubber soles", "", "pair"),
    ("gesper", "Gesper", "Buckles", "", "piece"),
    ("mata-ayam", "Mata ayam", "Eyelets", "", "piece"),
    ("ritsleting", "Ritsleting", "Zips", "", "piece"),
    ("benang", "Benang jahit", "Sewing thread", "", "m"),
    ("lem", "Lem kuning", "Contact glue", "", "l"),
]

# What one unit of each product class consumes.
BILLS = {
    "sandal": {"kulit-sapi-b": "1.50", "sol-karet": "1", "gesper": "2", "benang": "3.00", "lem": "0.05"},
    "tas": {
        "kulit-sapi-a": "8.00",
        "gesper": "2",
        "mata-ayam": "6",
        "ritsleting": "1",
        "benang": "12.00",
        "lem": "0.10",
    },
    "sabuk": {"kulit-sapi-a": "1.20", "gesper": "1", "mata-ayam": "5", "benang": "2.00"},
    "sepatu": {"kulit-sapi-a": "3.00", "sol-karet": "1", "mata-ayam": "10", "benang": "5.00", "lem": "0.08"},
    "dompet": {"kulit-kambing": "1.00", "benang": "3.00", "lem": "0.02"},
}
# Parent products whose title names another leather use it instead (a zero removes the class's leather).
LEATHER_BY_WORD = {"Kambing": "kulit-kambing", "Domba": "kulit-domba"}
LARGE_SIZES = {"42", "43"}  # large sandals and shoes take a fifth more leather


@dataclass
class InventorySeedReport:
    created: dict[str, int] = field(default_factory=dict)

    def count(self, what: str, n: int = 1) -> None:
        if n:
            self.created[what] = self.created.get(what, 0) + n


def seed_inventory() -> InventorySeedReport:
    report = InventorySeedReport()
    with transaction.atomic():
        materials = _materials(report)
        _bills(report, materials)
        _opening_stock(report)
        per_unit_by_class = _per_unit_by_class()
        members = list(Member.objects.select_related("partner").prefetch_related("skills").order_by("code"))
        for member in members:
            _opening_materials(report, member, materials, per_unit_by_class)
            _capacity(report, member)
            _own_orders(report, member)
    return report


def _materials(report) -> dict[str, Material]:
    out = {}
    for code, name, name_en, grade, unit in MATERIALS:
        material, created = Material.objects.get_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "grade": grade, "unit": unit}
        )
        report.count("materials", created)
        out[code] = material
    return out


class _BillLines:
    """The bill lines the seed wants, written in one bulk insert: lines that exist already (by material and
    target, as get_or_create would find them) are kept as they are. Bill lines are plain rows, not a ledger."""

    def __init__(self, materials):
        self.materials = materials
        self.wanted: dict[tuple, BillLine] = {}

    def add(self, quantity, *, material, product_class=None, product=None) -> None:
        line = BillLine(
            material=self.materials[material], product_class=product_class, product=product, quantity=Decimal(quantity)
        )
        self.wanted.setdefault(self._key(line), line)  # the first wins, as with get_or_create

    @staticmethod
    def _key(line) -> tuple:
        return line.material_id, line.product_class_id, line.product_id

    def save(self, report) -> None:
        existing = set(BillLine.objects.values_list("material_id", "product_class_id", "product_id"))
        new = [line for key, line in self.wanted.items() if key not in existing]
        BillLine.objects.bulk_create(new, batch_size=1000)
        report.count("bill lines", len(new))


def _bills(report, materials) -> None:
    lines = _BillLines(materials)
    classes = {pc.slug: pc for pc in ProductClass.objects.filter(slug__in=BILLS)}
    for slug, bill in BILLS.items():
        if slug not in classes:
            continue
        for code, quantity in bill.items():
            lines.add(quantity, product_class=classes[slug], material=code)
    leathers = {slug: next(c for c in bill if c.startswith("kulit")) for slug, bill in BILLS.items()}
    sizes = Prefetch(
        "children__attribute_values", queryset=ProductAttributeValue.objects.filter(attribute__code="ukuran")
    )
    parents = (
        Product.objects.filter(structure=Product.PARENT, product_class__slug__in=BILLS)
        .select_related("product_class")
        .prefetch_related(sizes)
        .order_by("pk")
    )
    for parent in parents:
        slug = parent.product_class.slug
        base = leather = leathers[slug]
        for word, other in LEATHER_BY_WORD.items():
            if word in parent.title and other != base:
                leather = other
                lines.add("0", product=parent, material=base)
                lines.add(BILLS[slug][base], product=parent, material=leather)
        for child in parent.children.all():
            if any(v.value_text in LARGE_SIZES for v in child.attribute_values.all()):
                larger = (Decimal(BILLS[slug][base]) * Decimal("1.2")).quantize(Decimal("0.01"))
                lines.add(larger, product=child, material=leather)
    lines.save(report)


def _opening_stock(report) -> None:
    """The seed wrote num_in_stock directly; record it as each stockrecord's opening movement (in bulk,
    without services.stock_move: the numbers are already on the stockrecords, and the seed runs alone)."""
    rows = StockRecord.objects.filter(movements__isnull=True).values_list("pk", "num_in_stock", "num_allocated")
    created = StockMovement.objects.bulk_create(
        [
            StockMovement(
                stockrecord_id=pk,
                kind=StockMovement.Kind.OPENING,
                in_stock_delta=in_stock or 0,
                allocated_delta=allocated or 0,
                idempotency_key=f"opening:stockrecord:{pk}",
                source="demo",
            )
            for pk, in_stock, allocated in rows.order_by("pk")
        ],
        batch_size=1000,
    )
    report.count("opening stock movements", len(created))


def _per_unit_by_class() -> dict[int, dict[int, Decimal]]:
    """Per product class, the most any of its products uses of each material per unit (class bills and
    the product- and variant-level lines of its products), so opening balances cover every model."""
    out: dict[int, dict[int, Decimal]] = {}
    rows = BillLine.objects.values_list(
        "product_class_id", "product__product_class_id", "product__parent__product_class_id", "material_id", "quantity"
    )
    for class_id, product_class_id, parent_class_id, material_id, quantity in rows:
        pc = class_id or product_class_id or parent_class_id
        per_class = out.setdefault(pc, {})
        per_class[material_id] = max(per_class.get(material_id, Decimal(0)), quantity)
    return out


def _opening_materials(report, member: Member, materials, per_unit_by_class) -> None:
    """Enough for half a week to three weeks of the member's trades, deterministic per member code."""
    if MaterialMovement.objects.filter(member=member).exists():
        return
    rng = random.Random(f"materials-{member.code}")
    needs: dict[int, Decimal] = {}
    for pc in member.skills.all():
        for material_id, per_unit in per_unit_by_class.get(pc.pk, {}).items():
            needs[material_id] = needs.get(material_id, Decimal(0)) + per_unit * member.weekly_capacity
    by_id = {m.pk: m for m in materials.values()}
    for material_id, weekly in sorted(needs.items()):
        material = by_id[material_id]
        weeks = Decimal(rng.choice(["0.5", "1", "1.5", "2", "3"]))
        quantity = (weekly * weeks).quantize(Decimal(1).scaleb(-material.places))
        if quantity > 0:
            services.material_move(
                member=member,
                material=material,
                kind=MaterialMovement.Kind.OPENING,
                quantity=quantity,
                idempotency_key=f"opening:{member.code}:{material.code}",
                source="demo",
            )
            report.count("opening material balances")


def _capacity(report, member: Member) -> None:
    skills = {pc.slug: pc for pc in member.skills.all()}
    if "sepatu" in skills and len(skills) > 1:  # shoes take longer than the workshop's other goods
        _, created = MemberClassCapacity.objects.get_or_create(
            member=member,
            product_class=skills["sepatu"],
            defaults={"weekly_capacity": max(1, member.weekly_capacity // 2)},
        )
        report.count("class capacities", created)


def _own_orders(report, member: Member) -> None:
    rng = random.Random(f"orders-{member.code}")
    skills = list(member.skills.all())
    if rng.random() > 0.4 or not skills or OwnOrder.objects.filter(member=member).exists():
        return  # about a third of the workshops took orders of their own
    for offset in (1, 2):
        week = ledger.weeks_from(current_week(), offset + 1)[offset]
        services.own_order_create(
            member=member,
            product_class=skills[offset % len(skills)],
            due_week=week,
            quantity=max(1, int(member.weekly_capacity * rng.uniform(0.3, 0.7))),
            note="Toko oleh-oleh Malioboro",
        )
        report.count("own orders")
