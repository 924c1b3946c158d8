"""Min-cost flow for splittable overflow: OR-Tools, with arc pricing at federation scale.

Network (costs are scaled to integers, see Problem.scale):

    line l --c(l,j)--> MW(j, last_week(l)) --0--> MW(j, w-1) ... (a unit due in week d may be
                                                                  made in any week <= d)
    MW(j, w) --fairness*(load+k)/capacity, 1 unit--> sink   for k = taken+1 .. spare
    line l --unrouted weight (capped, see choose_scale)--> sink

The fairness cost is convex in the units a member-week receives, so one
unit-capacity arc per spare unit models it exactly: the solver fills the
cheapest slots first.

With thousands of members, lines x skilled members is millions of arcs.  We
then start from each line's K most promising members, solve, compute node
potentials (shortest distances to the sink in the residual network) and
*price* every left-out arc.  If none has a negative reduced cost the flow is
optimal for the full network (LP duality; the problem is totally unimodular),
otherwise the offending arcs are added and we solve again.  The answer is
therefore exactly optimal either way; pruning only changes the running time.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .problem import INF, Problem

FULL_ARCS = 250_000  # below this many (line, member) arcs, skip pricing and build them all
CANDIDATES = 8  # members per line in the first, pruned network (plus those near the best)
MAX_PRICING_ROUNDS = 12  # then give up pruning and solve the full network


class SolverError(RuntimeError):
    """OR-Tools refused the network (should not happen: scaling keeps costs in range)."""


@dataclass
class FlowResult:
    line: np.ndarray  # (line, member) pairs that received units...
    member: np.ndarray
    qty: np.ndarray  # ...and how many
    week_units: np.ndarray  # (M, W) units the flow puts in each member-week
    unrouted: np.ndarray  # (L,) units left unrouted (0 for lines not in the flow)
    pricing_rounds: int = 0
    chosen: list[np.ndarray] | None = None  # the arcs of the final network, per cost block


@dataclass
class _Network:
    """The pieces of the network that pricing needs after a solve."""

    a_line: np.ndarray
    a_mw: np.ndarray  # flat member-week index of the arc's head
    a_cost: np.ndarray
    slot_mw: np.ndarray
    slot_cost: np.ndarray
    unrouted_cost: np.int64


def solve_flow(
    p: Problem,
    active: np.ndarray,
    taken: np.ndarray,
    candidates: int | None = CANDIDATES,
    seed: list[np.ndarray] | None = None,
) -> FlowResult:
    """Optimal routing of the ``active`` lines (all treated as splittable).

    ``taken`` holds units already fixed in each member-week (whole unsplittable
    lines); the flow's slots start after them.  ``candidates=None`` disables
    pruning (every skilled member gets an arc).  ``seed`` is a previous
    result's ``chosen`` arcs, a good start when re-solving a similar network.
    """
    room = np.maximum(0, p.spare - taken)
    slot_mw, slot_k = slots(p, active, room)
    slot_cost = _slot_costs(p, slot_mw, slot_k + taken.ravel()[slot_mw])
    blocks = p.blocks()
    masks = [_eligible(p, b.rows, b.cols, active, room) for b in blocks]
    prune = candidates is not None and sum(int(m.sum()) for m in masks) > FULL_ARCS
    if not prune:
        chosen = masks
    elif seed is not None:
        chosen = [s & m for s, m in zip(seed, masks)]
    else:
        price = _price_estimate(p, active, room, slot_mw, slot_cost)
        chosen = [_promising(p, b, m, price, candidates) for b, m in zip(blocks, masks)]
    unrouted_cost = np.int64(p.scaled(p.flow_unrouted))
    rounds = 0
    while True:
        net = _Network(*_collect(p, chosen), slot_mw, slot_cost, unrouted_cost)
        flows = _run_ortools(p, active, net)
        if not prune:
            break
        rounds += 1
        d_line, d_mw = _potentials(p, active, net, flows)
        if rounds >= MAX_PRICING_ROUNDS:  # should not happen; the full network is exact too
            chosen, prune = masks, False
            continue
        # Add the arcs that price negative and, while at it, those that nearly
        # do: potentials move a little when the network grows.
        priced = [_pricing(p, b, m & ~c, d_line, d_mw, _margin(p) // 3) for b, m, c in zip(blocks, masks, chosen)]
        if not any(improving for improving, _ in priced):
            break  # no left-out arc could lower the cost: optimal for the full network
        chosen = [c | near for c, (_, near) in zip(chosen, priced)]
    result = _result(p, active, net, flows, rounds)
    result.chosen = chosen
    return result


def _margin(p: Problem) -> np.int64:
    """How much dearer than a line's estimated best member a candidate may look.

    Only affects speed: too small costs extra pricing rounds, too large a
    bigger network.  At the default weights it is about 50 km, or a third of a
    member's capacity in utilisation.
    """
    w = p.instance.weights
    return np.int64(p.scaled(w.fairness / 3 + 5 * w.distance + w.preference / 2))


def _price_estimate(
    p: Problem, active: np.ndarray, room: np.ndarray, slot_mw: np.ndarray, slot_cost: np.ndarray
) -> dict[str, np.ndarray]:
    """Rough cost of a unit's fairness at each member, before solving.

    Fairness makes the optimum fill the members of a class to a roughly common
    utilisation, the "water level" where the class's demand meets its members'
    spare; a member's next unit then costs about max(its first free slot,
    fairness * level).  Returns {"first": (M, W) first-slot costs, "level":
    per-class level cost}.
    """
    first = _first_slot_cost(p, slot_mw, slot_cost)
    fairness = p.instance.weights.fairness
    demand = np.bincount(p.line_class[active], weights=p.quantity[active], minlength=len(p.class_names))
    cap = np.maximum(p.capacity, 1).astype(np.float64)
    level = np.zeros(len(p.class_names))
    for c, cols in enumerate(p.class_members):
        if demand[c] <= 0 or cols.size == 0:
            continue
        c_cap, c_load, c_room = cap[cols].ravel(), p.load[cols].ravel(), room[cols].ravel()
        lo, hi = 0.0, 1.0
        for _ in range(30):  # bisection on the utilisation level
            mid = (lo + hi) / 2
            if np.clip(mid * c_cap - c_load, 0, c_room).sum() < demand[c]:
                lo = mid
            else:
                hi = mid
        level[c] = hi
    return {"first": first, "level": p.scaled(fairness * level)}


def slots(p: Problem, active: np.ndarray, room: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One unit slot per spare unit, but never more than active lines could send there."""
    weeks = p.weeks
    demand = np.zeros((len(p.class_names), weeks), dtype=np.int64)
    np.add.at(demand, (p.line_class[active], p.last_week[active]), p.quantity[active])
    due_from = np.cumsum(demand[:, ::-1], axis=1)[:, ::-1]  # units due in week w or later
    bound = np.zeros_like(room)
    for c, cols in enumerate(p.class_members):
        bound[cols] += due_from[c]
    count = np.minimum(room, bound).ravel()
    slot_mw = np.repeat(np.arange(count.size, dtype=np.int64), count)
    starts = np.cumsum(count) - count
    slot_k = np.arange(slot_mw.size, dtype=np.int64) - starts[slot_mw] + 1
    return slot_mw, slot_k


