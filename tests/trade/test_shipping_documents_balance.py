"""The quote's shipping from the shipping app's zones (export to Singapore) by packed weight, staff may override;
the documents as PDF for the buyer and staff only; the balance transfer confirmed before the order ships."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from common.errors import Refusal
from trade import services
from trade.models import BalanceTransfer, Quote

from .conftest import request_sandals_and_belts, shop_staff


def _valid():
    return timezone.localdate() + datetime.timedelta(days=14)


def _table(country: str, grams: int) -> int:
    from catalog.shop.shipping import rates, rules

    return rates.quote(rules.Destination(country=country), grams)[0].cost


def test_shipping_estimate_from_the_export_zone_by_packed_weight(importer, coop):
    rfq = request_sandals_and_belts(importer, coop)
    estimate = services.shipping_estimate(rfq)
    assert estimate["country"] == "SG"
    expected_grams = sum(line.quantity * (line.product.shipping_size()[0] or 500) for line in rfq.lines.all())
    assert estimate["grams"] >= expected_grams > 100_000  # 800 pairs and belts: well over 100 kg
    assert estimate["cost"] == _table("SG", estimate["grams"]) > 0
    assert "EMS" in estimate["service"]  # the export zones go by Pos Indonesia EMS

    quote = services.prepare_quote(request=rfq, by=shop_staff(), valid_until=_valid())  # staff filled no shipping
    assert quote.shipping == quote.shipping_quoted == estimate["cost"]
    assert quote.shipping_grams == estimate["grams"] and not quote.shipping_overridden
    assert quote.total == quote.goods + quote.packing + quote.shipping

    # Malaysia is its own, cheaper export zone; an unknown country takes the international rate.
    assert services.country_code("Malaysia") == "MY" and services.country_code("Republic of Singapore") == "SG"
    assert _table("MY", estimate["grams"]) < estimate["cost"] < _table("ZZ", estimate["grams"])


def test_staff_may_override_the_estimate_through_the_page(client_as, importer, coop):
    rfq = request_sandals_and_belts(importer, coop)
    estimate = services.shipping_estimate(rfq)
    staff = client_as("staff")
    page = staff.get(f"/trade/requests/{rfq.pk}/").content.decode()
    assert "shipping-estimate" in page and "EMS" in page
    data = {"valid_until": _valid().isoformat(), "deposit_percent": "30", "packing": "0", "shipping": ""}
    staff.post(f"/trade/requests/{rfq.pk}/quote/", data)
    first = Quote.objects.get(request=rfq, revision=1)
    assert first.shipping == estimate["cost"] and not first.shipping_overridden
    staff.post(f"/trade/requests/{rfq.pk}/quote/", {**data, "shipping": "3.500.000"})
    second = Quote.objects.get(request=rfq, revision=2)
    assert second.shipping == 3_500_000 and second.shipping_quoted == estimate["cost"] and second.shipping_overridden
    assert "changed by staff" in staff.get(f"/trade/requests/{rfq.pk}/").content.decode()
    with pytest.raises(Refusal) as refused:
        services.prepare_quote(request=rfq, by=shop_staff(), valid_until=_valid(), shipping="-5")
    assert refused.value.field == "shipping"


def test_documents_as_pdf_only_for_the_buyer_and_staff(
    client, client_as, importer, coop, django_capture_on_commit_callbacks
):
    rfq = request_sandals_and_belts(importer, coop)
    quote = services.prepare_quote(request=rfq, by=shop_staff(), valid_until=_valid())
    services.send_quote(quote=quote, by=shop_staff())
    url = f"/trade/quotes/{quote.pk}/documents/%s/pdf/"
    client.force_login(importer.user)
    response = client.get(url % "proforma")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert client.get(url % "invoice").status_code == 403  # no order yet
    with django_capture_on_commit_callbacks(execute=True):
        services.accept_quote(quote=quote, user=importer.user)
    for kind in ("proforma", "invoice", "packing"):
        response = client.get(url % kind)
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf", kind
        assert response.content.startswith(b"%PDF"), kind
    staff = client_as("staff").get(url % "invoice")
    assert staff.status_code == 200 and staff.content.startswith(b"%PDF")
    assert client_as("buyer").get(url % "invoice").status_code == 403  # another shop buyer
    assert client_as("artisan_a").get(url % "packing").status_code == 403
    assert client_as("anonymous").get(url % "proforma").status_code == 302
    assert client_as("staff").get(url % "nonsense").status_code == 403


def _accepted_and_in_production(importer, coop, capture):
    from catalog.shop.order.services import confirm_bank_transfer

    quote = services.prepare_quote(
        request=request_sandals_and_belts(importer, coop), by=shop_staff(), valid_until=_valid()
    )
    services.send_quote(quote=quote, by=shop_staff())
    with capture(execute=True):
        order = services.accept_quote(quote=quote, user=importer.user)
    assert confirm_bank_transfer(order=order, user=shop_staff())
    order.refresh_from_db()
    assert order.status == "In production"
    quote.refresh_from_db()
    return quote, order


def test_no_shipping_before_the_balance_arrives(client_as, importer, coop, django_capture_on_commit_callbacks):
    from catalog.shop.order.services import mark_shipped
    from catalog.shop.shipping.waybills import record_waybill

    quote, order = _accepted_and_in_production(importer, coop, django_capture_on_commit_callbacks)
    with pytest.raises(services.BalanceDue):
        mark_shipped(order=order, user=shop_staff())
    order.refresh_from_db()
    assert order.status == "In production"  # rolled back: nothing consumed, nobody emailed
    with pytest.raises(services.BalanceDue):  # a ValidationError for the waybill form
        record_waybill(order=order, courier="pos", waybill="EE123456789ID", user=shop_staff())
    order.refresh_from_db()
    assert order.status == "In production" and not order.waybill_number

    with pytest.raises(Refusal):
        services.request_balance(quote=quote, by=importer.user)  # the buyer does not ask for it
    staff = client_as("staff")
    staff.post(f"/trade/quotes/{quote.pk}/balance/")  # staff ask for it before the work is ready
    balance = BalanceTransfer.objects.get(quote=quote)
    assert balance.amount == quote.balance == quote.total - quote.deposit
    assert balance.reference != order.bank_transfer.reference and balance.status == BalanceTransfer.AWAITING
    assert services.request_balance(quote=quote, by=shop_staff()) == balance  # once only
    with pytest.raises(services.BalanceDue):
        mark_shipped(order=order, user=shop_staff())

    staff.post(f"/trade/quotes/{quote.pk}/balance-paid/")
    balance.refresh_from_db()
    assert balance.paid and balance.confirmed_by == shop_staff()
    assert order.payment_events.filter(reference=balance.reference, amount=quote.balance).count() == 1
    staff.post(f"/trade/quotes/{quote.pk}/balance-paid/")  # twice: one payment
    assert order.payment_events.filter(reference=balance.reference).count() == 1
    assert mark_shipped(order=order, user=shop_staff())
    order.refresh_from_db()
    assert order.status == "Shipped"


def test_the_balance_is_asked_when_the_work_is_ready(importer, coop, django_capture_on_commit_callbacks):
    from pooling.models import RoutingRequest, WorkOrder

    quote, order = _accepted_and_in_production(importer, coop, django_capture_on_commit_callbacks)
    assert not BalanceTransfer.objects.filter(quote=quote).exists()
    requests = RoutingRequest.objects.filter(order_line__order=order)
    assert sum(requests.values_list("unrouted", flat=True)) == 0
    work_orders = list(WorkOrder.objects.filter(request__in=requests, state__in=WorkOrder.LIVE))
    with django_capture_on_commit_callbacks(execute=True):
        for work_order in work_orders[:-1]:
            work_order.state = WorkOrder.State.MADE
            work_order.save()
    assert not BalanceTransfer.objects.filter(quote=quote).exists()  # one work order still being made
    with django_capture_on_commit_callbacks(execute=True):
        work_orders[-1].state = WorkOrder.State.MADE
        work_orders[-1].save()
    assert BalanceTransfer.objects.get(quote=quote).amount == quote.balance


def test_deposit_and_balance_confirmed_in_the_order_dashboard(
    client_as, staff_user, importer, coop, django_capture_on_commit_callbacks
):
    """Staff confirm both transfers on the shop's order page, as for any order paid by transfer: "Paid" on the
    deposit puts the trade order into production; a "Paid" payment event for the balance's exact amount marks the
    balance received (a wrong amount is refused, nothing changes), after which the order ships."""
    from django.contrib.auth.models import Permission
    from django.urls import reverse

    from catalog.shop.order.services import mark_shipped

    staff_user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="order", codename__in=["view_order", "change_order"])
    )
    quote = services.prepare_quote(
        request=request_sandals_and_belts(importer, coop), by=shop_staff(), valid_until=_valid()
    )
    services.send_quote(quote=quote, by=shop_staff())
    order = services.accept_quote(quote=quote, user=importer.user)
    staff = client_as("staff")
    staff.cookies["django_language"] = "en"
    url = reverse("dashboard:order-detail", kwargs={"number": order.number})
    with django_capture_on_commit_callbacks(execute=True):
        staff.post(url, {"order_action": "change_order_status", "new_status": "Paid"})
    order.refresh_from_db()
    assert order.status == "In production" and order.bank_transfer.status == "paid"

    balance = services.request_balance(quote=quote, by=shop_staff())
    wrong = {"order_action": "create_order_payment_event", "payment_event_type": "paid", "amount": "1000"}
    page = staff.post(url, wrong, follow=True)
    assert f"Transfer {balance.reference} expects {balance.amount:.0f}" in page.content.decode()
    balance.refresh_from_db()
    assert not balance.paid
    with pytest.raises(services.BalanceDue):
        mark_shipped(order=order, user=shop_staff())

    right = {**wrong, "amount": f"{balance.amount:.0f}"}
    for _click in range(2):  # a double click records one payment
        staff.post(url, right)
    balance.refresh_from_db()
    assert balance.paid  # (Oscar's dashboard passes no user to payment events: confirmed_by stays empty)
    paid = order.payment_events.filter(event_type__code="paid").order_by("pk")
    assert [(e.reference, e.amount) for e in paid] == [
        (order.bank_transfer.reference, quote.deposit),
        (balance.reference, quote.balance),
    ]
    assert mark_shipped(order=order, user=shop_staff())
    order.refresh_from_db()
    assert order.status == "Shipped"
