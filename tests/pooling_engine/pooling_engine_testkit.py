"""Shared helpers for the pooling engine tests: paths, tiny-instance strategies, runners."""

from __future__ import annotations

import copy
import sys
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[2]
for extra in (ROOT, ROOT / "bench"):
    if str(extra) not in sys.path:
        sys.path.insert(0, str(extra))

from pooling_exact import brute_force, check_answer, exact_optimum  # noqa: E402,F401

from pooling.engine import Instance, route  # noqa: E402

CLASSES = ("sandal", "belt", "bag")


def example() -> dict[str, Any]:
    """A small valid instance exercising every field."""
    return {
        "weeks": 3,
        "weights": {"distance": 1.0, "fairness": 100.0, "preference": 20.0, "unrouted": 1000.0},
        "members": [
            {
                "id": "m1",
                "location": [0.0, 0.0],
                "skills": ["sandal", "belt"],
                "capacity": [10, 10, 10],
                "load": [8, 2, 0],
            },
            {
                "id": "m2",
                "location": [5.0, 0.0],
                "skills": ["sandal"],
                "capacity": [4, 4, 4],
                "load": [0, 4, 5],
            },
            {
                "id": "m3",
                "location": [1.0, 1.0],
                "skills": ["bag"],
                "capacity": [2, 2, 2],
                "load": [0, 0, 0],
            },
        ],
        "lines": [
            {
                "id": "L1",
                "product_class": "sandal",
                "quantity": 6,
                "due_week": 1,
                "origin": [1.0, 0.0],
                "preferred_member": "m2",
                "splittable": True,
            },
            {
                "id": "L2",
                "product_class": "belt",
                "quantity": 3,
                "due_week": 7,
                "origin": [2.0, 2.0],
                "preferred_member": None,
                "splittable": False,
            },
            {
                "id": "L3",
                "product_class": "bag",
                "quantity": 5,
                "due_week": 2,
                "origin": [0.0, 3.0],
                "preferred_member": None,
                "splittable": True,
            },
        ],
    }


def solve(data: dict[str, Any], **options: Any) -> dict[str, Any]:
    return route(Instance.from_dict(copy.deepcopy(data)), **options).to_dict()


@st.composite
def tiny_instances(
    draw: st.DrawFn,
    max_members: int = 3,
    max_lines: int = 3,
    max_quantity: int = 4,
    unsplittable: bool = False,
) -> dict[str, Any]:
    """Random instances small enough for an exact MILP in milliseconds."""
    weeks = draw(st.integers(1, 3))
    n_members = draw(st.integers(1, max_members))
    ids = [f"m{i}" for i in range(n_members)]
    coords = st.integers(0, 12).map(float)
    members = []
    for mid in ids:
        capacity = draw(st.lists(st.integers(0, 6), min_size=weeks, max_size=weeks))
        members.append(
            {
                "id": mid,
                "location": [draw(coords), draw(coords)],
                "skills": draw(st.lists(st.sampled_from(CLASSES[:2]), min_size=1, max_size=2, unique=True)),
                "capacity": capacity,
                "load": [draw(st.integers(0, c + 1)) for c in capacity],
            }
        )
    lines = []
    for i in range(draw(st.integers(1, max_lines))):
        lines.append(
            {
                "id": f"L{i}",
                "product_class": draw(st.sampled_from(CLASSES)),
                "quantity": draw(st.integers(0, max_quantity)),
                "due_week": draw(st.integers(0, weeks + 1)),
                "origin": [draw(coords), draw(coords)],
                "preferred_member": draw(st.one_of(st.none(), st.sampled_from(ids))),
                "splittable": (not draw(st.booleans())) if unsplittable else True,
            }
        )
    weights = {
        "distance": draw(st.sampled_from([0.0, 1.0, 2.5])),
        "fairness": draw(st.sampled_from([0.0, 10.0, 100.0])),
        "preference": draw(st.sampled_from([0.0, 5.0, 20.0])),
        "unrouted": draw(st.sampled_from([0.0, 7.0, 60.0, 1000.0, 100000.0, 1e12])),
    }
    return {"weeks": weeks, "weights": weights, "members": members, "lines": lines}