def _slot_costs(p: Problem, slot_mw: np.ndarray, k: np.ndarray) -> np.ndarray:
    load = p.load.ravel()[slot_mw]
    cap = p.capacity.ravel()[slot_mw]
    return p.scaled(p.instance.weights.fairness * (load + k) / np.maximum(cap, 1))


def _eligible(p: Problem, rows: np.ndarray, cols: np.ndarray, active: np.ndarray, room: np.ndarray) -> np.ndarray:
    """Pairs that could carry a unit: the member has room by the due week.

    For an unsplittable line that means room for the *whole* line in one week,
    which also tightens the relaxation used as lower bound.
    """
    last = p.last_week[rows]
    total_upto = np.cumsum(room, axis=1)[cols][:, last].T
    best_upto = np.maximum.accumulate(room, axis=1)[cols][:, last].T
    need = np.where(p.splittable[rows], 1, p.quantity[rows])[:, None]
    fits = np.where(p.splittable[rows][:, None], total_upto >= need, best_upto >= need)
    return fits & active[rows][:, None] & (p.quantity[rows] > 0)[:, None]


def _first_slot_cost(p: Problem, slot_mw: np.ndarray, slot_cost: np.ndarray) -> np.ndarray:
    """(M, W): cheapest fairness cost of a unit made in any week <= w (INF if no slot)."""
    first = np.full(p.n_members * p.weeks, INF, dtype=np.int64)
    np.minimum.at(first, slot_mw, slot_cost)
    return np.minimum.accumulate(first.reshape(p.n_members, p.weeks), axis=1)


