"""Makers do not start unpaid trade work: on acceptance the plan's work orders are booked but held; the buyer's
deposit offers them. Meanwhile their weeks stay reserved, no answer clock runs, and a deposit that never comes
(the transfer's deadline passes) withdraws them."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from catalog.shop.order.transfers import release_expired_transfers
from catalog.shop.payment.models import BankTransfer
from pooling import selectors as pool
from pooling.models import WorkOrder
from pooling.services import PoolingError
from pooling.services.work import expire_work_orders, work_order_accept
from trade import services

from .conftest import pay_by_statement, request_sandals_and_belts, shop_staff

pytestmark = pytest.mark.django_db


def _accepted(importer, coop):
    rfq = request_sandals_and_belts(importer, coop)
    quote = services.prepare_quote(request=rfq, by=shop_staff(), valid_until=timezone.localdate())
    services.send_quote(quote=quote, by=shop_staff())
    return quote, services.accept_quote(quote=quote, user=importer.user)


def test_accepted_work_is_held_reserved_and_not_answerable(importer, coop):
    sandal_class = coop["sandal"].get_product_class()
    spare_before = sum(pool.weekly_spare(sandal_class))
    quote, order = _accepted(importer, coop)
    work = WorkOrder.objects.filter(request__order_line__order=order)
    assert work.exists() and set(work.values_list("state", flat=True)) == {"held"}
    # The weeks stay reserved: every member makes sandals and belts from one weekly capacity, so the sandals'
    # spare drops by all the planned units, as it would for work offered.
    planned = sum(m["units"] for m in quote.plan["makers"])
    assert sum(pool.weekly_spare(sandal_class)) == spare_before - planned

    held = work.first()
    with pytest.raises(PoolingError):
        work_order_accept(work_order=held, user=None)
    later = timezone.now() + datetime.timedelta(days=30)
    assert expire_work_orders(now=later) == 0  # no answer is due on work nobody was asked for yet
    assert set(work.values_list("state", flat=True)) == {"held"}


def test_the_deposit_offers_the_work_once(importer, coop):
    quote, order = _accepted(importer, coop)
    work = WorkOrder.objects.filter(request__order_line__order=order)
    started = timezone.now()
    pay_by_statement(order.bank_transfer.reference, quote.deposit)
    assert set(work.values_list("state", flat=True)) == {"offered"}
    assert all(at >= started for at in work.values_list("offered_at", flat=True))  # the answer clock starts now
    offered_at = sorted(work.values_list("pk", "offered_at"))

    services.transfer_received(order=order, reference=order.bank_transfer.reference, by=shop_staff())
    assert sorted(work.values_list("pk", "offered_at")) == offered_at  # a second confirmation changes nothing


def test_a_deposit_that_never_comes_withdraws_the_held_work(importer, coop):
    _quote, order = _accepted(importer, coop)
    work = WorkOrder.objects.filter(request__order_line__order=order)
    deadline = BankTransfer.objects.get(order=order).expires_at  # the deposit's: days, not the shop's hours
    assert order.number in release_expired_transfers(now=deadline + datetime.timedelta(minutes=1))
    assert set(work.values_list("state", flat=True)) == {"withdrawn"}


def test_the_maker_sees_held_work_without_an_accept_button(client, importer, coop):
    _quote, order = _accepted(importer, coop)
    held = WorkOrder.objects.filter(request__order_line__order=order).select_related("member__owner").first()
    client.force_login(held.member.owner)
    page = client.get(reverse("pooling:work", args=[held.member.code])).content.decode()
    card = page[page.index(f'id="wo-{held.pk}"') :]
    card = card[: card.index("</li>")]
    assert "Waiting for the buyer&#x27;s deposit" in card and "do not start yet" in card
    assert 'name="accept"' not in card
