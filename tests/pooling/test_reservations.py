"""Never oversell (issue 12): placing an order reserves what it promises — other members' stock and makers'
capacity — in its own transaction; lost routing jobs are swept up; every open line is covered or on the board."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from oscar.core.loading import get_model

from catalog.shop.order.allocation import InsufficientStock, allocate_basket_lines
from inventory.models import Member, MemberClassCapacity
from inventory.selectors import current_week
from inventory.services import stockrecord_for
from pooling import selectors, services
from pooling.models import RoutingRequest, RoutingRun, WorkOrder
from pooling.promise_check import coverage, uncovered_lines
from pooling.services.sweep import MAX_ATTEMPTS, STALE, sweep_routing
from tests.factories import empty_stock, give_stock
from tests.payments.helpers import _ensure_agreed_prices, place_order, to_preview

pytestmark = pytest.mark.django_db
Order = get_model("order", "Order")
StockRecord = get_model("partner", "StockRecord")
DUMMY_TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


@pytest.fixture(autouse=True)
def _english(english_messages):
    """Assertions read the English messages."""


def set_free(product, **units):
    """set_free(product, m02=1, m05=1): exactly these free units of the variant, at these members only."""
    empty_stock(product)
    give_stock(product, **units)


def only_maker(product, *, code: str | None, weekly: int = 0) -> None:
    """Nobody has the variant's skill but ``code`` (if given), whose weekly capacity for it is ``weekly``."""
    product_class = product.get_product_class()
    for member in Member.objects.all():
        member.skills.remove(product_class)
    if code is not None:
        member = Member.objects.get(code=code)
        member.skills.add(product_class)
        MemberClassCapacity.objects.update_or_create(
            member=member, product_class=product_class, defaults={"weekly_capacity": weekly}
        )


def order_line(order_factory, product, *, code="m01", quantity=1, promised_to_make=0, promised_week=None):
    record = stockrecord_for(member=Member.objects.get(code=code), product=product)
    order = order_factory([(record, quantity, 0)])
    order.lines.update(promised_to_make=promised_to_make, promised_week=promised_week)
    return order, order.lines.select_related("stockrecord", "product").get()


def place(order, line):
    with transaction.atomic():
        services.lock_promises()
        allocate_basket_lines(lines=[line], order=order)


# --- Stock at another member is held at placement -------------------------------------------------------------


def test_stock_at_another_member_is_held_when_the_order_is_placed(order_factory, variant):
    set_free(variant, m02=1, m03=1)
    only_maker(variant, code=None)
    first, line = order_line(order_factory, variant, code="m01", quantity=1)
    place(first, line)
    line.refresh_from_db()
    assert line.num_allocated == 1  # transferred from m02 or m03 and held for the line, before any job ran
    assert RoutingRequest.objects.get(order_line=line).status == RoutingRequest.Status.STOCK
    assert sum(max(0, r.net_stock_level) for r in StockRecord.objects.filter(product=variant)) == 1
    second, line2 = order_line(order_factory, variant, code="m01", quantity=1)
    place(second, line2)
    third, line3 = order_line(order_factory, variant, code="m01", quantity=1)
    with pytest.raises(InsufficientStock):
        place(third, line3)
    assert not RoutingRequest.objects.filter(order_line=line3).exists()
    # (the refused order's rows exist only because this test made them outside the placement)
    assert {row.line.pk for row in uncovered_lines()} <= {line3.pk}


def test_four_buyers_in_a_row_with_no_worker_get_two_orders(variant, settings):
    """The audit's repro: 1 unit at each of two members, no capacity; four guests reach the preview, then place
    one after another while no task worker runs. Two orders; the others are told it sold out."""
    settings.TASKS = DUMMY_TASKS
    _ensure_agreed_prices(variant)
    set_free(variant, m02=1, m03=1)
    only_maker(variant, code=None)
    buyers = [Client() for _ in range(4)]
    previews = [to_preview(buyer, product=variant, email=f"buyer{n}@example.com") for n, buyer in enumerate(buyers)]
    before = Order.objects.count()
    outcomes = [place_order(buyer, preview) for buyer, preview in zip(buyers, previews)]
    placed = [r for r in outcomes if "thank-you" in r.get("Location", "")]
    assert len(placed) == 2 and Order.objects.count() == before + 2
    refused = [r for r in outcomes if r.get("Location", "").endswith(reverse("basket:summary"))]
    assert len(refused) == 2
    for order in Order.objects.order_by("-pk")[:2]:
        assert order.lines.get().num_allocated == 1  # each holds its unit, though no job ran
    assert [row.line.order.number for row in uncovered_lines()] == []


# --- Capacity promised is capacity reserved --------------------------------------------------------------------


def test_made_to_order_capacity_is_reserved_at_placement(order_factory, variant):
    set_free(variant)
    only_maker(variant, code="m04", weekly=3)
    week = current_week()
    spare_before = selectors.weekly_spare(variant.get_product_class())[0]
    assert spare_before <= 3
    placed = 0
    for _n in range(spare_before + 2):
        order, line = order_line(order_factory, variant, quantity=1, promised_to_make=1, promised_week=week)
        try:
            place(order, line)
        except InsufficientStock as refused:
            assert "can no longer be made by the week you were shown" in str(refused)
            continue
        placed += 1
    assert placed == spare_before
    assert selectors.weekly_spare(variant.get_product_class())[0] == 0
    assert RoutingRequest.objects.filter(product=variant, status=RoutingRequest.Status.OPEN).count() == placed


