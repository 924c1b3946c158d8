"""The issue's case end to end: a Singapore importer asks for 600 sandals and 200 belts six weeks out; the quote
carries trade prices and a plan over at least five members; acceptance reserves capacity (work orders go out)
and places an order awaiting the deposit; the confirmed transfer moves it into production. Plus CSV
all-or-nothing, overrides needing the board, re-planning on acceptance, expiry and permissions."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.utils import formats, timezone

from common.errors import Refusal
from trade import services
from trade.models import Quote

from .conftest import make_and_hand_over, pay_by_statement, request_sandals_and_belts, shop_staff, six_weeks_out


def _request(importer, coop):
    return request_sandals_and_belts(importer, coop, notes="Carton per size")


def _plan_table(plan: dict) -> list[tuple]:
    return sorted((m["member"], m["sku"], m["units"], m["week"]) for m in plan["makers"])


def _work_table(order) -> list[tuple]:
    from pooling.models import WorkOrder

    work = WorkOrder.objects.filter(request__order_line__order=order).select_related("member", "product")
    return sorted((wo.member.code, wo.product.upc, wo.quantity, wo.week.isoformat()) for wo in work)


def _counts():
    from oscar.core.loading import get_model

    from pooling.models import RoutingRequest, RoutingRun, WorkOrder

    models = [get_model("order", "Order"), get_model("order", "Line"), RoutingRequest, RoutingRun, WorkOrder]
    return [m.objects.count() for m in models]


def test_singapore_importer_quote_accept_deposit_ship_makers_credited(
    importer, coop, board_user, django_capture_on_commit_callbacks
):
    """The issue's "done when", through the service layer: quote → acceptance commits the quoted plan (work orders
    to exactly its makers, units and weeks) → the deposit, confirmed from the bank statement, starts production →
    the makers make and hand over → the balance, confirmed the same way, lets it ship → each maker's statement
    credits its own units at the trade price, less the fee, under the order's number."""
    from books.services import fee_rate_add, net_of_fee
    from catalog.shop.order.services import mark_shipped
    from inventory.models import WeeklyLoad
    from pooling.models import RoutingRequest, WorkOrder
    from trade.models import BalanceTransfer

    fee_rate_add(percent="7.5", effective_from=timezone.localdate(), user=board_user)  # the board's fee
    rfq = _request(importer, coop)
    before = (WeeklyLoad.objects.count(), RoutingRequest.objects.count(), WorkOrder.objects.count())
    quote = services.prepare_quote(
        request=rfq, by=shop_staff(), valid_until=timezone.localdate() + datetime.timedelta(days=14), shipping=4_500_000
    )
    assert (WeeklyLoad.objects.count(), RoutingRequest.objects.count(), WorkOrder.objects.count()) == before
    prices = {line.product_id: line.unit_price for line in quote.lines.all()}
    assert prices == {coop["sandal"].pk: Decimal(120_000), coop["belt"].pk: Decimal(75_000)}  # the trader tiers
    assert quote.total == 600 * 120_000 + 200 * 75_000 + 4_500_000
    assert quote.deposit == -(-quote.total * 30 // 100)
    assert len({m["member"] for m in quote.plan["makers"]}) >= 5
    assert [x["ready_by_wanted"] for x in quote.plan["lines"]] == [600, 200]
    quoted = _plan_table(quote.plan)

    with pytest.raises(Refusal):  # not sent yet
        services.accept_quote(quote=quote, user=importer.user)
    services.send_quote(quote=quote, by=shop_staff())
    with django_capture_on_commit_callbacks(execute=True):  # nothing routed after commit changes the plan
        order = services.accept_quote(quote=quote, user=importer.user)

    # The work orders are the quote's plan table: the same members, units and weeks, held for the makers until
    # the deposit arrives (nobody starts unpaid work; the weeks stay theirs meanwhile).
    assert _work_table(order) == quoted
    work = WorkOrder.objects.filter(request__order_line__order=order)
    assert not work.exclude(state="held").exists()
    assert WorkOrder.objects.filter(request__order_line__order=order).values("member").distinct().count() >= 5
    for line in order.lines.select_related("stockrecord__partner__member", "pooling_request"):
        makers = set(line.pooling_request.work_orders.values_list("member__code", flat=True))
        assert makers == {line.stockrecord.partner.member.code}  # each maker's units are its own line
    assert sum(order.lines.values_list("line_price_incl_tax", flat=True)) == quote.goods
    counts = _counts()
    assert services.accept_quote(quote=quote, user=importer.user) == order  # accepting twice: nothing twice
    assert _counts() == counts

    order.refresh_from_db()
    assert order.status == "Awaiting payment"
    assert order.bank_transfer.amount == quote.deposit
    # The deposit: staff upload the bank statement, as for any transfer; the order goes into production.
    pay_by_statement(order.bank_transfer.reference, quote.deposit)
    order.refresh_from_db()
    assert order.status == "In production"
    assert not work.exclude(state="offered").exists()  # now the makers are asked

    with django_capture_on_commit_callbacks(execute=True):  # the balance is asked once everything is ready
        make_and_hand_over(WorkOrder.objects.filter(request__order_line__order=order).order_by("pk"))
    balance = BalanceTransfer.objects.get(quote=quote)
    assert balance.amount == quote.balance and not balance.paid
    pay_by_statement(balance.reference, balance.amount)  # the balance: the same way
    balance.refresh_from_db()
    assert balance.paid
    assert sum(order.payment_events.filter(event_type__code="paid").values_list("amount", flat=True)) == quote.total
    assert mark_shipped(order=order, user=shop_staff())

    # Each maker's statement: its own units at the trade price, less the fee, under the order's number.
    placed = timezone.localdate(order.date_placed)
    expected: dict[str, list[int]] = {}
    for line in order.lines.select_related("stockrecord__partner__member", "product__parent__product_class"):
        gross = int(line.unit_price_incl_tax * line.quantity)
        fee, _net = net_of_fee(gross, line.product.get_product_class(), on=placed)
        sums = expected.setdefault(line.stockrecord.partner.member.code, [0, 0])
        sums[0], sums[1] = sums[0] + gross, sums[1] + fee
        assert fee == gross * 75 // 1000 > 0  # 7.5%, whole rupiah
    units = {}
    for member, sku, quantity, _week in quoted:
        units[member] = units.get(member, 0) + quantity * (120_000 if sku == coop["sandal"].upc else 75_000)
    assert {code: sums[0] for code, sums in expected.items()} == units  # gross = trade price × the maker's units
    for code, (gross, fee) in expected.items():
        entries = _statement(code)["entries"]
        mine = [e for e in entries if order.number in e["reference"]]
        assert sum(e["amount"] for e in mine if e["kind"] == "sale") == gross, code
        assert sum(e["amount"] for e in mine if e["kind"] == "fee") == -fee, code
        assert not [e for e in mine if e["kind"] == "work"]  # nobody collected another maker's units
    assert sum(gross for gross, _fee in expected.values()) == 600 * 120_000 + 200 * 75_000


def _statement(code: str) -> dict:
    import io
    import json

    from django.core.management import call_command

    out = io.StringIO()
    call_command("accounts", "statement", code, "--month", f"{timezone.localdate():%Y-%m}", "--json", stdout=out)
    return json.loads(out.getvalue())


def test_dry_run_for_staff_page_changes_nothing(client_as, importer, coop):
    from inventory.models import WeeklyLoad
    from pooling.models import WorkOrder

    rfq = _request(importer, coop)
    before = (WeeklyLoad.objects.count(), WorkOrder.objects.count())
    page = client_as("staff").get(f"/trade/requests/{rfq.pk}/?plan=1")
    assert page.status_code == 200 and "trade-makers" in page.content.decode()
    assert (WeeklyLoad.objects.count(), WorkOrder.objects.count()) == before


def _load(member, week: datetime.date, units: int, key: str):
    from inventory.models import WeeklyLoad

    WeeklyLoad.objects.create(member=member, week=week, units=units, source="t", idempotency_key=key)


def test_capacity_change_is_told_before_anything_is_committed(importer, coop):
    from pooling.models import RoutingRequest, WorkOrder

    rfq = _request(importer, coop)
    quote = services.prepare_quote(request=rfq, by=shop_staff(), valid_until=timezone.localdate())
    services.send_quote(quote=quote, by=shop_staff())
    quoted = quote.plan
    # Every member's weeks fill up meanwhile.
    first = timezone.localdate() - datetime.timedelta(days=timezone.localdate().weekday())
    for member in coop["members"]:
        for k in range(8):
            _load(member, first + datetime.timedelta(weeks=k), 40, f"t-{member.pk}-{k}")
    counts = _counts()
    with pytest.raises(services.PlanChanged) as told:
        services.accept_quote(quote=quote, user=importer.user)
    assert _counts() == counts  # no order, no line, no routing request, no work order
    quote.refresh_from_db()
    assert quote.status == Quote.Status.SENT and quote.order_id is None
    assert quote.plan != quoted and quote.plan["lines"][0]["ready_by_wanted"] < 600
    new_date = datetime.date.fromisoformat(quote.plan["earliest"])
    assert new_date > datetime.date.fromisoformat(quoted["earliest"])
    assert formats.date_format(new_date, "j M Y") in " ".join(told.value.messages)  # the buyer is told the date
    assert not RoutingRequest.objects.filter(order_line__order__number=f"TR{quote.pk:06d}").exists()

    # The buyer saw the new plan and accepts again: that plan is committed, after the full weeks.
    order = services.accept_quote(quote=quote, user=importer.user)
    assert _work_table(order) == _plan_table(quote.plan)
    assert min(WorkOrder.objects.filter(request__order_line__order=order).values_list("week", flat=True)) >= (
        first + datetime.timedelta(weeks=8)
    )


def test_the_buyer_is_told_through_the_page(client, importer, coop):
    rfq = _request(importer, coop)
    quote = services.prepare_quote(request=rfq, by=shop_staff(), valid_until=timezone.localdate())
    services.send_quote(quote=quote, by=shop_staff())
    first = timezone.localdate() - datetime.timedelta(days=timezone.localdate().weekday())
    for member in coop["members"]:
        for k in range(8):
            _load(member, first + datetime.timedelta(weeks=k), 40, f"t-{member.pk}-{k}")
    client.force_login(importer.user)
    page = client.post(f"/trade/quotes/{quote.pk}/accept/", follow=True).content.decode()
    assert "capacity changed" in page and "Nothing is reserved yet" in page
    quote.refresh_from_db()
    assert quote.order_id is None
    new_date = datetime.date.fromisoformat(quote.plan["earliest"])
    assert formats.date_format(new_date, "j M Y") in page and quote.plan["earliest"] in page  # message and plan


def test_moved_makers_that_keep_the_quoted_dates_are_committed(importer, coop):
    """A member's week filled up meanwhile, but the others still make everything by the wanted date: acceptance
    commits the new makers (no need to ask the buyer again) and keeps them on the quote as the plan."""
    rfq = _request(importer, coop)
    quote = services.prepare_quote(request=rfq, by=shop_staff(), valid_until=timezone.localdate())
    services.send_quote(quote=quote, by=shop_staff())
    quoted = quote.plan
    busy = quoted["makers"][0]
    member = next(m for m in coop["members"] if m.code == busy["member"])
    _load(member, datetime.date.fromisoformat(busy["week"]), 40, "t-busy")
    order = services.accept_quote(quote=quote, user=importer.user)
    quote.refresh_from_db()
    assert quote.status == Quote.Status.ACCEPTED and quote.plan != quoted
    assert [x["ready_by_wanted"] for x in quote.plan["lines"]] == [600, 200]
    assert _work_table(order) == _plan_table(quote.plan)
    assert (busy["member"], busy["sku"], busy["units"], busy["week"]) not in _work_table(order)


def test_what_acceptance_commits():
    def plan(earliest, ready, makers):
        return {
            "earliest": earliest,
            "lines": [{"sku": "S", "quantity": 10, "ready_by_wanted": ready}],
            "makers": [{"member": m, "sku": "S", "units": u, "week": w} for m, u, w in makers],
        }

    quoted = plan("2030-01-13", 10, [("m01", 6, "2030-01-07"), ("m02", 4, "2030-01-07")])
    same = plan("2030-01-13", 10, [("m02", 4, "2030-01-07"), ("m01", 6, "2030-01-07")])
    assert services.plan_to_commit(quoted, same) is quoted
    moved = plan("2030-01-13", 10, [("m03", 10, "2030-01-07")])
    assert services.plan_to_commit(quoted, moved) is moved  # other makers, the same date
    earlier = plan("2030-01-06", 10, [("m03", 10, "2029-12-31")])
    assert services.plan_to_commit(quoted, earlier) is earlier
    assert services.plan_to_commit(quoted, plan("2030-01-20", 10, [("m01", 10, "2030-01-14")])) is None  # later
    assert services.plan_to_commit(quoted, plan("2030-01-13", 8, [("m01", 8, "2030-01-07")])) is None  # fewer
    assert services.plan_to_commit(quoted, plan(None, 10, [("m01", 10, "2030-01-07")])) is None  # not in horizon


def test_override_needs_the_board_and_revisions_keep_history(importer, coop, board_user):
    rfq = _request(importer, coop)
    valid = timezone.localdate() + datetime.timedelta(days=7)
    first = services.prepare_quote(request=rfq, by=shop_staff(), valid_until=valid)
    second = services.prepare_quote(
        request=rfq, by=shop_staff(), valid_until=valid, prices={coop["sandal"].pk: "110000"}
    )
    first.refresh_from_db()
    assert first.status == Quote.Status.SUPERSEDED and second.revision == 2
    with pytest.raises(Refusal) as caught:
        services.send_quote(quote=second, by=shop_staff())
    assert caught.value.field == "prices"
    with pytest.raises(Refusal):
        services.approve_override(quote=second, by=shop_staff())
    services.approve_override(quote=second, by=board_user)
    assert services.send_quote(quote=second, by=shop_staff()).status == Quote.Status.SENT


def test_bad_quote_input_names_the_field_and_writes_nothing(importer, coop):
    rfq = _request(importer, coop)
    for kwargs, field in [
        ({"packing": "12.5"}, "packing"),
        ({"shipping": "-1"}, "shipping"),
        ({"deposit_percent": 120}, "deposit_percent"),
        ({"prices": {coop["belt"].pk: "abc"}}, f"price_{coop['belt'].pk}"),
    ]:
        with pytest.raises(Refusal) as caught:
            services.prepare_quote(request=rfq, by=shop_staff(), valid_until=timezone.localdate(), **kwargs)
        assert caught.value.field == field
    assert not rfq.quotes.exists()


def test_quotes_expire(importer, coop):
    rfq = _request(importer, coop)
    quote = services.prepare_quote(request=rfq, by=shop_staff(), valid_until=timezone.localdate())
    services.send_quote(quote=quote, by=shop_staff())
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
    services.decide_account(account=account, by=shop_staff(), approve=True)
    quote = CooperativeStrategy(Request(buyer)).quote(sandal, 600)
    assert quote.amount == Decimal(120_000) and quote.tier_min_quantity == 100
    with pytest.raises(Refusal):
        services.decide_account(account=account, by=buyer, approve=False)  # a buyer cannot decide


def test_buyer_sees_only_own_requests_and_roles(client, client_as, importer, coop):
    rfq = _request(importer, coop)
    quote = services.prepare_quote(request=rfq, by=shop_staff(), valid_until=timezone.localdate())
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
    services.send_quote(quote=quote, by=shop_staff())
    page = client.get(f"/trade/requests/{rfq.pk}/").content.decode()
    assert quote.number in page and "Rp 120.000" in page and "trade-makers" not in page
    assert client.get(f"/trade/quotes/{quote.pk}/documents/proforma/").status_code == 200
    assert client.get(f"/trade/quotes/{quote.pk}/documents/packing/").status_code == 403  # no order yet
    assert client_as("board").post(f"/trade/quotes/{quote.pk}/accept/").status_code == 403


def test_messages_between_buyer_and_staff(client, importer, coop):
    rfq = _request(importer, coop)
    services.post_message(request=rfq, user=importer.user, body="Can you pack 10 per carton?")
    reply = services.post_message(request=rfq, user=shop_staff(), body="Yes.")
    assert reply.from_cooperative and rfq.messages.count() == 2
    stranger = get_user_model().objects.get(email="buyer2@guyub.example")
    with pytest.raises(Refusal):
        services.post_message(request=rfq, user=stranger, body="hi")


def test_the_clock_expires_trade_quotes():
    from guyub.jobs.schedule import JOBS

    assert "trade.tasks.expire_quotes" in {job.task for job in JOBS}


def test_the_buyer_sees_progress_per_product(client, importer, coop):
    """The order has a line per product and maker; the buyer's progress table has one row a product."""
    quote = services.prepare_quote(request=_request(importer, coop), by=shop_staff(), valid_until=timezone.localdate())
    services.send_quote(quote=quote, by=shop_staff())
    order = services.accept_quote(quote=quote, user=importer.user)
    assert order.lines.count() > 2
    client.force_login(importer.user)
    page = client.get(f"/trade/requests/{quote.request_id}/").content.decode()
    table = page[page.index("trade-progress") :]
    table = table[: table.index("</table>")]
    assert table.count("<tr>") == 3  # the header and two products
    assert "<td>600</td>" in table and "<td>200</td>" in table


def test_shop_orders_waiting_for_routing_keep_their_room(importer, coop):
    """A shop order promised a moment ago whose routing job has not run yet takes the earliest spare weeks of its
    class: accepting the quote must not take that room from under it. The buyer is asked to accept again and
    nothing is committed; once the waiting order is routed, acceptance goes through."""
    from pooling.models import RoutingRequest

    rfq = _request(importer, coop)
    quote = services.prepare_quote(request=rfq, by=shop_staff(), valid_until=timezone.localdate())
    services.send_quote(quote=quote, by=shop_staff())
    sandal = coop["sandal"]
    waiting = RoutingRequest.objects.create(
        kind=RoutingRequest.Kind.ORDER,
        member=coop["members"][0],
        product=sandal,
        product_class=sandal.get_product_class(),
        ordered=10_000,
        quantity=10_000,  # more than every sandal maker's spare weeks
        due_week=timezone.localdate() - datetime.timedelta(days=timezone.localdate().weekday()),
        status=RoutingRequest.Status.OPEN,
    )
    counts = _counts()
    with pytest.raises(services.PlanChanged):
        services.accept_quote(quote=quote, user=importer.user)
    assert _counts() == counts  # no order, no line, no routing request, no work order

    RoutingRequest.objects.filter(pk=waiting.pk).update(status=RoutingRequest.Status.SHORT)  # its job ran
    order = services.accept_quote(quote=quote, user=importer.user)
    assert order.number == f"TR{quote.pk:06d}"


def test_progress_rows_are_by_product_not_by_title(monkeypatch, db):
    """Two sizes of one sandal may carry the same title: each keeps its own row, named by its SKU, and the lines
    of one product (one per maker) add up."""
    from pooling.selectors import LineProgress
    from trade import views

    week = timezone.localdate()
    lines = [
        LineProgress("Sandal Jepit", 10, 4, 0, 0, 6, None, 1, "GY-SAN-40"),
        LineProgress("Sandal Jepit", 5, 5, 0, 0, 0, None, 2, "GY-SAN-42"),
        LineProgress("Sandal Jepit", 3, 0, 0, 3, 0, week, 1, "GY-SAN-40"),
    ]
    monkeypatch.setattr(views, "order_progress", lambda order: lines)
    rows = views._progress(None)  # no work orders: an order that does not exist has none
    assert [(r["upc"], r["quantity"], r["ready"]) for r in rows] == [("GY-SAN-40", 13, 7), ("GY-SAN-42", 5, 5)]
