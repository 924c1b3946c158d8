"""Routing requests: shop order lines (stock first, then production) and members' overflow; one routing round."""

from __future__ import annotations

import datetime
import logging

from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext

from common import order_status
from inventory import ledger
from inventory.models import Member
from inventory.selectors import current_week
from inventory.services import InventoryError

from .. import routing
from ..engine import route as engine_route
from ..models import MakerPreference, RoutingRequest, RoutingRun, WorkOrder
from . import promises

log = logging.getLogger(__name__)
MAX_OVERFLOW = 10_000  # units one overflow posting hands to the pool


class PoolingError(InventoryError):
    """A refused pooling action, with a message for the member; nothing was written."""


def enqueue_routing(request_ids) -> None:
    """Route after the transaction commits, so the job (maybe another process) sees the rows. The request
    remembers it was queued (in the same transaction), so the sweep can tell a lost job from a queued one."""
    # Imported here, not at the top: the job module runs these services and imports them at its top.
    from ..tasks import route_request

    request_ids = list(request_ids)
    RoutingRequest.objects.filter(pk__in=request_ids).update(
        routing_queued_at=timezone.now(), routing_attempts=F("routing_attempts") + 1
    )
    for pk in request_ids:
        transaction.on_commit(lambda pk=pk: route_request.enqueue(pk))


# --- Shop orders -----------------------------------------------------------------------------


def reserve_order_line(*, line) -> RoutingRequest | None:
    """At placement, inside the order's transaction, after the shop held the fulfilling member's own stock:
    take the rest from other members' stock, check what is left to make still fits the promised week, and
    reserve it as an open routing request (routed after commit). Raises PromiseBroken; writes nothing then."""
    promises.lock_promises()
    if line.stockrecord_id is None or RoutingRequest.objects.filter(order_line=line).exists():
        return None
    member = Member.objects.filter(partner_id=line.partner_id).select_related("partner").first()
    if member is None:
        return None
    held = line.num_allocated or 0
    if held < line.quantity:
        held += promises.take_from_members(line=line, member=member, need=line.quantity - held)
        promises.keep_promise(line=line, held=held)
    request = promises.reserve_line(line=line, member=member)
    if request.quantity:
        enqueue_routing([request.pk])
    return request


@transaction.atomic
def plan_order(*, order) -> list[RoutingRequest]:
    """Give each line of a placed order its routing request if placement did not (orders placed before
    reservations, or a line the sweep found without one): stock anywhere first, the rest to be made by the
    promised week. Safe to run twice (a line keeps its one request)."""
    if order.status == order_status.CANCELLED:  # a worker picked the job up after the order was already cancelled
        return []
    promises.lock_promises()
    created = []
    lines = order.lines.select_related("stockrecord", "product", "product__parent", "order").order_by("pk")
    for line in lines:
        if line.product is None or line.stockrecord is None or hasattr(line, "pooling_request"):
            continue
        member = Member.objects.filter(partner_id=line.partner_id).select_related("partner").first()
        if member is None:
            continue
        # None: a line from before Oscar tracked it; placement held it all then (never allocate twice).
        held = line.num_allocated if line.num_allocated is not None else line.quantity
        if held < line.quantity:
            promises.take_from_members(line=line, member=member, need=line.quantity - held)
        created.append(promises.reserve_line(line=line, member=member))
    enqueue_routing([r.pk for r in created if r.quantity])
    return created


# --- Overflow ---------------------------------------------------------------------------------


@transaction.atomic
def overflow_post(
    *, member: Member, product, quantity: int, due_week: datetime.date, note: str = "", own_order=None, user=None
) -> RoutingRequest:
    """A member hands units it cannot make to the pool; others with the skill and spare capacity get them."""
    if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity <= 0:
        raise PoolingError(gettext("The quantity must be more than zero."))
    if quantity > MAX_OVERFLOW:  # the form's bound, kept here too: the row and the engine take no more
        raise PoolingError(gettext("At most %(max)s units can be handed to the pool at once.") % {"max": MAX_OVERFLOW})
    if product.is_parent:
        raise PoolingError(
            gettext("Pick a variant (size or colour) of %(product)s.") % {"product": product.get_title()}
        )
    if not isinstance(due_week, datetime.date) or not ledger.is_week_start(due_week) or due_week < current_week():
        raise PoolingError(gettext("The due week must be a Monday, this week or later."))
    if own_order is not None and own_order.member_id != member.pk:
        raise PoolingError(gettext("That own order belongs to another workshop."))
    request = overflow_request(
        member=member,
        product=product,
        quantity=quantity,
        due_week=due_week,
        own_order=own_order,
        note=note.strip()[:255],
        created_by=user,
    )
    enqueue_routing([request.pk])
    return request


def overflow_request(*, member: Member, product, quantity: int, due_week: datetime.date, **fields) -> RoutingRequest:
    """The request row of ``quantity`` units a member hands to the pool (checked by the caller; not routed yet)."""
    return RoutingRequest.objects.create(
        kind=RoutingRequest.Kind.OVERFLOW,
        member=member,
        product=product,
        product_class=product.get_product_class(),
        ordered=quantity,
        quantity=quantity,
        due_week=due_week,
        **fields,
    )


