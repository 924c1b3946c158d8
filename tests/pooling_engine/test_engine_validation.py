"""Malformed instances are refused with a ValidationError naming the field, from JSON or objects."""

from __future__ import annotations

import copy
import math
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from pooling_engine_testkit import example, solve  # noqa: E402

from pooling.engine import Instance, Line, Member, ValidationError, Weights, route  # noqa: E402


def _set(path: str, value: Any) -> Callable[[dict], None]:
    """Mutator setting data[a][b]... = value for a dotted path with [i] indices."""

    def apply(data: dict) -> None:
        keys = path.replace("[", ".").replace("]", "").split(".")
        target = data
        for key in keys[:-1]:
            target = target[int(key)] if key.isdigit() else target[key]
        last = keys[-1]
        if value is _DELETE:
            del target[last]
        else:
            target[int(last) if last.isdigit() else last] = value

    return apply


_DELETE = object()
CASES = [
    ("members[1].capacity", [4, 4], "members[1].capacity: expected 3 integers, got 2"),
    ("members[0].load", [1, 2, 3, 4], "members[0].load: expected 3 integers, got 4"),
    ("members[1].id", "m1", "members[1].id: duplicate id 'm1'"),
    ("lines[1].id", "L1", "lines[1].id: duplicate id 'L1'"),
    ("lines[0].preferred_member", "m9", "lines[0].preferred_member: unknown member 'm9'"),
    ("lines[0].preferred_member", 7, "lines[0].preferred_member: expected a string"),
    ("lines[0].quantity", -1, "lines[0].quantity: must not be negative"),
    ("lines[0].quantity", 2.5, "lines[0].quantity: expected an integer"),
    ("lines[0].quantity", 2.0, "lines[0].quantity: expected an integer"),
    ("lines[0].quantity", "3", "lines[0].quantity: expected an integer"),
    ("lines[0].quantity", True, "lines[0].quantity: expected an integer"),
    ("lines[0].quantity", 10**9 + 1, "lines[0].quantity: must be at most 1000000000"),
    ("lines[0].due_week", -1, "lines[0].due_week: must not be negative"),
    ("lines[0].due_week", None, "lines[0].due_week: expected an integer"),
    ("lines[2].origin", _DELETE, "lines[2].origin: missing field"),
    ("lines[0].product_class", _DELETE, "lines[0].product_class: missing field"),
    ("lines[1].splittable", "yes", "lines[1].splittable: expected true or false"),
    ("lines[1].origin", [1.0], "lines[1].origin: expected 2 numbers"),
    ("lines[1].origin", [math.nan, 1.0], "lines[1].origin[0]: expected a finite number"),
    ("members[0].skills", _DELETE, "members[0].skills: missing field"),
    ("members[0].skills", "sandal", "members[0].skills: expected a list of strings"),
    ("members[0].skills", ["sandal", 3], "members[0].skills[1]: expected a string"),
    ("members[2].capacity", [2, -1, 2], "members[2].capacity[1]: must not be negative"),
    ("members[0].load", [1.5, 0, 0], "members[0].load[0]: expected an integer"),
    ("members[0].capacity", "10", "members[0].capacity: expected a list of integers"),
    ("members[0].location", [1.0, 2.0, 3.0], "members[0].location: expected 2 numbers"),
    ("members[0].location", [1.0, "x"], "members[0].location[1]: expected a number"),
    ("members[0].id", "", "members[0].id: must not be empty"),
    ("members[0].id", 5, "members[0].id: expected a string"),
    ("members[1]", "m2", "members[1]: expected an object"),
    ("members", {"m1": {}}, "members: expected a list of members"),
    ("lines", None, "lines: expected a list of lines"),
    ("weights.unrouted", _DELETE, "weights.unrouted: missing field"),
    ("weights.fairness", -1.0, "weights.fairness: must not be negative"),
    ("weights.distance", "1", "weights.distance: expected a number"),
    ("weights.preference", math.inf, "weights.preference: expected a finite number"),
    ("weights", [1, 2, 3, 4], "weights: expected an object"),
    ("weeks", _DELETE, "weeks: missing field"),
    ("weeks", 0, "weeks: expected at least 1 week"),
    ("weeks", "3", "weeks: expected an integer"),
    ("weeks", 2, "members[0].capacity: expected 2 integers, got 3"),
]


