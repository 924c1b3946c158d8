"""Buyers order beyond the cooperative's stock: the shop sells what is free, then what skilled members can make;
the order carries the promised week; routing uses stock first and makes the rest, or flags what it cannot."""

from __future__ import annotations

import datetime

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from oscar.core.loading import get_class, get_model

from catalog.shop.order.allocation import InsufficientStock, allocate_basket_lines
from catalog.shop.partner.availability import CooperativeAvailability
from inventory import selectors as inv
from inventory.models import Member, StockMovement
from inventory.selectors import current_week
from inventory.services import stockrecord_for
from pooling import board, selectors, services
from pooling.models import RoutingRequest, WorkOrder
from tests.factories import give_stock
from tests.payments.helpers import _ensure_agreed_prices, last_order, place_order, to_preview

pytestmark = pytest.mark.django_db
Selector = get_class("partner.strategy", "Selector")
StockRecord = get_model("partner", "StockRecord")
Order = get_model("order", "Order")
MONDAY = datetime.date(2026, 11, 23)


@pytest.fixture(autouse=True)
def _english(english_messages):
    """Assertions read the English messages."""


def availability(product):
    return Selector().strategy().fetch_for_product(product).availability


def skilled(product):
    return list(Member.objects.active().filter(skills=product.get_product_class()))


# --- The availability policy (no database) ------------------------------------------------------


@pytest.mark.django_db(False)
def test_availability_sells_free_stock_then_what_members_can_make():
    calls = []

    def spare():
        calls.append(1)
        return [3, 0, 4]

    policy = CooperativeAvailability(free=2, spare=spare, first_week=MONDAY)
    assert policy.is_purchase_permitted(2) == (True, "") and policy.code == "instock"
    assert policy.message == "Ready to ship (2 in stock)" and policy.short_message == "In stock"
    assert calls == [], "in-stock answers never read capacity"
    assert policy.lead(2).in_stock
    assert policy.lead(5).weeks == 1 and policy.lead(5).due_week == MONDAY
    assert policy.lead(6).weeks == 3 and policy.lead(6).due_week == MONDAY + datetime.timedelta(weeks=2)
    assert policy.is_purchase_permitted(9) == (True, "")
    allowed, why = policy.is_purchase_permitted(10)
    assert not allowed and "a maximum of 9" in why and "2 ready to ship" in why

    line = CooperativeAvailability(free=2, spare=spare, first_week=MONDAY, quantity=6)
    assert line.code == "made-to-order" and line.short_message == "Made to order"
    assert line.message == "2 ready to ship; the other 4 are made to order and ship by 14 Dec 2026"
    assert line.dispatch_date == MONDAY + datetime.timedelta(weeks=2)

    nothing = CooperativeAvailability(free=0, spare=lambda: [0, 0], first_week=MONDAY)
    assert not nothing.is_available_to_buy and nothing.code == "outofstock"
    assert "no member can make it" in nothing.is_purchase_permitted(1)[1]
    made = CooperativeAvailability(free=0, spare=lambda: [0, 5], first_week=MONDAY)
    assert made.is_available_to_buy and made.message == "Made to order, ships by 7 Dec 2026"


# --- The shop -----------------------------------------------------------------------------------


def test_sold_out_variant_is_made_to_order_with_its_lead_time(client, variant, empty_stock):
    _ensure_agreed_prices(variant)
    empty_stock(variant)
    policy = availability(variant)
    lead = selectors.lead_time(variant)
    assert policy.is_available_to_buy and policy.code == "made-to-order"
    assert policy.message == lead.text and lead.weeks
    client.cookies["django_language"] = "en"
    page = client.get(variant.get_absolute_url()).content.decode()
    assert 'id="variant-availability"' in page and lead.text in page


def test_free_stock_is_counted_across_members(variant, empty_stock):
    _ensure_agreed_prices(variant)
    empty_stock(variant)
    give_stock(variant, m01=2, m02=3)
    policy = availability(variant)
    assert policy.free == 5 and policy.num_available > 5 and policy.lead(5).in_stock and not policy.lead(6).in_stock


