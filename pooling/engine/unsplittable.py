"""Unsplittable lines: each goes whole to one (member, week) or stays wholly unrouted.

That makes the problem NP-hard in general (it contains bin packing), so we:

1. solve the splittable relaxation exactly (min-cost flow) -> a proven lower bound;
   most unsplittable lines come out whole already (all one-unit lines do);
2. quick repair: take the split ones out and put each back whole, largest
   first, at its cheapest member-week that still has room for all of it;
3. if that is not within the target gap: place every unsplittable line whole
   at the member-week with the lowest cost given how full the relaxation says
   each member-week gets, re-solve the splittable lines optimally around those
   fixed placements, and repeat a few times with the latest fill levels.

The gap to the lower bound is reported; the planner falls back to a MILP on
small instances when it exceeds the target.
"""

from __future__ import annotations

import numpy as np

from .flow import solve_flow, split_by_week
from .problem import Problem, bundled
from .routing import Routing, unbundle

REPAIR_ROUNDS = 3


def unsplittable_lines(p: Problem) -> np.ndarray:
    return np.flatnonzero(~p.splittable & (p.quantity > 0))


def _whole(p: Problem, routing: Routing, lines: np.ndarray) -> np.ndarray:
    """Which of ``lines`` the routing keeps whole: one piece, or wholly unrouted."""
    pieces = np.bincount(routing.line, minlength=p.n_lines)[lines]
    left = routing.unrouted[lines]
    return ((pieces == 1) & (left == 0)) | ((pieces == 0) & (left == p.quantity[lines]))


def is_whole(p: Problem, routing: Routing) -> bool:
    """Does this (relaxed) routing already keep every unsplittable line whole?"""
    return bool(_whole(p, routing, unsplittable_lines(p)).all())


def quick_repair(p: Problem, relaxed: Routing) -> Routing:
    """Put the relaxation's split unsplittable lines back whole, without another solve.

    Largest first, each goes to the member-week where it is cheapest, counting
    only whole lines as immovable: splittable units in the way are bumped to
    their next cheapest member-week, unit by unit.
    """
    lines = unsplittable_lines(p)
    split = lines[~_whole(p, relaxed, lines)]
    keep = ~np.isin(relaxed.line, split)
    rows = [relaxed.line[keep], relaxed.member[keep], relaxed.week[keep], relaxed.qty[keep].copy()]
    unrouted = relaxed.unrouted.copy()
    unrouted[split] = 0
    fill = Routing(*rows, unrouted).week_units(p)
    whole = ~p.splittable[rows[0]]
    fixed = np.zeros_like(fill)
    np.add.at(fixed, (rows[1][whole], rows[2][whole]), rows[3][whole])
    movable: dict[tuple[int, int], list[int]] = {}
    for i in np.flatnonzero(~whole).tolist():
        movable.setdefault((int(rows[1][i]), int(rows[2][i])), []).append(i)
    routed = int(relaxed.qty.sum())
    bump = relaxed.cost(p) / routed if routed else 0.0  # rough price of moving a unit elsewhere
    extra: list[tuple[int, int, int, int]] = []
    for line in split[np.lexsort((split, -p.quantity[split]))].tolist():
        q = int(p.quantity[line])
        choice = _best_member_week(p, line, fill, fixed, [], bump)
        if choice is None or choice[2] >= q * p.instance.weights.unrouted:
            unrouted[line] = q
            continue
        j, w, _ = choice
        over = int(fill[j, w] + q - p.spare[j, w])
        fixed[j, w] += q
        fill[j, w] += q
        extra.append((line, j, w, q))
        for l2, units in _evict(p, rows, movable.get((j, w), []), over):
            fill[j, w] -= units
            moved, left = _rehome(p, l2, units, fill)
            extra.extend(moved)
            unrouted[l2] += left
    arr = np.array(extra, dtype=np.int64).reshape(-1, 4).T
    merged = [np.concatenate([a, b]) for a, b in zip(rows, arr)]
    return _merge(p, Routing(*merged, unrouted))


def _evict(p: Problem, rows: list[np.ndarray], at: list[int], over: int) -> list[tuple[int, int]]:
    """Take ``over`` splittable units out of a member-week, farthest lines first."""
    if over <= 0:
        return []
    lines, members = rows[0][at], rows[1][at]
    d = p.origin[lines] - p.location[members]
    out = []
    for k in np.argsort(-np.hypot(d[:, 0], d[:, 1]), kind="stable").tolist():
        i = at[k]
        units = min(over, int(rows[3][i]))
        if units:
            rows[3][i] -= units
            out.append((int(rows[0][i]), units))
            over -= units
        if over == 0:
            break
    return out


def _rehome(p: Problem, line: int, units: int, fill: np.ndarray) -> tuple[list[tuple[int, int, int, int]], int]:
    """Put bumped units of a splittable line back one at a time, each where it then costs least.

    Returns the new (line, member, week, 1) rows and how many units stay unrouted
    (those dearer anywhere than leaving them).  Updates ``fill``.
    """
    w = p.instance.weights
    cols, last = p.class_members[p.line_class[line]], int(p.last_week[line])
    if cols.size == 0:
        return [], units
    unit = p.unit_cost(np.array([line]), cols)[0][:, None]  # the same for every unit: once
    spare, load = p.spare[cols, : last + 1], p.load[cols, : last + 1]
    cap = np.maximum(p.capacity[cols, : last + 1], 1)
    rows: list[tuple[int, int, int, int]] = []
    for placed in range(units):
        n = fill[cols, : last + 1]
        marginal = np.where(spare - n > 0, unit + w.fairness * (load + n + 1) / cap, np.inf)
        pos, week = np.unravel_index(int(np.argmin(marginal)), marginal.shape)
        if not marginal[pos, week] < w.unrouted:
            return rows, units - placed  # no cheaper spot for this unit, so none for the rest
        fill[cols[pos], week] += 1
        rows.append((line, int(cols[pos]), int(week), 1))
    return rows, 0


