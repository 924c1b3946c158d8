"""Running a keyed change once: a retry (a double-submitted form, a re-run job) answers the first result."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.db import IntegrityError, transaction

T = TypeVar("T")


def run_once(*, replay: Callable[[], T | None], apply: Callable[[], T]) -> T:
    """``replay`` finds the result a change with this key already made (or None, or raises when the key was used
    for another change); else ``apply`` makes it in one transaction.

    The change inserts its key first (a unique column), so of two concurrent requests with one key the second
    waits on the index and then fails: it rolls back whole and answers the winner's result.
    """
    existing = replay()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return apply()
    except IntegrityError:
        existing = replay()
        if existing is None:
            raise
        return existing
