"""A member's answers to its work orders: accept, decline, made, handed over; and time-outs."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import F, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext
from oscar.core.loading import get_model

from books import services as books
from inventory.models import StockMovement
from inventory.services import load_add, load_release, production_record, stock_move, stock_transfer, stockrecord_for

from ..models import RoutingRequest, RoutingSettings, WorkOrder
from .routing import PoolingError, reroute

OrderLine = get_model("order", "Line")


def _lock(work_order: WorkOrder, *states) -> WorkOrder:
    """Lock the work order's request, then the work order: the one lock order of routing requests and work
    orders (routing rounds and withdrawals take them in this order too), so no two actions deadlock."""
    request_id = WorkOrder.objects.values_list("request_id", flat=True).get(pk=work_order.pk)
    list(RoutingRequest.objects.select_for_update().filter(pk=request_id).values_list("pk", flat=True))
    wo = (
        WorkOrder.objects.select_for_update(of=("self",))
        .select_related("member", "request", "product")
        .get(pk=work_order.pk)
    )
    if wo.state not in states:
        raise PoolingError(
            gettext("This work order is %(state)s; that step is not possible now.")
            % {"state": wo.get_state_display().lower()}
        )
    return wo


def _load(change, wo: WorkOrder, step: str, product_class) -> None:
    """Put the work order's units in its member's week (``load_add``) or take them out (``load_release``), once
    per step of the work order (the load ledger's key)."""
    change(
        member=wo.member,
        week=wo.week,
        units=wo.quantity,
        source=wo.load_source,
        product_class=product_class,
        idempotency_key=f"{wo.load_source}:{step}",
    )


@transaction.atomic
def work_order_accept(*, work_order: WorkOrder, user=None, now=None) -> WorkOrder:
    """The member takes the work: its units load the member's week (the load ledger names the work order)."""
    wo = _lock(work_order, WorkOrder.State.OFFERED)
    wo.state, wo.answered_at = WorkOrder.State.ACCEPTED, now or timezone.now()
    wo.save(update_fields=["state", "answered_at"])
    _load(load_add, wo, "accept", wo.request.product_class)
    return wo


@transaction.atomic
def work_order_decline(*, work_order: WorkOrder, reason: str, user=None, now=None) -> WorkOrder:
    """The member cannot make it: the work goes back to the pool, never to this member again."""
    reason = (reason or "").strip()
    if not reason:
        raise PoolingError(gettext("Say why you decline, so the board can see it."))
    wo = _lock(work_order, WorkOrder.State.OFFERED, WorkOrder.State.ACCEPTED)
    if wo.state == WorkOrder.State.ACCEPTED:
        _load(load_release, wo, "release", wo.request.product_class)
    wo.state, wo.decline_reason, wo.answered_at = WorkOrder.State.DECLINED, reason[:255], now or timezone.now()
    wo.save(update_fields=["state", "decline_reason", "answered_at"])
    reroute(request=wo.request)
    return wo


@transaction.atomic
def expire_work_orders(*, now: datetime.datetime | None = None) -> int:
    """Offers unanswered for the board's response time count as declined and are routed again."""
    now = now or timezone.now()
    hours = RoutingSettings.current().response_hours
    due = WorkOrder.objects.filter(state=WorkOrder.State.OFFERED, offered_at__lte=now - datetime.timedelta(hours=hours))
    # Requests first, then their work orders (the lock order); the state is checked again under the lock.
    list(
        RoutingRequest.objects.select_for_update()
        .filter(pk__in=due.values("request_id"))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    stale = list(
        WorkOrder.objects.select_for_update(of=("self",))
        .filter(pk__in=list(due.values_list("pk", flat=True)))
        .filter(state=WorkOrder.State.OFFERED)
        .select_related("request")
        .order_by("pk")
    )
    requests = {}
    for wo in stale:
        wo.state, wo.answered_at = WorkOrder.State.EXPIRED, now
        wo.decline_reason = gettext("No answer within %(hours)s hours.") % {"hours": hours}
        wo.save(update_fields=["state", "answered_at", "decline_reason"])
        requests[wo.request_id] = wo.request
    for request in requests.values():  # one new round per request, however many of its offers expired
        reroute(request=request)
    return len(stale)


@transaction.atomic
def work_order_made(*, work_order: WorkOrder, user=None, now=None) -> WorkOrder:
    """Record the units as made: finished stock in, materials out per the bill (refused whole if short)."""
    wo = _lock(work_order, WorkOrder.State.ACCEPTED)
    if wo.product is None:
        raise PoolingError(gettext("This work order names no variant; ask the board."))
    production_record(
        member=wo.member,
        product=wo.product,
        quantity=wo.quantity,
        user=user,
        source=wo.load_source,
        idempotency_key=f"{wo.load_source}:made",
    )
    wo.state, wo.made_at = WorkOrder.State.MADE, now or timezone.now()
    wo.save(update_fields=["state", "made_at"])
    return wo


@transaction.atomic
def work_order_hand_over(*, work_order: WorkOrder, user=None, now=None) -> WorkOrder:
    """The made units go where the work came from: the order line's fulfilling member (allocated to the
    line) or the posting member of an overflow; a transfer is recorded when that is another workshop."""
    wo = _lock(work_order, WorkOrder.State.MADE)  # the request is locked already (lock order)
    request = RoutingRequest.objects.select_related("member", "order_line").get(pk=wo.request_id)
    target = request.member
    source = wo.load_source
    if target.pk != wo.member_id:
        stock_transfer(
            stockrecord=stockrecord_for(member=wo.member, product=wo.product),
            to_member=target,
            quantity=wo.quantity,
            user=user,
            source=source,
            idempotency_key=f"{source}:handover",
        )
    if request.kind == RoutingRequest.Kind.ORDER and request.order_line is not None:
        line = request.order_line
        record = (
            line.stockrecord
            if line.stockrecord and line.stockrecord.partner_id == target.partner_id
            else stockrecord_for(member=target, product=wo.product)
        )
        stock_move(
            stockrecord=record,
            kind=StockMovement.Kind.ALLOCATED,
            quantity=wo.quantity,
            order_line=line,
            user=user,
            source=source,
            idempotency_key=f"{source}:allocate",
        )
        OrderLine.objects.filter(pk=line.pk).update(num_allocated=Coalesce(F("num_allocated"), 0) + wo.quantity)
    wo.state, wo.handed_over_at = WorkOrder.State.HANDED_OVER, now or timezone.now()
    wo.save(update_fields=["state", "handed_over_at"])
    books.post_work_handed_over(work_order=wo, user=user)  # the receiving member owes the maker
    handed = request.work_orders.filter(state=WorkOrder.State.HANDED_OVER).aggregate(s=Sum("quantity"))["s"]
    if handed >= request.quantity:
        request.status = RoutingRequest.Status.DONE
        request.save(update_fields=["status", "updated_at"])
    return wo


@transaction.atomic
def withdraw_order(*, order, now=None) -> int:
    """The buyer's order was cancelled: its routing stops and its unfinished work is withdrawn, in the
    cancellation's transaction. Accepted work frees the member's week; units already made stay the maker's
    stock (they were recorded as production); handed-over units were allocated to the line, which the
    cancellation releases. Returns the number of work orders withdrawn; running it twice changes nothing."""
    now = now or timezone.now()
    requests = list(
        RoutingRequest.objects.select_for_update(of=("self",))
        .filter(order_line__order=order)
        .exclude(status=RoutingRequest.Status.WITHDRAWN)
        .select_related("product_class")
        .order_by("pk")
    )
    withdrawn = 0
    for request in requests:
        open_work = (
            WorkOrder.objects.select_for_update(of=("self",))
            .select_related("member")
            .filter(request=request, state__in=WorkOrder.UNFINISHED)
        )
        for wo in open_work:
            if wo.state == WorkOrder.State.ACCEPTED:
                _load(load_release, wo, "release", request.product_class)
            wo.state, wo.answered_at = WorkOrder.State.WITHDRAWN, wo.answered_at or now
            wo.save(update_fields=["state", "answered_at"])
            withdrawn += 1
        request.status = RoutingRequest.Status.WITHDRAWN
        request.save(update_fields=["status", "updated_at"])
    return withdrawn


@transaction.atomic
def routing_settings_update(
    *, fairness: float, distance: float, preference: float, response_hours: int, user=None
) -> RoutingSettings:
    row = RoutingSettings.current(lock=True)
    row.fairness, row.distance, row.preference, row.response_hours = fairness, distance, preference, response_hours
    row.updated_by = user if getattr(user, "is_authenticated", False) else None
    row.full_clean(exclude=["updated_by"])
    row.save()
    return row
