"""Reads for the pooling views, the product page (lead time), the buyer's order page and the board."""
from __future__ import annotations

import datetime
import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q, Sum
from django.utils.translation import gettext, ngettext
from oscar.core.loading import get_model

from inventory.models import Member, WeeklyLoad
from inventory.selectors import bill_for, capacity_calendar, current_week, material_balance

from .models import RoutingRequest, RoutingSettings, WorkOrder

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
        return ngettext("Made to order, ships in about %(n)s week", "Made to order, ships in about %(n)s weeks",
                        self.weeks) % {"n": self.weeks}


def free_stock(product) -> int:
    """Free units in the whole cooperative (a parent product: all its variants)."""
    records = StockRecord.objects.filter(Q(product=product) | Q(product__parent=product))
    return sum(max(0, (r.num_in_stock or 0) - (r.num_allocated or 0))
               for r in records.only("num_in_stock", "num_allocated"))


def weekly_spare(product_class, *, first_week: datetime.date | None = None,
                 weeks: int = RoutingSettings.HORIZON_WEEKS) -> list[int]:
    """Units the active members with the skill can still take, per week from ``first_week``: their class
    capacity minus committed load, minus work offered to them and not yet answered (it must not count twice)."""
    first = first_week or current_week()
    makers = Member.objects.active().filter(skills=product_class)
    calendar = capacity_calendar(makers, first_week=first, weeks=weeks, product_class=product_class)
    offered = defaultdict(int)
    for row in (WorkOrder.objects.filter(member__in=makers, state=WorkOrder.State.OFFERED)
                .values("week").annotate(s=Sum("quantity"))):
        offered[row["week"]] += row["s"]
    spare = [
        max(0, sum(cells[index].spare for cells in calendar.values())
            - offered[first + datetime.timedelta(weeks=index)])
        for index in range(weeks)
    ]
    return _minus_waiting(spare, waiting_units(product_class))


def waiting_units(product_class) -> int:
    """Units promised to buyers or posted as overflow whose routing job has not run yet (status open): they
    will take spare capacity, so a second buyer must not be promised the same weeks meanwhile."""
    open_requests = RoutingRequest.objects.filter(product_class=product_class, status=RoutingRequest.Status.OPEN)
    asked = open_requests.aggregate(s=Sum("quantity"))["s"] or 0
    given = (WorkOrder.objects.filter(request__in=open_requests, state__in=WorkOrder.LIVE)
             .aggregate(s=Sum("quantity"))["s"] or 0)
    return max(0, asked - given)


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
    """Ready to ship when the cooperative holds free stock; otherwise the first week by which skilled
    members' spare capacity (now, with their current load) covers ``quantity`` units."""
    first = current_week()
    free = free_stock(product) if stock else 0
    if free >= quantity:
        return LeadTime(True, 0, first)
    # Stock short of the quantity: the whole quantity is promised as made (as before), the free part ships early.
    return lead_for(free=0, spare=weekly_spare(product.get_product_class(), first_week=first),
                    quantity=quantity, first_week=first)


# --- A member's work ----------------------------------------------------------------------------


def member_work_orders(member: Member):
    return (WorkOrder.objects.filter(member=member)
            .select_related("product", "product__parent", "request", "request__product_class")
            .order_by("state", "week", "pk"))


def work_order_for_member(member: Member, pk: int) -> WorkOrder:
    """One of the member's work orders, or DoesNotExist for any other's (ids guessed in URLs)."""
    return member_work_orders(member).get(pk=pk)


@dataclass
class Shortage:
    material: object
    needed: Decimal
    have: Decimal
    lenders: list = field(default_factory=list)

    @property
    def short(self) -> Decimal:
        return self.needed - self.have


def _committed_need(member: Member, material) -> Decimal:
    """Material the member's own accepted (not yet made) work will consume."""
    need = Decimal(0)
    for wo in WorkOrder.objects.filter(member=member, state=WorkOrder.State.ACCEPTED).select_related("product"):
        if wo.product is not None:
            need += bill_for(wo.product).get(material, Decimal(0)) * wo.quantity
    return need


def material_shortages(work_order: WorkOrder, *, lenders: int = 3) -> list[Shortage]:
    """What the member lacks to make this work (bill × quantity vs balance), with members who could lend it:
    their balance exceeds what their own accepted work needs by at least the shortfall."""
    if work_order.product is None or work_order.state not in (WorkOrder.State.OFFERED, WorkOrder.State.ACCEPTED):
        return []
    out = []
    for material, per_unit in bill_for(work_order.product).items():
        needed = per_unit * work_order.quantity
        have = material_balance(work_order.member, material)
        if have >= needed or needed <= 0:
            continue
        shortage = Shortage(material, needed, have)
        holders = (Member.objects.active().exclude(pk=work_order.member_id)
                   .filter(material_balances__material=material, material_balances__quantity__gte=needed - have)
                   .select_related("partner").order_by("-material_balances__quantity"))
        for member in holders[:10]:
            spare = material_balance(member, material) - _committed_need(member, material)
            if spare >= shortage.short:
                shortage.lenders.append((member, spare))
            if len(shortage.lenders) >= lenders:
                break
        out.append(shortage)
    return out


