"""What every service shares: the refusal error and running a keyed change once."""
from __future__ import annotations

from typing import Callable, TypeVar

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext

from .. import ledger

T = TypeVar("T")
MAX_KEY = 80  # leaves room for the suffixes of derived keys (max_length 100)


class InventoryError(ValidationError):
    """A refused change, with a message for the member in the active language. Nothing was written."""

    def __init__(self, message: str, code: str = "refused", shortfalls: list | None = None):
        super().__init__(message, code=code)
        self.shortfalls = shortfalls or []


def refusal(error: ledger.LedgerError, **display) -> InventoryError:
    """A ledger rule's refusal, translated; ``display`` replaces raw params (keys) by names for people."""
    return InventoryError(gettext(error.template) % {**error.params, **display}, code=type(error).__name__)


def check_key(key: str) -> str:
    if not key or len(key) > MAX_KEY:
        raise InventoryError(gettext("A request key of 1 to %(max)s characters is required.") % {"max": MAX_KEY})
    return key


def run_once(model, key: str, *, same: Callable[[object], bool], apply: Callable[[], T]) -> T:
    """Apply a keyed change once, in one transaction; a retry with the same key returns the first result.

    The change inserts its key first (a unique column), so of two concurrent requests with one key the
    second waits on the index and then fails: it rolls back whole and answers the winner's result.
    """
    check_key(key)

    def replay():
        existing = model.objects.filter(idempotency_key=key).first()
        if existing is not None and not same(existing):
            raise refusal(ledger.IdempotencyConflict())
        return existing

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
