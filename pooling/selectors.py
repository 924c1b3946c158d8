"""Reads for the pooling views, the product page (lead time), the buyer's order page and the basket (the routing
board's are in board.py)."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q, Sum
from django.utils.formats import date_format
from django.utils.translation import gettext
from oscar.core.loading import get_model

from inventory import ledger
from inventory.models import MaterialBalance, Member
from inventory.selectors import bill_for, current_week

from . import lending, spare
from .models import MakerPreference, RoutingRequest, RoutingSettings, WorkOrder
from .needs import accepted_work_needs

StockRecord = get_model("partner", "StockRecord")


# --- Lead time (product page and the promise an order carries) ----------------------------------


@dataclass(frozen=True)
class LeadTime:
    in_stock: bool
    weeks: int | None  # weeks until made (1 = this week); None: not within the horizon
    due_week: datetime.date

    @property
    def text(self) -> str:
        if self.in_stock:
            return gettext("Ready to ship")
        if self.weeks is None:
            return gettext("Made to order; ask us for a date")
        return promise_text(self.due_week)


def ships_by(due_week: datetime.date) -> datetime.date:
    """The one date a made-to-order promise names (issue 15): the Monday after the week the members make it in,
    so the product page, basket, thank-you page, account and email say the same, and it is never in the past."""
    return due_week + datetime.timedelta(days=7)


def promise_date(due_week: datetime.date) -> str:
    """The promised ship date as the buyer reads it (e.g. "14 Dec 2026" / "14 Des 2026")."""
    return date_format(ships_by(due_week), "j M Y")


def promise_text(due_week: datetime.date) -> str:
    """The one wording of a made-to-order promise, everywhere a buyer reads it."""
    return gettext("Made to order, ships by %(date)s") % {"date": promise_date(due_week)}


def free_stock(product) -> int:
    """Free units in the whole cooperative (a parent product: all its variants)."""
    records = StockRecord.objects.filter(Q(product=product) | Q(product__parent=product))
    return sum(max(0, r.net_stock_level) for r in records.only("num_in_stock", "num_allocated"))


def pending_offers(members, weeks: list[datetime.date]) -> dict[tuple[int, datetime.date], int]:
    """Offered but unanswered work per (member id, week): not yet in the load ledger, yet it must not be
    offered (or promised to a buyer) twice."""
    rows = (
        WorkOrder.objects.filter(member__in=members, week__in=weeks, state__in=WorkOrder.RESERVING)
        .values("member_id", "week")
        .annotate(units=Sum("quantity"))
    )
    return {(r["member_id"], r["week"]): r["units"] for r in rows}


def weekly_spare(
    product_class, *, first_week: datetime.date | None = None, weeks: int = RoutingSettings.HORIZON_WEEKS
) -> list[int]:
    """Units the active members with the skill can still take, per week from ``first_week``: their class
    capacity minus committed load, minus work offered to them and not yet answered (it must not count twice),
    minus units waiting to be routed. One class of `weekly_spare_by_class` (one rule for the shop and the pool)."""
    pk = getattr(product_class, "pk", product_class)
    return weekly_spare_by_class([pk], first_week=first_week, weeks=weeks)[pk]


def waiting_units(product_class) -> int:
    """Units promised to buyers or posted as overflow whose routing job has not run yet (status open): they
    will take spare capacity, so a second buyer must not be promised the same weeks meanwhile."""
    pk = getattr(product_class, "pk", product_class)
    return _waiting_by_class(spare.read({pk}, [current_week()]).waiting).get(pk, 0)


def weekly_spare_by_class(
    class_ids=None, *, first_week: datetime.date | None = None, weeks: int = RoutingSettings.HORIZON_WEEKS
) -> dict[int, list[int]]:
    """``weekly_spare`` of several product classes at once (``class_ids``, default every class; product class
    pk → spare units per week; a class nobody can make: all zeros), in one query however many classes a page
    shows made to order (the shop's strategy asks once per request; issue 16)."""
    calendar_weeks = ledger.weeks_from(first_week or current_week(), weeks)
    if class_ids is not None:
        class_ids = set(class_ids)
    rows = spare.read(class_ids, calendar_weeks)
    waiting = _waiting_by_class(rows.waiting)
    # Each member's load and open offers per week as lists (most makers have neither in most weeks): the sums
    # below then walk the makers once, not makers x weeks dictionary lookups (the basket reads this per page).
    index = {week: i for i, week in enumerate(calendar_weeks)}
    loaded: dict[int, list[int]] = defaultdict(lambda: [0] * weeks)
    for (member_id, week), units in rows.committed.items():
        loaded[member_id][index[week]] += units
    held: dict[int, list[int]] = defaultdict(lambda: [0] * weeks)
    for (member_id, week), units in rows.offered.items():
        held[member_id][index[week]] += units
    free_makers: dict[int, int] = defaultdict(int)  # class → capacity of its makers with no work in these weeks
    totals: dict[int, list[int]] = defaultdict(lambda: [0] * weeks)
    for member_id, class_id, capacity in rows.makers:
        load, offer = loaded.get(member_id), held.get(member_id)
        if load is None and offer is None:
            free_makers[class_id] += capacity
            continue
        total, load, offer = totals[class_id], load or [0] * weeks, offer or [0] * weeks
        for i in range(weeks):
            total[i] += max(0, capacity - load[i]) - offer[i]
    out: dict[int, list[int]] = defaultdict(lambda: [0] * weeks)
    for class_id in class_ids if class_ids is not None else set(totals) | set(free_makers) | set(waiting):
        base = free_makers.get(class_id, 0)
        week_spare = [max(0, base + units) for units in totals.get(class_id, [0] * weeks)]
        out[class_id] = _minus_waiting(week_spare, waiting.get(class_id, 0))
    return out


def _waiting_by_class(requests: list[tuple[int, int]]) -> dict[int, int]:
    """Units not yet routed per class: each open request's units minus those already given out (never below 0)."""
    totals: dict[int, int] = defaultdict(int)
    for class_id, units in requests:
        totals[class_id] += units
    return {class_id: max(0, units) for class_id, units in totals.items()}


def _minus_waiting(spare: list[int], waiting: int) -> list[int]:
    """Take ``waiting`` units from the earliest weeks (routing fills the earliest room first, too)."""
    out = []
    for units in spare:
        taken = min(units, waiting)
        waiting -= taken
        out.append(units - taken)
    return out


def weeks_to_make(spare: list[int], quantity: int) -> int | None:
    """The first week (1 = this week) by which the cumulative spare capacity covers ``quantity``; None: never
    within the horizon. Zero units need no week at all."""
    if quantity <= 0:
        return 0
    total = 0
    for index, units in enumerate(spare):
        total += units
        if total >= quantity:
            return index + 1
    return None


def lead_for(*, free: int, spare: list[int], quantity: int, first_week: datetime.date) -> LeadTime:
    """The promise for ``quantity`` units: ready when free stock covers them, else when the rest is made."""
    if quantity <= free:
        return LeadTime(True, 0, first_week)
    weeks = weeks_to_make(spare, quantity - max(free, 0))
    if weeks is None:
        return LeadTime(False, None, first_week + datetime.timedelta(weeks=max(len(spare), 1) - 1))
    return LeadTime(False, weeks, first_week + datetime.timedelta(weeks=weeks - 1))


def lead_time(product, *, quantity: int = 1, stock: bool = True) -> LeadTime:
    """`lead_for` on the cooperative's free stock (``stock=False``: none, the units are all to be made) and the
    skilled members' spare capacity: the rule the shop's availability applies too (CooperativeAvailability.lead),
    for the product page of a parent product and for reservations of lines placed without a promise."""
    first = current_week()
    free = free_stock(product) if stock else 0
    if free >= quantity:  # ready to ship: the capacity is not read
        return LeadTime(True, 0, first)
    return lead_for(
        free=free,
        spare=weekly_spare(product.get_product_class(), first_week=first),
        quantity=quantity,
        first_week=first,
    )


# --- A member's work ----------------------------------------------------------------------------


def member_work_orders(member: Member):
    """The member's work orders with what their cards show (where the work came from)."""
    return (
        WorkOrder.objects.filter(member=member)
        .select_related(
            "product", "product__parent", "request__product_class", "request__member", "request__order_line__order"
        )
        .order_by("state", "week", "pk")
    )


@dataclass
class Shortage:
    material: object
    needed: Decimal
    have: Decimal
    lenders: list = field(default_factory=list)

    @property
    def short(self) -> Decimal:
        return self.needed - self.have


def material_shortages(work_order: WorkOrder, *, lenders: int = 3) -> list[Shortage]:
    """What the member lacks to make this work (bill × quantity vs balance), with members who could lend it:
    their balance exceeds what their own accepted work needs by at least the shortfall (`suggest_lenders`)."""
    if work_order.product is None or work_order.state not in (WorkOrder.State.OFFERED, WorkOrder.State.ACCEPTED):
        return []
    bill = bill_for(work_order.product)
    balances = dict(
        MaterialBalance.objects.filter(member_id=work_order.member_id, material__in=bill).values_list(
            "material_id", "quantity"
        )
    )
    out = []
    for material, per_unit in bill.items():
        shortage = Shortage(material, per_unit * work_order.quantity, balances.get(material.pk, Decimal(0)))
        if shortage.short > 0:
            # Only members who can lend the whole shortfall: the work needs all of it.
            shortage.lenders = [
                (s.member, s.spare)
                for s in suggest_lenders(
                    borrower=work_order.member,
                    material=material,
                    quantity=shortage.short,
                    until=None,
                    limit=lenders,
                    min_spare=shortage.short,
                )
            ]
            out.append(shortage)
    return out


@dataclass(frozen=True)
class LenderSuggestion:
    member: Member
    spare: Decimal
    distance_km: float
    covers: bool


def suggest_lenders(
    *,
    borrower: Member,
    material,
    quantity: Decimal,
    until: datetime.date | None,
    limit: int = 8,
    min_spare: Decimal = Decimal(0),
) -> list[LenderSuggestion]:
    """Active members who can spare ``material`` beyond what their own accepted work needs until ``until``
    (all of it when None), ranked by `pooling.lending.rank_lenders`: the work card and the loan form agree."""
    rows = list(
        MaterialBalance.objects.filter(material=material, quantity__gt=0, member__status=Member.Status.ACTIVE)
        .exclude(member=borrower)
        .select_related("member__partner")
    )
    members = {row.member_id: row.member for row in rows}
    needs = accepted_work_needs(list(members), material, until)
    candidates = [
        lending.Candidate(
            row.member_id,
            Decimal(row.quantity),
            needs.get(row.member_id, Decimal(0)),
            (float(row.member.latitude), float(row.member.longitude)),
        )
        for row in rows
    ]
    ranked = lending.rank_lenders(
        candidates, quantity=quantity, min_spare=min_spare, origin=(float(borrower.latitude), float(borrower.longitude))
    )
    return [LenderSuggestion(members[s.key], s.spare, s.distance_km, s.covers) for s in ranked[:limit]]


def member_overflow(member: Member):
    """The member's posted overflow; who took what is on each posting's own page."""
    return (
        RoutingRequest.objects.filter(kind=RoutingRequest.Kind.OVERFLOW, member=member)
        .select_related("product", "product__parent", "product_class")
        .order_by("-created_at", "-pk")
    )


# --- The buyer's order page (never members' names) ---------------------------------------------


@dataclass(frozen=True)
class LineProgress:
    title: str
    quantity: int
    in_stock: int
    being_made: int
    ready: int
    waiting: int
    due_week: datetime.date | None
    product_id: int | None = None  # the line's product (a variant): rows of one product add up by this, not title
    upc: str = ""


def order_progress(order) -> list[LineProgress]:
    lines = list(order.lines.select_related("pooling_request").order_by("pk"))
    units = defaultdict(int)  # (request id, state) → units, for every line at once
    for row in (
        WorkOrder.objects.filter(request__order_line__order=order, state__in=WorkOrder.LIVE)
        .values("request_id", "state")
        .annotate(s=Sum("quantity"))
    ):
        units[(row["request_id"], row["state"])] = row["s"]
    return [_line_progress(line, units) for line in lines]


def _line_progress(line, units) -> LineProgress:
    request = getattr(line, "pooling_request", None)
    if request is None:  # not planned yet: placement held what it could
        held = min(line.quantity, line.num_allocated or 0)
        return LineProgress(
            line.title, line.quantity, held, 0, 0, line.quantity - held, None, line.product_id, line.upc or ""
        )
    ready = units[(request.pk, WorkOrder.State.HANDED_OVER)] + units[(request.pk, WorkOrder.State.MADE)]
    making = sum(units[(request.pk, state)] for state in (*WorkOrder.RESERVING, WorkOrder.State.ACCEPTED))
    waiting = max(0, request.quantity - ready - making)
    return LineProgress(
        line.title,
        line.quantity,
        request.from_stock,
        making,
        ready,
        waiting,
        request.due_week if request.quantity else None,
        line.product_id,
        line.upc or "",
    )


# --- The basket (which member makes a line) ---------------------------------------------------


def basket_makers(basket) -> dict[int, Member]:
    """The makers a buyer asked for ("Order from this workshop"), by product id, for the whole basket in one
    query; a line's product or its parent is looked up in it (see `line_maker`)."""
    if basket is None or not getattr(basket, "pk", None):
        return {}
    cached = getattr(basket, "_guyub_makers", None)
    if cached is None:
        cached = {
            p.product_id: p.member
            for p in MakerPreference.objects.filter(basket_id=basket.pk).select_related("member__partner")
        }
        basket._guyub_makers = cached
    return cached


def line_maker(basket, line) -> Member | None:
    makers = basket_makers(basket)
    if not makers:
        return None
    return makers.get(line.product_id) or makers.get(getattr(line.product, "parent_id", None))


def chosen_maker(*, basket, product, code: str | None) -> Member | None:
    """The maker shown on a product page: the one already asked for this product (or one of its variants) in the
    basket, else the one the buyer came from (?maker=, kept in the session), if it is an active member. No query
    unless the basket holds the product or the buyer came from an artisan's page."""
    family = {product.pk, product.parent_id or product.pk}
    if basket is not None and getattr(basket, "pk", None):
        lines = [
            line
            for line in basket.all_lines()
            if line.product_id in family or getattr(line.product, "parent_id", None) in family
        ]
        # The product shown first, then any of its variants in the basket.
        lines.sort(key=lambda line: line.product_id != product.pk)
        for line in lines:
            found = line_maker(basket, line)
            if found is not None:
                return found
    if code:
        return Member.objects.active().filter(code=code).select_related("partner").first()
    return None
