"""A trade quote with no deposit (0 %): on acceptance the order goes straight into production (the makers are
offered the work at once) and no deposit transfer is created, so nothing expires and cancels the order later; the
buyer is told there is no deposit and the whole total is due before shipping; the balance (the whole total) is
asked, paid and confirmed as for any trade order, and then the order ships. A full deposit (100 %) still waits
for its transfer and then has no balance to pay."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from books.ledger import format_rupiah
from catalog.shop.order.services import confirm_bank_transfer, mark_shipped
from catalog.shop.order.transfers import release_expired_transfers
from catalog.shop.payment.models import BankTransfer
from pooling.models import WorkOrder
from trade import services
from trade.models import BalanceTransfer
from trade.services.acceptance import DEPOSIT_DAYS

from .conftest import make_and_hand_over, pay_by_statement, request_sandals_and_belts, shop_staff

pytestmark = pytest.mark.django_db


def _sent(importer, coop, deposit_percent: int):
    quote = services.prepare_quote(
        request=request_sandals_and_belts(importer, coop),
        by=shop_staff(),
        valid_until=timezone.localdate() + datetime.timedelta(days=14),
        deposit_percent=deposit_percent,
    )
    services.send_quote(quote=quote, by=shop_staff())
    return quote


def _accepted(importer, coop, capture, deposit_percent: int = 0):
    quote = _sent(importer, coop, deposit_percent)
    with capture(execute=True):
        order = services.accept_quote(quote=quote, user=importer.user)
    order.refresh_from_db()
    quote.refresh_from_db()
    return quote, order


def _work(order):
    return WorkOrder.objects.filter(request__order_line__order=order)


def _buyer(importer) -> Client:
    client = Client()
    client.cookies["django_language"] = "en"
    client.force_login(importer.user)
    return client


def test_no_deposit_goes_into_production_and_nothing_expires(importer, coop, django_capture_on_commit_callbacks):
    quote, order = _accepted(importer, coop, django_capture_on_commit_callbacks)
    assert quote.deposit == 0 and quote.balance == quote.total
    assert order.status == "In production"
    # Through the order services, as the deposit's arrival moves an order: Awaiting payment → Paid → In production.
    moves = list(order.status_changes.order_by("pk").values_list("old_status", "new_status"))
    assert moves == [("Awaiting payment", "Paid"), ("Paid", "In production")]
    assert order.notes.filter(message__contains="No deposit agreed").count() == 1
    assert not BankTransfer.objects.filter(order=order).exists()  # nothing that could expire and cancel it
    work = _work(order)
    assert work.exists() and set(work.values_list("state", flat=True)) == {"offered"}  # not held: asked now

    # Long after a deposit's hold would have run out, the transfer expiry cancels nothing.
    later = timezone.now() + datetime.timedelta(days=DEPOSIT_DAYS, hours=1)
    assert order.number not in release_expired_transfers(now=later)
    assert order.number not in release_expired_transfers(now=later + datetime.timedelta(days=30))
    order.refresh_from_db()
    assert order.status == "In production"
    assert not work.filter(state="withdrawn").exists()

    assert services.accept_quote(quote=quote, user=importer.user) == order  # accepting again: nothing twice
    order.refresh_from_db()
    assert order.status_changes.count() == 2 and not BankTransfer.objects.filter(order=order).exists()


def test_the_buyer_reads_that_there_is_no_deposit(importer, coop, django_capture_on_commit_callbacks):
    quote = _sent(importer, coop, 0)
    buyer = _buyer(importer)
    page = buyer.get(reverse("trade:request", args=[quote.request_id])).content.decode()
    assert "Payment: no deposit; the whole total of" in page
    assert "deposit of 0%" not in page
    proforma = buyer.get(reverse("trade:document", args=[quote.pk, "proforma"])).content.decode()
    assert "Payment: no deposit; the whole total of" in proforma and "deposit of 0%" not in proforma
    assert buyer.get(reverse("trade:document-pdf", args=[quote.pk, "proforma"])).status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        response = buyer.post(reverse("trade:accept", args=[quote.pk]), follow=True)
    assert response.status_code == 200
    page = response.content.decode()
    assert "goes into production now. There is no deposit: the whole total of" in page
    assert format_rupiah(quote.total) in page
    assert "Please transfer the deposit" not in page
    again = buyer.post(reverse("trade:accept", args=[quote.pk]), follow=True)  # a second click: no 500
    assert again.status_code == 200 and "There is no deposit" in again.content.decode()


def test_no_deposit_order_is_paid_in_full_before_it_ships(importer, coop, django_capture_on_commit_callbacks):
    quote, order = _accepted(importer, coop, django_capture_on_commit_callbacks)
    with pytest.raises(services.BalanceDue):  # nothing paid yet: it may not ship
        mark_shipped(order=order, user=shop_staff())

    with django_capture_on_commit_callbacks(execute=True):  # the balance is asked once everything is ready
        make_and_hand_over(_work(order).order_by("pk"))
    balance = BalanceTransfer.objects.get(quote=quote)
    assert balance.amount == quote.total and not balance.paid
    page = _buyer(importer).get(reverse("trade:request", args=[quote.request_id])).content.decode()
    assert f"with reference {balance.reference}" in page
    with pytest.raises(services.BalanceDue):
        mark_shipped(order=order, user=shop_staff())

    pay_by_statement(balance.reference, balance.amount)  # staff upload the bank statement
    balance.refresh_from_db()
    assert balance.paid
    paid = order.payment_events.filter(event_type__code="paid")
    assert [(e.reference, e.amount) for e in paid] == [(balance.reference, quote.total)]
    assert mark_shipped(order=order, user=shop_staff())
    order.refresh_from_db()
    assert order.status == "Shipped"


def test_no_deposit_balance_confirmed_in_the_order_dashboard(
    client_as, staff_user, importer, coop, django_capture_on_commit_callbacks
):
    """The shop's order page copes with a trade order that has no bank transfer of its own: it shows, and a
    "Paid" payment event of the balance's amount confirms the balance."""
    from django.contrib.auth.models import Permission

    staff_user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="order", codename__in=["view_order", "change_order"])
    )
    quote, order = _accepted(importer, coop, django_capture_on_commit_callbacks)
    staff = client_as("staff")
    staff.cookies["django_language"] = "en"
    url = reverse("dashboard:order-detail", kwargs={"number": order.number})
    assert staff.get(url).status_code == 200

    staff.post(reverse("trade:quote-action", args=[quote.pk, "balance"]))  # staff ask before the work is ready
    balance = BalanceTransfer.objects.get(quote=quote)
    assert balance.amount == quote.total
    staff.post(url, {"order_action": "create_order_payment_event", "payment_event_type": "paid", "amount": "1000"})
    balance.refresh_from_db()
    assert not balance.paid  # a wrong amount changes nothing
    paid = {"order_action": "create_order_payment_event", "payment_event_type": "paid", "amount": f"{quote.total:.0f}"}
    staff.post(url, paid)
    balance.refresh_from_db()
    assert balance.paid
    assert mark_shipped(order=order, user=shop_staff())


def test_a_full_deposit_still_waits_for_its_transfer(importer, coop, django_capture_on_commit_callbacks):
    quote, order = _accepted(importer, coop, django_capture_on_commit_callbacks, deposit_percent=100)
    assert quote.deposit == quote.total and quote.balance == 0
    assert order.status == "Awaiting payment"
    assert order.bank_transfer.amount == quote.total
    assert set(_work(order).values_list("state", flat=True)) == {"held"}
    assert confirm_bank_transfer(order=order, user=shop_staff())
    order.refresh_from_db()
    assert order.status == "In production"
    assert set(_work(order).values_list("state", flat=True)) == {"offered"}
    assert services.request_balance(quote=quote, by=shop_staff()) is None  # nothing left to pay
    assert services.balance_due(order) is None
    assert mark_shipped(order=order, user=shop_staff())
