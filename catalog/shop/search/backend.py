"""Wagtail's database search backend, with relevance ranking on SQLite read in one pass.

`WAGTAILSEARCH_BACKENDS["default"]["BACKEND"] = "catalog.shop.search.backend"`: on PostgreSQL (and MySQL) this is
Wagtail's own database backend unchanged. On SQLite it is Wagtail's FTS5 backend with one change: ordered by
relevance, Wagtail attaches each hit's BM25 score with a correlated sub-query that repeats the FTS match per hit
(quadratic: ~1,000 hits of 5,000 products take ~200 ms). Here the same match and the same rank expression are
read once as (object id, score) pairs, and the hits are ordered by them (linear: a few ms). Matching, ranking
and filtering stay Wagtail's; an Elasticsearch/OpenSearch backend is still a settings change away.
"""

from __future__ import annotations

from functools import cache

from django.db import connection
from modelsearch.backends import database
from modelsearch.query import MatchAll, Not
from modelsearch.utils import get_descendants_content_types_pks

from .idset import InIds, raw_rows


@cache
def _ranked_sqlite_backend_class():
    # Imported here: Wagtail's SQLite module looks up the FTS5 model, which exists only on SQLite databases.
    from modelsearch.backends.database.sqlite.query import MatchExpression, normalize
    from modelsearch.backends.database.sqlite.sqlite import (
        SQLiteFTSIndexEntry,
        SQLiteSearchBackend,
        SQLiteSearchResults,
    )

    class RankedSQLiteSearchResults(SQLiteSearchResults):
        def _matches(self):
            """The index entries matching the query (None for match-all or negated queries: Wagtail's path)."""
            compiler = self.query_compiler
            query = normalize(compiler.query)
            if isinstance(query, (MatchAll, Not)):
                return None
            config = compiler.get_config(self.backend)
            match = compiler.build_search_query(query, config=config)
            return SQLiteFTSIndexEntry.objects.filter(
                MatchExpression(compiler.fields or compiler.FTS_TABLE_FIELDS, match)
            ).filter(index_entry__content_type__in=get_descendants_content_types_pks(compiler.queryset.model))

        def _scores(self) -> dict | None:
            """{pk: BM25 score} of every hit in one query; None where Wagtail's own path applies."""
            compiler = self.query_compiler
            matches = self._matches()
            if not compiler.order_by_relevance or matches is None:
                return None
            config = compiler.get_config(self.backend)
            rows = raw_rows(  # the driver's text ids and float scores, without a converter per row
                matches.annotate(
                    score=compiler._build_rank_expression(compiler.get_search_vectors(), config)
                ).values_list("index_entry__object_id", "score")
            )
            to_pk = compiler.queryset.model._meta.pk.to_python
            scores: dict = {}
            for object_id, score in rows:
                pk = to_pk(object_id)
                scores[pk] = min(score, scores.get(pk, score))
            return scores

        def _do_search(self):
            scores = self._scores()
            if scores is None:
                return super()._do_search()
            hits = list(self.query_compiler.queryset.filter(InIds("pk", scores)))  # the caller's filters apply
            hits.sort(key=lambda obj: (scores[obj.pk], -obj.pk))  # BM25: lower is better (as Wagtail orders)
            if self._score_field:
                for obj in hits:
                    setattr(obj, self._score_field, scores[obj.pk])
            return hits[self.start : self.stop]

        def ranked_values(self, *fields: str) -> list[tuple]:
            """The hits as ``values_list("pk", *fields)`` rows in relevance order: no model instances (a colour
            word matches every product; building thousands of products costs more than finding them)."""
            scores = self._scores()
            if scores is None:
                return [(obj.pk, *(getattr(obj, f) for f in fields)) for obj in self]
            rows = self.query_compiler.queryset.filter(InIds("pk", scores)).order_by()  # sorted below, by score
            rows = list(rows.values_list("pk", *fields))
            rows.sort(key=lambda row: (scores[row[0]], -row[0]))
            return rows[self.start : self.stop]

    class RankedSQLiteSearchBackend(SQLiteSearchBackend):
        results_class = RankedSQLiteSearchResults

    return SQLiteSearchBackend, RankedSQLiteSearchBackend


def SearchBackend(params):  # noqa: N802  (Wagtail looks the backend up by this name)
    backend = database.SearchBackend(params)
    if connection.vendor == "sqlite":
        wagtails, ours = _ranked_sqlite_backend_class()
        if type(backend) is wagtails:
            return ours(params)
    return backend


def analyse_sqlite() -> None:
    """Give SQLite's planner statistics after a bulk index (`ANALYZE`): without them it probes the FTS table once
    per index entry instead of matching once (5,000 products: ~230 ms for one SKU, then under 1 ms)."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
