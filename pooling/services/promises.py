"""Reservations: what placing an order promises is held in the same transaction, so it is never offered again.

A line's units come from three places, in this order: the fulfilling member's free stock (the shop holds it,
``catalog.shop.order.allocation``), free stock at other members (transferred to the fulfilling member and held
here), and skilled members' spare capacity (a routing request, status "open", that the routing job turns into
work orders; until then ``selectors.waiting_units`` subtracts it from what the shop offers).

Placements, routing rounds and nothing else take the *promise lock* (the routing settings row) first, before any
stockrecord, routing request or work order: two placements cannot both read the same spare capacity, and a
routing round cannot give a maker the week another round is giving it. On SQLite the immediate transactions
serialise writers already; the lock is a no-op there.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext
from oscar.core.loading import get_model

from books import services as books
from inventory.models import Member, StockMovement
from inventory.selectors import current_week
from inventory.services import InventoryError, stock_move, stock_transfer

from .. import selectors
from ..models import MakerPreference, RoutingRequest, RoutingSettings

StockRecord = get_model("partner", "StockRecord")
OrderLine = get_model("order", "Line")


class PromiseBroken(InventoryError):
    """What the buyer was shown can no longer be held (stock or capacity went); nothing was written."""

    def __init__(self, message: str, *, available: int):
        self.available = available
        super().__init__(message)


def lock_promises() -> None:
    """Take the promise lock for the rest of the transaction (see the module doc for the lock order)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("lock_promises must run inside a transaction")
    pk = RoutingSettings.current().pk
    list(RoutingSettings.objects.select_for_update().filter(pk=pk).values_list("pk", flat=True))


def take_from_members(*, line, member: Member, need: int) -> int:
    """Transfer up to ``need`` free units of the line's variant from other active members to ``member`` and hold
    them for the line (both ledgers record it). Returns the units taken. Candidates are locked in pk order (no
    deadlock with a concurrent transfer); the biggest holder gives first."""
    own = line.stockrecord
    others = list(
        StockRecord.objects.select_for_update(of=("self",))
        .filter(product_id=line.product_id)
        .exclude(partner_id=member.partner_id)
        .filter(partner__member__status=Member.Status.ACTIVE)
        .order_by("pk")
    )
    taken = 0
    for record in sorted(others, key=lambda r: (-max(0, r.net_stock_level), r.pk)):
        units = min(need - taken, max(0, record.net_stock_level))
        if units <= 0:
            break
        try:
            stock_transfer(
                stockrecord=record,
                to_member=member,
                quantity=units,
                source=f"order-line:{line.pk}",
                idempotency_key=f"pool:line:{line.pk}:from:{record.pk}",
            )
        except InventoryError:  # taken meanwhile (only possible without the promise lock): try the next one
            continue
        books.post_stock_taken(line=line, giver=record.partner.member, taker=member, units=units)
        taken += units
    if taken:
        stock_move(
            stockrecord=own,
            kind=StockMovement.Kind.ALLOCATED,
            quantity=taken,
            order_line=line,
            source=f"order-line:{line.pk}",
            idempotency_key=f"pool:line:{line.pk}:allocate",
        )
        OrderLine.objects.filter(pk=line.pk).update(num_allocated=F("num_allocated") + taken)
        line.num_allocated = (line.num_allocated or 0) + taken
    return taken


def capacity_week(*, product_class, units: int) -> datetime.date | None:
    """The week by which skilled members' spare capacity (after everything already promised) covers ``units``;
    None when it does not within the routing horizon."""
    first = current_week()
    weeks = selectors.weeks_to_make(selectors.weekly_spare(product_class, first_week=first), units)
    if weeks is None:
        return None
    return first + datetime.timedelta(weeks=max(weeks, 1) - 1)


def keep_promise(*, line, held: int) -> None:
    """Refuse the line (raise PromiseBroken) unless what is held plus what can still be made by the promised week
    covers it: units promised ready must be held, units promised made must fit in spare capacity."""
    title = line.product.get_title()
    ready_needed = line.quantity - (line.promised_to_make or 0)
    if held < ready_needed:
        raise PromiseBroken(sold_out_message(title, held), available=held)
    to_make = line.quantity - held
    if to_make <= 0:
        return
    week = capacity_week(product_class=line.product.get_product_class(), units=to_make)
    promised = line.promised_week or week
    if week is None or promised is None or week > promised:
        raise PromiseBroken(
            gettext(
                "Sorry, “%(product)s” can no longer be made by the week you were shown: another buyer took the "
                "members' free time a moment ago. Please look at the new date."
            )
            % {"product": title},
            available=held,
        )


def sold_out_message(title: str, available: int) -> str:
    if available > 0:
        return gettext(
            "Sorry, only %(available)d of “%(product)s” are left: someone else ordered the rest a moment ago."
        ) % {"available": available, "product": title}
    return gettext("Sorry, “%(product)s” has just sold out: someone else ordered the last one a moment ago.") % {
        "product": title
    }


def preferred_maker(line):
    basket_id = line.order.basket_id
    if not basket_id:
        return None
    products = [line.product_id] + ([line.product.parent_id] if line.product.parent_id else [])
    pref = MakerPreference.objects.filter(basket_id=basket_id, product_id__in=products).select_related("member").first()
    return pref.member if pref else None


def reserve_line(*, line, member: Member) -> RoutingRequest:
    """The line's routing request: the units neither held nor transferred are reserved as capacity (status open)
    until routing offers them. One request per line (the caller checked there is none)."""
    held = line.num_allocated if line.num_allocated is not None else line.quantity
    to_make = max(0, line.quantity - held)
    # The week the buyer was shown at checkout is the promise; older lines get today's estimate.
    due_week = line.promised_week or selectors.lead_time(line.product, quantity=max(1, to_make), stock=False).due_week
    return RoutingRequest.objects.create(
        kind=RoutingRequest.Kind.ORDER,
        order_line=line,
        member=member,
        product=line.product,
        product_class=line.product.get_product_class(),
        ordered=line.quantity,
        from_stock=line.quantity - to_make,
        quantity=to_make,
        due_week=due_week,
        preferred_member=preferred_maker(line),
        status=RoutingRequest.Status.OPEN if to_make else RoutingRequest.Status.STOCK,
    )
