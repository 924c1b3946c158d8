"""Routing by a plan given at placement (issue 20): an order whose makers were planned before the buyer committed
(a trade quote's dry run over every member's hands, which the buyer accepted) is offered to exactly those makers,
for those units and weeks, instead of being routed afresh after commit.

The work orders are the ones a routing round writes (round 0, with its RoutingRun; state offered): members answer
them as any other offer, their units count as offered until then (``selectors.pending_offers``) and load the
member's week when accepted; a decline or a time-out routes the rest the normal way (a new round, by the
request's due week)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from inventory import ledger
from inventory.models import Member
from inventory.selectors import current_week, loads

from ..models import RoutingRequest, RoutingRun, WorkOrder
from ..selectors import pending_offers, weekly_spare_by_class
from . import promises
from .routing import PoolingError

METHOD = "plan given at placement"
EXPLANATION = "Planned with the order before the buyer placed it, over every member's capacity and load."


@dataclass(frozen=True)
class PlannedWork:
    member: str  # the member's code
    units: int
    week: datetime.date  # the Monday of the week to make them


def reserve_planned_line(
    *, line, member: Member, work: list[PlannedWork], due_week: datetime.date, held: bool = False, now=None
) -> RoutingRequest:
    """At placement, inside the order's transaction: the line's routing request (``member`` collects the line),
    routed at once by ``work``; units the plan leaves out stay unrouted (status short). Each maker must be an
    active member with the skill and have room that week (capacity less load and offers, counting the work
    offered earlier in this transaction): otherwise PromiseBroken and the caller rolls back. Running it again
    for the line returns its request and writes nothing. ``held``: the work orders wait for the buyer's deposit
    (``release_held_work`` offers them) instead of going out now."""
    promises.lock_promises()
    existing = RoutingRequest.objects.filter(order_line=line).first()
    if existing is not None:
        return existing
    product_class = line.product.get_product_class()
    cells = _cells(work, line.quantity)
    if not isinstance(due_week, datetime.date) or not ledger.is_week_start(due_week) or due_week < current_week():
        raise PoolingError(gettext("The due week must be a Monday, this week or later."))
    makers = {
        m.code: m
        for m in Member.objects.active()
        .filter(code__in={code for code, _week in cells}, skills=product_class)
        .prefetch_related("class_capacities")
        .distinct()
    }
    missing = sorted({code for code, _week in cells} - set(makers))
    if missing:
        raise promises.PromiseBroken(
            gettext("%(members)s no longer make %(class)s.") % {"members": ", ".join(missing), "class": product_class},
            available=0,
        )
    used = _used(makers, cells)
    for (code, week), units in cells.items():
        room = makers[code].capacity_for(product_class) - used[(code, week)]
        if units > room:
            raise promises.PromiseBroken(
                gettext("%(member)s has room for %(room)s units in the week of %(week)s, not %(units)s.")
                % {"member": code, "room": max(0, room), "week": week.isoformat(), "units": units},
                available=max(0, room),
            )
    _leave_room_for_waiting(product_class, cells)
    state = WorkOrder.State.HELD if held else WorkOrder.State.OFFERED
    return _write(line, member, product_class, makers, cells, used, due_week, state, now or timezone.now())


def _leave_room_for_waiting(product_class, cells) -> None:
    """Shop orders already promised but not yet routed (their routing job has not run) will take the class's
    earliest spare weeks; the plan may not take that room from under them. The class's spare per week, less
    those waiting units, must hold the planned units of each week (PromiseBroken otherwise: the buyer is asked
    to accept again, by which time the waiting orders have their work orders and the dry run sees them)."""
    first = current_week()
    per_week: dict[datetime.date, int] = {}
    for (_code, week), units in cells.items():
        per_week[week] = per_week.get(week, 0) + units
    if not per_week:
        return
    spare = weekly_spare_by_class([product_class.pk], first_week=first, weeks=(max(per_week) - first).days // 7 + 1)
    for week, units in sorted(per_week.items()):
        room = spare[product_class.pk][(week - first).days // 7]
        if units > room:
            raise promises.PromiseBroken(
                gettext("Only %(room)s units of %(class)s can still be made in the week of %(week)s, not %(units)s.")
                % {"room": room, "class": product_class, "week": week.isoformat(), "units": units},
                available=room,
            )


def _cells(work: list[PlannedWork], quantity: int) -> dict[tuple[str, datetime.date], int]:
    """Units per (member code, week), checked: whole positive units, Mondays from this week, no more than the line."""
    first = current_week()
    cells: dict[tuple[str, datetime.date], int] = {}
    for item in work:
        units = item.units
        if isinstance(units, bool) or not isinstance(units, int) or units <= 0:
            raise PoolingError(gettext("The quantity must be more than zero."))
        if not isinstance(item.week, datetime.date) or not ledger.is_week_start(item.week) or item.week < first:
            raise PoolingError(gettext("The due week must be a Monday, this week or later."))
        cells[(item.member, item.week)] = cells.get((item.member, item.week), 0) + units
    if sum(cells.values()) > quantity:
        raise PoolingError(gettext("The plan makes more units than the line has."))
    return cells


def _used(makers: dict[str, Member], cells) -> dict[tuple[str, datetime.date], int]:
    """Committed load plus unanswered offers per (member code, week) of the plan."""
    members = list(makers.values())
    weeks = sorted({week for _code, week in cells})
    committed = loads(members, weeks)
    offered = pending_offers(members, weeks)
    return {
        (code, week): max(0, committed.get((makers[code].pk, week), 0)) + offered.get((makers[code].pk, week), 0)
        for code, week in cells
    }


def _write(line, member, product_class, makers, cells, used, due_week, state, now) -> RoutingRequest:
    planned = sum(cells.values())
    short = line.quantity - planned
    request = RoutingRequest.objects.create(
        kind=RoutingRequest.Kind.ORDER,
        order_line=line,
        member=member,
        product=line.product,
        product_class=product_class,
        ordered=line.quantity,
        from_stock=0,
        quantity=line.quantity,
        due_week=due_week,
        status=RoutingRequest.Status.SHORT if short else RoutingRequest.Status.ROUTED,
        unrouted=short,
        unrouted_reason=RoutingRequest.NO_CAPACITY if short else "",
    )
    RoutingRun.objects.create(request=request, round=0, routed=planned, unrouted=short, method=METHOD)
    for (code, week), units in sorted(cells.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        capacity = max(makers[code].capacity_for(product_class), 1)
        WorkOrder.objects.create(
            request=request,
            round=0,
            member=makers[code],
            product=line.product,
            quantity=units,
            week=week,
            due_week=due_week,
            explanation=EXPLANATION,
            reasons={
                "load": round(100 * used[(code, week)] / capacity),
                "load_with": round(100 * (used[(code, week)] + units) / capacity),
            },
            state=state,
            offered_at=now,
        )
    return request


@transaction.atomic
def release_held_work(*, order, now=None) -> int:
    """The buyer's deposit arrived: offer the order's held work orders to their makers (the answer clock starts
    now). Returns how many went out; a second call finds none held and changes nothing."""
    now = now or timezone.now()
    # Requests first, then their work orders: the pool's lock order.
    requests = list(
        RoutingRequest.objects.select_for_update()
        .filter(order_line__order=order)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return WorkOrder.objects.filter(request_id__in=requests, state=WorkOrder.State.HELD).update(
        state=WorkOrder.State.OFFERED, offered_at=now
    )