def member_overflow(member: Member):
    """The member's posted overflow with who took what (the poster may see its makers)."""
    return (RoutingRequest.objects.filter(kind=RoutingRequest.Kind.OVERFLOW, member=member)
            .select_related("product", "product_class").prefetch_related("work_orders__member__partner")
            .order_by("-created_at", "-pk"))


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


def order_progress(order) -> list[LineProgress]:
    out = []
    for line in order.lines.select_related("pooling_request").order_by("pk"):
        request = getattr(line, "pooling_request", None)
        if request is None:  # not planned yet: placement held what it could
            held = min(line.quantity, line.num_allocated or 0)
            out.append(LineProgress(line.title, line.quantity, held, 0, 0, line.quantity - held, None))
            continue
        states = dict(request.work_orders.filter(state__in=WorkOrder.LIVE).values_list("state")
                      .annotate(s=Sum("quantity")).values_list("state", "s"))
        ready = states.get(WorkOrder.State.HANDED_OVER, 0) + states.get(WorkOrder.State.MADE, 0)
        making = states.get(WorkOrder.State.ACCEPTED, 0) + states.get(WorkOrder.State.OFFERED, 0)
        waiting = max(0, request.quantity - ready - making)
        out.append(LineProgress(line.title, line.quantity, request.from_stock, making, ready, waiting,
                                request.due_week if request.quantity else None))
    return out


# --- The board ----------------------------------------------------------------------------------


def heat_map(*, weeks: int = 6):
    """Per member per week: capacity, load (accepted work and own orders) and utilisation %."""
    members = Member.objects.active().select_related("partner")
    calendar = capacity_calendar(members, weeks=weeks)
    first = current_week()
    return [first + datetime.timedelta(weeks=k) for k in range(weeks)], sorted(calendar.items(), key=lambda kv: kv[0].code)


def work_orders_by_state():
    rows = WorkOrder.objects.values("state").annotate(n=Sum("quantity")).order_by("state")
    labels = dict(WorkOrder.State.choices)
    counts = {r["state"]: r["n"] for r in rows}
    return [(labels[s], counts.get(s, 0)) for s in WorkOrder.State.values]


def unroutable():
    return (RoutingRequest.objects.filter(unrouted__gt=0).exclude(status=RoutingRequest.Status.WITHDRAWN).select_related("member", "product", "product_class", "order_line__order")
            .order_by("due_week", "pk"))


def late_work():
    """Work not made by the week it was promised for: the board chases it (the buyer was told a week)."""
    return (WorkOrder.objects.filter(state__in=(WorkOrder.State.OFFERED, WorkOrder.State.ACCEPTED),
                                     due_week__lt=current_week())
            .select_related("member", "product", "request__order_line__order").order_by("due_week", "pk"))


def flows():
    """Units routed between workshops: from the posting/fulfilling member to the maker."""
    rows = (WorkOrder.objects.filter(state__in=WorkOrder.LIVE)
            .values("request__member__code", "member__code", "request__kind").annotate(units=Sum("quantity"))
            .order_by("-units"))
    return [{"from": r["request__member__code"], "to": r["member__code"], "kind": r["request__kind"], "units": r["units"]}
            for r in rows]


@dataclass(frozen=True)
class Fairness:
    min: int
    max: int
    stdev: float
    least_loaded_share: int | None  # % of routed units that went to the least-loaded half of members


def fairness(weeks: int = 4) -> Fairness:
    members = list(Member.objects.active())
    calendar = capacity_calendar(members, weeks=weeks)
    util = {}
    for member, cells in calendar.items():
        cap = sum(c.capacity for c in cells)
        util[member.pk] = round(100 * sum(c.load for c in cells) / cap) if cap else 100
    if not util:
        return Fairness(0, 0, 0.0, None)
    values = list(util.values())
    # "Least loaded" is judged by the members' own load (own orders), before any routed work was added.
    first = current_week()
    own = dict(WeeklyLoad.objects.filter(member__in=members, week__gte=first,
                                         week__lt=first + datetime.timedelta(weeks=weeks))
               .exclude(source__startswith="work-order:").values("member_id")
               .annotate(s=Sum("units")).values_list("member_id", "s"))
    caps = {m.pk: sum(c.capacity for c in cells) or 1 for m, cells in calendar.items()}
    base = {pk: (own.get(pk) or 0) / caps[pk] for pk in util}
    routed = dict(WorkOrder.objects.filter(state__in=WorkOrder.LIVE).values("member_id")
                  .annotate(s=Sum("quantity")).values_list("member_id", "s"))
    ranked = sorted(base, key=lambda pk: base[pk])
    lower = set(ranked[: max(1, len(ranked) // 2)])
    total = sum(routed.values())
    share = round(100 * sum(v for pk, v in routed.items() if pk in lower) / total) if total else None
    return Fairness(min(values), max(values), round(statistics.pstdev(values), 1), share)


def heat_colour(utilisation: int) -> str:
    """Green (idle) to red (full) for the heat map's cells."""
    u = max(0, min(utilisation, 120)) / 120
    red, green = int(80 + 175 * u), int(200 - 140 * u)
    return f"rgb({red},{green},90)"
