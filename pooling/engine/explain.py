"""Plain-language reasons for each assignment, for the cooperative's board.

Every sentence is built from the data: the chosen member's load in that week
before and after the pooled overflow, its distance rank among the members with
the skill, what held back the nearer ones (no spare capacity, spare taken by
other overflow, or already busier), and the line's preferred maker.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .problem import Problem
from .routing import Routing

REASONS = {  # why a nearer member did not get these units
    "full": ("had no spare capacity by the due week", "had no spare capacity by the due week"),
    "filled": ("had its spare taken by other overflow", "had their spare taken by other overflow"),
    "busier": ("would have ended up busier", "would have ended up busier"),
    "traded": (
        "lost out on the balance of distance, load and preference",
        "lost out on the balance of distance, load and preference",
    ),
}


@dataclass
class Explanations:
    assignments: list[str]  # one per routing row, same order
    unrouted: dict[int, str]  # line index -> reason


def explain_routing(p: Problem, routing: Routing) -> Explanations:
    ctx = _Context(p, routing)
    rows = zip(routing.line.tolist(), routing.member.tolist(), routing.week.tolist(), routing.qty.tolist(), strict=True)
    texts = [ctx.assignment(line, member, week, qty) for line, member, week, qty in rows]
    left = {
        line: ctx.unrouted(line, int(routing.unrouted[line])) for line in np.flatnonzero(routing.unrouted > 0).tolist()
    }
    return Explanations(texts, left)


def _pct(x: float) -> str:
    return f"{round(100 * x)}%"


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


class _Context:
    def __init__(self, p: Problem, routing: Routing) -> None:
        self.p = p
        self.n = routing.week_units(p)
        cap = np.maximum(p.capacity, 1)
        room = p.spare - self.n
        self.had_spare = np.cumsum(p.spare, axis=1) > 0  # [j, d]: any spare in weeks <= d
        self.most_spare = np.maximum.accumulate(p.spare, axis=1)
        self.has_room = np.cumsum(room, axis=1) > 0  # still room after routing
        next_util = np.where(room > 0, (p.load + self.n + 1) / cap, np.inf)
        self.next_util = np.minimum.accumulate(next_util, axis=1)  # best in weeks <= d
        self._dist: dict[int, np.ndarray] = {}

    def distances(self, line: int) -> np.ndarray:
        """Distance from the line's origin to each member with its skill."""
        if line not in self._dist:
            cols = self.p.class_members[self.p.line_class[line]]
            d = self.p.origin[line] - self.p.location[cols]
            self._dist[line] = np.hypot(d[:, 0], d[:, 1])
        return self._dist[line]

    def status(self, member: int, line: int, chosen_util: float) -> str:
        """Why ``member`` did not take (more of) ``line``: a key of REASONS."""
        return self.statuses(line, np.array([member]), chosen_util)[0]

    def statuses(self, line: int, members: np.ndarray, chosen_util: float) -> np.ndarray:
        """Vectorised ``status`` for several members (the nearer ones can be hundreds)."""
        last, q = int(self.p.last_week[line]), int(self.p.quantity[line])
        full = ~self.had_spare[members, last]
        if not self.p.splittable[line]:
            full |= self.most_spare[members, last] < q
        filled = ~full & ~self.has_room[members, last]
        busier = ~full & ~filled & (self.next_util[members, last] >= chosen_util - 1e-9)
        return np.select([full, filled, busier], ["full", "filled", "busier"], "traded")

    def assignment(self, line: int, member: int, week: int, qty: int) -> str:
        p = self.p
        name, cls = p.member_ids[member], p.class_names[p.line_class[line]]
        cap = int(p.capacity[member, week])
        before = p.load[member, week] / cap
        after = (p.load[member, week] + self.n[member, week]) / cap
        parts = [
            f"{name} had {_pct(before)} load in week {week} ({_pct(after)} with the pooled "
            f"overflow) and the {cls} skill",
            self._distance_clause(line, member, cls, after),
            self._preference_clause(line, member, after),
        ]
        if not p.splittable[line] and qty > 1:
            parts.append(f"the line is unsplittable, so all {qty} units go to this one member-week")
        return "; ".join(x for x in parts if x) + "."

    def _distance_clause(self, line: int, member: int, cls: str, after: float) -> str:
        cols = self.p.class_members[self.p.line_class[line]]
        dist = self.distances(line)
        pos = int(np.searchsorted(cols, member))
        nearer = np.flatnonzero((dist < dist[pos]) | ((dist == dist[pos]) & (cols < member)))
        where = f"{dist[pos]:.1f} km away"
        if len(cols) == 1:
            return f"it is the only {cls} maker ({where})"
        rank = "nearest" if nearer.size == 0 else f"{_ordinal(nearer.size + 1)} nearest"
        head = f"it is the {rank} of {len(cols)} {cls} makers ({where})"
        if nearer.size == 0:
            return head
        found = self.statuses(line, cols[nearer], after)
        reasons = {why: int(k) for why in REASONS if (k := np.count_nonzero(found == why))}
        if len(reasons) == 1:
            ((why, k),) = reasons.items()
            subject = "the nearer one" if k == 1 else f"the {k} nearer ones"
            return f"{head}; {subject} {REASONS[why][k > 1]}"
        detail = ", ".join(f"{k} {REASONS[why][k > 1]}" for why, k in reasons.items())
        return f"{head}; of the {nearer.size} nearer ones, {detail}"

    def _preference_clause(self, line: int, member: int, after: float) -> str:
        p = self.p
        pref = int(p.preferred[line])
        if pref < 0:
            return ""
        if pref == member:
            return "it is the line's preferred maker"
        name, cls = p.member_ids[pref], p.class_names[p.line_class[line]]
        if not np.isin(pref, p.class_members[p.line_class[line]]):
            return f"the preferred maker {name} lacks the {cls} skill"
        return f"the preferred maker {name} {REASONS[self.status(pref, line, after)][0]}"

    def unrouted(self, line: int, units: int) -> str:
        p = self.p
        q, last = int(p.quantity[line]), int(p.last_week[line])
        cls = p.class_names[p.line_class[line]]
        head = f"{units} of {q} units left unrouted" if units < q else "left unrouted"
        cols = p.class_members[p.line_class[line]]
        if cols.size == 0:
            return f"{head}: no member has the {cls} skill."
        if not p.splittable[line] and (self.most_spare[cols, last] < q).all():
            return (
                f"{head}: the line is unsplittable and no {cls} maker had {q} spare units "
                f"in one week up to week {last}."
            )
        if not self.had_spare[cols, last].any():
            return f"{head}: all {len(cols)} {cls} makers were full up to week {last}."
        free = self.has_room[cols, last]
        if not free.any():
            return f"{head}: the spare capacity of the {cls} makers up to week {last} went to other overflow lines."
        return self._too_dear(line, cols, free, head)

    def _too_dear(self, line: int, cols: np.ndarray, free: np.ndarray, head: str) -> str:
        p, w = self.p, self.p.instance.weights
        last = int(p.last_week[line])
        unit = p.unit_cost(np.array([line]), cols)[0]
        util = self.next_util[cols, last]
        fair = w.fairness * np.where(np.isfinite(util), util, 0.0)
        marginal = np.where(free & np.isfinite(util), unit + fair, np.inf)
        best = int(np.argmin(marginal))
        note = ""
        if not p.splittable[line]:
            note = " (the line is unsplittable, so it needs one member-week with room for all of it)"
        return (
            f"{head}: the cheapest remaining maker, {p.member_ids[cols[best]]} at "
            f"{self.distances(line)[best]:.1f} km, would cost {marginal[best]:.1f} per unit, "
            f"not less than the {w.unrouted:g} per unit for leaving it unrouted{note}."
        )
