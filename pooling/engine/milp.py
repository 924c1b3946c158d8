"""Exact MILP for small instances with unsplittable lines (OR-Tools' SCIP via pywraplp).

Used only when the flow-based repair cannot prove it is within the target gap
and the model is small.  A node limit, not a time limit, bounds the search so
the answer stays deterministic.  (highspy cannot be used here: its libhighs
clashes with the HiGHS symbols inside OR-Tools' shared library, so the two
cannot live in one process.)

Variables: x[l,j,w] units of a splittable line (integer), y[l,j,w] "unsplittable
line whole at (j,w)" (binary), u[l] units unrouted, and one [0,1] slot per spare
unit of each member-week priced at its fairness cost (convex, so the LP fills
slots cheapest first).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .flow import slots
from .problem import Problem
from .routing import Routing

MAX_VARIABLES = 20_000
MAX_NODES = 20_000
TIME_LIMIT_MS = 20_000
BACKEND = "SCIP"


@dataclass
class MilpResult:
    routing: Routing
    dual_bound: float  # proven lower bound on the optimum
    optimal: bool


def solve_exact(p: Problem, rel_gap: float = 1e-6) -> MilpResult | None:
    """Solve the whole instance as a MILP; None if it is too large or the solver fails."""
    model = _Model(p)
    if model.n_vars > MAX_VARIABLES:
        return None
    from ortools.linear_solver import pywraplp  # lazy: only small unsplittable cases get here

    solver = pywraplp.Solver.CreateSolver(BACKEND)
    if solver is None:
        return None
    values = model.build(solver)
    solver.SetSolverSpecificParametersAsString(f"limits/nodes = {MAX_NODES}\n")
    solver.SetTimeLimit(TIME_LIMIT_MS)  # a safety net only: the node limit normally stops it
    params = pywraplp.MPSolverParameters()
    params.SetDoubleParam(params.RELATIVE_MIP_GAP, rel_gap)
    status = solver.Solve(params)
    if status not in (solver.OPTIMAL, solver.FEASIBLE):
        return None
    solution = np.array([v.solution_value() for v in values])
    bound = float(solver.Objective().BestBound())
    return MilpResult(model.routing(solution), bound, status == solver.OPTIMAL)


class _Model:
    def __init__(self, p: Problem) -> None:
        self.p = p
        w = p.instance.weights
        lines = np.flatnonzero(p.quantity > 0)
        self.lines = lines
        row_of_line = np.full(p.n_lines, -1)
        row_of_line[lines] = np.arange(lines.size)
        var_line, var_mw, var_coef, var_cost, var_upper = [], [], [], [], []
        for line in lines.tolist():
            q, last, split = int(p.quantity[line]), int(p.last_week[line]), bool(p.splittable[line])
            cols = p.class_members[p.line_class[line]]
            if cols.size == 0:
                continue
            unit = p.unit_cost(np.array([line]), cols)[0]
            jj, ww = np.nonzero(p.spare[cols][:, : last + 1] >= (1 if split else q))
            var_line.append(np.full(jj.size, line))
            var_mw.append(cols[jj] * p.weeks + ww)
            var_coef.append(np.full(jj.size, 1 if split else q))
            var_cost.append(unit[jj] * (1 if split else q))
            var_upper.append(np.full(jj.size, q if split else 1))

        def cat(parts: list[np.ndarray], dtype: type) -> np.ndarray:
            return np.concatenate(parts).astype(dtype) if parts else np.zeros(0, dtype=dtype)

        self.v_line, self.v_mw = cat(var_line, np.int64), cat(var_mw, np.int64)
        self.v_coef, self.v_cost = cat(var_coef, np.float64), cat(var_cost, np.float64)
        self.v_upper = cat(var_upper, np.float64)
        self.row_of_line = row_of_line
        active = p.quantity > 0
        self.s_mw, k = slots(p, active, p.spare)
        load, cap = p.load.ravel()[self.s_mw], p.capacity.ravel()[self.s_mw]
        self.s_cost = w.fairness * (load + k) / np.maximum(cap, 1)
        split = p.splittable[lines]
        self.u_cost = np.where(split, 1, p.quantity[lines]) * w.unrouted
        self.u_upper = np.where(split, p.quantity[lines], 1).astype(np.float64)
        self.n_vars = self.v_line.size + self.s_mw.size + lines.size

    def build(self, solver) -> list:
        """Variables and rows in the solver; returns the variables in x, slot, u order."""
        p = self.p
        xs = [solver.IntVar(0.0, float(ub), "") for ub in self.v_upper.tolist()]
        ss = [solver.NumVar(0.0, 1.0, "") for _ in range(self.s_mw.size)]
        us = [solver.IntVar(0.0, float(ub), "") for ub in self.u_upper.tolist()]
        rhs = np.where(p.splittable[self.lines], p.quantity[self.lines], 1).tolist()
        line_rows = [solver.Constraint(float(r), float(r)) for r in rhs]
        mw_rows = [solver.Constraint(0.0, 0.0) for _ in range(p.n_members * p.weeks)]
        rows = self.row_of_line[self.v_line].tolist()
        for var, row, mw, coef in zip(xs, rows, self.v_mw.tolist(), self.v_coef.tolist()):
            line_rows[row].SetCoefficient(var, 1.0)
            mw_rows[mw].SetCoefficient(var, coef)
        for var, mw in zip(ss, self.s_mw.tolist()):
            mw_rows[mw].SetCoefficient(var, -1.0)
        for i, var in enumerate(us):
            line_rows[i].SetCoefficient(var, 1.0)
        objective = solver.Objective()
        costs = np.concatenate([self.v_cost, self.s_cost, self.u_cost]).tolist()
        variables = xs + ss + us
        for var, cost in zip(variables, costs):
            objective.SetCoefficient(var, cost)
        objective.SetMinimization()
        return variables

    def routing(self, values: np.ndarray) -> Routing:
        p, n_x, n_s = self.p, self.v_line.size, self.s_mw.size
        x = np.rint(values[:n_x]).astype(np.int64)
        units = x * self.v_coef.astype(np.int64)
        keep = units > 0
        u = np.rint(values[n_x + n_s :]).astype(np.int64)
        unrouted = np.zeros(p.n_lines, dtype=np.int64)
        unrouted[self.lines] = np.where(p.splittable[self.lines], u, u * p.quantity[self.lines])
        mw = self.v_mw[keep]
        return Routing(self.v_line[keep], mw // p.weeks, mw % p.weeks, units[keep], unrouted)
