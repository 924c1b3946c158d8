"""Bank transfers the shop's own records do not hold: a port the apps above the shop fill.

A trade order (trade/, above the catalog in the layers: the shop may not import it) waits for two transfers: the
deposit, which is the order's own BankTransfer, and the balance before shipping, which the trade app keeps. Staff
confirm both the way they confirm any transfer (the bank statement upload, the dashboard's "Paid"), so those flows
ask the registered source about references they do not find among BankTransfers, and tell it about every transfer
confirmed, inside their transaction (the trade app moves an order whose deposit arrived into production). The
trade app registers its source when ready (trade/apps.py); with none registered nothing changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol


@dataclass(frozen=True)
class Due:
    """A transfer an order waits for beyond its BankTransfer (a trade order's balance)."""

    reference: str
    amount: Decimal
    order: object  # order.Order
    awaiting: bool
    status_label: str


class Source(Protocol):
    def find(self, references: list[str]) -> Due | None: ...

    def awaiting_for(self, order) -> Due | None: ...

    def received(self, *, order, reference: str, user) -> bool: ...


_sources: list[Source] = []


def register(source: Source) -> None:
    if source not in _sources:
        _sources.append(source)


def find(references: list[str]) -> Due | None:
    """The transfer one of ``references`` names, among those the registered sources keep."""
    return next((due for source in _sources if (due := source.find(references)) is not None), None)


def awaiting_for(order) -> Due | None:
    """A transfer the order still waits for, beyond its BankTransfer."""
    return next((due for source in _sources if (due := source.awaiting_for(order)) is not None), None)


def received(*, order, reference: str, user=None) -> bool:
    """Tell the sources a transfer of the order arrived (confirmed by ``user``); True when one acted on it."""
    return any([source.received(order=order, reference=reference, user=user) for source in _sources])
