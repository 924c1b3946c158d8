"""The engine's answer: who makes which units of which line in which week."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


def relative_gap(cost: float, lower: float) -> float:
    """How far ``cost`` may be above the optimum, given a lower bound on it (0.01 = 1%)."""
    if cost <= lower:
        return 0.0
    return (cost - lower) / max(abs(lower), 1e-12)


@dataclass(frozen=True)
class Assignment:
    line: str
    member: str
    week: int
    quantity: int
    explanation: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"line": self.line, "member": self.member, "week": self.week, "quantity": self.quantity}
        if self.explanation is not None:
            out["explanation"] = self.explanation
        return out


@dataclass(frozen=True)
class Unrouted:
    line: str
    quantity: int
    explanation: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"line": self.line, "quantity": self.quantity}
        if self.explanation is not None:
            out["explanation"] = self.explanation
        return out


@dataclass(frozen=True)
class Answer:
    """A feasible routing and its true cost.

    ``lower_bound`` is a proven lower bound on the optimum, so the routing is
    within ``gap_bound`` (a fraction, 0.01 = 1%) of the best possible cost.
    """

    assignments: tuple[Assignment, ...]
    unrouted: tuple[Unrouted, ...]
    total_cost: float
    lower_bound: float
    method: str
    cost_breakdown: dict[str, float] = field(default_factory=dict)
    explained: bool = False  # routed with explain=True: explanations and a summary in to_dict()

    @property
    def gap_bound(self) -> float:
        return relative_gap(self.total_cost, self.lower_bound)

    def to_dict(self) -> dict[str, Any]:
        """The answer JSON of docs/pooling-engine.md; with explanations it also carries a ``summary``."""
        out: dict[str, Any] = {
            "total_cost": self.total_cost,
            "assignments": [a.to_dict() for a in self.assignments],
            "unrouted": [u.to_dict() for u in self.unrouted],
        }
        if self.explained:
            out["summary"] = {
                "method": self.method,
                "lower_bound": self.lower_bound,
                "gap_bound": self.gap_bound,
                "cost_breakdown": dict(self.cost_breakdown),
            }
        return out