def test_a_routing_round_solves_outside_the_lock_and_retries_when_capacity_moved(order_factory, variant, monkeypatch):
    set_free(variant)
    only_maker(variant, code="m04", weekly=3)
    order, line = order_line(order_factory, variant, quantity=2, promised_to_make=2, promised_week=current_week())
    place(order, line)
    request = RoutingRequest.objects.get(order_line=line)
    from pooling.services import routing as routing_service

    real = routing_service._solve_snapshot
    calls = []

    def snapshot_then_someone_commits(request_id, now):
        guess = real(request_id, now)
        calls.append(guess)
        if len(calls) == 1:  # capacity moves between solving and writing: the first answer must not be used
            MemberClassCapacity.objects.filter(member__code="m04").update(weekly_capacity=2)
        return guess

    monkeypatch.setattr(routing_service, "_solve_snapshot", snapshot_then_someone_commits)
    run = services.route_request(request_id=request.pk)
    assert len(calls) == 2 and run.routed == 2
    work = WorkOrder.objects.get(request=request)
    assert work.reasons["load_with"] == 100  # 2 of the new capacity 2, not 2 of 3


# --- Jobs that survive faults: the sweep -----------------------------------------------------------------------


def test_the_sweep_requeues_a_lost_routing_job_and_plans_an_unplanned_order(
    order_factory, variant, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = DUMMY_TASKS  # the jobs are queued but no worker runs them: "lost"
    set_free(variant)
    only_maker(variant, code="m04", weekly=3)
    order, line = order_line(order_factory, variant, quantity=2, promised_to_make=2, promised_week=current_week())
    place(order, line)
    request = RoutingRequest.objects.get(order_line=line)
    assert request.routing_attempts == 1 and not RoutingRun.objects.filter(request=request).exists()
    unplanned, _line = order_line(order_factory, variant, code="m05", quantity=1)
    Order.objects.filter(pk=unplanned.pk).update(date_placed=timezone.now() - STALE * 2)

    assert sweep_routing().requeued == 0  # queued a moment ago: not lost yet; but the old order is planned now
    assert RoutingRequest.objects.filter(order_line__order=unplanned).exists()

    later = timezone.now() + STALE + datetime.timedelta(minutes=1)
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        swept = sweep_routing(now=later)
    assert swept.requeued >= 1
    request.refresh_from_db()
    assert request.status == RoutingRequest.Status.ROUTED and request.routing_attempts == 2
    assert sweep_routing(now=later + STALE * 2).requeued == 0  # routed: nothing more to do


def test_the_sweep_gives_up_after_bounded_attempts_and_the_board_sees_it(order_factory, variant, settings, client_as):
    settings.TASKS = DUMMY_TASKS
    set_free(variant)
    only_maker(variant, code="m04", weekly=3)
    order, line = order_line(order_factory, variant, quantity=1, promised_to_make=1, promised_week=current_week())
    place(order, line)
    RoutingRequest.objects.filter(order_line=line).update(
        routing_attempts=MAX_ATTEMPTS, routing_queued_at=timezone.now() - STALE * 2
    )
    swept = sweep_routing()
    assert swept.requeued == 0 and swept.given_up == 1
    page = client_as("board").get(reverse("pooling:board")).content.decode()
    assert 'id="stuck-routing"' in page


def test_the_clock_runs_the_sweep():
    from guyub.jobs.schedule import JOBS

    assert "pooling.tasks.sweep_routing" in {job.task for job in JOBS}


# --- The promise check -----------------------------------------------------------------------------------------


def test_promise_check_flags_a_line_nothing_covers(order_factory, variant, client_as):
    set_free(variant)
    only_maker(variant, code=None)
    order, line = order_line(order_factory, variant, quantity=2, promised_to_make=2)
    services.plan_order(order=order)  # as an order from before reservations: nothing can make it
    services.route_request(request_id=RoutingRequest.objects.get(order_line=line).pk)
    assert [(row.line.pk, row.uncovered) for row in uncovered_lines()] == [(line.pk, 2)]
    with pytest.raises(CommandError, match="1 order line"):
        call_command("promise_check")
    page = client_as("board").get(reverse("pooling:board")).content.decode()
    section = page[page.index('id="uncovered"') :]
    assert order.number in section[: section.index("</table>")]


def test_promise_check_counts_held_reserved_and_made_units(order_factory, variant, settings):
    settings.TASKS = DUMMY_TASKS
    set_free(variant, m01=1)
    only_maker(variant, code="m04", weekly=3)
    order, line = order_line(order_factory, variant, quantity=3, promised_to_make=2, promised_week=current_week())
    place(order, line)
    [row] = coverage([line])
    assert (row.held, row.making, row.reserved, row.uncovered) == (1, 0, 2, 0)  # 1 held + 2 reserved
    assert line.pk not in {other.line.pk for other in uncovered_lines()}
    call_command("promise_check")
