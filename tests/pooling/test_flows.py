"""End to end: orders and overflow become work orders; stock first; accept, decline, expire, made, handed over."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from oscar.core.loading import get_model

from inventory import selectors as inv
from inventory.models import Member, Production, StockMovement, WeeklyLoad
from inventory.services import stockrecord_for
from pooling import board, selectors, services, tasks
from pooling.models import RoutingRequest, RoutingRun, RoutingSettings, WorkOrder
from pooling.services.routing import MAX_OVERFLOW
from tests.factories import buy_material, empty_material

pytestmark = pytest.mark.django_db
StockRecord = get_model("partner", "StockRecord")


def skilled(product):
    return list(Member.objects.active().filter(skills=product.get_product_class()))


def spare_by_member(product, weeks):
    cal = inv.capacity_calendar(skilled(product), weeks=weeks, product_class=product.get_product_class())
    return {m.code: [c.spare for c in cells] for m, cells in cal.items()}


def place(order_factory, product, quantity, allocated=0, member_code="m01"):
    member = Member.objects.get(code=member_code)
    record = stockrecord_for(member=member, product=product)
    return order_factory([(record, quantity, allocated)])


def test_order_beyond_one_workshop_is_split_across_skilled_members_least_loaded_first(
    order_factory, variant, empty_stock, django_capture_on_commit_callbacks
):
    empty_stock(variant)
    makers = skilled(variant)
    assert len(makers) >= 2
    biggest = max(m.capacity_for(variant.get_product_class()) for m in makers)
    quantity = biggest + 3
    order = place(order_factory, variant, quantity)
    with django_capture_on_commit_callbacks(execute=True):
        services.plan_order(order=order)

    request = RoutingRequest.objects.get(order_line__order=order)
    assert request.quantity == quantity and request.from_stock == 0
    work = list(WorkOrder.objects.filter(request=request))
    assert sum(w.quantity for w in work) + request.unrouted == quantity
    assert len({w.member_id for w in work}) >= 2  # no single workshop gets it all
    assert {w.member_id for w in work} <= {m.pk for m in makers}  # only members with the skill
    assert all(w.week <= request.due_week for w in work)
    assert all(w.state == WorkOrder.State.OFFERED and w.explanation for w in work)
    # Least loaded first: the member with the most spare this week got work (offers are not load yet).
    spare_now = spare_by_member(variant, 1)
    freest = max(spare_now, key=lambda code: (spare_now[code][0], code))
    assert spare_now[freest][0] > 0, "the seed leaves this week free: someone must have room"
    assert freest in {w.member.code for w in work}


def test_stock_is_used_before_production_with_transfers_in_both_ledgers(order_factory, variant, empty_stock):
    empty_stock(variant)
    m01, m02 = Member.objects.get(code="m01"), Member.objects.get(code="m02")
    donor = stockrecord_for(member=m02, product=variant)
    from inventory.services import stock_move

    stock_move(
        stockrecord=donor, kind=StockMovement.Kind.ADJUSTED, quantity=4, reason="found", idempotency_key="t-donor"
    )
    order = place(order_factory, variant, 6)
    [request] = services.plan_order(order=order)
    assert request.from_stock == 4 and request.quantity == 2
    out_leg = StockMovement.objects.get(stockrecord=donor, kind=StockMovement.Kind.TRANSFER_OUT)
    in_leg = StockMovement.objects.get(transfer=out_leg.transfer, kind=StockMovement.Kind.TRANSFER_IN)
    assert out_leg.in_stock_delta == -4 and out_leg.counterpart == m01
    assert in_leg.stockrecord.partner_id == m01.partner_id and in_leg.counterpart == m02
    line = order.lines.get()
    assert line.num_allocated == 4
    assert StockMovement.objects.filter(order_line=line, kind=StockMovement.Kind.ALLOCATED).get().allocated_delta == 4
    assert inv.stock_discrepancies() == []
    # Planning twice (a retried job) changes nothing.
    assert services.plan_order(order=order) == []
    assert RoutingRequest.objects.filter(order_line=line).count() == 1


def test_order_fully_in_stock_needs_no_work(order_factory, variant, empty_stock):
    from inventory.services import stock_move

    empty_stock(variant)
    record = stockrecord_for(member=Member.objects.get(code="m01"), product=variant)
    stock_move(
        stockrecord=record, kind=StockMovement.Kind.ADJUSTED, quantity=1, reason="found", idempotency_key="t-one"
    )
    order = order_factory([(record, 1, 1)])
    [request] = services.plan_order(order=order)
    assert request.status == RoutingRequest.Status.STOCK and request.quantity == 0
    assert not WorkOrder.objects.filter(request=request).exists()
    assert selectors.order_progress(order)[0].in_stock == 1


def test_retried_routing_job_never_duplicates_work_orders(order_factory, variant, empty_stock):
    empty_stock(variant)
    order = place(order_factory, variant, 5)
    [request] = services.plan_order(order=order)
    tasks.route_request.enqueue(request.pk)
    first = sorted(WorkOrder.objects.filter(request=request).values_list("pk", flat=True))
    tasks.route_request.enqueue(request.pk)
    tasks.route_request.call(request.pk)
    assert sorted(WorkOrder.objects.filter(request=request).values_list("pk", flat=True)) == first
    assert RoutingRun.objects.filter(request=request).count() == 1
    assert sum(WorkOrder.objects.filter(request=request).values_list("quantity", flat=True)) == 5


def _routed(order_factory, variant, empty_stock, quantity=4):
    empty_stock(variant)
    order = place(order_factory, variant, quantity)
    [request] = services.plan_order(order=order)
    services.route_request(request_id=request.pk)
    return request


def test_decline_reroutes_to_others_excluding_the_decliner(
    order_factory, variant, empty_stock, django_capture_on_commit_callbacks
):
    request = _routed(order_factory, variant, empty_stock)
    wo = WorkOrder.objects.filter(request=request).first()
    with django_capture_on_commit_callbacks(execute=True):
        services.work_order_decline(work_order=wo, reason="no leather this week")
    wo.refresh_from_db()
    assert wo.state == WorkOrder.State.DECLINED
    request.refresh_from_db()
    assert request.round == 1
    assert RoutingRun.objects.filter(request=request, round=1).exists()  # the job ran again
    again = WorkOrder.objects.filter(request=request, round=1)
    assert again.exists()
    assert wo.member_id not in set(again.values_list("member_id", flat=True))
    live = WorkOrder.objects.filter(request=request, state__in=WorkOrder.LIVE)
    assert sum(live.values_list("quantity", flat=True)) + request.unrouted == request.quantity


def test_decline_needs_a_reason(order_factory, variant, empty_stock):
    request = _routed(order_factory, variant, empty_stock)
    wo = WorkOrder.objects.filter(request=request).first()
    with pytest.raises(services.PoolingError):
        services.work_order_decline(work_order=wo, reason="  ")
    wo.refresh_from_db()
    assert wo.state == WorkOrder.State.OFFERED


def test_unanswered_offers_expire_and_are_rerouted(
    order_factory, variant, empty_stock, django_capture_on_commit_callbacks
):
    request = _routed(order_factory, variant, empty_stock)
    offered = list(WorkOrder.objects.filter(request=request))
    hours = RoutingSettings.current().response_hours
    assert services.expire_work_orders(now=timezone.now() + datetime.timedelta(hours=hours - 1)) == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert services.expire_work_orders(now=timezone.now() + datetime.timedelta(hours=hours + 1)) == len(offered)
    assert all(WorkOrder.objects.get(pk=w.pk).state == WorkOrder.State.EXPIRED for w in offered)
    assert RoutingRun.objects.filter(request=request, round=1).exists()  # one new round, routed
    fresh = WorkOrder.objects.filter(request=request, round=1)
    assert not set(fresh.values_list("member_id", flat=True)) & {w.member_id for w in offered}
    request.refresh_from_db()
    assert sum(fresh.values_list("quantity", flat=True)) + request.unrouted == request.quantity


def test_accept_loads_made_produces_handover_allocates(order_factory, variant, empty_stock):
    request = _routed(order_factory, variant, empty_stock, quantity=2)
    wo = WorkOrder.objects.filter(request=request).order_by("pk").first()
    services.work_order_accept(work_order=wo)
    load = WeeklyLoad.objects.get(source=f"work-order:{wo.pk}")
    assert (load.member_id, load.week, load.units, load.idempotency_key) == (
        wo.member_id,
        wo.week,
        wo.quantity,
        f"work-order:{wo.pk}:accept",
    )
    with pytest.raises(services.PoolingError):
        services.work_order_accept(work_order=wo)  # once only
    # Give the maker the materials, then record it made: stock in, materials out.
    for material, per_unit in inv.bill_for(variant).items():
        buy_material(wo.member, material, per_unit * wo.quantity + 1)
    services.work_order_made(work_order=wo)
    production = Production.objects.get(idempotency_key=f"work-order:{wo.pk}:made")
    assert production.quantity == wo.quantity and production.member_id == wo.member_id
    services.work_order_hand_over(work_order=wo)
    wo.refresh_from_db()
    assert wo.state == WorkOrder.State.HANDED_OVER
    line = request.order_line
    line.refresh_from_db()
    assert line.num_allocated == wo.quantity
    assert inv.stock_discrepancies() == []
    # Made elsewhere: moved to the fulfilling member m01 with a recorded transfer; made at m01: no transfer.
    transferred = StockMovement.objects.filter(source=f"work-order:{wo.pk}", kind=StockMovement.Kind.TRANSFER_OUT)
    assert transferred.exists() == (wo.member.code != "m01")
    progress = selectors.order_progress(line.order)[0]
    assert progress.ready == wo.quantity


def test_made_without_materials_is_refused_and_named(order_factory, variant, empty_stock):
    request = _routed(order_factory, variant, empty_stock, quantity=2)
    wo = WorkOrder.objects.filter(request=request).first()
    services.work_order_accept(work_order=wo)
    for material in inv.bill_for(variant):  # empty the maker's shelves
        empty_material(wo.member, material)
    wo.refresh_from_db()
    shortages = selectors.material_shortages(wo)
    assert shortages and all(s.short > 0 for s in shortages)
    with pytest.raises(services.InventoryError):
        services.work_order_made(work_order=wo)
    wo.refresh_from_db()
    assert wo.state == WorkOrder.State.ACCEPTED


def test_overflow_is_routed_to_others_never_the_poster(variant, django_capture_on_commit_callbacks):
    poster = Member.objects.get(code="m01")
    week = inv.current_week() + datetime.timedelta(weeks=2)
    with django_capture_on_commit_callbacks(execute=True):
        posted = services.overflow_post(member=poster, product=variant, quantity=5, due_week=week, note="Toko")
    work = WorkOrder.objects.filter(request=posted)
    assert work.exists()
    assert poster.pk not in set(work.values_list("member_id", flat=True))
    assert sum(work.values_list("quantity", flat=True)) + RoutingRequest.objects.get(pk=posted.pk).unrouted == 5


@pytest.mark.parametrize("quantity,week_offset", [(0, 1), (-3, 1), (2, -1), (MAX_OVERFLOW + 1, 1)])
def test_overflow_refuses_bad_input(variant, quantity, week_offset):
    week = inv.current_week() + datetime.timedelta(weeks=week_offset)
    with pytest.raises(services.PoolingError):
        services.overflow_post(member=Member.objects.get(code="m01"), product=variant, quantity=quantity, due_week=week)
    assert not RoutingRequest.objects.filter(kind="overflow", member__code="m01", ordered=quantity).exists()


def test_no_skilled_member_left_is_flagged_with_reason(order_factory, variant, empty_stock):
    empty_stock(variant)
    Member.objects.filter(skills=variant.get_product_class()).update(status=Member.Status.SUSPENDED)
    order = place(order_factory, variant, 3)
    [request] = services.plan_order(order=order)
    services.route_request(request_id=request.pk)
    request.refresh_from_db()
    assert request.status == RoutingRequest.Status.SHORT and request.unrouted == 3 and request.unrouted_reason
    assert request in board.unroutable()


def test_lead_time_ready_or_made_to_order(variant, empty_stock):
    from inventory.services import stock_move

    record = stockrecord_for(member=Member.objects.get(code="m01"), product=variant)
    stock_move(
        stockrecord=record, kind=StockMovement.Kind.ADJUSTED, quantity=1, reason="found", idempotency_key="t-lead"
    )
    lead = selectors.lead_time(variant)
    assert lead.in_stock and lead.weeks == 0 and str(lead.text)
    empty_stock(variant)
    lead = selectors.lead_time(variant)
    assert not lead.in_stock and lead.weeks and lead.text == selectors.promise_text(lead.due_week)


def test_buyer_preferred_maker_from_basket(order_factory, variant, empty_stock, rf):
    from oscar.apps.basket.signals import basket_addition
    from oscar.core.loading import get_model as gm

    from pooling.models import MakerPreference

    Basket = gm("basket", "Basket")
    basket = Basket.objects.create()
    request = rf.get("/")
    request.session = {"pooling_maker": "m03"}
    request.basket = basket
    basket_addition.send(sender=None, product=variant, user=None, request=request)
    assert MakerPreference.objects.get(basket=basket).member.code == "m03"
    empty_stock(variant)
    order = place(order_factory, variant, 2)
    order.basket = basket
    order.save()
    [req] = services.plan_order(order=order)
    assert req.preferred_member.code == "m03"


def test_material_shortage_suggests_active_members_who_can_lend(order_factory, variant, empty_stock):
    from decimal import Decimal

    request = _routed(order_factory, variant, empty_stock, quantity=2)
    wo = WorkOrder.objects.filter(request=request).first()
    material, _per_unit = next(iter(inv.bill_for(variant).items()))
    empty_material(wo.member, material)
    others = Member.objects.active().exclude(pk=wo.member_id).order_by("code")
    lender, suspended = others[0], others[1]
    for member in (lender, suspended):  # far more than anyone else holds: the first two holders
        buy_material(member, material, Decimal(90000))
    Member.objects.filter(pk=suspended.pk).update(status=Member.Status.SUSPENDED)

    # Every member who can lend (the card shows the nearest three of the same ranking as the loan form).
    [shortage] = [s for s in selectors.material_shortages(wo, lenders=50) if s.material == material]
    assert shortage.have == 0 and shortage.short == shortage.needed > 0
    suggested = [member for member, _spare in shortage.lenders]
    assert lender in suggested and suspended not in suggested and wo.member not in suggested
    assert all(spare >= shortage.short for _member, spare in shortage.lenders)


def test_the_buyers_preferred_maker_gets_the_work_when_the_board_weighs_preference(order_factory, variant, empty_stock):
    from pooling.models import MakerPreference

    empty_stock(variant)
    services.routing_settings_update(fairness=0, distance=0, preference=1000, response_hours=48)
    preferred = skilled(variant)[-1]
    Basket = get_model("basket", "Basket")
    basket = Basket.objects.create()
    MakerPreference.objects.create(basket=basket, product=variant, member=preferred)
    order = place(order_factory, variant, 2)
    order.basket = basket
    order.save()
    [request] = services.plan_order(order=order)
    services.route_request(request_id=request.pk)
    assert set(WorkOrder.objects.filter(request=request).values_list("member_id", flat=True)) == {preferred.pk}
    assert all(w.reasons["preferred"] for w in WorkOrder.objects.filter(request=request))