def _promising(p: Problem, block, mask: np.ndarray, price: dict, k: int) -> np.ndarray:
    """Per line: its k members with the lowest estimated unit cost, those within the
    margin of its best estimate, and its preferred member."""
    if mask.shape[1] <= k:
        return mask.copy()
    c = int(p.line_class[block.rows[0]])  # a block holds one product class
    at_member = np.maximum(price["first"][block.cols], price["level"][c])
    estimate = np.where(mask, block.cost + at_member[:, p.last_week[block.rows]].T, INF)
    kth = np.partition(estimate, k - 1, axis=1)[:, k - 1 : k]
    best = estimate.min(axis=1, keepdims=True)
    chosen = (estimate <= kth) | (estimate <= best + _margin(p))
    pref = p.preferred[block.rows]
    at = np.searchsorted(block.cols, pref)
    has = (pref >= 0) & (at < len(block.cols))
    has[has] = block.cols[at[has]] == pref[has]
    chosen[np.nonzero(has)[0], at[has]] = True
    return chosen & mask


def _collect(p: Problem, chosen: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Arc arrays (line, member-week head, cost) for the chosen cells of every block."""
    lines, mws, costs = [], [], []
    for block, pick in zip(p.blocks(), chosen):
        r, c = np.nonzero(pick)
        lines.append(block.rows[r])
        mws.append(block.cols[c] * p.weeks + p.last_week[block.rows[r]])
        costs.append(block.cost[r, c])
    if not lines:
        return (np.zeros(0, dtype=np.int64),) * 3
    return np.concatenate(lines), np.concatenate(mws), np.concatenate(costs)


@dataclass
class Arrays:
    """The whole network as arrays, in the order OR-Tools receives it."""

    tails: np.ndarray
    heads: np.ndarray
    capacities: np.ndarray
    costs: np.ndarray
    supplies: np.ndarray  # per node; the sink (last node) demands every unit
    groups: dict[str, int]  # arc group name -> number of arcs, in order
    routed: np.ndarray  # lines with units, in the order of their unrouted arcs


def network_arrays(p: Problem, active: np.ndarray, net: _Network) -> Arrays:
    n_lines, weeks = p.n_lines, p.weeks
    n_mw = p.n_members * weeks
    sink = n_lines + n_mw
    qty = np.where(active, p.quantity, 0)
    routed = np.flatnonzero(qty)
    # chain arc (j, w+1) -> (j, w) for w = 0 .. W-2, listed member by member
    chain_head = np.arange(n_mw, dtype=np.int64).reshape(-1, weeks)[:, :-1].ravel()
    groups = {
        "line": (net.a_line, net.a_mw + n_lines, qty[net.a_line], net.a_cost),
        "unrouted": (routed, np.full(routed.size, sink), qty[routed], np.full(routed.size, net.unrouted_cost)),
        "chain": (
            chain_head + 1 + n_lines,
            chain_head + n_lines,
            np.full(chain_head.size, int(qty.sum())),
            np.zeros(chain_head.size),
        ),
        "slot": (net.slot_mw + n_lines, np.full(net.slot_mw.size, sink), np.ones(net.slot_mw.size), net.slot_cost),
    }
    tails, heads, caps, costs = (np.concatenate([g[i] for g in groups.values()]).astype(np.int64) for i in range(4))
    supplies = np.zeros(sink + 1, dtype=np.int64)
    supplies[:n_lines] = qty
    supplies[sink] = -qty.sum()
    return Arrays(tails, heads, caps, costs, supplies, {name: g[0].size for name, g in groups.items()}, routed)


def full_network(p: Problem) -> Arrays:
    """Every skilled arc, all lines active: what the benchmark hands other solvers."""
    active = p.quantity > 0
    room = p.spare
    slot_mw, slot_k = slots(p, active, room)
    chosen = [_eligible(p, b.rows, b.cols, active, room) for b in p.blocks()]
    net = _Network(*_collect(p, chosen), slot_mw, _slot_costs(p, slot_mw, slot_k), np.int64(p.scaled(p.flow_unrouted)))
    return network_arrays(p, active, net)


def _run_ortools(p: Problem, active: np.ndarray, net: _Network) -> dict[str, np.ndarray]:
    from ortools.graph.python import min_cost_flow  # lazy: keeps `import pooling.engine` cheap

    arrays = network_arrays(p, active, net)
    solver = min_cost_flow.SimpleMinCostFlow()
    solver.add_arcs_with_capacity_and_unit_cost(
        arrays.tails.astype(np.int32), arrays.heads.astype(np.int32), arrays.capacities, arrays.costs
    )
    nodes = np.arange(arrays.supplies.size, dtype=np.int32)
    solver.set_nodes_supplies(nodes, arrays.supplies)
    status = solver.solve()
    if status != solver.OPTIMAL:
        raise SolverError(f"min-cost flow failed: {status}")
    flows = solver.flows(np.arange(arrays.tails.size, dtype=np.int32))
    out, start = {}, 0
    for name, size in arrays.groups.items():
        out[name] = flows[start : start + size]
        start += size
    out["routed"] = arrays.routed
    out["chain"] = out["chain"].reshape(p.n_members, p.weeks - 1)
    return out


def _potentials(p: Problem, active: np.ndarray, net: _Network, flows: dict[str, np.ndarray]):
    """Shortest distance from every node to the sink in the residual network (Bellman-Ford).

    Line arcs are treated as uncapacitated: a line node has no inflow, so at
    most its quantity leaves it anyway and the optimum is unchanged; that makes
    every line arc a forward residual arc.  Arcs leaving the sink never lie on
    a shortest path to it, so they are skipped.  Rounds are vectorised; the
    number of rounds is the longest chain of exchanges, small in practice.
    """
    weeks = p.weeks
    d_mw = np.full(p.n_members * weeks, INF, dtype=np.int64)
    free = flows["slot"] == 0
    np.minimum.at(d_mw, net.slot_mw[free], net.slot_cost[free])
    d_line = np.where(active, net.unrouted_cost, INF).astype(np.int64)
    used = flows["line"] > 0
    back_mw, back_line, back_cost = net.a_mw[used], net.a_line[used], net.a_cost[used]
    chain_back = flows["chain"] > 0  # (M, W-1): flow from week w+1 down to w
    grid = d_mw.reshape(p.n_members, weeks)
    for _ in range(p.n_lines + d_mw.size + 2):
        before_mw, before_line = d_mw.copy(), d_line.copy()
        for w in range(1, weeks):  # making a unit earlier than due is always possible
            np.minimum(grid[:, w], grid[:, w - 1], out=grid[:, w])
        for w in range(weeks - 1, 0, -1):  # undoing a move to an earlier week
            grid[:, w - 1] = np.where(chain_back[:, w - 1], np.minimum(grid[:, w - 1], grid[:, w]), grid[:, w - 1])
        np.minimum.at(d_mw, back_mw, d_line[back_line] - back_cost)  # undo a line's unit
        np.minimum.at(d_line, net.a_line, net.a_cost + d_mw[net.a_mw])
        if np.array_equal(before_mw, d_mw) and np.array_equal(before_line, d_line):
            return d_line, grid
    raise SolverError("negative cycle in an optimal flow's residual network")


def _pricing(
    p: Problem, block, left_out: np.ndarray, d_line: np.ndarray, d_mw: np.ndarray, margin: int
) -> tuple[bool, np.ndarray]:
    """Reduced costs of left-out arcs: (any negative?, those below ``margin``)."""
    reach = d_mw[block.cols][:, p.last_week[block.rows]].T
    reduced = block.cost + reach - d_line[block.rows][:, None]
    return bool((left_out & (reduced < 0)).any()), left_out & (reduced < margin)


def _result(p: Problem, active: np.ndarray, net: _Network, flows: dict[str, np.ndarray], rounds: int) -> FlowResult:
    used = flows["line"] > 0
    week_units = np.bincount(net.slot_mw[flows["slot"] > 0], minlength=p.n_members * p.weeks).reshape(
        p.n_members, p.weeks
    )
    unrouted = np.zeros(p.n_lines, dtype=np.int64)
    unrouted[flows["routed"]] = flows["unrouted"]
    order = np.lexsort((net.a_mw[used] // p.weeks, net.a_line[used]))
    return FlowResult(
        line=net.a_line[used][order],
        member=(net.a_mw[used] // p.weeks)[order],
        qty=flows["line"][used][order],
        week_units=week_units.astype(np.int64),
        unrouted=unrouted,
        pricing_rounds=rounds,
    )


def split_by_week(
    p: Problem, line: np.ndarray, member: np.ndarray, qty: np.ndarray, week_units: np.ndarray
) -> tuple[np.ndarray, ...]:
    """Turn (line, member, units) flows into (line, member, week, units) assignments.

    Which line's unit sits in which week does not change the cost, only the
    member-week totals do.  Per member, lines are taken earliest due week
    first and fill the earliest weeks with units left: with windows that all
    start at week 0 this never strands a unit (flow conservation through the
    week chain guarantees enough units by each due week).
    """
    out: list[tuple[int, int, int, int]] = []
    left = week_units.tolist()
    last = p.last_week[line]
    for i in np.lexsort((line, last, member)).tolist():
        j, row_line, need = int(member[i]), int(line[i]), int(qty[i])
        weeks_left = left[j]
        for w in range(int(last[i]) + 1):
            if need == 0:
                break
            take = min(need, weeks_left[w])
            if take:
                out.append((row_line, j, w, take))
                weeks_left[w] -= take
                need -= take
        if need:
            raise SolverError(f"internal: {need} units of line {p.line_ids[row_line]} found no week")
    arr = np.array(out, dtype=np.int64).reshape(-1, 4)
    return arr[:, 0], arr[:, 1], arr[:, 2], arr[:, 3]
