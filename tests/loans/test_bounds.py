"""Issue 13, item 5 (loans): dates within two years, day counts within a year, refused on the field by the
service and the form (and the settings by the database), never a server error."""

from __future__ import annotations

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from pooling.loans import rules, services
from pooling.loans.models import LoanSettings, MaterialLoan
from pooling.loans.services import LoanError

pytestmark = pytest.mark.django_db


def days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


@pytest.fixture
def buckles(hide):
    return hide({"m02": "40"}, unit="piece", code="b13-buckle")


def _m01_asks_m02_for_buckles(member, buckles, key, *, quantity=2, **dates):
    """m01 asks m02 for ``quantity`` buckles through the service; ``dates``: needed_by and maybe return_by."""
    return services.loan_request(
        borrower=member("m01"),
        lender=member("m02"),
        material=buckles,
        quantity=quantity,
        idempotency_key=key,
        **dates,
    )


@pytest.mark.parametrize(
    "needed_by,return_by,field,message",
    [
        ("9999-12-31", "", "needed_by", "needed-by date must be at most 730 days from today"),
        (days(731).isoformat(), "", "needed_by", "needed-by date must be at most 730 days from today"),
        (days(2).isoformat(), "9999-12-31", "return_by", "return date must be at most 365 days after the needed-by"),
        (days(2).isoformat(), days(368).isoformat(), "return_by", "return date must be at most 365 days after"),
        ("0001-01-01", "", "needed_by", "needed-by date is in the past"),
    ],
)
def test_the_request_form_refuses_far_dates_on_the_field(
    client_as, member, buckles, needed_by, return_by, field, message
):
    client = client_as("artisan_a")
    data = {
        "borrower": member("m01").pk,
        "material": buckles.pk,
        "quantity": "2",
        "needed_by": needed_by,
        "return_by": return_by,
        "idempotency_key": f"b13-{needed_by}-{return_by}",
    }
    for extra in ({"suggest": "1"}, {"ask": member("m02").pk}, {"lender": member("m02").pk}):
        response = client.post(reverse("loans:request"), {**data, **extra})
        assert response.status_code == 400
        body = response.content.decode()
        assert f'data-field="{field}"' in body and message in body
    assert not MaterialLoan.objects.filter(material=buckles).exists()


@pytest.mark.parametrize(
    "needed_by,return_by,field",
    [
        (datetime.date(9999, 12, 31), None, "needed_by"),
        (datetime.date(9999, 12, 31), datetime.date(9999, 12, 31), "needed_by"),
        (days(3), datetime.date(9999, 12, 31), "return_by"),
    ],
)
def test_the_request_service_refuses_far_dates_naming_the_field(member, buckles, needed_by, return_by, field):
    with pytest.raises(LoanError) as refused:
        _m01_asks_m02_for_buckles(member, buckles, "b13-far", needed_by=needed_by, return_by=return_by)
    assert refused.value.field == field
    assert not MaterialLoan.objects.filter(material=buckles).exists()


def test_a_loan_within_the_bounds_is_fine(member, buckles):
    loan = _m01_asks_m02_for_buckles(member, buckles, "b13-edge", needed_by=days(730), return_by=days(730 + 365))
    assert loan.return_by == days(1095)


@pytest.mark.parametrize(
    "field,value",
    [
        ("default_term_days", 10**9),
        ("notice_days", 10**12),
        ("notice_days", 0),
        ("default_term_days", 366),
        ("max_active_loans", 10**6),
        ("max_active_loans", 0),
        ("notice_days", -1),
    ],
)
def test_board_settings_out_of_range_are_refused_on_the_field(client_as, field, value):
    before = {
        k: v for k, v in LoanSettings.objects.values().get(pk=LoanSettings.current().pk).items() if k != "updated_at"
    }
    data = {"notice_days": 2, "max_active_loans": 3, "default_term_days": 30, field: value}
    response = client_as("board").post(reverse("loans:board-settings"), data)
    assert response.status_code == 400 and f'data-field="{field}"' in response.content.decode()
    after = {k: v for k, v in LoanSettings.objects.values().get(pk=before["id"]).items() if k != "updated_at"}
    assert after == before
    kwargs = {"notice_days": 2, "max_active_loans": 3, "default_term_days": 30, field: value}
    with pytest.raises(LoanError) as refused:
        services.loan_settings_update(**kwargs)
    assert refused.value.field == field and "Must be a whole number from" in refused.value.messages[0]


@pytest.mark.parametrize("field", ["notice_days", "default_term_days", "max_active_loans"])
def test_the_database_refuses_settings_out_of_range(field):
    conf = LoanSettings.current()
    with pytest.raises(IntegrityError), transaction.atomic():
        LoanSettings.objects.filter(pk=conf.pk).update(**{field: 30000})


def test_requests_and_recalls_work_at_the_largest_settings(member, buckles, hide, open_loan):
    services.loan_settings_update(notice_days=365, max_active_loans=100, default_term_days=365)
    loan = _m01_asks_m02_for_buckles(member, buckles, "b13-max", quantity=1, needed_by=days(730))
    assert loan.return_by == days(730 + 365)
    leather = hide({"m03": "10"}, code="b13-hide")
    lent = open_loan(member("m04"), member("m03"), leather, "2")
    recalled = services.loan_recall(loan=lent, member=member("m03"), idempotency_key="b13-recall")
    assert recalled.state == "recalled" and recalled.due_on <= days(365)


def test_the_rules_keep_dates_real():
    with pytest.raises(rules.LoanRuleError):
        rules.check_dates(today=datetime.date(2026, 1, 1), needed_by=datetime.date(9999, 12, 31), return_by=None)
    assert rules.return_date(datetime.date(2026, 1, 1), None, 10**9) == datetime.date(2027, 1, 1)
    assert rules.due_after_recall(datetime.date(2026, 1, 1), 10**12, None) == datetime.date(2027, 1, 1)
