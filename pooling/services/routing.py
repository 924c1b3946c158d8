"""Routing requests: shop order lines (stock first, then production) and members' overflow; one routing round."""
from __future__ import annotations

import datetime
import logging

from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext
from oscar.core.loading import get_model

from inventory import ledger
from inventory.models import Member, StockMovement
from inventory.selectors import current_week
from inventory.services import InventoryError, stock_move, stock_transfer

from .. import routing, selectors
from ..engine import route as engine_route
from ..models import MakerPreference, RoutingRequest, RoutingRun, WorkOrder

log = logging.getLogger(__name__)
StockRecord = get_model("partner", "StockRecord")
OrderLine = get_model("order", "Line")


class PoolingError(InventoryError):
    """A refused pooling action, with a message for the member; nothing was written."""


def enqueue_routing(request_ids) -> None:
    """Route after the transaction commits, so the job (maybe another process) sees the rows."""
    from ..tasks import route_request

    for pk in request_ids:
        transaction.on_commit(lambda pk=pk: route_request.enqueue(pk))


# --- Shop orders -----------------------------------------------------------------------------


def _allocate_from_stock(line, member: Member, need: int) -> int:
    """Take free units of the line's variant, first the fulfilling member's own, then other members'
    (a recorded transfer in both ledgers), and allocate them to the line. Returns the units taken."""
    own = line.stockrecord
    taken = min(need, max(0, own.net_stock_level))
    others = (StockRecord.objects.filter(product=line.product).exclude(partner_id=member.partner_id)
              .filter(partner__member__status=Member.Status.ACTIVE).order_by("-num_in_stock", "pk"))
    for record in others:
        if taken >= need:
            break
        units = min(need - taken, max(0, record.net_stock_level))
        if units <= 0:
            continue
        try:
            stock_transfer(stockrecord=record, to_member=member, quantity=units, source=f"order-line:{line.pk}",
                           idempotency_key=f"pool:line:{line.pk}:from:{record.pk}")
        except InventoryError:  # taken by someone else meanwhile: try the next member
            continue
        taken += units
    if taken:
        stock_move(stockrecord=own, kind=StockMovement.Kind.ALLOCATED, quantity=taken, order_line=line,
                   source=f"order-line:{line.pk}", idempotency_key=f"pool:line:{line.pk}:allocate")
        OrderLine.objects.filter(pk=line.pk).update(num_allocated=F("num_allocated") + taken)
    return taken


def _preferred_maker(line):
    basket_id = line.order.basket_id
    if not basket_id:
        return None
    products = [line.product_id] + ([line.product.parent_id] if line.product.parent_id else [])
    pref = MakerPreference.objects.filter(basket_id=basket_id, product_id__in=products).select_related("member").first()
    return pref.member if pref else None


@transaction.atomic
def plan_order(*, order) -> list[RoutingRequest]:
    """Turn each line of a placed order into a routing request: stock anywhere in the cooperative first,
    the rest to be made by the promised week. Safe to run twice (a line keeps its one request)."""
    from catalog.shop.order.statuses import CANCELLED

    if order.status == CANCELLED:  # a worker picked the job up after the order was already cancelled
        return []
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
        need = line.quantity - held
        from_stock = _allocate_from_stock(line, member, need) if need > 0 else 0
        to_make = need - from_stock
        product_class = line.product.get_product_class()
        # The week the buyer was shown at checkout is the promise; older lines get today's estimate.
        due_week = line.promised_week or selectors.lead_time(line.product, quantity=max(1, to_make),
                                                              stock=False).due_week
        request = RoutingRequest.objects.create(
            kind=RoutingRequest.Kind.ORDER, order_line=line, member=member, product=line.product,
            product_class=product_class, ordered=line.quantity, from_stock=line.quantity - to_make,
            quantity=to_make, due_week=due_week, preferred_member=_preferred_maker(line),
            status=RoutingRequest.Status.OPEN if to_make else RoutingRequest.Status.STOCK,
        )
        created.append(request)
    enqueue_routing([r.pk for r in created if r.quantity])
    return created


# --- Overflow ---------------------------------------------------------------------------------


