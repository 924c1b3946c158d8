"""Guyub pooling engine: who makes the overflow (the model and JSON format: docs/pooling-engine.md).

Plain Python (numpy; OR-Tools' min-cost flow, and OR-Tools' SCIP for a MILP on small
unsplittable cases); no Django.  Typical use from the shop::

    from pooling.engine import Instance, route
    answer = route(Instance.from_dict(data), explain=True)
    for a in answer.assignments:
        print(a.line, a.member, a.week, a.quantity, a.explanation)

Importing this package is cheap: numpy and the solvers load on the first route().
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .answer import Answer, Assignment, Unrouted
from .model import Instance, Line, Member, ValidationError, Weights

if TYPE_CHECKING:
    from .planner import route as route

__all__ = ["Answer", "Assignment", "Instance", "Line", "Member", "Unrouted", "ValidationError", "Weights", "route"]


def route(instance: Instance, explain: bool = False, **options: Any) -> Answer:  # noqa: F811
    """Route the overflow lines of ``instance`` (see planner.route for the options)."""
    from .planner import route as _route  # lazily: numpy and the solvers load on the first route()

    return _route(instance, explain, **options)
