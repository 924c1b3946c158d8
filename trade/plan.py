"""The dry-run plan of a trade order, plain Python (the engine's dataclasses, no Django): what skilled members
can make by the wanted date, the earliest date for all of it, and who makes how many in which week.

A week's units count as ready on the Sunday that ends it. The plan solves the instance (one line per SKU, every
member's hands shared by all lines) twice over:

1. every line due by the last week that ends on or before the wanted date: what is routed is what can be ready
   by then (the engine leaves units unrouted only when no skilled member-week has room);
2. what is left, on top of the load of step 1, due by the earliest week that takes all of it (a bisection over
   the weeks after the wanted one: more weeks never fit fewer units).

When everything fits by the wanted date, the earliest date is found the same way over the weeks before it (the
makers' table stays the plan for the wanted date: the engine spreads the work over the least loaded members up
to then). Nothing here writes anything: the caller built the instance from a snapshot.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, replace

from pooling.engine import Instance, route


@dataclass(frozen=True)
class Maker:
    member: str
    sku: str
    units: int
    week: datetime.date


@dataclass(frozen=True)
class LinePlan:
    sku: str
    quantity: int
    ready_by_wanted: int


@dataclass(frozen=True)
class Plan:
    wanted: datetime.date
    earliest: datetime.date | None  # all units ready (a Sunday); None: not within the horizon
    lines: tuple[LinePlan, ...]
    makers: tuple[Maker, ...]

    @property
    def fits(self) -> bool:
        return all(line.ready_by_wanted >= line.quantity for line in self.lines)

    @property
    def member_count(self) -> int:
        return len({m.member for m in self.makers})

    def as_json(self) -> dict:
        """The command line's shape (docs: issue 20): keep it exactly."""
        return {
            "earliest": self.earliest.isoformat() if self.earliest else None,
            "lines": [{"sku": x.sku, "quantity": x.quantity, "ready_by_wanted": x.ready_by_wanted} for x in self.lines],
            "makers": [
                {"member": m.member, "sku": m.sku, "units": m.units, "week": m.week.isoformat()} for m in self.makers
            ],
        }


def ready_on(week: datetime.date) -> datetime.date:
    """Units made in the week starting ``week`` (a Monday) are ready on its Sunday."""
    return week + datetime.timedelta(days=6)


def due_index(first: datetime.date, wanted: datetime.date) -> int:
    """The last week (index from ``first``) whose Sunday is on or before ``wanted``; -1: none is."""
    return (wanted - ready_on(first)).days // 7


def _solve(instance: Instance, due: int):
    lines = tuple(replace(line, due_week=due) for line in instance.lines)
    return route(replace(instance, lines=lines))


def _unrouted(answer) -> int:
    return sum(u.quantity for u in answer.unrouted)


def _first_due(instance: Instance, low: int, high: int) -> int | None:
    """The smallest due week in [low, high] by which every unit of ``instance`` is routed, or None."""
    if low > high or _unrouted(_solve(instance, high)):
        return None
    while low < high:
        middle = (low + high) // 2
        if _unrouted(_solve(instance, middle)):
            low = middle + 1
        else:
            high = middle
    return high


def plan(instance: Instance | None, *, first: datetime.date, wanted: datetime.date, skus: dict[str, int]) -> Plan:
    """``instance``: one line per SKU (line id = the SKU, quantity = units wanted), weeks from ``first`` (a
    Monday); None when no active member has any of the skills. ``skus``: SKU → quantity, in the request's order."""
    weeks = [first + datetime.timedelta(weeks=k) for k in range(instance.weeks if instance else 0)]
    if instance is None or not instance.members:
        return Plan(wanted, None, tuple(LinePlan(s, q, 0) for s, q in skus.items()), ())
    last = instance.weeks - 1
    due = due_index(first, wanted)
    made: dict[tuple[str, str, int], int] = {}
    ready: dict[str, int] = dict.fromkeys(skus, 0)
    rest = instance
    if due >= 0:
        first_answer = _solve(instance, min(due, last))
        for a in first_answer.assignments:
            made[(a.member, a.line, a.week)] = made.get((a.member, a.line, a.week), 0) + a.quantity
            ready[a.line] += a.quantity
        left = {u.line: u.quantity for u in first_answer.unrouted}
        if not left:
            earliest = _first_due(instance, 0, min(due, last))
            return _finish(wanted, weeks, earliest, skus, ready, made)
        extra: dict[str, list[int]] = {}
        for a in first_answer.assignments:
            extra.setdefault(a.member, [0] * instance.weeks)[a.week] += a.quantity
        members = tuple(
            replace(m, load=tuple(x + y for x, y in zip(m.load, extra[m.id], strict=True))) if m.id in extra else m
            for m in instance.members
        )
        lines = tuple(replace(line, quantity=left[line.id]) for line in instance.lines if left.get(line.id))
        rest = replace(instance, members=members, lines=lines)
    earliest = _first_due(rest, max(due + 1, 0), last)
    answer = _solve(rest, last if earliest is None else earliest)
    for a in answer.assignments:
        made[(a.member, a.line, a.week)] = made.get((a.member, a.line, a.week), 0) + a.quantity
    return _finish(wanted, weeks, earliest, skus, ready, made)


def _finish(wanted, weeks, earliest, skus, ready, made) -> Plan:
    makers = tuple(
        Maker(member, sku, units, weeks[week])
        for (member, sku, week), units in sorted(made.items(), key=lambda kv: (kv[0][2], kv[0][0], kv[0][1]))
    )
    return Plan(
        wanted=wanted,
        earliest=ready_on(weeks[earliest]) if earliest is not None else None,
        lines=tuple(LinePlan(sku, quantity, min(quantity, ready.get(sku, 0))) for sku, quantity in skus.items()),
        makers=makers,
    )
