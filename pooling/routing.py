"""From the database to a pooling.engine Instance (one request = one engine line) and back."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from common.geo import plane_km, to_km
from inventory import ledger
from inventory.models import Member
from inventory.selectors import capacity_calendar, current_week, loads
from pooling.engine import Instance, Line, Member as EngineMember, Weights

from .models import RoutingRequest, RoutingSettings, WorkOrder
from .selectors import pending_offers

NO_SKILL, PAST_DUE, NO_CAPACITY = RoutingRequest.NO_SKILL, RoutingRequest.PAST_DUE, RoutingRequest.NO_CAPACITY


def week_index(first: datetime.date, week: datetime.date) -> int:
    return max(0, (ledger.week_start(week) - first).days // 7)


@dataclass
class Built:
    instance: Instance | None
    first_week: datetime.date
    weeks: list[datetime.date]
    members: dict[str, Member]
    reason: str = ""  # why nothing can be routed at all (no skilled member left)


def candidates(request: RoutingRequest):
    """Active members with the skill, minus the poster (overflow) and everyone who declined or let it expire."""
    refused = WorkOrder.objects.filter(request=request, state__in=WorkOrder.REFUSED).values("member_id")
    qs = (
        Member.objects.active()
        .filter(skills=request.product_class)
        .exclude(pk__in=refused)
        .select_related("partner")
        .distinct()
        .order_by("code")
    )
    if request.kind == RoutingRequest.Kind.OVERFLOW:
        qs = qs.exclude(pk=request.member_id)
    return qs


def build(request: RoutingRequest, quantity: int, *, today: datetime.date | None = None) -> Built:
    first = ledger.week_start(today) if today else current_week()
    horizon = max(1, min(RoutingSettings.HORIZON_WEEKS * 2, week_index(first, request.due_week) + 1))
    weeks = ledger.weeks_from(first, horizon)
    members = list(candidates(request))
    if not members:
        return Built(None, first, weeks, {}, reason=NO_SKILL)
    calendar = capacity_calendar(members, first_week=first, weeks=horizon, product_class=request.product_class)
    offered = pending_offers(members, weeks)
    slug = request.product_class.slug
    engine_members = []
    for member in members:
        cells = calendar[member]
        engine_members.append(
            EngineMember(
                id=member.code,
                location=to_km(member.latitude, member.longitude),
                skills=(slug,),
                capacity=tuple(c.capacity for c in cells),
                load=tuple(max(0, c.load) + offered.get((member.pk, c.week), 0) for c in cells),
            )
        )
    origin = to_km(request.member.latitude, request.member.longitude)
    preferred = request.preferred_member.code if request.preferred_member_id else None
    if preferred not in {m.code for m in members}:
        preferred = None
    line = Line(
        id=request.line_id,
        product_class=slug,
        quantity=quantity,
        due_week=week_index(first, request.due_week),
        origin=origin,
        preferred_member=preferred,
        splittable=True,
    )
    instance = Instance(weeks=horizon, weights=weights(), members=tuple(engine_members), lines=(line,))
    return Built(instance, first, weeks, {m.code: m for m in members})


@dataclass(frozen=True)
class Want:
    """One line of a several-line instance (a trade quote's dry run): ``quantity`` units of a product class,
    due by ``due_week`` (an index into the instance's weeks; may be past the horizon: the engine clamps it)."""

    id: str
    product_class: object  # catalogue.ProductClass
    quantity: int
    due_week: int


def weights() -> Weights:
    settings_row = RoutingSettings.current()
    return Weights(
        distance=settings_row.distance,
        fairness=settings_row.fairness,
        preference=settings_row.preference,
        unrouted=RoutingSettings.UNROUTED,
    )


def build_lines(wants: list[Want], *, first: datetime.date, horizon: int) -> Built:
    """One instance for several lines at once, sharing every member's hands: the active members with the skill
    for any of the lines, their capacity and committed load (plus work offered and not yet answered) per week
    from ``first``. A member's capacity for the week is its smallest per-class capacity among the lines' classes
    it makes (load counts all its units, as for single-line routing: never promise more than it can make).
    Lines start at the cooperative's centre. Reads only: a fixed handful of queries however many lines."""
    weeks = ledger.weeks_from(first, horizon)
    classes = {w.product_class.pk: w.product_class for w in wants}
    members = list(
        Member.objects.active()
        .filter(skills__in=list(classes))
        .select_related("partner")
        .prefetch_related("skills", "class_capacities")
        .distinct()
        .order_by("code")
    )
    if not members:
        return Built(None, first, weeks, {}, reason=NO_SKILL)
    committed = loads(members, weeks)
    offered = pending_offers(members, weeks)
    engine_members = []
    for member in members:
        made = sorted(pk for pk in (s.pk for s in member.skills.all()) if pk in classes)
        cap = min(member.capacity_for(pk) for pk in made)
        engine_members.append(
            EngineMember(
                id=member.code,
                location=to_km(member.latitude, member.longitude),
                skills=tuple(classes[pk].slug for pk in made),
                capacity=(cap,) * horizon,
                load=tuple(
                    max(0, committed.get((member.pk, week), 0)) + offered.get((member.pk, week), 0) for week in weeks
                ),
            )
        )
    lines = tuple(
        Line(
            id=w.id,
            product_class=w.product_class.slug,
            quantity=w.quantity,
            due_week=max(0, w.due_week),
            origin=(0.0, 0.0),
            preferred_member=None,
            splittable=True,
        )
        for w in wants
    )
    instance = Instance(weeks=horizon, weights=weights(), members=tuple(engine_members), lines=lines)
    return Built(instance, first, weeks, {m.code: m for m in members})


def unrouted_reason(built: Built, request: RoutingRequest) -> str:
    """Why units stayed unrouted, as a code (RoutingRequest.unrouted_reason_text words it for the reader):
    the routing job runs in whatever language its process has, the board may read in another."""
    if built.reason:
        return built.reason
    if request.due_week < built.first_week:
        return PAST_DUE
    return NO_CAPACITY


def reasons(built: Built, answer) -> dict[tuple[str, int], dict]:
    """The facts behind each assignment (load that week before and with the pooled work, rank by distance
    among the makers, the buyer's preference), stored with the work order and worded in the reader's
    language when shown (WorkOrder.reason_text); the engine's own explanation is English, for the board."""
    instance = built.instance
    line = instance.lines[0]
    pooled = defaultdict(int)
    for a in answer.assignments:
        pooled[(a.member, a.week)] += a.quantity
    km = {m.id: plane_km(m.location, line.origin) for m in instance.members}
    rank = {code: n for n, code in enumerate(sorted(km, key=lambda code: (km[code], code)), start=1)}
    members = {m.id: m for m in instance.members}
    out = {}
    for (code, week), units in pooled.items():
        member = members[code]
        capacity = max(member.capacity[week], 1)
        out[(code, week)] = {
            "load": round(100 * member.load[week] / capacity),
            "load_with": round(100 * (member.load[week] + units) / capacity),
            "rank": rank[code],
            "makers": len(rank),
            "km": round(km[code], 1),
            "preferred": line.preferred_member == code,
        }
    return out