@pytest.mark.parametrize("path, value, message", CASES, ids=[c[0] + ":" + str(c[1])[:12] for c in CASES])
def test_malformed_field_is_refused_with_its_path(path: str, value: Any, message: str) -> None:
    data = example()
    _set(path, value)(data)
    with pytest.raises(ValidationError) as caught:
        Instance.from_dict(data)
    assert str(caught.value).startswith(message)
    assert caught.value.path == message.split(":")[0]


def test_validation_error_is_a_value_error() -> None:
    assert issubclass(ValidationError, ValueError)


@pytest.mark.parametrize("data", [[], "instance", None, 3])
def test_top_level_must_be_an_object(data: Any) -> None:
    with pytest.raises(ValidationError, match=r"^instance: expected a JSON object"):
        Instance.from_dict(data)


def _objects(data: dict) -> Instance:
    return Instance(
        weeks=data["weeks"],
        weights=Weights(**data["weights"]),
        members=tuple(Member(**m) for m in data["members"]),
        lines=tuple(Line(**line) for line in data["lines"]),
    )


def test_objects_and_dicts_give_the_same_instance_and_answer() -> None:
    data = example()
    built = _objects(data)
    assert built == Instance.from_dict(copy.deepcopy(data))
    assert route(built).to_dict() == solve(data)


@pytest.mark.parametrize(
    "make, message",
    [
        (
            lambda: Member(id="m", location=(0, 0), skills=["a"], capacity=[1, -2], load=[0, 0]),
            "capacity[1]: must not be negative",
        ),
        (
            lambda: Line(id="L", product_class="a", quantity=1.5, due_week=0, origin=(0, 0)),
            "quantity: expected an integer",
        ),
        (
            lambda: Weights(distance=1, fairness=1, preference=1, unrouted=-5),
            "unrouted: must not be negative",
        ),
    ],
)
def test_objects_validate_their_own_fields(make: Callable[[], Any], message: str) -> None:
    with pytest.raises(ValidationError, match="^" + message.replace("[", r"\[").replace("]", r"\]")):
        make()


def test_instance_from_objects_checks_cross_field_rules() -> None:
    data = example()
    data["members"][2]["capacity"] = [2, 2]
    members = tuple(Member(**m) for m in data["members"])  # fine on their own
    with pytest.raises(ValidationError, match=r"^members\[2\]\.capacity: expected 3 integers, got 2"):
        Instance(
            weeks=3,
            weights=Weights(**data["weights"]),
            members=members,
            lines=tuple(Line(**line) for line in data["lines"]),
        )
    with pytest.raises(ValidationError, match=r"^weights: expected Weights"):
        Instance(weeks=3, weights=data["weights"], members=(), lines=())


def test_accepted_edge_cases() -> None:
    """Due weeks past the horizon, zero quantities, classes nobody makes, no members at all."""
    data = example()
    data["lines"].append(
        {
            "id": "L4",
            "product_class": "hat",
            "quantity": 0,
            "due_week": 99,
            "origin": [-3.5, 2],
            "preferred_member": None,
            "splittable": False,
        }
    )
    answer = solve(data)
    assert {u["line"] for u in answer["unrouted"]} <= {"L1", "L2", "L3"}
    empty = {
        **example(),
        "members": [],
        "lines": [{**example()["lines"][0], "preferred_member": None}],
    }
    assert solve(empty)["unrouted"] == [{"line": "L1", "quantity": 6}]
