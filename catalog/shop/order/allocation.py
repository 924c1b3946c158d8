"""Holding, releasing and consuming stock for orders — the only place order code touches stock numbers.

Oscar 4.2.1's ``StockRecord.allocate()`` is an unconditional ``num_allocated += qty``: two buyers of the last unit
both succeed (docs/integration.md). ``allocate_basket_lines`` replaces it with a guarded conditional UPDATE that
matches no row when the free stock is short, so on PostgreSQL (row lock + re-check of the WHERE clause after
a concurrent update) and on SQLite (one writer at a time) stock can never be over-allocated.

Every stock number changes through the inventory ledger (``inventory.services.stock_move``); these three
functions are the whole surface order code uses.
"""

from __future__ import annotations

import uuid

from django.db import transaction
from django.db.models.signals import post_save
from django.utils.translation import gettext as _
from oscar.core.loading import get_class, get_model

from inventory.models import StockMovement
from inventory.services import InventoryError, stock_move
from pooling.services import PromiseBroken, reserve_order_line
from pooling.services.promises import sold_out_message

UnableToPlaceOrder = get_class("order.exceptions", "UnableToPlaceOrder")
StockRecord = get_model("partner", "StockRecord")


class InsufficientStock(UnableToPlaceOrder):
    """Another order took the stock (or the members' free time) between the basket check and placement. The
    message is for the buyer."""

    def __init__(self, *, product_title: str, requested: int, available: int, message: str = ""):
        self.product_title, self.requested, self.available = product_title, requested, available
        super().__init__(message or sold_out_message(product_title, available))


def _tracks_stock(line) -> bool:
    return bool(line.product.get_product_class().track_stock)


def allocate_basket_lines(*, lines, order=None) -> None:
    """Hold what each stock-tracked line was promised, or raise ``InsufficientStock`` and hold nothing.

    Must run inside the order's transaction: a refusal raises, the transaction rolls back, and the holds
    already taken for earlier lines go with it. Lines are taken in stockrecord order so concurrent orders
    lock rows in the same order and cannot deadlock. ``order`` is passed for the ledger (who allocated).

    An order line carries what the buyer was promised (``promised_to_make``: units accepted as made to order).
    The hold takes what the line's member has free; the pool then reserves the rest in the same transaction
    (``pooling.services.reserve_order_line``): free units at other members are transferred and held, what is
    left to make is reserved as capacity. When that no longer covers the promise, the line is refused and the
    buyer decides again on the new lead time.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("allocate_basket_lines must run inside the order transaction")
    for line in sorted(lines, key=lambda item: item.stockrecord_id or 0):
        if not _tracks_stock(line):
            continue
        record = line.stockrecord
        if record is None:
            raise UnableToPlaceOrder(_("“%s” is no longer available.") % line.product.get_title())
        held = _hold(line, record, order)
        if getattr(line, "order_id", None):
            _reserve_rest(line, held)
        elif held < line.quantity:  # a line not yet an order line cannot be pooled: stock only
            raise InsufficientStock(product_title=line.product.get_title(), requested=line.quantity, available=held)
        # Oscar's own allocate() announces the change (stock alerts listen); keep that behaviour.
        post_save.send(sender=StockRecord, instance=record, created=False, raw=False, using=record._state.db)


def _free(record) -> int:
    return max(record.net_stock_level, 0)


def _hold(line, record, order) -> int:
    """Hold as much of the line as the member's free stock covers; return the units held.

    Each attempt is the inventory ledger's conditional update (no oversell on either database); after a
    refusal the free stock is read again and a smaller hold tried, because another order may have taken some.
    """
    wanted = line.quantity
    for _attempt in range(3):
        if wanted <= 0:
            return 0
        try:
            stock_move(
                stockrecord=record,
                kind=StockMovement.Kind.ALLOCATED,
                quantity=wanted,
                idempotency_key=f"order-line:{line.pk}:hold" if line.pk else f"basket-line:{uuid.uuid4()}",
                source=f"order:{order.number}" if order is not None else "checkout",
                order_line=line if getattr(line, "order_id", None) else None,
            )
        except InventoryError:
            record.refresh_from_db(fields=["num_in_stock", "num_allocated"])
            wanted = min(line.quantity, _free(record))
            continue
        record.refresh_from_db(fields=["num_in_stock", "num_allocated"])
        return wanted
    return 0


def _reserve_rest(line, held: int) -> None:
    """Record the member's own hold on the line, then let the pool reserve the rest (or refuse the line)."""
    if line.num_allocated != held:
        # Oscar set num_allocated = quantity when it created the line; only the held units are allocated.
        type(line).objects.filter(pk=line.pk).update(num_allocated=held)
        line.num_allocated = held
    try:
        reserve_order_line(line=line)
    except PromiseBroken as error:
        raise InsufficientStock(
            product_title=line.product.get_title(),
            requested=line.quantity,
            available=error.available,
            message=error.message,
        ) from error


def release_order_lines(*, order) -> None:
    """Give back the stock an order still holds (cancelled, transfer expired). Safe to call twice."""
    for line in _holding_lines(order):
        if not line.allocation_cancelled:
            _end_hold(line, kind=StockMovement.Kind.DEALLOCATED, step="release")


def consume_order_lines(*, order) -> None:
    """The goods left the workshop: the held units leave the stock (in_stock and allocated both drop)."""
    for line in _holding_lines(order):
        if line.is_allocation_consumption_possible(line.num_allocated):
            _end_hold(line, kind=StockMovement.Kind.SHIPPED, step="ship")


def _holding_lines(order):
    return [line for line in order.lines.select_related("stockrecord") if line.num_allocated and line.stockrecord_id]


def _end_hold(line, *, kind, step: str) -> None:
    """Oscar's Line.cancel_allocation / consume_allocation for the whole hold, the stockrecord side through the
    inventory ledger. The line is locked and read again, so a concurrent release or shipment moves nothing twice."""
    with transaction.atomic():
        locked = type(line).objects.select_for_update().get(pk=line.pk)
        quantity = locked.num_allocated or 0
        if not quantity:
            return
        locked.num_allocated = 0
        fields = ["num_allocated"]
        if kind == StockMovement.Kind.DEALLOCATED:
            locked.allocation_cancelled = True
            fields.append("allocation_cancelled")
        locked.save(update_fields=fields)
        # The key ends in the units the line still holds afterwards (none), as the ledger's keys always have.
        stock_move(
            stockrecord=line.stockrecord,
            kind=kind,
            quantity=quantity,
            idempotency_key=f"order-line:{line.pk}:{step}:0",
            source=f"order:{line.order.number}",
            order_line=locked,
        )
