"""What every inventory service shares: its refusal error and the keyed replay that `common.idempotency.run_once`
uses to answer a retry with the first result."""

from __future__ import annotations

from collections.abc import Callable

from django.utils.translation import gettext

from common.errors import Refusal

from .. import ledger

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


def replay_of(model, key: str, same: Callable[[object], bool]) -> Callable[[], object | None]:
    """The row ``model`` already holds for ``key`` (its unique ``idempotency_key``), for `run_once`; a key used
    for a different change (``same`` says no) is refused."""
    check_key(key)

    def replay():
        existing = model.objects.filter(idempotency_key=key).first()
        if existing is not None and not same(existing):
            raise refusal(ledger.IdempotencyConflict())
        return existing

    return replay
