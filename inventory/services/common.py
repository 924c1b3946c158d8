"""What every inventory service shares: its refusal error (a ledger rule's refusal in words), and the keyed replay
that `common.idempotency.run_once` uses to answer a retry with the first result."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.utils.translation import gettext

from common.errors import Refusal
from common.idempotency import run_once

from .. import ledger

T = TypeVar("T")
MAX_KEY = 80  # leaves room for the suffixes of derived keys (max_length 100)


class InventoryError(Refusal):
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


def movement_reason(reason: str, *, adjusted: bool) -> str:
    """A movement's reason, trimmed; an adjustment must give one (nothing else records why the count changed)."""
    reason = reason.strip()
    if adjusted and not reason:
        raise InventoryError(gettext("An adjustment needs a reason."))
    return reason


def ruled(rule: Callable[..., T], *args) -> T:
    """``rule(*args)`` of the ledger, its refusal (a LedgerError) turned into the member's InventoryError."""
    try:
        return rule(*args)
    except ledger.LedgerError as error:
        raise refusal(error) from error


def replay_of(model, key: str, **expected) -> Callable[[], object | None]:
    """The row ``model`` already holds for ``key`` (its unique ``idempotency_key``), for `run_once`; a key used
    for a different change (a field of that row differs from ``expected``) is refused."""
    check_key(key)

    def replay():
        existing = model.objects.filter(idempotency_key=key).first()
        if existing is not None and any(getattr(existing, name) != value for name, value in expected.items()):
            raise refusal(ledger.IdempotencyConflict())
        return existing

    return replay


def write_once(write: Callable[[T], T], row: T, *, compare: tuple[str, ...]) -> T:
    """``write(row)`` (a module's apply_movement) in one transaction, unless a row with its idempotency key exists:
    then that row, when it agrees on the fields named in ``compare`` (else refused)."""
    expected = {name: getattr(row, name) for name in compare}
    return run_once(replay=replay_of(type(row), row.idempotency_key, **expected), apply=lambda: write(row))
