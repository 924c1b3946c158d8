"""Independent checks for the pooling engine (bench and tests use these; the engine does not).

- ``check_answer``: feasibility of an answer JSON against its instance JSON and
  its cost recounted from the formulas of docs/pooling-engine.md, in plain Python.
- ``exact_optimum``: the optimum by a MILP written from the spec with a
  *different* formulation from the engine's (fairness as the epigraph of its
  tangent lines, not unit slots) and a different solver (scipy's HiGHS, not
  OR-Tools).
- ``brute_force``: exhaustive optimum for tiny instances, no solver at all.
- ``greedy``: the baseline a spreadsheet would do: lines by due week, each unit
  to the currently cheapest member-week.
"""

from __future__ import annotations

import itertools
import math
import time
from dataclasses import dataclass

import numpy as np


def _last(inst: dict, line: dict) -> int:
    return min(line["due_week"], inst["weeks"] - 1)


def _unit_cost(inst: dict, line: dict, m: dict) -> float:
    w = inst["weights"]
    pref = line["preferred_member"]
    return w["distance"] * math.dist(line["origin"], m["location"]) + (
        w["preference"] if pref is not None and pref != m["id"] else 0.0
    )


def _fair(inst: dict, m: dict, week: int, n: int) -> float:
    load, cap = m["load"][week], m["capacity"][week]
    return inst["weights"]["fairness"] * sum((load + k) / cap for k in range(1, n + 1))


def check_answer(inst: dict, answer: dict) -> float:
    """Assert the answer is a feasible routing of inst with the right total; return the recount."""
    cost = recount(inst, answer)
    assert math.isclose(cost, answer["total_cost"], rel_tol=1e-9, abs_tol=1e-6), (
        f"total_cost {answer['total_cost']} but recount gives {cost}"
    )
    return cost


def recount(inst: dict, answer: dict) -> float:
    """Assert the answer's routing is feasible for inst; return its cost by the spec's formulas."""
    members = {m["id"]: m for m in inst["members"]}
    lines = {l["id"]: l for l in inst["lines"]}
    sent: dict[str, int] = {}
    pieces: dict[str, int] = {}
    n: dict[tuple[str, int], int] = {}
    cost = 0.0
    for a in answer["assignments"]:
        line, m, week, q = lines[a["line"]], members[a["member"]], a["week"], a["quantity"]
        assert isinstance(q, int) and q > 0, a
        assert line["product_class"] in m["skills"], f"{a}: member lacks the skill"
        assert isinstance(week, int) and 0 <= week <= _last(inst, line), f"{a}: week"
        sent[line["id"]] = sent.get(line["id"], 0) + q
        pieces[line["id"]] = pieces.get(line["id"], 0) + 1
        n[m["id"], week] = n.get((m["id"], week), 0) + q
        cost += q * _unit_cost(inst, line, m)
    left = {u["line"]: u["quantity"] for u in answer["unrouted"]}
    assert len(left) == len(answer["unrouted"]), "a line listed twice as unrouted"
    for lid, line in lines.items():
        q = left.get(lid, 0)
        assert q >= 0 and sent.get(lid, 0) + q == line["quantity"], f"{lid}: units do not add up"
        if not line["splittable"] and line["quantity"] > 0:
            assert (pieces.get(lid, 0), q) in ((1, 0), (0, line["quantity"])), f"{lid} was split"
        cost += inst["weights"]["unrouted"] * q
    for (mid, week), units in n.items():
        m = members[mid]
        assert units <= max(0, m["capacity"][week] - m["load"][week]), f"{mid} week {week} over"
        cost += _fair(inst, m, week, units)
    return cost


@dataclass
class Exact:
    objective: float
    bound: float
    seconds: float
    status: str


