"""Committed load per member per ISO week, and the members' own orders that feed it."""

from __future__ import annotations

import datetime
import uuid

from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext

from common.idempotency import run_once

from .. import ledger
from ..models import Member, OwnOrder, WeeklyLoad
from .common import InventoryError, replay_of


def _check_week(week: datetime.date) -> datetime.date:
    if not isinstance(week, datetime.date) or not ledger.is_week_start(week):
        raise InventoryError(gettext("A week is given by its Monday (the start of the ISO week)."))
    return week


def _units(units) -> int:
    if isinstance(units, bool) or not isinstance(units, int) or units <= 0:
        raise InventoryError(gettext("The quantity must be more than zero."))
    if units > ledger.MAX_MOVE:
        raise InventoryError(
            gettext("The quantity must be at most %(max)s in one movement.") % {"max": ledger.MAX_MOVE}
        )
    return units


def _record(*, member, week, units, source, product_class, idempotency_key) -> WeeklyLoad:
    key = idempotency_key or f"load:{uuid.uuid4()}"

    def apply():
        # Serialise load changes per member (PostgreSQL row lock) so a release is checked against
        # the load as it is, not as another request is about to leave it.
        list(Member.objects.select_for_update().filter(pk=member.pk).values_list("pk", flat=True))
        if units < 0:
            held = (
                WeeklyLoad.objects.filter(member=member, week=week, source=source).aggregate(s=Sum("units"))["s"] or 0
            )
            if held + units < 0:
                raise InventoryError(
                    gettext("Only %(held)s units of %(source)s are loaded in that week.")
                    % {"held": held, "source": source}
                )
        return WeeklyLoad.objects.create(
            member=member,
            week=week,
            units=units,
            source=source,
            product_class=product_class,
            idempotency_key=key,
        )

    replay = replay_of(WeeklyLoad, key, member_id=member.pk, week=week, units=units, source=source)
    return run_once(replay=replay, apply=apply)


def load_add(
    *, member: Member, week: datetime.date, units: int, source: str, product_class=None, idempotency_key: str = ""
) -> WeeklyLoad:
    """Commit ``units`` of work to ``member`` in ``week`` (a Monday). ``source`` names the cause
    ("own-order:12", "work-order:7"); pass an idempotency key when the caller may retry."""
    if not source:
        raise InventoryError(gettext("A load needs a source."))
    return _record(
        member=member,
        week=_check_week(week),
        units=_units(units),
        source=source,
        product_class=product_class,
        idempotency_key=idempotency_key,
    )


def load_release(
    *, member: Member, week: datetime.date, units: int, source: str, product_class=None, idempotency_key: str = ""
) -> WeeklyLoad:
    """Give back ``units`` of a source's load in ``week``; never more than that source holds there."""
    return _record(
        member=member,
        week=_check_week(week),
        units=-_units(units),
        source=source,
        product_class=product_class,
        idempotency_key=idempotency_key,
    )


def own_order_create(
    *,
    member: Member,
    product_class,
    quantity: int,
    due_week: datetime.date,
    note: str = "",
    user=None,
    idempotency_key: str | None = None,
) -> OwnOrder:
    """Record an order the member took itself; its units load the due week.

    With ``idempotency_key`` (the workspace form's token) a replayed post returns the order the first one
    recorded, so five taps on "Save order" record one order."""
    units, week = _units(quantity), _check_week(due_week)
    note = (note or "").strip()
    if len(note) > OwnOrder._meta.get_field("note").max_length:
        raise InventoryError(
            gettext("The note must be at most %(max)s characters.")
            % {"max": OwnOrder._meta.get_field("note").max_length}
        )

    def apply():
        order = OwnOrder.objects.create(
            member=member,
            product_class=product_class,
            quantity=units,
            due_week=week,
            note=note,
            created_by=user,
            idempotency_key=idempotency_key or None,
        )
        load_add(
            member=member,
            week=order.due_week,
            units=order.quantity,
            source=order.load_source,
            product_class=product_class,
            idempotency_key=f"{order.load_source}:add",
        )
        return order

    if not idempotency_key:
        with transaction.atomic():
            return apply()
    replay = replay_of(
        OwnOrder,
        idempotency_key,
        member_id=member.pk,
        product_class_id=product_class.pk,
        quantity=units,
        due_week=week,
    )
    return run_once(replay=replay, apply=apply)


@transaction.atomic
def own_order_close(*, order: OwnOrder, status: str) -> OwnOrder:
    """Mark an open own order done (its load stays: the work took the capacity) or cancelled (released)."""
    order = OwnOrder.objects.select_for_update().get(pk=order.pk)
    if order.status != OwnOrder.Status.OPEN:
        raise InventoryError(gettext("This order is already closed."))
    if status not in (OwnOrder.Status.DONE, OwnOrder.Status.CANCELLED):
        raise InventoryError(gettext("An order is closed as done or cancelled."))
    if status == OwnOrder.Status.CANCELLED:
        load_release(
            member=order.member,
            week=order.due_week,
            units=order.quantity,
            source=order.load_source,
            product_class=order.product_class,
            idempotency_key=f"{order.load_source}:release",
        )
    order.status = status
    order.save(update_fields=["status", "updated_at"])
    return order