# --- One routing round ------------------------------------------------------------------------


class _Changed(Exception):
    """Capacity or load moved between solving and writing: solve again."""


def route_request(*, request_id: int, now: datetime.datetime | None = None) -> RoutingRun | None:
    """Route what a request still needs, once per round: a retried job finds its RoutingRun and stops.

    The engine runs outside any row lock: solve on a snapshot, then take the promise lock, rebuild the instance
    and write only if it is the one solved (else try again; the last try solves under the lock)."""
    now = now or timezone.now()
    for _attempt in range(OPTIMISTIC_TRIES):
        guess = _solve_snapshot(request_id, now)
        try:
            return _write_round(request_id, now, guess=guess, solve_if_changed=False)
        except _Changed:
            continue
    return _write_round(request_id, now, guess=None, solve_if_changed=True)


OPTIMISTIC_TRIES = 3
_FINISHED = (RoutingRequest.Status.DONE, RoutingRequest.Status.STOCK, RoutingRequest.Status.WITHDRAWN)


def _need(request: RoutingRequest) -> int:
    live = WorkOrder.objects.filter(request=request, state__in=WorkOrder.LIVE).aggregate(s=Sum("quantity"))["s"]
    return request.quantity - (live or 0)


def _solve_snapshot(request_id: int, now: datetime.datetime):
    """(instance, answer) solved without locks, or None when there is nothing to solve."""
    request = (
        RoutingRequest.objects.select_related("member", "product_class", "preferred_member")
        .filter(pk=request_id)
        .first()
    )
    if request is None or request.status in _FINISHED:
        return None
    need = _need(request)
    if need <= 0:
        return None
    built = routing.build(request, need, today=timezone.localtime(now).date())
    if built.instance is None:
        return None
    return built.instance, engine_route(built.instance, explain=True)


def _write_round(request_id: int, now: datetime.datetime, *, guess, solve_if_changed: bool) -> RoutingRun | None:
    with transaction.atomic():
        promises.lock_promises()  # lock order: promise lock, request, work orders
        request = (
            RoutingRequest.objects.select_for_update(of=("self",))
            .select_related("member", "product_class", "preferred_member")
            .filter(pk=request_id)
            .first()
        )
        if request is None or request.status in _FINISHED:
            return None
        existing = RoutingRun.objects.filter(request=request, round=request.round).first()
        if existing is not None:
            return existing
        run = RoutingRun.objects.create(request=request, round=request.round)
        reason = _offer(request, run, _need(request), now=now, guess=guess, solve_if_changed=solve_if_changed)
        run.save()
        request.unrouted, request.unrouted_reason = run.unrouted, reason
        request.status = RoutingRequest.Status.SHORT if run.unrouted else RoutingRequest.Status.ROUTED
        request.save(update_fields=["unrouted", "unrouted_reason", "status", "updated_at"])
        if run.unrouted:
            log.warning("routing request %s: %s units unrouted (%s)", request.pk, run.unrouted, reason)
        return run


def _offer(
    request: RoutingRequest,
    run: RoutingRun,
    need: int,
    *,
    now: datetime.datetime,
    guess=None,
    solve_if_changed: bool = True,
) -> str:
    """Offer each maker its part of ``need`` units as a work order (the engine's answer for the instance as it is
    now); fills the run's counts and returns why units stayed unrouted (a reason code, or "")."""
    run.routed, run.unrouted = 0, max(0, need)
    if need <= 0:
        return ""
    built = routing.build(request, need, today=timezone.localtime(now).date())
    if built.instance is None:
        return built.reason
    if guess is not None and guess[0] == built.instance:
        answer = guess[1]
    elif solve_if_changed:
        answer = engine_route(built.instance, explain=True)
    else:
        raise _Changed
    run.method = answer.method[:100]
    facts = routing.reasons(built, answer)
    for a in answer.assignments:
        WorkOrder.objects.create(
            request=request,
            round=request.round,
            member=built.members[a.member],
            product=request.product,
            quantity=a.quantity,
            week=built.weeks[a.week],
            due_week=request.due_week,
            explanation=a.explanation or "",
            reasons=facts.get((a.member, a.week), {}),
            offered_at=now,
        )
        run.routed += a.quantity
    run.unrouted = sum(u.quantity for u in answer.unrouted)
    return routing.unrouted_reason(built, request) if run.unrouted else ""


def reroute(*, request: RoutingRequest) -> None:
    """Start a new round (after a decline or a time-out); the job routes it after commit."""
    (
        RoutingRequest.objects.filter(pk=request.pk)
        .exclude(status=RoutingRequest.Status.WITHDRAWN)
        .update(round=F("round") + 1, status=RoutingRequest.Status.OPEN)
    )
    enqueue_routing([request.pk])


def prefer_maker(*, basket, product, code: str) -> None:
    """The buyer came from an artisan's page (?maker=m03): routing prefers that member for this product in this
    basket (one preference per basket and product; an unknown or inactive code is ignored)."""
    member = Member.objects.active().filter(code=code).first()
    if member is not None:
        MakerPreference.objects.update_or_create(basket=basket, product=product, defaults={"member": member})