def exact_optimum(inst: dict, time_limit: float = 60.0, gap: float = 1e-9) -> Exact:
    from scipy.optimize import Bounds, LinearConstraint, milp
    from scipy.sparse import coo_matrix

    weeks, fair = inst["weeks"], inst["weights"]["fairness"]
    mw = [(m, w) for m in inst["members"] for w in range(weeks) if m["capacity"][w] - m["load"][w] > 0]
    mw_row = {(m["id"], w): i for i, (m, w) in enumerate(mw)}
    cost, upper, integer, rows, cols, vals = [], [], [], [], [], []
    rhs_lo, rhs_hi = [], []

    def var(c: float, ub: float, is_int: bool) -> int:
        cost.append(c), upper.append(ub), integer.append(1 if is_int else 0)
        return len(cost) - 1

    def coef(r: int, v: int, a: float) -> None:
        rows.append(r), cols.append(v), vals.append(a)

    n_var = [var(0.0, m["capacity"][w] - m["load"][w], True) for m, w in mw]
    for i in range(len(mw)):  # row i: n(j,w) - sum of units routed there = 0
        coef(i, n_var[i], 1.0)
        rhs_lo.append(0.0), rhs_hi.append(0.0)
    for line in inst["lines"]:
        q, split = line["quantity"], line["splittable"]
        r = len(rhs_lo)
        rhs_lo.append(q if split else 1), rhs_hi.append(q if split else 1)
        coef(r, var(inst["weights"]["unrouted"] * (1 if split else q), q if split else 1, True), 1.0)
        for m in inst["members"]:
            if line["product_class"] not in m["skills"]:
                continue
            for w in range(_last(inst, line) + 1):
                if (m["id"], w) in mw_row and (split or m["capacity"][w] - m["load"][w] >= q):
                    v = var(_unit_cost(inst, line, m) * (1 if split else q), q if split else 1, True)
                    coef(r, v, 1.0)
                    coef(mw_row[m["id"], w], v, -(1.0 if split else q))
    for (m, w), nv in zip(mw, n_var, strict=True):  # t >= tangent of F at every integer k
        load, cap, spare = m["load"][w], m["capacity"][w], m["capacity"][w] - m["load"][w]
        t = var(1.0, np.inf, False)
        total = 0.0
        for k in range(spare):
            slope = fair * (load + k + 1) / cap
            r = len(rhs_lo)
            coef(r, t, 1.0), coef(r, nv, -slope)
            rhs_lo.append(total - slope * k), rhs_hi.append(np.inf)
            total += slope
    a = coo_matrix((vals, (rows, cols)), shape=(len(rhs_lo), len(cost))).tocsr()
    start = time.perf_counter()
    res = milp(
        np.array(cost),
        constraints=LinearConstraint(a, rhs_lo, rhs_hi),
        integrality=np.array(integer),
        bounds=Bounds(0, np.array(upper, dtype=float)),
        options={"time_limit": time_limit, "mip_rel_gap": gap},
    )
    seconds = time.perf_counter() - start
    if res.x is None:
        raise RuntimeError(f"MILP failed: {res.message}")
    bound = getattr(res, "mip_dual_bound", None)
    return Exact(
        float(res.fun),
        float(bound if bound is not None else res.fun),
        seconds,
        "optimal" if res.status == 0 else res.message,
    )


