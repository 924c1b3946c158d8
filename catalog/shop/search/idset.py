"""`column IN (the search's hits)` with the hits as one query parameter, however many there are.

Django writes ``pk__in=[...]`` as one placeholder per value and prepares each value in Python: thousands of hits
(a colour word matches every product of 5,000) cost tens of milliseconds before the database sees the query,
and as much again for the database to parse it. Here the ids travel as one value: a JSON array that SQLite reads
with ``json_each``, an array that PostgreSQL compares with ``= ANY``. Same rows as ``__in`` (issue 16).
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import BooleanField, Expression, F


class InIds(Expression):
    """A boolean filter: ``InIds("product_id", pks)`` or ``InIds(Coalesce(...), pks)`` in ``.filter()``."""

    output_field = BooleanField()

    def __init__(self, expression, ids: Iterable[int]):
        super().__init__()
        self.expression = F(expression) if isinstance(expression, str) else expression
        self.ids = [int(i) for i in ids]  # whole numbers only: nothing else reaches the SQL

    def get_source_expressions(self):
        return [self.expression]

    def set_source_expressions(self, exprs):
        (self.expression,) = exprs

    def resolve_expression(self, query=None, allow_joins=True, reuse=None, summarize=False, for_save=False):
        clone = self.copy()
        clone.is_summary = summarize
        clone.expression = self.expression.resolve_expression(query, allow_joins, reuse, summarize, for_save)
        return clone

    def as_sql(self, compiler, connection):  # any other database: Django's own IN list
        if not self.ids:
            raise EmptyResultSet  # as ``__in=[]``: no query at all, or this branch of an OR dropped
        sql, params = compiler.compile(self.expression)
        return f"{sql} IN ({', '.join(['%s'] * len(self.ids))})", [*params, *self.ids]

    def as_sqlite(self, compiler, connection):
        if not self.ids:
            raise EmptyResultSet  # as ``__in=[]``: no query at all, or this branch of an OR dropped
        sql, params = compiler.compile(self.expression)
        return f"{sql} IN (SELECT value FROM json_each(%s))", [*params, json.dumps(self.ids)]

    def as_postgresql(self, compiler, connection):
        if not self.ids:
            raise EmptyResultSet  # as ``__in=[]``: no query at all, or this branch of an OR dropped
        sql, params = compiler.compile(self.expression)
        return f"{sql} = ANY(%s::bigint[])", [*params, self.ids]


def raw_rows(queryset) -> list[tuple]:
    """The queryset's rows as the database driver returns them (same SQL, same values for whole numbers and text).

    A ``values_list`` row with computed columns (``Coalesce``, ``Sum``, ``Cast``) passes each value through an
    ``int()`` converter in Python: for the few thousand rows of a broad search's facets that costs as much as the
    query. Only for columns the driver already returns as Python ints or str (issue 16)."""
    try:
        sql, params = queryset.query.get_compiler(using=queryset.db).as_sql()
    except EmptyResultSet:
        return []
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()