def test_more_than_members_can_make_is_refused_and_nothing_added(client, variant, empty_stock):
    _ensure_agreed_prices(variant)
    empty_stock(variant)
    limit = availability(variant).max_quantity
    client.cookies["django_language"] = "en"
    response = client.post(reverse("basket:add", kwargs={"pk": variant.pk}), {"quantity": limit + 1}, follow=True)
    assert f"a maximum of {limit} can be ordered" in response.content.decode()
    assert client.get(reverse("basket:summary")).context["basket"].num_items == 0


def test_nobody_to_make_it_and_no_stock_means_unavailable(client, variant, empty_stock):
    _ensure_agreed_prices(variant)
    empty_stock(variant)
    Member.objects.filter(skills=variant.get_product_class()).update(status=Member.Status.SUSPENDED)
    policy = availability(variant)
    assert not policy.is_available_to_buy and policy.code == "outofstock"
    response = client.post(reverse("basket:add", kwargs={"pk": variant.pk}), {"quantity": 1})
    assert client.get(reverse("basket:summary")).context["basket"].num_items == 0, response


# --- A buyer's order, end to end ------------------------------------------------------------------


def test_buyer_order_beyond_stock_uses_stock_first_and_splits_the_rest_across_makers(
    client, variant, empty_stock, django_capture_on_commit_callbacks
):
    _ensure_agreed_prices(variant)
    empty_stock(variant)
    give_stock(variant, m01=2, m02=3)
    makers = skilled(variant)
    to_make = max(m.capacity_for(variant.get_product_class()) for m in makers) + 3
    quantity = 5 + to_make
    lead = availability(variant).lead(quantity)
    assert not lead.in_stock and lead.weeks

    with django_capture_on_commit_callbacks(execute=True):
        preview = to_preview(client, product=variant, quantity=quantity)
        assert f"5 ready to ship; the other {to_make} are made to order" in preview.content.decode()
        response = place_order(client, preview)
    assert response.status_code == 302 and "thank-you" in response["Location"], [
        str(m) for m in client.get(response["Location"]).context["messages"]
    ]

    order = last_order()
    line = order.lines.get()
    assert (line.promised_to_make, line.promised_week) == (to_make, lead.due_week)
    assert line.num_allocated == 5  # the held part: 3 at placement, 2 transferred in by routing
    request = RoutingRequest.objects.get(order_line=line)
    assert (request.from_stock, request.quantity, request.due_week) == (5, to_make, lead.due_week)
    transfer = StockMovement.objects.get(kind=StockMovement.Kind.TRANSFER_OUT, source=f"order-line:{line.pk}")
    assert transfer.in_stock_delta == -2 and transfer.stockrecord.partner.member.code == "m01"

    work = list(WorkOrder.objects.filter(request=request))
    assert sum(w.quantity for w in work) == to_make and request.unrouted == 0
    assert len({w.member_id for w in work}) >= 2
    assert {w.member_id for w in work} <= {m.pk for m in makers}
    assert all(w.week <= lead.due_week for w in work)
    request.refresh_from_db()
    assert request.status == RoutingRequest.Status.ROUTED
    assert inv.stock_discrepancies() == []

    from django.core import mail

    [email] = [m for m in mail.outbox if order.number in m.subject]
    promise = f"× {to_make}: {selectors.promise_text(lead.due_week)}"  # the one wording of issue 15
    assert promise in email.body
    assert promise in email.alternatives[0][0]
    thank_you = client.get(response["Location"]).content.decode()
    assert 'id="order-progress"' in thank_you
    assert all(w.member.name not in thank_you for w in work), "buyers never see members' names"


def test_changed_promise_between_preview_and_placing_asks_the_buyer_again(client, variant, empty_stock):
    _ensure_agreed_prices(variant)
    empty_stock(variant)
    give_stock(variant, m01=3)
    preview = to_preview(client, product=variant, quantity=3)
    assert "made to order" not in preview.content.decode()
    give_stock(variant, m01=-2)  # another buyer took two meanwhile
    before = Order.objects.count()

    response = place_order(client, preview)
    assert response.status_code == 302 and Order.objects.count() == before
    again = client.get(response["Location"], follow=True)
    page = again.content.decode()
    assert "When your order ships has changed" in page and "the other 2 are made to order" in page

    response = place_order(client, again)
    assert "thank-you" in response["Location"]
    assert last_order().lines.get().promised_to_make == 2


