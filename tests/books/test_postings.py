"""One test per posting rule, through the hook each event calls (mark_shipped, record_payment_event, the
work hand-over, stock taken at placement, a loan settled in money, dues, a payout, an adjustment)."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from books import ledger, selectors, services
from books.models import BooksSettings, ClosedMonth, FeeRate, Leg, Posting
from catalog.shop.order import services as order_services
from common.errors import Refusal
from tests.factories import work_order

from .conftest import balance, member, paid_order, record_of, refund

pytestmark = pytest.mark.django_db


def kinds(code):
    return sorted(Leg.objects.filter(account__code=ledger.member_account(code)).values_list("posting__kind", "amount"))


def test_a_shipped_paid_line_credits_its_member_and_withholds_the_fee(general_fee):
    order = paid_order([(record_of("m01"), 2, 150000), (record_of("m02"), 1, 80000)])
    assert order_services.mark_shipped(order=order)
    assert kinds("m01") == [("fee", -30000), ("sale", 300000)]
    assert kinds("m02") == [("fee", -8000), ("sale", 80000)]
    trial = selectors.trial_balance()
    assert trial["total"] == 0
    assert {a["code"]: a["balance"] for a in trial["accounts"]}[ledger.FEES] == 38000
    # A replay of the shipment posts nothing more.
    before = Posting.objects.count()
    services.post_order_shipped(order=order)
    assert Posting.objects.count() == before


def test_an_unpaid_order_credits_nobody(general_fee):
    order = paid_order([(record_of("m01"), 1, 100000)], paid=False)
    assert services.post_order_shipped(order=order) == []


def test_the_fee_of_a_product_class_and_its_start_day_win(general_fee, board_user):
    record = record_of("m01")
    product_class = record.product.get_product_class()
    FeeRate.objects.create(percent=Decimal("5"), product_class=product_class, effective_from=datetime.date(2001, 1, 1))
    FeeRate.objects.create(
        percent=Decimal("7"),
        product_class=product_class,
        effective_from=timezone.localdate() + datetime.timedelta(days=30),
    )  # not yet
    order_services.mark_shipped(order=paid_order([(record, 1, 100000)]))
    assert kinds("m01") == [("fee", -5000), ("sale", 100000)]


def test_a_refund_takes_back_credits_and_fee_in_proportion(general_fee):
    order = paid_order([(record_of("m01"), 2, 100000), (record_of("m02"), 1, 200000)], shipping=20000)
    order_services.mark_shipped(order=order)
    refund(order, 210000)  # half of the 420,000 total: half of each line, shipping's share stays with nobody
    assert balance("m01") == 180000 - 90000 and balance("m02") == 180000 - 90000
    assert selectors.balances()[ledger.FEES] == 20000 and selectors.balances()[ledger.REFUNDS] == 200000
    assert selectors.trial_balance()["total"] == 0


def test_a_line_refund_takes_back_that_line_only_and_never_more_than_it_earned(general_fee):
    order = paid_order([(record_of("m01"), 2, 100000), (record_of("m02"), 1, 200000)])
    order_services.mark_shipped(order=order)
    line = order.lines.get(stockrecord__partner__member__code="m01")
    refund(order, 100000, lines=[line], quantities=[1])
    assert balance("m01") == 90000 and balance("m02") == 180000
    refund(order, 300000, lines=[line], quantities=[3])  # more than is left: capped at the line
    assert balance("m01") == 0 and balance("m02") == 180000


def test_a_refund_before_shipping_is_taken_back_when_the_order_ships(general_fee):
    order = paid_order([(record_of("m01"), 1, 100000)])
    event = refund(order, 40000)
    assert not Posting.objects.filter(kind="refund").exists()
    order_services.mark_shipped(order=order)
    assert balance("m01") == 90000 - 36000
    services.post_refund(order=order, event=event)  # a replay changes nothing
    assert balance("m01") == 54000


def _work(kind, maker, owner, *, line=None, product=None, units=2):
    return work_order(
        maker, owner=owner, kind=kind, order_line=line, product=product, quantity=units, week=timezone.localdate()
    )


def test_work_for_an_order_line_pays_the_maker_the_agreed_price_less_the_fee(general_fee):
    order = paid_order([(record_of("m01"), 2, 150000)])
    line = order.lines.get()
    wo = _work("order", member("m03"), member("m01"), line=line, product=line.product)
    services.post_work_handed_over(work_order=wo)
    assert balance("m03") == 270000 and balance("m01") == -270000
    order_services.mark_shipped(order=order)
    assert balance("m01") == 0  # the shipper nets nothing for units it did not make: the maker got them


def test_own_order_handed_to_the_pool_costs_the_pool_price(general_fee):
    from catalog.selectors import price_in_force

    record = next(r for i in range(10) if price_in_force((r := record_of("m02", i)).product, at=timezone.now()))
    unit = int(price_in_force(record.product, at=timezone.now()))
    wo = _work("overflow", member("m04"), member("m02"), product=record.product, units=3)
    posting = services.post_work_handed_over(work_order=wo)
    expected = ledger.percent_of(unit * 3, BooksSettings.current().pool_share_percent)
    assert posting.kind == "pool" and balance("m04") == expected and balance("m02") == -expected


def test_stock_taken_from_another_member_credits_the_giver(general_fee):
    order = paid_order([(record_of("m01"), 3, 100000)])
    services.post_stock_taken(line=order.lines.get(), giver=member("m05"), taker=member("m01"), units=2)
    assert balance("m05") == 180000 and balance("m01") == -180000


def test_a_loan_settled_in_money_makes_the_borrower_pay_the_lender():
    class Loan:
        pk, material = 991, "Kulit sapi"
        lender, borrower = member("m02"), member("m03")

    services.post_loan_settlement(loan=Loan, amount=Decimal(45000))
    services.post_loan_settlement(loan=Loan, amount=Decimal(45000))  # replay
    assert balance("m02") == 45000 and balance("m03") == -45000


def test_dues_are_charged_once_a_month_dated_the_first(django_assert_max_num_queries):
    BooksSettings.current()
    today = timezone.localdate()
    made = services.charge_monthly_dues(today=today)
    assert made >= 8
    with django_assert_max_num_queries(4):  # the hourly rerun: one query for the month's keys, not one a member
        assert services.charge_monthly_dues(today=today) == 0
    posting = Posting.objects.filter(kind="dues").first()
    assert posting.date == today.replace(day=1)
    assert balance("m01") == -BooksSettings.current().monthly_dues


def test_a_closed_month_is_frozen_and_late_events_go_into_the_open_one(board_user):
    today = timezone.localdate()
    last_month = ledger.month_start(today - datetime.timedelta(days=today.day))
    services.month_close(month=last_month, user=board_user)
    late = services.post(
        kind="adjustment",
        reference="late",
        legs={ledger.member_account("m01"): 1000, ledger.FEES: -1000},
        idempotency_key="t-late",
        on=last_month + datetime.timedelta(days=3),
    )
    assert late.month == ledger.month_start(today)
    with pytest.raises(Refusal):
        services.month_close(month=last_month, user=board_user)
    with pytest.raises(Refusal):
        services.month_close(month=ledger.month_start(today), user=board_user)  # not ended yet
    assert ClosedMonth.objects.count() == 1


def test_last_month_closes_by_itself_on_the_10th_once(board_user):
    from books import tasks

    assert services.close_due_months(today=datetime.date(2026, 3, 9)) == []  # before the 10th: nothing
    assert not ClosedMonth.objects.exists()
    [closed] = services.close_due_months(today=datetime.date(2026, 3, 10))
    assert (closed.month, closed.closed_by) == (datetime.date(2026, 2, 1), None)
    assert services.close_due_months(today=datetime.date(2026, 3, 10)) == []  # a second run changes nothing
    assert services.close_due_months(today=datetime.date(2026, 3, 31)) == []
    assert list(ClosedMonth.objects.values_list("month", flat=True)) == [datetime.date(2026, 2, 1)]
    # The board closed March itself before the 10th of April: the clock leaves it be; May closes on 10 June.
    services.month_close(month=datetime.date(2026, 3, 1), user=board_user, today=datetime.date(2026, 4, 2))
    assert services.close_due_months(today=datetime.date(2026, 4, 10)) == []
    assert ClosedMonth.objects.get(month=datetime.date(2026, 3, 1)).closed_by == board_user
    assert [c.month for c in services.close_due_months(today=datetime.date(2026, 6, 10))] == [
        datetime.date(2026, 4, 1),
        datetime.date(2026, 5, 1),
    ]  # months close in order
    made = tasks.close_due_months.call()  # the clock's task, today: June 2026 onwards, if due
    assert ClosedMonth.objects.count() == 4 + made and tasks.close_due_months.call() == 0


def test_months_due_to_close_in_plain_python():
    march_9, march_10 = datetime.date(2026, 3, 9), datetime.date(2026, 3, 10)
    assert ledger.months_due_to_close(march_9, None) == []
    assert ledger.months_due_to_close(march_10, None) == [datetime.date(2026, 2, 1)]
    assert ledger.months_due_to_close(march_10, datetime.date(2026, 2, 1)) == []
    assert ledger.months_due_to_close(datetime.date(2026, 1, 10), datetime.date(2025, 11, 1)) == [
        datetime.date(2025, 12, 1)
    ]


def test_the_board_is_told_months_close_by_themselves(client_as):
    page = client_as("board").get(reverse("books:board"))
    assert b"Months close by themselves on the 10th" in page.content


def test_bad_input_is_refused_naming_the_field_and_nothing_is_written(board_user, artisan_a):
    with pytest.raises(Refusal) as error:
        services.fee_rate_add(percent="12.345", effective_from=timezone.localdate(), user=board_user)
    assert error.value.field == "percent"
    with pytest.raises(Refusal) as error:
        services.post_adjustment(member=member("m01"), amount="1.5", reason="x", idempotency_key="t-a", user=board_user)
    assert error.value.field == "amount"
    with pytest.raises(Refusal):
        services.post_adjustment(member=member("m01"), amount=5, reason="x", idempotency_key="t-b", user=artisan_a)
    with pytest.raises(Refusal) as error:
        services.bank_account_request(member=member("m01"), bank="BRI", number="12ab", holder="X", user=artisan_a)
    assert error.value.field == "number"
    assert not Posting.objects.exists() and not FeeRate.objects.exists()


def test_postings_are_append_only_in_the_orm():
    from inventory.models.base import AppendOnlyError

    posting = services.post(
        kind="adjustment",
        reference="x",
        legs={ledger.member_account("m01"): 5, ledger.FEES: -5},
        idempotency_key="t-ao",
    )
    with pytest.raises(AppendOnlyError):
        posting.save()
    with pytest.raises(AppendOnlyError):
        Leg.objects.filter(posting=posting).update(amount=6)
    with pytest.raises(AppendOnlyError):
        posting.legs.first().delete()