def brute_force(inst: dict) -> float:
    """Optimum by enumerating every integer routing: only for a handful of units."""
    lines = [l for l in inst["lines"] if l["quantity"] > 0]
    options = []  # per line: list of (member, week) it may use
    for line in lines:
        options.append(
            [
                (m, w)
                for m in inst["members"]
                if line["product_class"] in m["skills"]
                for w in range(_last(inst, line) + 1)
            ]
        )
    per_line = []
    for line, opts in zip(lines, options, strict=True):
        q = line["quantity"]
        if line["splittable"]:
            splits = [c for c in itertools.product(range(q + 1), repeat=len(opts)) if sum(c) <= q]
        else:
            splits = [tuple(q if i == k else 0 for i in range(len(opts))) for k in range(len(opts))]
            splits.append((0,) * len(opts))
        per_line.append(splits)
    best = math.inf
    for combo in itertools.product(*per_line):
        n: dict[tuple[str, int], int] = {}
        cost = 0.0
        for line, opts, split in zip(lines, options, combo, strict=True):
            cost += inst["weights"]["unrouted"] * (line["quantity"] - sum(split))
            for (m, w), x in zip(opts, split, strict=True):
                if x:
                    n[m["id"], w] = n.get((m["id"], w), 0) + x
                    cost += x * _unit_cost(inst, line, m)
        members = {m["id"]: m for m in inst["members"]}
        if any(x > max(0, members[j]["capacity"][w] - members[j]["load"][w]) for (j, w), x in n.items()):
            continue
        cost += sum(_fair(inst, members[j], w, x) for (j, w), x in n.items())
        best = min(best, cost)
    return best


def greedy(inst: dict) -> dict:
    """Lines by due week (then id); each unit to the cheapest member-week at that moment."""
    weeks, w8 = inst["weeks"], inst["weights"]
    members = inst["members"]
    loc = np.array([m["location"] for m in members], dtype=float).reshape(-1, 2)
    cap = np.array([m["capacity"] for m in members], dtype=float).reshape(-1, weeks)
    load = np.array([m["load"] for m in members], dtype=float).reshape(-1, weeks)
    room = np.maximum(0, cap - load)
    n = np.zeros_like(room)
    by_skill: dict[str, list[int]] = {}
    for j, m in enumerate(members):
        for s in m["skills"]:
            by_skill.setdefault(s, []).append(j)
    skilled = {s: np.array(v) for s, v in by_skill.items()}
    assignments: dict[tuple[str, str, int], int] = {}
    unrouted = []
    for line in sorted(inst["lines"], key=lambda l: (l["due_week"], l["id"])):
        q, last = line["quantity"], _last(inst, line)
        cols = skilled.get(line["product_class"], np.zeros(0, dtype=int))
        if q == 0:
            continue
        d = np.hypot(*(loc[cols] - np.array(line["origin"])).T) if cols.size else np.zeros(0)
        ids = [members[j]["id"] for j in cols]
        unit = w8["distance"] * d + np.array(
            [w8["preference"] if line["preferred_member"] not in (None, i) else 0.0 for i in ids]
        )
        c, r, nn, l0 = (
            cap[cols, : last + 1],
            room[cols, : last + 1],
            n[cols, : last + 1],
            load[cols, : last + 1],
        )
        safe = np.maximum(c, 1)
        left = q
        if not line["splittable"]:
            fits = (r - nn) >= q
            price = np.where(
                fits,
                q * unit[:, None] + w8["fairness"] * (q * (l0 + nn) + q * (q + 1) / 2) / safe,
                np.inf,
            )
            if cols.size and np.isfinite(price.min()) and price.min() < q * w8["unrouted"]:
                i, wk = np.unravel_index(int(np.argmin(price)), price.shape)
                n[cols[i], wk] += q
                assignments[line["id"], ids[i], int(wk)] = q
                left = 0
        else:
            while left and cols.size:
                price = np.where(r - nn > 0, unit[:, None] + w8["fairness"] * (l0 + nn + 1) / safe, np.inf)
                i, wk = np.unravel_index(int(np.argmin(price)), price.shape)
                if not price[i, wk] < w8["unrouted"]:
                    break
                nn[i, wk] += 1
                n[cols[i], wk] += 1
                key = (line["id"], ids[i], int(wk))
                assignments[key] = assignments.get(key, 0) + 1
                left -= 1
        if left:
            unrouted.append({"line": line["id"], "quantity": left})
    answer = {
        "assignments": [{"line": l, "member": m, "week": w, "quantity": q} for (l, m, w), q in assignments.items()],
        "unrouted": unrouted,
    }
    answer["total_cost"] = recount(inst, answer)
    return answer