def _placed_line(order_factory, variant, *, quantity, promised_to_make, free_at_m01):
    record = stockrecord_for(member=Member.objects.get(code="m01"), product=variant)
    order = order_factory([(record, quantity, quantity)])
    line = order.lines.get()
    line.promised_to_make = promised_to_make
    line.save()
    give_stock(variant, m01=free_at_m01)
    return order, line, record


def test_allocation_refuses_a_line_promised_ready_when_the_stock_went(order_factory, variant, empty_stock):
    empty_stock(variant)
    order, line, record = _placed_line(order_factory, variant, quantity=3, promised_to_make=0, free_at_m01=1)
    with pytest.raises(InsufficientStock) as refused, transaction.atomic():
        allocate_basket_lines(lines=[line], order=order)
    assert refused.value.available == 1
    record.refresh_from_db()
    assert record.num_allocated == 0


def test_allocation_holds_what_is_free_of_a_made_to_order_line(order_factory, variant, empty_stock):
    empty_stock(variant)
    order, line, record = _placed_line(order_factory, variant, quantity=3, promised_to_make=2, free_at_m01=1)
    with transaction.atomic():
        allocate_basket_lines(lines=[line], order=order)
    line.refresh_from_db()
    record.refresh_from_db()
    assert line.num_allocated == 1 and record.num_allocated == 1
    assert StockMovement.objects.get(order_line=line, kind=StockMovement.Kind.ALLOCATED).allocated_delta == 1


def test_a_promise_routing_cannot_meet_is_flagged_for_the_board(order_factory, variant, empty_stock):
    empty_stock(variant)
    this_week = selectors.weekly_spare(variant.get_product_class())[0]
    record = stockrecord_for(member=Member.objects.get(code="m01"), product=variant)
    order = order_factory([(record, this_week + 5, 0)])
    line = order.lines.get()
    line.promised_week, line.promised_to_make = current_week(), this_week + 5
    line.save()

    [request] = services.plan_order(order=order)
    services.route_request(request_id=request.pk)
    request.refresh_from_db()
    assert request.due_week == current_week()
    assert request.status == RoutingRequest.Status.SHORT and request.unrouted >= 5
    assert request.unrouted_reason == RoutingRequest.NO_CAPACITY
    assert "Not enough spare capacity" in request.unrouted_reason_text
    with translation.override("id"):
        assert "Not enough" not in request.unrouted_reason_text  # worded in the reader's language
    assert request in board.unroutable()


# --- A cancelled order stops its work ---------------------------------------------------------------


def test_cancelled_order_withdraws_its_work_and_frees_the_members_week(
    order_factory, variant, empty_stock, django_capture_on_commit_callbacks
):

    from catalog.shop.order import services as order_services, statuses

    empty_stock(variant)
    order = place_made_to_order(order_factory, variant, quantity=4)
    order.status = statuses.AWAITING_PAYMENT
    order.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.plan_order(order=order)
    request = RoutingRequest.objects.get(order_line__order=order)
    first = WorkOrder.objects.filter(request=request).first()
    services.work_order_accept(work_order=first)
    load_before = inv.loads([first.member], [first.week]).get((first.member_id, first.week), 0)

    with django_capture_on_commit_callbacks(execute=True):
        assert order_services.cancel_order(order=order, reason="Transfer never arrived", notify=False)

    request.refresh_from_db()
    assert request.status == RoutingRequest.Status.WITHDRAWN
    assert set(WorkOrder.objects.filter(request=request).values_list("state", flat=True)) == {"withdrawn"}
    load_after = inv.loads([first.member], [first.week]).get((first.member_id, first.week), 0)
    assert load_after == load_before - first.quantity
    assert services.withdraw_order(order=order) == 0  # twice changes nothing
    assert services.route_request(request_id=request.pk) is None  # a late routing job does nothing
    services.reroute(request=request)
    request.refresh_from_db()
    assert request.status == RoutingRequest.Status.WITHDRAWN


def test_a_late_planning_job_skips_a_cancelled_order(order_factory, variant, empty_stock):
    from catalog.shop.order import statuses

    empty_stock(variant)
    order = place_made_to_order(order_factory, variant, quantity=2)
    order.status = statuses.CANCELLED
    order.save()
    assert services.plan_order(order=order) == []
    assert not RoutingRequest.objects.filter(order_line__order=order).exists()


