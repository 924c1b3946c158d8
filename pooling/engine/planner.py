"""route(): from an Instance to an Answer, with a proven bound on how far from optimal it is."""

from __future__ import annotations

import numpy as np

from .answer import Answer, Assignment, Unrouted, relative_gap
from .explain import explain_routing
from .flow import CANDIDATES, FlowResult, solve_flow, split_by_week
from .model import Instance
from .problem import Problem, build_problem, bundled
from .routing import Routing, unbundle
from .unsplittable import is_whole, quick_repair, repair

TARGET_GAP = 0.01  # unsplittable lines: answer within 1% of the optimum
SCALING_TOLERANCE = 1e-6  # relative cost error allowed from rounding costs to integers


def route(
    instance: Instance,
    explain: bool = False,
    *,
    candidates: int | None = CANDIDATES,
    target_gap: float = TARGET_GAP,
    exact_fallback: bool = True,
) -> Answer:
    """Route the overflow lines of ``instance`` at minimum cost.

    With every line splittable the answer is optimal, up to rounding costs to
    integers for the flow solver (bounded, at most 1e-6 of the cost, and
    included in ``answer.lower_bound``).  With unsplittable lines the answer is
    within ``answer.gap_bound`` of the optimum: normally well under
    ``target_gap``; on small instances a MILP closes the gap when the
    flow-based repair cannot.  ``candidates`` only trades speed (None: no arc
    pruning); it never changes the answer's quality.
    """
    p = build_problem(instance)
    relaxed, flow, lower = _relaxation(p, candidates)
    if is_whole(p, relaxed):
        routing, method = relaxed, "min-cost flow"
    else:
        routing = quick_repair(p, relaxed)
        method = "min-cost flow relaxation + quick whole-line repair"
        if relative_gap(routing.cost(p), lower) > target_gap:
            better = repair(p, relaxed, candidates, (1 + target_gap) * lower, flow.chosen)
            if better.cost(p) < routing.cost(p):
                routing, method = better, "min-cost flow relaxation + whole-line repair"
        if exact_fallback and relative_gap(routing.cost(p), lower) > target_gap:
            routing, lower, method = _try_exact(p, routing, lower, method, target_gap)
    problems = routing.problems(p)
    if problems:  # a bug, never an instance problem: refuse to hand out a wrong plan
        raise RuntimeError("infeasible routing: " + "; ".join(problems[:5]))
    return make_answer(p, routing, lower, method, explain)


def _relaxation(p: Problem, candidates: int | None) -> tuple[Routing, FlowResult, float]:
    """Optimal routing when every line may be split, and the exact lower bound it gives.

    If the bound on the cost lost to integer rounding is not negligible
    against the cost (tiny costs next to a huge unrouted weight), the costs are
    rescaled finer and the flow solved again.
    """
    bundles = bundled(p)
    pb = bundles.problem  # the flow solves this one, so its scale is the one that counts
    while True:
        flow = solve_flow(pb, pb.quantity > 0, np.zeros_like(p.load), candidates)
        parts = split_by_week(pb, flow.line, flow.member, flow.qty, flow.week_units)
        relaxed = unbundle(p, bundles, Routing(*parts, unrouted=flow.unrouted))
        cost, error = relaxed.cost(p), scaling_error(pb)
        if error <= SCALING_TOLERANCE * abs(cost) or not pb.refine_scale():
            return relaxed, flow, cost - error


def scaling_error(p: Problem) -> float:
    """Worst cost lost to rounding costs to integers.

    Each unit crosses two rounded arcs (1/2 per arc, in scaled units): 1/scale
    per unit; the optimum of the rounded costs may be off by that twice.
    """
    return 2.0 * float(p.quantity.sum()) / p.scale


def _try_exact(
    p: Problem, routing: Routing, lower: float, method: str, target_gap: float
) -> tuple[Routing, float, str]:
    from .milp import solve_exact  # lazy: pulls in OR-Tools' linear solver (SCIP)

    result = solve_exact(p, rel_gap=target_gap / 4)
    if result is None or result.routing.problems(p):
        return routing, lower, method
    lower = max(lower, result.dual_bound - 1e-7 * max(1.0, abs(result.dual_bound)))
    if result.routing.cost(p) < routing.cost(p):
        return result.routing, lower, "MILP (SCIP)" + (" optimal" if result.optimal else "")
    return routing, lower, method


def make_answer(p: Problem, routing: Routing, lower: float, method: str, explain: bool) -> Answer:
    """Ids instead of indices, in the instance's line order, then member id, then week."""
    position = {line.id: i for i, line in enumerate(p.instance.lines)}
    line_pos = np.array([position[i] for i in p.line_ids], dtype=np.int64)
    keys = np.stack([line_pos[routing.line], routing.member, routing.week])
    order = np.lexsort(keys[::-1]) if routing.qty.size else np.zeros(0, dtype=np.int64)
    words = explain_routing(p, routing) if explain else None
    assignments = tuple(
        Assignment(
            p.line_ids[routing.line[i]],
            p.member_ids[routing.member[i]],
            int(routing.week[i]),
            int(routing.qty[i]),
            words.assignments[i] if words else None,
        )
        for i in order.tolist()
    )
    left = np.flatnonzero(routing.unrouted > 0)
    left = left[np.argsort(line_pos[left], kind="stable")]
    unrouted = tuple(
        Unrouted(p.line_ids[line], int(routing.unrouted[line]), words.unrouted[line] if words else None)
        for line in left.tolist()
    )
    breakdown = routing.breakdown(p)
    total = float(sum(breakdown.values()))
    return Answer(assignments, unrouted, total, min(lower, total), method, breakdown, explain)
