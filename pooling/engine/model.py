"""The pooling instance: members (workshops), overflow lines and cost weights.

Validation lives here and only here.  ``Instance.from_dict`` (the JSON route)
and building the dataclasses directly (the Django shop's route) run the same
checks, so both refuse the same instances with the same messages.  Every
message starts with the path of the offending field, e.g.
``members[3].capacity: expected 4 integers, got 3``.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from decimal import Decimal
from functools import cache
from typing import Any

__all__ = ["ValidationError", "Weights", "Member", "Line", "Instance"]

MAX_INT = 10**9  # quantities, capacities, loads, weeks: keeps all flow arithmetic inside int64


class ValidationError(ValueError):
    """An instance that breaks the format; ``path`` names the field."""

    def __init__(self, path: str, detail: str) -> None:
        self.path = path
        self.detail = detail
        super().__init__(f"{path}: {detail}" if path else detail)

    def within(self, prefix: str) -> ValidationError:
        """The same error seen from the enclosing object (``members[3]`` + ``capacity``)."""
        if not self.path:
            return ValidationError(prefix, self.detail)
        joiner = "" if self.path.startswith("[") else "."
        return ValidationError(prefix + joiner + self.path, self.detail)


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, str):
        return f"the string {_show(value)}"
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, Mapping):
        return "an object"
    return _show(value)


def check_int(value: Any, path: str) -> int:
    """A non-negative integer; booleans and floats such as 2.0 or 2.5 are refused."""
    if type(value) is int and 0 <= value <= MAX_INT:  # the common case, no slow ABC check
        return value
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ValidationError(path, f"expected an integer, got {_kind(value)}")
    if value < 0:
        raise ValidationError(path, f"must not be negative, got {int(value)}")
    if value > MAX_INT:
        raise ValidationError(path, f"must be at most {MAX_INT}, got {_show(int(value))}")
    return int(value)


def check_number(value: Any, path: str, *, signed: bool = False) -> float:
    """A finite number (JSON allows NaN/Infinity through Python's parser; we do not)."""
    kind = type(value)
    if kind is not float and kind is not int:  # the common cases skip the slow ABC check
        if isinstance(value, bool) or not isinstance(value, (numbers.Real, Decimal)):
            raise ValidationError(path, f"expected a number, got {_kind(value)}")
    try:
        number = float(value)
    except OverflowError:
        number = math.inf
    if not math.isfinite(number):
        raise ValidationError(path, f"expected a finite number, got {_show(value)}")
    if not signed and number < 0:
        raise ValidationError(path, f"must not be negative, got {_show(value)}")
    return number


def check_text(value: Any, path: str) -> str:
    if not isinstance(value, str):
        raise ValidationError(path, f"expected a string, got {_kind(value)}")
    if not value.strip():
        raise ValidationError(path, "must not be empty")
    return value


def check_list(value: Any, path: str, what: str) -> Sequence[Any]:
    # Strings are sequences too, but "sandal" is never a valid list of skills.
    if isinstance(value, (str, bytes)) or not isinstance(value, (list, tuple)):
        raise ValidationError(path, f"expected a list of {what}, got {_kind(value)}")
    return value


def check_point(value: Any, path: str) -> tuple[float, float]:
    items = check_list(value, path, "2 numbers")
    if len(items) != 2:
        raise ValidationError(path, f"expected 2 numbers [x, y], got {len(items)}")
    x, y = (check_number(v, f"{path}[{i}]", signed=True) for i, v in enumerate(items))
    return (x, y)


def check_ints(value: Any, path: str) -> tuple[int, ...]:
    items = check_list(value, path, "integers")
    return tuple(check_int(v, f"{path}[{i}]") for i, v in enumerate(items))


def check_skills(value: Any, path: str) -> tuple[str, ...]:
    if isinstance(value, (set, frozenset)):
        value = sorted(value, key=str)
    items = check_list(value, path, "strings")
    skills = (check_text(v, f"{path}[{i}]") for i, v in enumerate(items))
    return tuple(dict.fromkeys(skills))  # drop repeats, keep the order given


def _set(obj: Any, name: str, value: Any) -> None:
    object.__setattr__(obj, name, value)  # normalising inside a frozen dataclass


@dataclass(frozen=True)
class Weights:
    """Cost per unit: per km, per unit of utilisation, per missed preference, per unrouted unit."""

    distance: float
    fairness: float
    preference: float
    unrouted: float

    def __post_init__(self) -> None:
        for name in _names(Weights):
            _set(self, name, check_number(getattr(self, name), name))


@dataclass(frozen=True)
class Member:
    """A workshop of the cooperative: where it is, what it makes, its weekly capacity and load."""

    id: str
    location: tuple[float, float]
    skills: tuple[str, ...]
    capacity: tuple[int, ...]
    load: tuple[int, ...]

    def __post_init__(self) -> None:
        _set(self, "id", check_text(self.id, "id"))
        _set(self, "location", check_point(self.location, "location"))
        _set(self, "skills", check_skills(self.skills, "skills"))
        _set(self, "capacity", check_ints(self.capacity, "capacity"))
        _set(self, "load", check_ints(self.load, "load"))


@dataclass(frozen=True)
class Line:
    """An overflow order line: units of one product class due by a week, from an origin."""

    id: str
    product_class: str
    quantity: int
    due_week: int
    origin: tuple[float, float]
    preferred_member: str | None = None
    splittable: bool = True

    def __post_init__(self) -> None:
        _set(self, "id", check_text(self.id, "id"))
        _set(self, "product_class", check_text(self.product_class, "product_class"))
        _set(self, "quantity", check_int(self.quantity, "quantity"))
        _set(self, "due_week", check_int(self.due_week, "due_week"))
        _set(self, "origin", check_point(self.origin, "origin"))
        if self.preferred_member is not None:
            check_text(self.preferred_member, "preferred_member")
        if not isinstance(self.splittable, bool):
            raise ValidationError("splittable", f"expected true or false, got {_kind(self.splittable)}")


@dataclass(frozen=True)
class Instance:
    """A whole pooling problem.  Construction validates; a bad instance raises ValidationError."""

    weeks: int
    weights: Weights
    members: tuple[Member, ...]
    lines: tuple[Line, ...]

    def __post_init__(self) -> None:
        weeks = check_int(self.weeks, "weeks")
        if weeks < 1:
            raise ValidationError("weeks", "expected at least 1 week, got 0")
        _set(self, "weeks", weeks)
        if not isinstance(self.weights, Weights):
            raise ValidationError("weights", f"expected Weights, got {_kind(self.weights)}")
        _set(self, "members", self._check_members(weeks))
        _set(self, "lines", self._check_lines({m.id for m in self.members}))

    def _check_members(self, weeks: int) -> tuple[Member, ...]:
        members = tuple(check_list(self.members, "members", "members"))
        index: dict[str, int] = {}
        for i, member in enumerate(members):
            if not isinstance(member, Member):
                raise ValidationError(f"members[{i}]", f"expected a Member, got {_kind(member)}")
            for name in ("capacity", "load"):
                got = len(getattr(member, name))
                if got != weeks:
                    raise ValidationError(f"members[{i}].{name}", f"expected {weeks} integers, got {got}")
            if member.id in index:
                raise ValidationError(
                    f"members[{i}].id", f"duplicate id {member.id!r} (also members[{index[member.id]}])"
                )
            index[member.id] = i
        return members

    def _check_lines(self, member_ids: set[str]) -> tuple[Line, ...]:
        lines = tuple(check_list(self.lines, "lines", "lines"))
        seen: dict[str, int] = {}
        for i, line in enumerate(lines):
            if not isinstance(line, Line):
                raise ValidationError(f"lines[{i}]", f"expected a Line, got {_kind(line)}")
            if line.id in seen:
                raise ValidationError(f"lines[{i}].id", f"duplicate id {line.id!r} (also lines[{seen[line.id]}])")
            seen[line.id] = i
            pref = line.preferred_member
            if pref is not None and pref not in member_ids:
                raise ValidationError(f"lines[{i}].preferred_member", f"unknown member {line.preferred_member!r}")
        return lines

    # -- JSON-shaped dictionaries -------------------------------------------------
    @classmethod
    def from_dict(cls, data: Any) -> Instance:
        if not isinstance(data, Mapping):
            raise ValidationError("instance", f"expected a JSON object, got {_kind(data)}")
        _fields(data, "", _names(cls))
        weights = _build(Weights, data["weights"], "weights")
        members = [
            _build(Member, raw, f"members[{i}]")
            for i, raw in enumerate(check_list(data["members"], "members", "members"))
        ]
        lines = [_build(Line, raw, f"lines[{i}]") for i, raw in enumerate(check_list(data["lines"], "lines", "lines"))]
        return cls(weeks=data["weeks"], weights=weights, members=tuple(members), lines=tuple(lines))


@cache  # asked once per member and line
def _names(kind: type) -> tuple[str, ...]:
    """The JSON fields of a dataclass: its constructor arguments, all required in JSON."""
    return tuple(f.name for f in fields(kind) if f.init)


def _fields(raw: Any, path: str, names: Iterable[str]) -> Mapping[str, Any]:
    if not isinstance(raw, Mapping):
        raise ValidationError(path, f"expected an object, got {_kind(raw)}")
    for name in names:
        if name not in raw:
            raise ValidationError(f"{path}.{name}" if path else name, "missing field")
    return raw


def _build(kind: type, raw: Any, path: str) -> Any:
    names = _names(kind)
    given = _fields(raw, path, names)
    try:
        return kind(**{name: given[name] for name in names})
    except ValidationError as error:
        raise error.within(path) from None
