"""What the skilled members can still make, read in one SQL statement (issue 16).

The shop reads this on every basket page with a line whose quantity field needs its maximum (free stock plus
what members can still make). Written with the ORM it took four queries, and Django spent more time building
them than the database spent answering: the one-line basket was a quarter slower than Oscar's stock strategy.
One hand-written statement (plain SQL that SQLite and PostgreSQL both run) reads the same four sets:

- ``m``: who makes which class at what weekly capacity (the class override, else the workshop's), active only;
- ``l``: their committed load per week (the load ledger);
- ``o``: work held or offered to them and not yet answered, per week (not in the ledger yet, yet taken);
- ``w``: units of open routing requests not yet given to anyone, per request.

``selectors.weekly_spare_by_class`` turns them into spare units per week; tests/pooling/test_spare_read.py holds
the ORM reading it replaced and checks both agree on random cooperatives.
"""

from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass, field

from django.db import connection

from inventory.models import Member, MemberClassCapacity, WeeklyLoad

from .models import RoutingRequest, WorkOrder


@dataclass
class SpareRows:
    makers: list[tuple[int, int, int]] = field(default_factory=list)  # (member id, class id, weekly capacity)
    committed: dict[tuple[int, datetime.date], int] = field(default_factory=dict)  # (member id, week) → units
    offered: dict[tuple[int, datetime.date], int] = field(default_factory=dict)  # (member id, week) → units
    waiting: list[tuple[int, int]] = field(default_factory=list)  # (class id, units asked minus given)


def _tables() -> dict[str, str]:
    skills = Member.skills.through._meta
    return {
        "skills": skills.db_table,
        "skill_member": skills.get_field("member").column,
        "skill_class": skills.get_field("productclass").column,
        "member": Member._meta.db_table,
        "override": MemberClassCapacity._meta.db_table,
        "load": WeeklyLoad._meta.db_table,
        "work": WorkOrder._meta.db_table,
        "request": RoutingRequest._meta.db_table,
    }


def _placeholders(count: int) -> str:
    return ", ".join(["%s"] * count)


@functools.lru_cache(maxsize=64)
def _statement(classes: int | None, weeks: int, reserving: int, live: int) -> str:
    """The statement for that many classes (None: every class) and weeks; built once per shape."""
    t = _tables()
    skill_filter = request_filter = ""
    if classes is not None:
        skill_filter = f"AND s.{t['skill_class']} IN ({_placeholders(classes)})"
        request_filter = f"AND r.product_class_id IN ({_placeholders(classes)})"
    weeks_in, reserving_in = _placeholders(weeks), _placeholders(reserving)
    return f"""
        WITH makers AS (
            SELECT s.{t["skill_member"]} AS member_id, s.{t["skill_class"]} AS class_id,
                   COALESCE((SELECT c.weekly_capacity FROM {t["override"]} c
                             WHERE c.member_id = s.{t["skill_member"]}
                               AND c.product_class_id = s.{t["skill_class"]}), m.weekly_capacity) AS capacity
            FROM {t["skills"]} s JOIN {t["member"]} m ON m.id = s.{t["skill_member"]}
            WHERE m.status = %s {skill_filter}
        )
        SELECT 'm', member_id, class_id, NULL, capacity FROM makers
        UNION ALL
        SELECT 'l', l.member_id, NULL, l.week, SUM(l.units) FROM {t["load"]} l
        WHERE l.member_id IN (SELECT member_id FROM makers) AND l.week IN ({weeks_in})
        GROUP BY l.member_id, l.week
        UNION ALL
        SELECT 'o', w.member_id, NULL, w.week, SUM(w.quantity) FROM {t["work"]} w
        WHERE w.member_id IN (SELECT member_id FROM makers) AND w.week IN ({weeks_in})
          AND w.state IN ({reserving_in})
        GROUP BY w.member_id, w.week
        UNION ALL
        SELECT 'w', NULL, r.product_class_id, NULL,
               r.quantity - COALESCE((SELECT SUM(g.quantity) FROM {t["work"]} g
                                      WHERE g.request_id = r.id AND g.state IN ({_placeholders(live)})), 0)
        FROM {t["request"]} r WHERE r.status = %s {request_filter}
    """


def read(class_ids: set[int] | None, weeks: list[datetime.date]) -> SpareRows:
    """The four sets for the classes ``class_ids`` (None: every class) over ``weeks``."""
    if class_ids is not None and not class_ids:
        return SpareRows()
    classes = sorted(class_ids) if class_ids is not None else []
    week_params = [connection.ops.adapt_datefield_value(week) for week in weeks]
    reserving, live = list(WorkOrder.RESERVING), list(WorkOrder.LIVE)
    params = [Member.Status.ACTIVE.value, *classes, *week_params, *week_params, *reserving]
    params += [*live, RoutingRequest.Status.OPEN.value, *classes]
    sql = _statement(len(classes) if class_ids is not None else None, len(weeks), len(reserving), len(live))
    rows = SpareRows()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for kind, member_id, class_id, week, units in cursor.fetchall():
            if kind == "m":
                rows.makers.append((member_id, class_id, int(units)))
            elif kind == "w":
                rows.waiting.append((class_id, int(units or 0)))
            else:  # SQLite answers a date column of a raw query as its text
                day = week if isinstance(week, datetime.date) else datetime.date.fromisoformat(week)
                target = rows.committed if kind == "l" else rows.offered
                target[(member_id, day)] = int(units or 0)
    return rows
