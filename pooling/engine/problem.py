"""The instance as numpy arrays, in a canonical order, with the cost formulas.

Members and lines are sorted by id here, so the solver sees the same graph
whatever order the shop listed them in: the answer depends on the instance's
content only, and ties are broken by ids.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np

from .model import Instance

INF = np.int64(2**61)  # "no path" in integer cost arithmetic; INF + any cost still fits in int64
MAX_COST_BITS = 32
BLOCK_CELLS = 2_000_000  # line x member cells per cost block: bounds temporary memory


@dataclass
class Block:
    """Costs of lines of one product class (rows) at the members that have the skill (cols)."""

    rows: np.ndarray  # line indices
    cols: np.ndarray  # member indices
    cost: np.ndarray  # int64 scaled transport + preference cost per unit, rows x cols


@dataclass
class Problem:
    instance: Instance
    member_ids: list[str]
    line_ids: list[str]
    location: np.ndarray  # (M, 2)
    capacity: np.ndarray  # (M, W) int64
    load: np.ndarray  # (M, W) int64
    spare: np.ndarray  # (M, W) int64
    origin: np.ndarray  # (L, 2)
    quantity: np.ndarray  # (L,) int64
    last_week: np.ndarray  # (L,) int64: due week clamped to the horizon
    preferred: np.ndarray  # (L,) int64 member index or -1
    splittable: np.ndarray  # (L,) bool
    line_class: np.ndarray  # (L,) class index
    class_names: list[str]
    class_members: list[np.ndarray]  # member indices having each class as a skill
    scale: float = 1.0  # integer cost = round(float cost * scale)
    max_scale: float = 1.0  # the largest scale int64 arithmetic allows
    flow_unrouted: float = 0.0  # the unrouted weight the flow solver uses (see choose_scale)
    _blocks: list[Block] | None = field(default=None, repr=False)
    _bundled: Bundled | None = field(default=None, repr=False)

    @property
    def weeks(self) -> int:
        return int(self.capacity.shape[1])

    @property
    def n_members(self) -> int:
        return len(self.member_ids)

    @property
    def n_lines(self) -> int:
        return len(self.line_ids)

    # -- costs -------------------------------------------------------------------
    def unit_cost(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        """Float transport + preference cost per unit for every (row line, col member) pair."""
        weights = self.instance.weights
        d = self.origin[rows][:, None, :] - self.location[cols][None, :, :]
        cost = weights.distance * np.hypot(d[..., 0], d[..., 1])
        pref = self.preferred[rows]
        if weights.preference and (pref >= 0).any():
            missed = (pref[:, None] >= 0) & (pref[:, None] != cols[None, :])
            cost += weights.preference * missed
        return cost

    def scaled(self, cost: np.ndarray | float) -> np.ndarray:
        return np.rint(np.asarray(cost, dtype=np.float64) * self.scale).astype(np.int64)

    def refine_scale(self) -> bool:
        """Costs 2**8 times finer, if OR-Tools' int64 arithmetic still allows it."""
        if self.scale * 2**8 > self.max_scale:
            return False
        self.scale *= 2**8
        self._blocks = None  # they hold costs at the old scale
        return True

    def blocks(self) -> list[Block]:
        """Integer costs of all skilled (line, member) pairs, computed once and cached."""
        if self._blocks is None:
            self._blocks = list(self._make_blocks())
        return self._blocks

    def _make_blocks(self) -> Iterator[Block]:
        order = np.argsort(self.line_class, kind="stable")
        bounds = np.searchsorted(self.line_class[order], np.arange(len(self.class_names) + 1))
        for c, cols in enumerate(self.class_members):
            lines = order[bounds[c] : bounds[c + 1]]
            if len(cols) == 0 or len(lines) == 0:
                continue
            step = max(1, BLOCK_CELLS // len(cols))
            for start in range(0, len(lines), step):
                rows = lines[start : start + step]
                yield Block(rows, cols, self.scaled(self.unit_cost(rows, cols)))


@dataclass
class Bundled:
    """Identical splittable lines merged: what the flow solver routes.

    Splittable lines with the same product class, due week (within the
    horizon), origin and preferred member cost the same at every member, so
    one node with their summed quantity routes them exactly; overflow that
    starts at one workshop often comes as several such lines.  Unsplittable
    lines stay alone.  Bundles are indexed like lines of ``problem``;
    ``lines[b]`` lists the real lines of bundle b in id order.
    """

    problem: Problem
    lines: list[np.ndarray]


def bundled(p: Problem) -> Bundled:
    if p._bundled is None:
        p._bundled = _bundle(p)
    return p._bundled


def _bundle(p: Problem) -> Bundled:
    groups: dict[tuple, list[int]] = {}
    keys = zip(
        p.line_class.tolist(),
        p.last_week.tolist(),
        p.origin[:, 0].tolist(),
        p.origin[:, 1].tolist(),
        p.preferred.tolist(),
        p.splittable.tolist(),
    )
    for i, (cls, last, x, y, pref, split) in enumerate(keys):
        groups.setdefault((cls, last, x, y, pref) if split else (i,), []).append(i)
    members = [np.array(g, dtype=np.int64) for g in groups.values()]
    first = np.array([g[0] for g in members], dtype=np.int64)
    pb = Problem(
        instance=p.instance,
        member_ids=p.member_ids,
        line_ids=[p.line_ids[i] for i in first.tolist()],
        location=p.location,
        capacity=p.capacity,
        load=p.load,
        spare=p.spare,
        origin=p.origin[first],
        quantity=np.array([int(p.quantity[g].sum()) for g in members], dtype=np.int64),
        last_week=p.last_week[first],
        preferred=p.preferred[first],
        splittable=p.splittable[first],
        line_class=p.line_class[first],
        class_names=p.class_names,
        class_members=p.class_members,
        scale=p.scale,
        max_scale=p.max_scale,
        flow_unrouted=p.flow_unrouted,
    )
    return Bundled(pb, members)


def build_problem(instance: Instance) -> Problem:
    members = sorted(instance.members, key=lambda m: m.id)
    lines = sorted(instance.lines, key=lambda line: line.id)
    weeks = instance.weeks
    member_index = {m.id: j for j, m in enumerate(members)}
    classes = sorted({s for m in members for s in m.skills} | {line.product_class for line in lines})
    class_index = {c: i for i, c in enumerate(classes)}
    skilled: list[list[int]] = [[] for _ in classes]
    for j, m in enumerate(members):
        for s in m.skills:
            skilled[class_index[s]].append(j)
    capacity = np.array([m.capacity for m in members], dtype=np.int64).reshape(len(members), weeks)
    load = np.array([m.load for m in members], dtype=np.int64).reshape(len(members), weeks)
    problem = Problem(
        instance=instance,
        member_ids=[m.id for m in members],
        line_ids=[line.id for line in lines],
        location=np.array([m.location for m in members], dtype=np.float64).reshape(-1, 2),
        capacity=capacity,
        load=load,
        spare=np.maximum(0, capacity - load),
        origin=np.array([line.origin for line in lines], dtype=np.float64).reshape(-1, 2),
        quantity=np.array([line.quantity for line in lines], dtype=np.int64),
        last_week=np.array([min(line.due_week, weeks - 1) for line in lines], dtype=np.int64),
        preferred=np.array(
            [member_index.get(line.preferred_member, -1) if line.preferred_member else -1 for line in lines],
            dtype=np.int64,
        ),
        splittable=np.array([line.splittable for line in lines], dtype=bool),
        line_class=np.array([class_index[line.product_class] for line in lines], dtype=np.int64),
        class_names=classes,
        class_members=[np.array(s, dtype=np.int64) for s in skilled],
    )
    problem.scale, problem.max_scale, problem.flow_unrouted = choose_scale(problem)
    return problem


def choose_scale(p: Problem) -> tuple[float, float, float]:
    """(starting scale, largest safe scale, unrouted weight for the flow) for integer costs.

    The cost-scaling solver multiplies costs by about the node count, and the
    objective sums flow x cost, so both products must stay well inside int64.
    OR-Tools runs one refine phase per factor 5 of cost range, so we start at
    2**32 for the dearest arc (measured ~25% faster than 2**40); the planner
    rescales if the rounding error bound is not negligible against the cost.

    A huge unrouted weight (1e9: "never leave work behind") would eat that
    range.  Any augmenting path costs less than nodes x the dearest other arc,
    so an unrouted weight above that already means "route whenever possible"
    and gives the same optimal flows; the flow uses the smaller of the two.
    """
    w = p.instance.weights
    points = np.vstack([p.location, p.origin]) if p.n_lines and p.n_members else np.zeros((1, 2))
    span = float(np.hypot(*(points.max(axis=0) - points.min(axis=0))))
    other = max(w.distance * span + w.preference, w.fairness)
    nodes = p.n_lines + p.n_members * p.weeks + 2
    unrouted = min(w.unrouted, (nodes + 2) * other) if other > 0 else w.unrouted
    dearest = max(unrouted, other, 1e-300)
    units = int(p.quantity.sum()) + 1
    safe = min(2.0**60 / (4 * nodes), 2.0**60 / (4 * units)) / dearest
    start = min(2.0**MAX_COST_BITS / dearest, safe)
    if not (math.isfinite(safe) and start > 0):
        return 1.0, 1.0, unrouted
    return start, safe, unrouted
