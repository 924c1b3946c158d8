"""Pooling engine benchmark: realistic seeded instances, end-to-end timing, baselines.

    .venv/bin/python bench/pooling_bench.py            # small (33 x 200) and big (2000 x 17000)
    .venv/bin/python bench/pooling_bench.py --quick    # small cases only

For each case it writes the instance JSON to a temporary folder, runs
``python -m pooling route`` as a separate process (wall time and peak RSS of
the child, i.e. process start + read + solve + write), checks the answer's
feasibility and cost independently, compares it with a greedy baseline and,
on small instances, with an exact MILP optimum (scipy.optimize.milp / HiGHS,
see pooling_exact.py).  Not part of the test suite.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from pooling_exact import check_answer, exact_optimum, greedy  # noqa: E402

CLASSES = (
    "sandal belt wallet bag jacket shoe glove strap case saddle purse keyring bracelet hat "
    "collar pouch satchel holster apron coaster"
).split()


def class_names(n: int) -> list[str]:
    return [CLASSES[i] if i < len(CLASSES) else f"{CLASSES[i % len(CLASSES)]}-{i // len(CLASSES)}" for i in range(n)]


def generate(
    members: int,
    lines: int,
    classes: int,
    weeks: int = 4,
    seed: int = 1,
    unsplittable: float = 0.08,
    region_km: float | None = None,
) -> dict:
    """A federation of village workshops.

    Villages sit in a few districts; each village has a craft tradition (its
    favourite product classes).  Workshops are micro (1-4 workers, 70%) or small
    (5-19 workers) with capacity proportional to workers; their loads range from
    idle to overbooked, heavier in the near weeks.  Overflow lines come mostly
    from busy workshops (origin = their location), some from buyers elsewhere.
    """
    rng = np.random.default_rng(seed)
    if region_km is None:  # a federation of 2000 spans ~250 km; a 33-member cooperative ~35 km
        region_km = max(30.0, 250.0 * math.sqrt(members / 2000))
    names = class_names(classes)
    popularity = 1.0 / np.arange(1, classes + 1) ** 0.8
    popularity /= popularity.sum()
    districts = rng.uniform(0, region_km, (max(2, members // 300 + 2), 2))
    n_villages = max(3, members // 14)
    village_xy = districts[rng.integers(0, len(districts), n_villages)] + rng.normal(0, region_km / 12, (n_villages, 2))
    village_size = rng.zipf(1.6, n_villages).clip(1, 40).astype(float)
    traditions = [rng.choice(classes, size=rng.integers(1, 4), replace=False, p=popularity) for _ in range(n_villages)]
    village = rng.choice(n_villages, members, p=village_size / village_size.sum())
    out_members, busy = [], []
    for j in range(members):
        v = village[j]
        micro = rng.random() < 0.7
        workers = int(rng.integers(1, 5) if micro else rng.integers(5, 20))
        n_skills = int(rng.integers(1, 3) if micro else rng.integers(2, 5))
        skills = list(
            dict.fromkeys(
                [int(rng.choice(traditions[v]))] + rng.choice(classes, size=n_skills - 1, p=popularity).tolist()
            )
        )
        rate = rng.uniform(2.0, 5.0)
        capacity = [
            int(round(workers * rate * rng.choice([1.0, 1.0, 1.0, 0.8, 0.0], p=[0.5, 0.2, 0.2, 0.08, 0.02])))
            for _ in range(weeks)
        ]
        level = rng.choice([0.1, 0.5, 0.9, 1.15], p=[0.25, 0.4, 0.25, 0.1])
        load = [
            max(0, int(round(c * min(1.4, level * rng.uniform(0.7, 1.2) * (1.2 - 0.15 * w)))))
            for w, c in enumerate(capacity)
        ]
        if level >= 0.9:
            busy.append(j)
        xy = village_xy[v] + rng.normal(0, 1.5, 2)
        out_members.append(
            {
                "id": f"m{j:04d}",
                "location": [round(float(xy[0]), 3), round(float(xy[1]), 3)],
                "skills": [names[s] for s in skills],
                "capacity": capacity,
                "load": load,
            }
        )
    by_skill: dict[str, list[int]] = {}
    for j, m in enumerate(out_members):
        for s in m["skills"]:
            by_skill.setdefault(s, []).append(j)
    out_lines = []
    for i in range(lines):
        if busy and rng.random() < 0.8:  # overflow of a busy workshop: its own craft
            src = out_members[int(rng.choice(busy))]
            cls = str(rng.choice(src["skills"]))
            origin = src["location"]
        else:  # a buyer's order arriving at the cooperative
            cls = names[int(rng.choice(classes, p=popularity))]
            origin = [round(float(x), 3) for x in rng.uniform(0, region_km, 2)]
        quantity = int(min(60, rng.geometric(0.5) + (rng.random() < 0.04) * rng.integers(5, 25)))
        preferred = None
        if rng.random() < 0.15 and by_skill.get(cls):
            near = sorted(by_skill[cls], key=lambda j: math.dist(out_members[j]["location"], origin))
            preferred = out_members[int(rng.choice(near[:5]))]["id"]
        out_lines.append(
            {
                "id": f"L{i:05d}",
                "product_class": cls,
                "quantity": quantity,
                "due_week": int(rng.choice(weeks + 2, p=_due_mix(weeks))),
                "origin": origin,
                "preferred_member": preferred,
                "splittable": bool(rng.random() >= unsplittable),
            }
        )
    return {
        "weeks": weeks,
        "weights": {"distance": 1.0, "fairness": 100.0, "preference": 20.0, "unrouted": 100000.0},
        "members": out_members,
        "lines": out_lines,
    }


def _due_mix(weeks: int) -> np.ndarray:
    mix = np.array([1.0] * weeks + [0.3, 0.1])  # a few due past the horizon
    return mix / mix.sum()


_TIMER = """
import resource, subprocess, sys, time
start = time.perf_counter()
subprocess.run(sys.argv[1:], check=True)
seconds = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(seconds, usage.ru_maxrss, usage.ru_utime + usage.ru_stime)
"""


def run_engine(path: Path, out: Path, explain: bool = False) -> tuple[float, float, float]:
    """Run the CLI as its own process: (wall seconds, peak RSS in MB, CPU seconds).

    A tiny wrapper process starts the engine, so getrusage(RUSAGE_CHILDREN)
    in the wrapper sees exactly one child: the engine run being measured.
    CPU seconds (user + system) show what the wall time would be on an idle
    machine: the engine uses one core.
    """
    cmd = [sys.executable, "-m", "pooling", "route", str(path), "--out", str(out)]
    if explain:
        cmd.append("--explain")
    done = subprocess.run([sys.executable, "-c", _TIMER, *cmd], cwd=ROOT, check=True, capture_output=True, text=True)
    seconds, max_rss_kb, cpu = done.stdout.split()
    return float(seconds), int(max_rss_kb) / 1024.0, float(cpu)


def bench_case(name: str, instance: dict, tmp: Path, exact: bool, repeats: int) -> None:
    path, out = tmp / f"{name}.json", tmp / f"{name}.answer.json"
    path.write_text(json.dumps(instance))
    units = sum(line["quantity"] for line in instance["lines"])
    uns = sum(not line["splittable"] for line in instance["lines"])
    print(
        f"\n== {name}: {len(instance['members'])} members, {len(instance['lines'])} lines "
        f"({units} units, {uns} unsplittable), {instance['weeks']} weeks"
    )
    times, peaks, cpus = [], [], []
    for _ in range(repeats):
        seconds, peak, cpu = run_engine(path, out)
        times.append(seconds)
        peaks.append(peak)
        cpus.append(cpu)
    answer = json.loads(out.read_text())
    print(
        f"engine end to end: best {min(times):.3f} s, "
        f"median {sorted(times)[len(times) // 2]:.3f} s over {repeats} runs; "
        f"CPU (user+sys) best {min(cpus):.3f} s; "
        f"peak RSS of the engine process {max(peaks):.0f} MB"
    )
    cost = check_answer(instance, answer)
    penalty = instance["weights"]["unrouted"]
    left = sum(u["quantity"] for u in answer["unrouted"])
    print(
        f"engine cost {answer['total_cost']:.4f} (independent recount {cost:.4f}); "
        f"feasible; {len(answer['assignments'])} assignments, {left} units unrouted"
    )
    start = time.perf_counter()
    g = greedy(instance)
    g_cost = check_answer(instance, g)
    g_left = sum(u["quantity"] for u in g["unrouted"])
    print(
        f"greedy baseline ({time.perf_counter() - start:.2f} s): cost {g_cost:.4f}, "
        f"{g_left} units unrouted; engine is {100 * (g_cost - cost) / g_cost:.2f}% cheaper; "
        f"cost of the routed units only: greedy {g_cost - penalty * g_left:.1f}, "
        f"engine {cost - penalty * left:.1f}"
    )
    _explain_summary(path, tmp)
    if exact:
        for label, inst in (("as generated", instance), ("all splittable", _all_split(instance))):
            res = exact_optimum(inst, time_limit=120)
            if label == "all splittable":
                (tmp / "split.json").write_text(json.dumps(inst))
                run_engine(tmp / "split.json", tmp / "split.answer.json")
                mine = check_answer(inst, json.loads((tmp / "split.answer.json").read_text()))
            else:
                mine = cost
            print(
                f"exact MILP ({label}): optimum {res.objective:.4f} (proven bound "
                f"{res.bound:.4f}, {res.seconds:.1f} s, {res.status}); engine {mine:.4f}; "
                f"difference {mine - res.objective:+.6f} "
                f"({100 * (mine - res.bound) / res.bound:.5f}% above the bound)"
            )


def _explain_summary(path: Path, tmp: Path) -> None:
    out = tmp / "explained.json"
    seconds, _, _ = run_engine(path, out, explain=True)
    data = json.loads(out.read_text())
    s = data["summary"]
    print(
        f"with --explain: {seconds:.2f} s; method: {s['method']}; proven gap bound "
        f"{100 * s['gap_bound']:.5f}%; breakdown " + ", ".join(f"{k} {v:.1f}" for k, v in s["cost_breakdown"].items())
    )
    if data["assignments"]:
        print("  e.g. " + data["assignments"][0]["line"] + ": " + data["assignments"][0]["explanation"])


def compare_solvers(instance: dict) -> None:
    """The same full (unpruned) relaxation network in OR-Tools and in networkx."""
    import networkx as nx
    from ortools.graph.python import min_cost_flow

    from pooling.engine import Instance
    from pooling.engine.flow import full_network
    from pooling.engine.problem import build_problem, bundled

    p = bundled(build_problem(Instance.from_dict(instance))).problem
    a = full_network(p)
    start = time.perf_counter()
    solver = min_cost_flow.SimpleMinCostFlow()
    solver.add_arcs_with_capacity_and_unit_cost(
        a.tails.astype(np.int32), a.heads.astype(np.int32), a.capacities, a.costs
    )
    solver.set_nodes_supplies(np.arange(a.supplies.size, dtype=np.int32), a.supplies)
    assert solver.solve() == solver.OPTIMAL
    t_ortools, c_ortools = time.perf_counter() - start, solver.optimal_cost()
    start = time.perf_counter()
    graph = nx.MultiDiGraph()
    for node, supply in enumerate(a.supplies.tolist()):
        graph.add_node(node, demand=-supply)
    graph.add_edges_from(
        (t, h, {"capacity": c, "weight": w})
        for t, h, c, w in zip(a.tails.tolist(), a.heads.tolist(), a.capacities.tolist(), a.costs.tolist(), strict=True)
    )
    c_nx, _ = nx.network_simplex(graph)
    t_nx = time.perf_counter() - start
    print(
        f"solver comparison on the full network ({a.tails.size} arcs, {a.supplies.size} nodes): "
        f"OR-Tools {t_ortools:.3f} s, networkx network_simplex {t_nx:.2f} s "
        f"(same optimum: {c_ortools == c_nx})"
    )


def _all_split(instance: dict) -> dict:
    return {**instance, "lines": [{**l, "splittable": True} for l in instance["lines"]]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="skip the 2000 x 17000 case")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        bench_case("small", generate(33, 200, 8, seed=args.seed), tmp, exact=True, repeats=5)
        bench_case("small-tight", generate(33, 400, 8, seed=args.seed + 1), tmp, exact=True, repeats=3)
        compare_solvers(generate(150, 1500, 10, seed=args.seed))
        if not args.quick:
            big = generate(2000, 17000, 50, seed=args.seed)
            bench_case("big", big, tmp, exact=False, repeats=3)
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"\n(python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load average now {load})")


if __name__ == "__main__":
    main()