def _merge(p: Problem, r: Routing) -> Routing:
    """One row per (line, member, week), no empty rows."""
    keep = r.qty > 0
    key = (r.line[keep] * p.n_members + r.member[keep]) * p.weeks + r.week[keep]
    uniq, inverse = np.unique(key, return_inverse=True)
    qty = np.bincount(inverse, weights=r.qty[keep]).astype(np.int64)
    week, rest = uniq % p.weeks, uniq // p.weeks
    return Routing(rest // p.n_members, rest % p.n_members, week, qty, r.unrouted)


def repair(
    p: Problem, relaxed: Routing, candidates: int | None, target_cost: float, seed: list[np.ndarray] | None = None
) -> Routing:
    """Best whole-line routing found from the relaxation (see module docstring).

    Stops early once a routing costs at most ``target_cost``.
    """
    best: Routing | None = None
    guide = relaxed
    for _ in range(REPAIR_ROUNDS):
        fixed = _place(p, guide)
        routing = Routing.join(fixed, _route_rest(p, fixed, candidates, seed))
        if best is None or routing.cost(p) < best.cost(p) - 1e-9:
            best = routing
        if best.cost(p) <= target_cost or routing is not best:
            break
        guide = routing
    assert best is not None
    return best


def _place(p: Problem, guide: Routing) -> Routing:
    """Fix each unsplittable line whole, largest first (ties by id)."""
    w = p.instance.weights
    lines = unsplittable_lines(p)
    lines = lines[np.lexsort((lines, -p.quantity[lines]))]
    fill = guide.week_units(p)  # how full each member-week gets in the guiding routing
    own: dict[int, list[tuple[int, int, int]]] = {}  # line -> its own (member, week, units)
    for i in np.flatnonzero(~p.splittable[guide.line]).tolist():
        own.setdefault(int(guide.line[i]), []).append((int(guide.member[i]), int(guide.week[i]), int(guide.qty[i])))
    taken = np.zeros_like(p.load)
    out: list[tuple[int, int, int, int]] = []
    unrouted = np.zeros(p.n_lines, dtype=np.int64)
    for line in lines.tolist():
        q = int(p.quantity[line])
        choice = None
        if guide.unrouted[line] < q:
            choice = _best_member_week(p, line, fill, taken, own.get(line, []))
        if choice is None or choice[2] >= q * w.unrouted:
            unrouted[line] = q
            continue
        j, week, _ = choice
        taken[j, week] += q
        out.append((line, j, week, q))
    arr = np.array(out, dtype=np.int64).reshape(-1, 4)
    return Routing(arr[:, 0], arr[:, 1], arr[:, 2], arr[:, 3], unrouted)


def _best_member_week(
    p: Problem,
    line: int,
    fill: np.ndarray,
    taken: np.ndarray,
    own: list[tuple[int, int, int]],
    bump: float | None = None,
) -> tuple[int, int, float] | None:
    """Cheapest skilled (member, week <= due) with room for the whole line beyond ``taken``.

    The fairness of the q units is judged on top of ``fill`` (the guiding
    routing's load, less the line's own units there).  With ``bump``, units of
    ``fill`` beyond ``taken`` may be pushed out at that price per unit.
    """
    cols = p.class_members[p.line_class[line]]
    if cols.size == 0:
        return None
    w = p.instance.weights
    q, last = int(p.quantity[line]), int(p.last_week[line])
    weeks = np.arange(last + 1)
    spare = p.spare[cols][:, weeks]
    room = spare - taken[cols][:, weeks]
    if not (room >= q).any():
        return None
    others = fill[cols][:, weeks].copy()
    for j, week, units in own:  # the line's own relaxed units are not competition
        pos = np.searchsorted(cols, j)
        if week <= last and pos < cols.size and cols[pos] == j:
            others[pos, week] -= units
    # the line's units sit on top of whatever else the member-week is expected to carry
    level = np.minimum(np.maximum(others, taken[cols][:, weeks]), spare - q)
    cap = np.maximum(p.capacity[cols][:, weeks], 1)
    fairness = w.fairness * (q * (p.load[cols][:, weeks] + level) + q * (q + 1) / 2) / cap
    unit = p.unit_cost(np.array([line]), cols)[0]
    score = q * unit[:, None] + fairness
    if bump is not None:
        score = score + bump * np.maximum(0, others + q - spare)
    score = np.where(room >= q, score, np.inf)
    pos, week = np.unravel_index(int(np.argmin(score)), score.shape)  # ties: member id, then week
    return int(cols[pos]), int(week), float(score[pos, week])


def _route_rest(p: Problem, fixed: Routing, candidates: int | None, seed: list[np.ndarray] | None) -> Routing:
    """Optimal routing of the splittable lines around the fixed unsplittable ones."""
    bundles = bundled(p)
    pb = bundles.problem
    flow = solve_flow(pb, pb.splittable & (pb.quantity > 0), fixed.week_units(p), candidates, seed)
    parts = split_by_week(pb, flow.line, flow.member, flow.qty, flow.week_units)
    rest = unbundle(p, bundles, Routing(*parts, unrouted=flow.unrouted))
    rest.unrouted[~p.splittable] = 0  # those are the fixed part's business
    return rest
