"""The engine's cost against independent exact optima (MILP via scipy/HiGHS, brute force)."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings

sys.path.insert(0, str(Path(__file__).resolve().parent))
from pooling_engine_testkit import (  # noqa: E402
    brute_force,
    check_answer,
    exact_optimum,
    solve,
    tiny_instances,
)

from pooling.engine import Instance, flow  # noqa: E402
from pooling.engine.milp import solve_exact  # noqa: E402
from pooling.engine.problem import build_problem, bundled  # noqa: E402

FAST = settings(
    max_examples=120,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def assert_optimal(cost: float, optimum: float) -> None:
    assert cost == pytest.approx(optimum, rel=1e-6, abs=1e-6)


@FAST
@given(tiny_instances())
def test_splittable_cost_equals_milp_optimum(inst: dict) -> None:
    answer = solve(inst)
    cost = check_answer(inst, answer)
    assert_optimal(cost, exact_optimum(inst).objective)


@settings(FAST, max_examples=60)
@given(tiny_instances(max_members=2, max_lines=2, max_quantity=3))
def test_splittable_cost_equals_brute_force(inst: dict) -> None:
    inst["weeks"] = min(inst["weeks"], 2)
    for m in inst["members"]:
        m["capacity"], m["load"] = m["capacity"][: inst["weeks"]], m["load"][: inst["weeks"]]
    cost = check_answer(inst, solve(inst))
    assert_optimal(cost, brute_force(inst))


@settings(FAST, max_examples=80)
@given(tiny_instances(max_members=4, max_lines=4))
def test_pruned_network_with_pricing_is_still_optimal(inst: dict) -> None:
    """Force arc pruning (one candidate member per line, no margin) so pricing must add the rest.

    Without the zero margin, tiny instances keep nearly every member as a candidate and
    pricing almost never has anything to add.
    """
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(flow, "FULL_ARCS", 0)
        patch.setattr(flow, "_margin", lambda p: np.int64(0))
        answer = solve(inst, candidates=1)
    cost = check_answer(inst, answer)
    assert_optimal(cost, exact_optimum(inst).objective)


def test_pricing_adds_the_arcs_pruning_left_out() -> None:
    """Two equal makers 1 km apart: the pruned network keeps the nearer, pricing must add the other."""
    maker = {"skills": ["sandal"], "capacity": [10], "load": [0]}
    data = {
        "weeks": 1,
        "weights": {"distance": 1.0, "fairness": 100.0, "preference": 0.0, "unrouted": 1e5},
        "members": [{**maker, "id": "a", "location": [0.0, 0.0]}, {**maker, "id": "b", "location": [1.0, 0.0]}],
        "lines": [
            {
                "id": "L",
                "product_class": "sandal",
                "quantity": 6,
                "due_week": 0,
                "origin": [0.0, 0.0],
                "preferred_member": None,
                "splittable": True,
            }
        ],
    }
    p = bundled(build_problem(Instance.from_dict(data))).problem
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(flow, "FULL_ARCS", 0)
        patch.setattr(flow, "_margin", lambda p: np.int64(0))
        pruned = flow.solve_flow(p, p.quantity > 0, np.zeros_like(p.load), candidates=1)
    assert pruned.pricing_rounds >= 2
    assert pruned.member.tolist() == [0, 1] and pruned.qty.tolist() == [3, 3]


@settings(FAST, max_examples=120)
@given(tiny_instances(unsplittable=True))
def test_unsplittable_within_one_percent(inst: dict) -> None:
    answer = solve(inst)
    cost = check_answer(inst, answer)
    optimum = exact_optimum(inst).objective
    assert cost >= optimum - 1e-6 * max(1.0, abs(optimum))
    assert cost <= 1.01 * optimum + 1e-6


@settings(FAST, max_examples=60)
@given(tiny_instances(max_members=3, max_lines=4, max_quantity=6, unsplittable=True))
def test_milp_fallback_is_exact(inst: dict) -> None:
    """target_gap=0 sends every imperfect repair to the MILP, which must then be optimal."""
    answer = solve(inst, target_gap=0.0)
    assert_optimal(check_answer(inst, answer), exact_optimum(inst).objective)


@settings(FAST, max_examples=60)
@given(tiny_instances(max_members=3, max_lines=4, max_quantity=6, unsplittable=True))
def test_milp_alone_is_exact(inst: dict) -> None:
    """The fallback MILP on every example: the route above reaches it only when the repair falls short."""
    p = build_problem(Instance.from_dict(inst))
    result = solve_exact(p, rel_gap=0.0)
    assert result is not None and result.routing.problems(p) == []
    optimum = exact_optimum(inst).objective
    assert_optimal(result.routing.cost(p), optimum)
    assert result.dual_bound <= optimum + 1e-6 * max(1.0, abs(optimum))


@settings(FAST, max_examples=60)
@given(tiny_instances(max_members=4, max_lines=5, max_quantity=6, unsplittable=True))
def test_unsplittable_heuristic_gap_bound_is_honest(inst: dict) -> None:
    """Without the MILP fallback the reported bound must still hold against the optimum."""
    answer = solve(inst, exact_fallback=False, explain=True)
    cost = check_answer(inst, answer)
    optimum = exact_optimum(inst).objective
    assert answer["summary"]["lower_bound"] <= optimum + 1e-6 * max(1.0, abs(optimum))
    assert cost >= optimum - 1e-6 * max(1.0, abs(optimum))