@transaction.atomic
def overflow_post(*, member: Member, product, quantity: int, due_week: datetime.date, note: str = "",
                  own_order=None, user=None) -> RoutingRequest:
    """A member hands units it cannot make to the pool; others with the skill and spare capacity get them."""
    if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity <= 0:
        raise PoolingError(gettext("The quantity must be more than zero."))
    if product.is_parent:
        raise PoolingError(gettext("Pick a variant (size or colour) of %(product)s.") % {"product": product.get_title()})
    if not isinstance(due_week, datetime.date) or not ledger.is_week_start(due_week) or due_week < current_week():
        raise PoolingError(gettext("The due week must be a Monday, this week or later."))
    if own_order is not None and own_order.member_id != member.pk:
        raise PoolingError(gettext("That own order belongs to another workshop."))
    request = RoutingRequest.objects.create(
        kind=RoutingRequest.Kind.OVERFLOW, member=member, product=product, product_class=product.get_product_class(),
        ordered=quantity, quantity=quantity, due_week=due_week, own_order=own_order, note=note.strip()[:255],
        created_by=user,
    )
    enqueue_routing([request.pk])
    return request


# --- One routing round ------------------------------------------------------------------------


def route_request(*, request_id: int, now: datetime.datetime | None = None) -> RoutingRun | None:
    """Route what a request still needs, once per round: a retried job finds its RoutingRun and stops."""
    now = now or timezone.now()
    with transaction.atomic():
        request = (RoutingRequest.objects.select_for_update(of=("self",))
                   .select_related("member", "product_class", "preferred_member").filter(pk=request_id).first())
        if request is None or request.status in (RoutingRequest.Status.DONE, RoutingRequest.Status.STOCK,
                                                RoutingRequest.Status.WITHDRAWN):
            return None
        existing = RoutingRun.objects.filter(request=request, round=request.round).first()
        if existing is not None:
            return existing
        live = (WorkOrder.objects.filter(request=request, state__in=WorkOrder.LIVE)
                .aggregate(s=Sum("quantity"))["s"] or 0)
        run = RoutingRun.objects.create(request=request, round=request.round)
        reason = _offer(request, run, request.quantity - live, now=now)
        run.save()
        request.unrouted, request.unrouted_reason = run.unrouted, reason
        request.status = RoutingRequest.Status.SHORT if run.unrouted else RoutingRequest.Status.ROUTED
        request.save(update_fields=["unrouted", "unrouted_reason", "status", "updated_at"])
        if run.unrouted:
            log.warning("routing request %s: %s units unrouted (%s)", request.pk, run.unrouted, reason)
        return run


def _offer(request: RoutingRequest, run: RoutingRun, need: int, *, now: datetime.datetime) -> str:
    """Ask the engine who makes ``need`` units and offer each its part as a work order; fills the run's
    counts and returns why units stayed unrouted (a RoutingRequest reason code, or "")."""
    run.routed, run.unrouted = 0, max(0, need)
    if need <= 0:
        return ""
    built = routing.build(request, need, today=timezone.localtime(now).date())
    if built.instance is None:
        return built.reason
    answer = engine_route(built.instance, explain=True)
    run.method = answer.method[:100]
    facts = routing.reasons(built, answer)
    for a in answer.assignments:
        WorkOrder.objects.create(
            request=request, round=request.round, member=built.members[a.member], product=request.product,
            quantity=a.quantity, week=built.weeks[a.week], due_week=request.due_week,
            explanation=a.explanation or "", reasons=facts.get((a.member, a.week), {}), offered_at=now,
        )
        run.routed += a.quantity
    run.unrouted = sum(u.quantity for u in answer.unrouted)
    return routing.unrouted_reason(built, request) if run.unrouted else ""


def reroute(*, request: RoutingRequest) -> None:
    """Start a new round (after a decline or a time-out); the job routes it after commit."""
    (RoutingRequest.objects.filter(pk=request.pk).exclude(status=RoutingRequest.Status.WITHDRAWN)
     .update(round=F("round") + 1, status=RoutingRequest.Status.OPEN))
    enqueue_routing([request.pk])
