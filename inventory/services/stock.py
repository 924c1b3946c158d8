"""Finished-goods stock: every change of a stockrecord is a StockMovement written in the same transaction.

The stockrecord is changed by one conditional UPDATE whose WHERE clause holds the ledger rule
(0 <= allocated <= in stock after the change), so two concurrent requests can never both take the
last unit, on SQLite or PostgreSQL; when the UPDATE matches no row the change is refused as a whole.
Rows are always updated in primary-key order, so transfers never deadlock.
"""

from __future__ import annotations

import uuid

from django.db.models import F, IntegerField, Q
from django.db.models.functions import Coalesce, Now
from django.utils.translation import gettext
from oscar.core.loading import get_model

from common.idempotency import run_once

from .. import ledger
from ..models import Member, StockMovement
from .common import InventoryError, movement_reason, refusal, replay_of, ruled, write_once

StockRecord = get_model("partner", "StockRecord")


def stock_level(stockrecord_id: int) -> ledger.StockLevel:
    row = StockRecord.objects.values("num_in_stock", "num_allocated").get(pk=stockrecord_id)
    return ledger.StockLevel(row["num_in_stock"] or 0, row["num_allocated"] or 0)


def _apply(stockrecord_id: int, d_in: int, d_alloc: int) -> None:
    in_stock = Coalesce(F("num_in_stock"), 0, output_field=IntegerField())
    allocated = Coalesce(F("num_allocated"), 0, output_field=IntegerField())
    updated = (
        StockRecord.objects.alias(i=in_stock, a=allocated)
        .filter(
            Q(pk=stockrecord_id),
            Q(i__gte=-d_in),
            Q(a__gte=-d_alloc),
            Q(i__gte=F("a") + (d_alloc - d_in)),
            Q(i__lte=ledger.MAX_BALANCE - d_in),
        )
        .update(num_in_stock=in_stock + d_in, num_allocated=allocated + d_alloc, date_updated=Now())
    )
    if updated != 1:
        level = stock_level(stockrecord_id)
        ledger.apply_stock(level, d_in, d_alloc)  # raises, naming the numbers (or the bound) as they are now
        # A concurrent change made room between the UPDATE and the read: still refused; a retry applies it.
        raise ledger.stock_shortage(level, d_in, d_alloc)


def apply_movement(movement: StockMovement) -> StockMovement:
    """Write a movement and its effect on the stockrecord (inside the caller's transaction)."""
    for delta in (movement.in_stock_delta, movement.allocated_delta):
        if abs(delta) > ledger.MAX_BALANCE:  # what the table's check refuses, refused in words first
            raise refusal(ledger.balance_too_large(delta))
    movement.save()
    try:
        _apply(movement.stockrecord_id, movement.in_stock_delta, movement.allocated_delta)
    except (ledger.StockShortage, ledger.OutOfBounds) as error:
        raise refusal(error) from error
    return movement


def stockrecord_for(*, member: Member, product, create: bool = True):
    """The member's stockrecord of a variant; a new one starts empty and carries the agreed price of
    the variant's other stockrecords (one price for every member)."""
    record = StockRecord.objects.filter(product=product, partner_id=member.partner_id).order_by("pk").first()
    if record is not None or not create:
        return record
    sibling = StockRecord.objects.filter(product=product).exclude(price=None).order_by("pk").first()
    record, _ = StockRecord.objects.get_or_create(
        partner_id=member.partner_id,
        partner_sku=f"{member.code}-{product.upc or product.pk}",
        defaults={
            "product": product,
            "num_in_stock": 0,
            "num_allocated": 0,
            "price": sibling.price if sibling else None,
            **({"price_currency": sibling.price_currency} if sibling else {}),
        },
    )
    if record.product_id != product.pk:
        raise InventoryError(
            gettext("The stock code %(sku)s is already used for another product.") % {"sku": record.partner_sku}
        )
    return record


def stock_move(
    *,
    stockrecord,
    kind: str,
    quantity: int,
    idempotency_key: str,
    reason: str = "",
    user=None,
    source: str = "",
    order_line=None,
    production=None,
) -> StockMovement:
    """Record one stock change of a member's variant: produced, allocated (sold), deallocated, shipped,
    returned, opening, or adjusted (signed quantity, reason required). Transfers: stock_transfer."""
    if kind in (StockMovement.Kind.TRANSFER_IN, StockMovement.Kind.TRANSFER_OUT):
        raise InventoryError(gettext("Use a transfer to move stock between members."))
    d_in, d_alloc = ruled(ledger.stock_deltas, kind, quantity)
    reason = movement_reason(reason, adjusted=kind == StockMovement.Kind.ADJUSTED)
    movement = StockMovement(
        stockrecord=stockrecord,
        kind=kind,
        in_stock_delta=d_in,
        allocated_delta=d_alloc,
        reason=reason,
        idempotency_key=idempotency_key,
        created_by=user,
        source=source,
        order_line=order_line,
        production=production,
    )
    return write_once(apply_movement, movement, compare=("stockrecord_id", "kind", "in_stock_delta", "allocated_delta"))


def stock_transfer(
    *,
    stockrecord,
    to_member: Member,
    quantity: int,
    idempotency_key: str,
    reason: str = "",
    user=None,
    source: str = "",
) -> tuple[StockMovement, StockMovement]:
    """Move free units of a variant from its member to another member: two movements, one transaction."""
    units = ruled(ledger.whole_units, quantity)
    from_member = Member.objects.get(partner_id=stockrecord.partner_id)
    if from_member.pk == to_member.pk:
        raise refusal(ledger.SameAccount())

    def apply():
        target = stockrecord_for(member=to_member, product=stockrecord.product)
        group = uuid.uuid4()
        common = {"transfer": group, "reason": reason.strip(), "created_by": user, "source": source}
        out_leg = StockMovement(
            stockrecord=stockrecord,
            kind=StockMovement.Kind.TRANSFER_OUT,
            in_stock_delta=-units,
            counterpart=to_member,
            idempotency_key=idempotency_key,
            **common,
        )
        in_leg = StockMovement(
            stockrecord=target,
            kind=StockMovement.Kind.TRANSFER_IN,
            in_stock_delta=units,
            counterpart=from_member,
            idempotency_key=f"{idempotency_key}/in",
            **common,
        )
        for leg in sorted((out_leg, in_leg), key=lambda m: m.stockrecord_id):  # lock order: pk
            apply_movement(leg)
        return out_leg

    replay = replay_of(
        StockMovement,
        idempotency_key,
        stockrecord_id=stockrecord.pk,
        kind=StockMovement.Kind.TRANSFER_OUT,
        in_stock_delta=-units,
        counterpart_id=to_member.pk,
    )
    out_leg = run_once(replay=replay, apply=apply)
    return out_leg, StockMovement.objects.get(transfer=out_leg.transfer, kind=StockMovement.Kind.TRANSFER_IN)
