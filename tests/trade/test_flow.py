"""The issue's case end to end: a Singapore importer asks for 600 sandals and 200 belts six weeks out; the quote
carries trade prices and a plan over at least five members; acceptance reserves capacity (work orders go out)
and places an order awaiting the deposit; the confirmed transfer moves it into production. Plus CSV
all-or-nothing, overrides needing the board, re-planning on acceptance, expiry and permissions."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from common.errors import Refusal
from trade import services
from trade.models import Quote

from .conftest import six_weeks_out


def _staff():
    return get_user_model().objects.get(email="staff@guyub.example")


def _request(importer, coop):
    return services.create_request(
        account=importer,
        wanted=six_weeks_out(),
        destination="Singapore",
        notes="Carton per size",
        lines=[(coop["sandal"].upc, 600), (coop["belt"].upc, 200)],
    )


def test_singapore_importer_quote_accept_deposit(importer, coop, django_capture_on_commit_callbacks):
    from catalog.shop.order.services import confirm_bank_transfer
    from inventory.models import WeeklyLoad
    from pooling.models import RoutingRequest, WorkOrder

    rfq = _request(importer, coop)
    before = (WeeklyLoad.objects.count(), RoutingRequest.objects.count(), WorkOrder.objects.count())
    quote = services.prepare_quote(
        request=rfq, by=_staff(), valid_until=timezone.localdate() + datetime.timedelta(days=14), shipping=4_500_000
    )
    assert (WeeklyLoad.objects.count(), RoutingRequest.objects.count(), WorkOrder.objects.count()) == before
    prices = {line.product_id: line.unit_price for line in quote.lines.all()}
    assert prices == {coop["sandal"].pk: Decimal(120_000), coop["belt"].pk: Decimal(75_000)}  # the trader tiers
    assert quote.total == 600 * 120_000 + 200 * 75_000 + 4_500_000
    assert quote.deposit == -(-quote.total * 30 // 100)
    assert len({m["member"] for m in quote.plan["makers"]}) >= 5
    assert [x["ready_by_wanted"] for x in quote.plan["lines"]] == [600, 200]

    with pytest.raises(Refusal):  # not sent yet
        services.accept_quote(quote=quote, user=importer.user)
    services.send_quote(quote=quote, by=_staff())
    with django_capture_on_commit_callbacks(execute=True):  # routing runs after commit, as in production
        order = services.accept_quote(quote=quote, user=importer.user)

    order.refresh_from_db()
    assert order.status == "Awaiting payment"
    assert order.bank_transfer.amount == quote.deposit
    requests = RoutingRequest.objects.filter(order_line__order=order)
    assert requests.count() == 2
    offered = WorkOrder.objects.filter(request__in=requests)
    assert offered.exists()  # routed after commit (the in-process task backend): work orders went out
    assert (
        sum(requests.values_list("from_stock", flat=True))
        + sum(offered.values_list("quantity", flat=True))
        + sum(requests.values_list("unrouted", flat=True))
        == 800
    )
    assert offered.values("member").distinct().count() >= 5

    assert confirm_bank_transfer(order=order, user=_staff())
    order.refresh_from_db()
    assert order.status == "In production"


def test_dry_run_for_staff_page_changes_nothing(client_as, importer, coop):
    from inventory.models import WeeklyLoad
    from pooling.models import WorkOrder

    rfq = _request(importer, coop)
    before = (WeeklyLoad.objects.count(), WorkOrder.objects.count())
    page = client_as("staff").get(f"/trade/requests/{rfq.pk}/?plan=1")
    assert page.status_code == 200 and "trade-makers" in page.content.decode()
    assert (WeeklyLoad.objects.count(), WorkOrder.objects.count()) == before


def test_capacity_change_is_told_before_anything_is_committed(importer, coop):
    from inventory.models import WeeklyLoad
    from pooling.models import RoutingRequest

    rfq = _request(importer, coop)
    quote = services.prepare_quote(request=rfq, by=_staff(), valid_until=timezone.localdate())
    services.send_quote(quote=quote, by=_staff())
    # Every member's weeks fill up meanwhile.
    first = timezone.localdate() - datetime.timedelta(days=timezone.localdate().weekday())
    for member in coop["members"]:
        for k in range(8):
            WeeklyLoad.objects.create(
                member=member,
                week=first + datetime.timedelta(weeks=k),
                units=40,
                source="t",
                idempotency_key=f"t-{member.pk}-{k}",
            )
    with pytest.raises(services.PlanChanged):
        services.accept_quote(quote=quote, user=importer.user)
    quote.refresh_from_db()
    assert quote.status == Quote.Status.SENT and quote.order_id is None
    assert quote.plan["lines"][0]["ready_by_wanted"] < 600
    assert not RoutingRequest.objects.filter(order_line__order__number=f"TR{quote.pk:06d}").exists()


def test_override_needs_the_board_and_revisions_keep_history(importer, coop, board_user):
    rfq = _request(importer, coop)
    valid = timezone.localdate() + datetime.timedelta(days=7)
    first = services.prepare_quote(request=rfq, by=_staff(), valid_until=valid)
    second = services.prepare_quote(request=rfq, by=_staff(), valid_until=valid, prices={coop["sandal"].pk: "110000"})
    first.refresh_from_db()
    assert first.status == Quote.Status.SUPERSEDED and second.revision == 2
    with pytest.raises(Refusal) as caught:
        services.send_quote(quote=second, by=_staff())
    assert caught.value.field == "prices"
    with pytest.raises(Refusal):
        services.approve_override(quote=second, by=_staff())
    services.approve_override(quote=second, by=board_user)
    assert services.send_quote(quote=second, by=_staff()).status == Quote.Status.SENT


def test_bad_quote_input_names_the_field_and_writes_nothing(importer, coop):
    rfq = _request(importer, coop)
    for kwargs, field in [
        ({"packing": "12.5"}, "packing"),
        ({"shipping": "-1"}, "shipping"),
        ({"deposit_percent": 120}, "deposit_percent"),
        ({"prices": {coop["belt"].pk: "abc"}}, f"price_{coop['belt'].pk}"),
    ]:
        with pytest.raises(Refusal) as caught:
            services.prepare_quote(request=rfq, by=_staff(), valid_until=timezone.localdate(), **kwargs)
        assert caught.value.field == field
    assert not rfq.quotes.exists()


def test_quotes_expire(importer, coop):
    rfq = _request(importer, coop)
    quote = services.prepare_quote(request=rfq, by=_staff(), valid_until=timezone.localdate())
    services.send_quote(quote=quote, by=_staff())
    assert services.expire_quotes(today=timezone.localdate() + datetime.timedelta(days=1)) == 1
    with pytest.raises(Refusal):
        services.accept_quote(quote=quote, user=importer.user)


def test_csv_is_all_or_nothing_with_errors_by_row(importer, coop):
    good = f"sku,quantity\n{coop['sandal'].upc},600\n{coop['belt'].upc},200\n"
    assert services.read_csv(good) == [(coop["sandal"].upc, 600), (coop["belt"].upc, 200)]
    bad = f"sku,quantity\n{coop['sandal'].upc},600\nNOPE,3\n{coop['belt'].upc},zero\n{coop['sandal'].upc},1\n"
    with pytest.raises(Refusal) as caught:
        services.read_csv(bad)
    text = " ".join(caught.value.messages)
    assert "Row 3" in text and "NOPE" in text and "Row 4" in text and "Row 5" in text
    assert "Row 2" not in text


def test_csv_upload_through_the_page_keeps_nothing_on_error(client_as, client, importer, coop):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from trade.models import QuoteRequest

    client.force_login(importer.user)
    bad = SimpleUploadedFile("r.csv", f"{coop['sandal'].upc},600\nNOPE,3\n".encode(), content_type="text/csv")
    data = {"wanted": six_weeks_out().isoformat(), "destination": "Singapore", "csv": bad}
    page = client.post("/trade/requests/new/", data, follow=True)
    assert "Row 2" in page.content.decode() and not QuoteRequest.objects.filter(account=importer).exists()
    good = SimpleUploadedFile("r.csv", f"{coop['sandal'].upc},600\n".encode(), content_type="text/csv")
    data["csv"] = good
    assert client.post("/trade/requests/new/", data).status_code == 302
    assert QuoteRequest.objects.filter(account=importer).count() == 1


def test_only_approved_trade_accounts_see_trader_tiers(coop):
    from catalog.shop.partner.strategy import CooperativeStrategy

    class Request:
        def __init__(self, user):
            self.user = user

    User = get_user_model()
    buyer = User.objects.get(email="buyer1@guyub.example")
    sandal = coop["sandal"]
    assert CooperativeStrategy(Request(buyer)).quote(sandal, 600).amount == Decimal(150_000)
    assert CooperativeStrategy(Request(buyer)).quote(sandal, 1).next_tier is None
    account = services.apply_for_account(user=buyer, company="Toko", contact="Sari", country="Indonesia")
    assert CooperativeStrategy(Request(buyer)).quote(sandal, 600).amount == Decimal(150_000)  # pending
    services.decide_account(account=account, by=_staff(), approve=True)
    quote = CooperativeStrategy(Request(buyer)).quote(sandal, 600)
    assert quote.amount == Decimal(120_000) and quote.tier_min_quantity == 100
    with pytest.raises(Refusal):
        services.decide_account(account=account, by=buyer, approve=False)  # a buyer cannot decide


def test_buyer_sees_only_own_requests_and_roles(client, client_as, importer, coop):
    rfq = _request(importer, coop)
    quote = services.prepare_quote(request=rfq, by=_staff(), valid_until=timezone.localdate())
    assert client_as("buyer").get(f"/trade/requests/{rfq.pk}/").status_code == 403
    assert client_as("buyer").get(f"/trade/quotes/{quote.pk}/documents/proforma/").status_code == 403
    assert client_as("buyer").get("/trade/staff/").status_code == 403
    assert client_as("artisan_a").get("/trade/staff/").status_code == 403
    assert client_as("staff").get("/trade/staff/").status_code == 200
    assert client_as("board").get(f"/trade/requests/{rfq.pk}/").status_code == 200
    assert client_as("anonymous").get("/trade/").status_code == 302
    client.force_login(importer.user)
    page = client.get(f"/trade/requests/{rfq.pk}/")
    assert page.status_code == 200 and quote.number not in page.content.decode()  # drafts stay with staff
    services.send_quote(quote=quote, by=_staff())
    page = client.get(f"/trade/requests/{rfq.pk}/").content.decode()
    assert quote.number in page and "Rp 120.000" in page and "trade-makers" not in page
    assert client.get(f"/trade/quotes/{quote.pk}/documents/proforma/").status_code == 200
    assert client.get(f"/trade/quotes/{quote.pk}/documents/packing/").status_code == 403  # no order yet
    assert client_as("board").post(f"/trade/quotes/{quote.pk}/accept/").status_code == 403


def test_messages_between_buyer_and_staff(client, importer, coop):
    rfq = _request(importer, coop)
    services.post_message(request=rfq, user=importer.user, body="Can you pack 10 per carton?")
    reply = services.post_message(request=rfq, user=_staff(), body="Yes.")
    assert reply.from_cooperative and rfq.messages.count() == 2
    stranger = get_user_model().objects.get(email="buyer2@guyub.example")
    with pytest.raises(Refusal):
        services.post_message(request=rfq, user=stranger, body="hi")


def test_the_clock_expires_trade_quotes():
    from guyub.jobs.schedule import JOBS

    assert "trade.tasks.expire_quotes" in {job.task for job in JOBS}
