"""Loan services on the database: one balanced transfer per hand-over and return, idempotent actions,
the board's limits, recall (by the lender and automatic), settlement in money."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from inventory.models import MaterialMovement, Member
from inventory.selectors import material_balance, material_discrepancies
from pooling import selectors as pool_selectors
from pooling.loans import selectors, services
from pooling.loans.models import LoanNotice, LoanSettings, MaterialLoan, MaterialPrice
from pooling.loans.services import LoanError
from tests.factories import work_order

D = Decimal
pytestmark = pytest.mark.django_db


def total(material):
    from inventory.models import MaterialBalance

    return sum((b.quantity for b in MaterialBalance.objects.filter(material=material)), D(0))


def test_lend_and_return_moves_material_once_each_way(member, hide, open_loan, key):
    m1, m2 = member("m01"), member("m02")
    material = hide({"m01": "5", "m02": "50"})
    loan = open_loan(m1, m2, material, "20")
    assert (material_balance(m1, material), material_balance(m2, material)) == (D("25"), D("30"))
    movements = MaterialMovement.objects.filter(material=material, kind__in=["lent", "borrowed"])
    assert sorted(m.delta for m in movements) == [D(-20), D(20)] and len({m.transfer for m in movements}) == 1
    loan = services.loan_return(loan=loan, member=m1, quantity="7.5", idempotency_key=key())
    assert loan.state == "open" and loan.outstanding == D("12.5")
    loan = services.loan_return(loan=loan, member=m1, quantity="12.5", idempotency_key=key())
    assert loan.state == "returned" and loan.outstanding == 0 and loan.closed_at
    assert (material_balance(m1, material), material_balance(m2, material)) == (D("5"), D("50"))
    assert total(material) == D(55) and material_discrepancies(m1) == [] and material_discrepancies(m2) == []


def test_partial_accept_and_both_confirmations_needed(member, hide, key):
    m1, m2 = member("m01"), member("m02")
    material = hide({"m02": "50"})
    loan = services.loan_request(
        borrower=m1, lender=m2, material=material, quantity="20", needed_by=timezone.localdate(), idempotency_key=key()
    )
    loan = services.loan_accept(loan=loan, member=m2, quantity="12", idempotency_key=key())
    assert loan.state == "accepted" and loan.quantity == 12
    loan = services.loan_hand_over(loan=loan, member=m2, idempotency_key=key())
    assert loan.state == "accepted" and material_balance(m1, material) == 0  # the borrower has not confirmed
    loan = services.loan_receive(loan=loan, member=m1, idempotency_key=key())
    assert loan.state == "open" and material_balance(m1, material) == 12 and loan.due_on == loan.return_by


def test_double_submission_never_moves_twice(member, hide, open_loan, key):
    m1, m2 = member("m01"), member("m02")
    material = hide({"m02": "50"})
    loan = open_loan(m1, m2, material, "20", state="accepted")
    services.loan_hand_over(loan=loan, member=m2, idempotency_key="same-handover")
    token = "same-receive"
    for _ in range(2):
        loan = services.loan_receive(loan=loan, member=m1, idempotency_key=token)
    with pytest.raises(LoanError):  # a new token on an open loan: refused, and still one transfer
        services.loan_receive(loan=loan, member=m1, idempotency_key=key())
    assert material_balance(m1, material) == 20
    for _ in range(3):
        loan = services.loan_return(loan=loan, member=m1, quantity="5", idempotency_key="same-return")
    assert loan.returned == 5 and material_balance(m1, material) == 15
    assert loan.events.filter(action="return").count() == 1
    with pytest.raises(LoanError, match="already used"):
        services.loan_recall(loan=loan, member=m2, idempotency_key="same-return")


def test_refusals_name_the_field_and_change_nothing(member, hide, open_loan, key):
    m1, m2 = member("m01"), member("m02")
    material = hide({"m02": "50"})
    loan = open_loan(m1, m2, material, "10")
    with pytest.raises(LoanError, match="still outstanding") as caught:
        services.loan_return(loan=loan, member=m1, quantity="11", idempotency_key=key())
    assert caught.value.field == "quantity"
    with pytest.raises(LoanError, match="Only the borrower"):
        services.loan_return(loan=loan, member=m2, quantity="1", idempotency_key=key())
    buckles = hide({"m02": "10"}, unit="piece", code="test-buckle")
    today = timezone.localdate()
    for quantity, needed_by, message, field in (
        ("1.5", today, "whole numbers", "quantity"),
        ("1", today - datetime.timedelta(days=1), "past", "needed_by"),
    ):
        with pytest.raises(LoanError, match=message) as caught:
            services.loan_request(
                borrower=m1, lender=m2, material=buckles, quantity=quantity, needed_by=needed_by, idempotency_key=key()
            )
        assert caught.value.field == field, message
    assert MaterialLoan.objects.filter(material=buckles).count() == 0
    assert material_balance(m1, material) == 10 and MaterialLoan.objects.get(pk=loan.pk).returned == 0


def test_board_limits(member, hide, open_loan, key):
    m1, m2, m3 = member("m01"), member("m02"), member("m03")
    material = hide({"m02": "50", "m03": "50"})
    conf = LoanSettings.current()
    conf.max_active_loans = 2
    conf.save()
    first = open_loan(m1, m2, material, "1")
    open_loan(m1, m3, material, "1", state="requested")
    with pytest.raises(LoanError, match="limit is 2"):
        open_loan(m1, m2, material, "1", state="requested")
    MaterialLoan.objects.filter(pk=first.pk).update(due_on=timezone.localdate() - datetime.timedelta(days=1))
    conf.max_active_loans = 5
    conf.save()
    with pytest.raises(LoanError, match="overdue"):
        open_loan(m1, m2, material, "1", state="requested")


def test_recall_sets_notice_due_date_and_tells_the_borrower(
    member, hide, open_loan, key, django_capture_on_commit_callbacks
):
    m1, m2 = member("m01"), member("m02")
    material = hide({"m02": "50"})
    loan = open_loan(m1, m2, material, "10", needed_in=1)
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        loan = services.loan_recall(loan=loan, member=m2, idempotency_key=key(), now=now)
    assert loan.state == "recalled" and loan.due_on == timezone.localdate(now) + datetime.timedelta(days=2)
    assert LoanNotice.objects.filter(member=m1, loan=loan, kind="recalled").exists()
    assert len(mail.outbox) == 1 and m1.owner.email in mail.outbox[0].to
    assert f"#{loan.pk}" in mail.outbox[0].subject
    loan = services.loan_return(loan=loan, member=m1, quantity="10", idempotency_key=key())
    assert loan.state == "returned"


def test_settlement_in_money_closes_the_loan(member, hide, open_loan, key):
    m1, m2 = member("m01"), member("m02")
    material = hide({"m02": "50"})
    loan = open_loan(m1, m2, material, "10")
    services.loan_return(loan=loan, member=m1, quantity="4", idempotency_key=key())
    with pytest.raises(LoanError, match="price"):
        services.loan_propose_settlement(loan=loan, member=m1, idempotency_key=key())
    MaterialPrice.objects.create(material=material, price=D("32500"))
    loan = services.loan_propose_settlement(loan=loan, member=m1, idempotency_key=key())
    with pytest.raises(LoanError, match="other party"):
        services.loan_agree_settlement(loan=loan, member=m1, idempotency_key=key())
    loan = services.loan_agree_settlement(loan=loan, member=m2, idempotency_key=key())
    assert loan.state == "settled" and loan.settled == 6 and loan.outstanding == 0
    assert loan.settlement_amount == D(195000)
    owed = selectors.board_overview()["owed"]
    assert any(o.borrower == m1 and o.lender == m2 and o.money == D(195000) for o in owed)
    assert material_balance(m1, material) == 6  # the material stays with the borrower, who pays for it


def test_board_overview_ageing(member, hide, open_loan):
    m1, m2, m3 = member("m01"), member("m02"), member("m03")
    material = hide({"m02": "50", "m03": "50"})
    a = open_loan(m1, m2, material, "3")
    b = open_loan(m3, m2, material, "4")
    today = timezone.localdate()
    MaterialLoan.objects.filter(pk=a.pk).update(due_on=today - datetime.timedelta(days=3))
    MaterialLoan.objects.filter(pk=b.pk).update(due_on=today - datetime.timedelta(days=40))
    view = selectors.board_overview(today=today)
    assert [o.loan.pk for o in view["ageing"]["0-7"]] == [a.pk]
    assert [o.loan.pk for o in view["ageing"][">30"]] == [b.pk]
    owed = {(o.borrower.code, o.lender.code): o.materials for o in view["owed"]}
    assert owed[("m01", "m02")] == [(material, D(3))]


def test_suggested_lenders_leave_out_what_accepted_work_needs(member, hide, monkeypatch):
    m1 = member("m01")
    material = hide({"m02": "30", "m03": "30", "m04": "5"})
    needs = {"m02": D(25), "m03": D(0), "m04": D(0)}
    codes = dict(Member.objects.values_list("pk", "code"))
    monkeypatch.setattr(
        pool_selectors,
        "accepted_work_needs",
        lambda members, mat, until: {pk: needs.get(codes[pk], D(0)) for pk in members},
    )
    out = pool_selectors.suggest_lenders(borrower=m1, material=material, quantity=D(10), until=timezone.localdate())
    assert [s.member.code for s in out][:3] == ["m03", "m02", "m04"] or [s.member.code for s in out][:3] == [
        "m03",
        "m04",
        "m02",
    ]
    assert out[0].member.code == "m03" and out[0].spare == 30 and out[0].covers
    assert {s.member.code: s.spare for s in out} == {"m02": D(5), "m03": D(30), "m04": D(5)}


def test_auto_recall_when_accepted_work_needs_the_material(
    member, hide, open_loan, monkeypatch, django_capture_on_commit_callbacks
):
    from pooling.loans import services as loan_services

    m1, m2 = member("m01"), member("m02")
    material = hide({"m02": "30"})
    loan = open_loan(m1, m2, material, "20")  # m02 keeps 10
    monkeypatch.setattr(loan_services, "accepted_work_needs", lambda members, mat, until: {m.pk: D(8) for m in members})
    assert loan_services.recall_needed_loans() == []
    monkeypatch.setattr(loan_services, "accepted_work_needs", lambda members, mat, until: {m2.pk: D(15)})
    with django_capture_on_commit_callbacks(execute=True):
        call_command("recall_needed_loans", stdout=open("/dev/null", "w"))
    loan.refresh_from_db()
    assert loan.state == "recalled" and loan.recall == "automatic" and len(mail.outbox) == 1
    assert loan_services.recall_needed_loans() == []  # already recalled: nothing twice


def test_needs_are_accepted_work_orders_times_the_bill_until_the_date(member, hide):
    from oscar.core.loading import get_model

    from inventory.models import BillLine
    from pooling.models import RoutingRequest
    from pooling.needs import accepted_work_needs

    m2, m3, m4 = member("m02"), member("m03"), member("m04")
    material = hide({"m02": "30"})
    product = get_model("catalogue", "Product").objects.exclude(structure="parent").first()
    BillLine.objects.create(product=product, material=material, quantity=D("1.5"))
    today = timezone.localdate()
    request = RoutingRequest.objects.create(
        kind="overflow",
        member=m4,
        product=product,
        quantity=20,
        due_week=today,
        product_class=product.get_product_class(),
    )

    def work(member, quantity, week, state="accepted"):
        work_order(member, request=request, product=product, quantity=quantity, week=week, state=state)

    later = today + datetime.timedelta(days=14)
    work(m2, 4, today)
    work(m2, 2, later)  # after the date asked about
    work(m3, 2, today)
    work(m4, 9, today, state="offered")  # not accepted: needs nothing yet
    assert accepted_work_needs([m2, m3, m4], material, today) == {m2.pk: D(6), m3.pk: D(3)}
    assert accepted_work_needs([m2.pk], material, None) == {m2.pk: D(9)}
    assert accepted_work_needs([], material, None) == {}


def test_task_runs_the_recall(member, hide, open_loan, monkeypatch):
    from pooling.loans import services as loan_services
    from pooling.loans.tasks import recall_needed_loans

    m1, m2 = member("m01"), member("m02")
    material = hide({"m02": "30"})
    open_loan(m1, m2, material, "20")
    monkeypatch.setattr(
        loan_services, "accepted_work_needs", lambda members, mat, until: {m.pk: D(50) for m in members}
    )
    result = recall_needed_loans.enqueue()
    assert result.return_value == 1


def test_demo_seed_is_idempotent(db):
    from pooling.loans.demo import seed_loans

    seed_loans()
    before = (MaterialLoan.objects.count(), MaterialMovement.objects.count(), MaterialPrice.objects.count())
    seed_loans()
    assert (MaterialLoan.objects.count(), MaterialMovement.objects.count(), MaterialPrice.objects.count()) == before
    assert MaterialLoan.objects.filter(request_key="demo-loan-0", state="open").exists()


def test_the_lender_confirms_the_settlement_money_and_the_board_stops_counting_it(member, hide, open_loan, key):
    m1, m2 = member("m01"), member("m02")
    material = hide({"m02": "50"})
    MaterialPrice.objects.create(material=material, price=D("32500"))
    loan = open_loan(m1, m2, material, "2")
    services.loan_propose_settlement(loan=loan, member=m1, idempotency_key=key())
    loan = services.loan_agree_settlement(loan=loan, member=m2, idempotency_key=key())
    assert any(o.money == D(65000) for o in selectors.board_overview()["owed"] if o.borrower == m1)

    with pytest.raises(LoanError, match="lender"):
        services.loan_settlement_paid(loan=loan, member=m1, idempotency_key=key())  # the borrower cannot
    token = key()
    loan = services.loan_settlement_paid(loan=loan, member=m2, idempotency_key=token)
    assert loan.settlement_paid_at is not None and loan.state == "settled"
    assert services.loan_settlement_paid(loan=loan, member=m2, idempotency_key=token).pk == loan.pk  # resubmit
    with pytest.raises(LoanError, match="already"):
        services.loan_settlement_paid(loan=loan, member=m2, idempotency_key=key())
    assert not any(o.money for o in selectors.board_overview()["owed"] if o.borrower == m1 and o.lender == m2)
    assert not [o for o in selectors.board_overview()["owed"] if o.borrower == m1]  # nothing left to list
    assert LoanNotice.objects.filter(member=m1, loan=loan, kind="paid").exists()