def place_made_to_order(order_factory, variant, *, quantity):
    record = stockrecord_for(member=Member.objects.get(code="m01"), product=variant)
    order = order_factory([(record, quantity, 0)])
    order.lines.update(promised_to_make=quantity)
    return order


def test_the_demo_sells_out_variants_that_then_show_made_to_order(db):
    from django.db.models import F, Sum

    from pooling.demo import sell_out_demo_variants

    assert sell_out_demo_variants(1) == 1
    assert sell_out_demo_variants(1) == 0  # again: nothing more is adjusted
    sold_out = (
        get_model("catalogue", "Product")
        .objects.filter(structure="child", stockrecords__isnull=False)
        .annotate(free=Sum(F("stockrecords__num_in_stock") - F("stockrecords__num_allocated")))
        .filter(free=0)
        .order_by("-upc")
        .first()
    )
    assert sold_out is not None
    assert StockMovement.objects.filter(idempotency_key__startswith="demo:sold-out:").count() >= 1
    _ensure_agreed_prices(sold_out)
    assert availability(sold_out).code == "made-to-order"


def test_work_late_for_its_promised_week_is_on_the_board(
    order_factory, variant, empty_stock, client_as, django_capture_on_commit_callbacks
):

    empty_stock(variant)
    order = place_made_to_order(order_factory, variant, quantity=2)
    with django_capture_on_commit_callbacks(execute=True):
        services.plan_order(order=order)
    late = WorkOrder.objects.filter(request__order_line__order=order).first()
    WorkOrder.objects.filter(pk=late.pk).update(due_week=current_week() - datetime.timedelta(weeks=1))
    assert late in board.late_work()
    page = client_as("board").get(reverse("pooling:board")).content.decode()
    section = page[page.index('id="late-work"') :]
    assert order.number in section[: section.index("</table>")]


def test_a_product_with_variants_shows_its_lead_time(client, variant):
    _ensure_agreed_prices(variant)
    client.cookies["django_language"] = "en"
    page = client.get(variant.parent.get_absolute_url()).content.decode()
    # The product page offers each size and colour with its own stock or lead time (issue 15's picker).
    assert 'id="variant-availability"' in page and availability(variant).message in page


def test_why_you_is_told_in_the_members_language(
    order_factory, variant, empty_stock, django_capture_on_commit_callbacks
):

    empty_stock(variant)
    order = place_made_to_order(order_factory, variant, quantity=2)
    with django_capture_on_commit_callbacks(execute=True):
        services.plan_order(order=order)
    wo = WorkOrder.objects.filter(request__order_line__order=order).first()
    facts = wo.reasons
    assert {"load", "load_with", "rank", "makers", "km", "preferred"} <= set(facts)
    assert facts["load_with"] >= facts["load"] and 1 <= facts["rank"] <= facts["makers"]
    english = wo.reason_text
    assert f"{facts['load']}% load that week" in english
    with translation.override("id"):
        indonesian = wo.reason_text
    assert indonesian != english and f"{facts['load']}%" in indonesian
    assert wo.explanation  # the engine's detailed words stay for the board


def test_the_demo_offer_claims_no_distance_ranking(db):
    from pooling.demo import seed_pooling

    seed_pooling()
    wo = WorkOrder.objects.get(request__note__startswith="demo: overflow")
    assert "load" in wo.reasons and "rank" not in wo.reasons
    assert "% load that week" in wo.reason_text and "nearer" not in wo.reason_text


def test_units_waiting_for_routing_are_not_promised_twice(order_factory, variant, empty_stock):
    empty_stock(variant)
    product_class = variant.get_product_class()
    before = selectors.weekly_spare(product_class)
    order = place_made_to_order(order_factory, variant, quantity=3)
    services.plan_order(order=order)  # the request exists; its routing job has not run (on_commit not fired)
    assert RoutingRequest.objects.get(order_line__order=order).status == RoutingRequest.Status.OPEN
    after = selectors.weekly_spare(product_class)
    assert sum(before) - sum(after) == min(3, sum(before))
    assert after[0] == max(0, before[0] - 3)  # taken from the earliest weeks
