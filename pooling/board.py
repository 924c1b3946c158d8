"""Reads for the routing board (/pool/board/): the load heat map, work by state, unroutable units, late work,
the flows between workshops and the spread of utilisation."""

from __future__ import annotations

import statistics
from dataclasses import dataclass

from django.db.models import Sum

from inventory import ledger
from inventory.models import Member, WeeklyLoad
from inventory.selectors import capacity_calendar, current_week

from .models import RoutingRequest, WorkOrder


def heat_map(*, weeks: int = 6):
    """The weeks, and per member (by code) its weeks' capacity, load (accepted work and own orders) and
    utilisation %."""
    first = current_week()
    calendar = capacity_calendar(Member.objects.active().order_by("code"), first_week=first, weeks=weeks)
    return ledger.weeks_from(first, weeks), list(calendar.items())


def work_orders_by_state():
    rows = WorkOrder.objects.values("state").annotate(n=Sum("quantity")).order_by("state")
    labels = dict(WorkOrder.State.choices)
    counts = {r["state"]: r["n"] for r in rows}
    return [(labels[s], counts.get(s, 0)) for s in WorkOrder.State.values]


def unroutable():
    return (
        RoutingRequest.objects.filter(unrouted__gt=0)
        .exclude(status=RoutingRequest.Status.WITHDRAWN)
        .select_related("member", "product__parent", "product_class", "order_line__order")
        .order_by("due_week", "pk")
    )


def late_work():
    """Work not made by the week it was promised for: the board chases it (the buyer was told a week)."""
    return (
        WorkOrder.objects.filter(
            state__in=(*WorkOrder.RESERVING, WorkOrder.State.ACCEPTED), due_week__lt=current_week()
        )
        .select_related("member", "product__parent", "request__order_line__order")
        .order_by("due_week", "pk")
    )


def flows():
    """Units routed between workshops: from the posting/fulfilling member to the maker."""
    rows = (
        WorkOrder.objects.filter(state__in=WorkOrder.LIVE)
        .values("request__member__code", "member__code", "request__kind")
        .annotate(units=Sum("quantity"))
        .order_by("-units")
    )
    return [
        {"from": r["request__member__code"], "to": r["member__code"], "kind": r["request__kind"], "units": r["units"]}
        for r in rows
    ]


@dataclass(frozen=True)
class Fairness:
    min: int
    max: int
    stdev: float
    least_loaded_share: int | None  # % of routed units that went to the least-loaded half of members


def fairness(weeks: int = 4) -> Fairness:
    """Utilisation over the next weeks (lowest, highest, spread), and the share of routed units that went to
    the less-loaded half of members."""
    first = current_week()
    calendar = capacity_calendar(list(Member.objects.active()), first_week=first, weeks=weeks)
    if not calendar:
        return Fairness(0, 0, 0.0, None)
    capacity = {m.pk: sum(c.capacity for c in cells) for m, cells in calendar.items()}
    values = [
        round(100 * sum(c.load for c in cells) / capacity[m.pk]) if capacity[m.pk] else 100
        for m, cells in calendar.items()
    ]
    # "Least loaded" is judged by the members' own load (own orders), before any routed work was added.
    own = dict(
        WeeklyLoad.objects.filter(member__in=list(calendar), week__in=ledger.weeks_from(first, weeks))
        .exclude(source__startswith="work-order:")
        .values("member_id")
        .annotate(s=Sum("units"))
        .values_list("member_id", "s")
    )
    base = {pk: (own.get(pk) or 0) / (cap or 1) for pk, cap in capacity.items()}
    ranked = sorted(base, key=lambda pk: base[pk])
    lower = set(ranked[: max(1, len(ranked) // 2)])
    routed = dict(
        WorkOrder.objects.filter(state__in=WorkOrder.LIVE)
        .values("member_id")
        .annotate(s=Sum("quantity"))
        .values_list("member_id", "s")
    )
    total = sum(routed.values())
    share = round(100 * sum(v for pk, v in routed.items() if pk in lower) / total) if total else None
    return Fairness(min(values), max(values), round(statistics.pstdev(values), 1), share)


def heat_colour(utilisation: int) -> str:
    """Green (idle) to red (full) for the heat map's cells."""
    u = max(0, min(utilisation, 120)) / 120
    red, green = int(80 + 175 * u), int(200 - 140 * u)
    return f"rgb({red},{green},90)"
