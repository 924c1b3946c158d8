"""The plain-Python loan rules: states, quantities, limits, ageing, lender ranking."""

import datetime
from decimal import Decimal

import pytest

from pooling import lending
from pooling.loans import rules

D = Decimal
TODAY = datetime.date(2025, 3, 10)


def test_only_the_right_party_in_the_right_state():
    rules.check_action("accept", rules.REQUESTED, rules.LENDER)
    with pytest.raises(rules.LoanRuleError, match="Only the lender"):
        rules.check_action("accept", rules.REQUESTED, rules.BORROWER)
    with pytest.raises(rules.LoanRuleError, match="not possible now"):
        rules.check_action("return", rules.REQUESTED, rules.BORROWER)
    with pytest.raises(rules.LoanRuleError):
        rules.check_action("recall", rules.OPEN, None)


@pytest.mark.parametrize(
    "value, places, message",
    [
        ("1.5", 0, "whole numbers"),
        ("1.234", 2, "decimal places"),
        ("0", 2, "more than zero"),
        ("-3", 2, "more than zero"),
        ("abc", 2, "not a number"),
        ("NaN", 2, "not a number"),
    ],
)
def test_bad_quantities_name_the_field(value, places, message):
    with pytest.raises(rules.LoanRuleError, match=message) as caught:
        rules.to_quantity(value, places)
    assert caught.value.field == "quantity"


def test_new_loan_limits():
    ok = dict(
        active_loans=2, max_active=3, overdue_loans=0, today=TODAY, needed_by=TODAY, return_by=TODAY, same_member=False
    )
    rules.check_new_loan(**ok)
    for change, field in [
        ({"active_loans": 3}, None),
        ({"overdue_loans": 1}, None),
        ({"needed_by": TODAY - datetime.timedelta(days=1)}, "needed_by"),
        ({"return_by": TODAY - datetime.timedelta(days=1)}, "return_by"),
        ({"same_member": True}, "lender"),
    ]:
        with pytest.raises(rules.LoanRuleError) as caught:
            rules.check_new_loan(**{**ok, **change})
        assert caught.value.field == field


def test_recall_brings_the_due_date_forward_only():
    assert rules.due_after_recall(TODAY, 2, TODAY + datetime.timedelta(days=30)) == TODAY + datetime.timedelta(days=2)
    assert rules.due_after_recall(TODAY, 2, TODAY + datetime.timedelta(days=1)) == TODAY + datetime.timedelta(days=1)


@pytest.mark.parametrize("days, bucket", [(0, "0-7"), (1, "0-7"), (7, "0-7"), (8, "8-30"), (30, "8-30"), (31, ">30")])
def test_ageing(days, bucket):
    assert rules.ageing_bucket(days) == bucket


def test_settlement_in_whole_rupiah():
    assert rules.settlement_amount(D("2.50"), D("32001")) == D("80003")  # 80002.5 half up
    with pytest.raises(rules.LoanRuleError, match="price"):
        rules.settlement_amount(D(1), None)


def test_lenders_ranked_by_what_they_spare_then_distance():
    origin = (-7.81, 110.37)
    near, far = (-7.811, 110.371), (-7.90, 110.45)
    ranked = lending.rank_lenders(
        [
            lending.Candidate("far-rich", D(100), D(0), far),
            lending.Candidate("near-rich", D(60), D(10), near),
            lending.Candidate("near-part", D(10), D(0), near),
            lending.Candidate("busy", D(30), D(40), near),  # its own accepted work needs it all
        ],
        quantity=D(20),
        origin=origin,
    )
    assert [s.key for s in ranked] == ["near-rich", "far-rich", "near-part"]
    assert ranked[0].covers and not ranked[2].covers
    assert ranked[0].distance_km < 1 < ranked[1].distance_km


def test_offered_actions_leave_out_what_the_party_already_did():
    def offered(state, role, **done):
        flags = {"handed_over": False, "received": False, "proposed_by": "", "paid": False, **done}
        return rules.offered_actions(state, role, **flags)

    assert offered(rules.REQUESTED, rules.LENDER) == ["accept", "decline"]
    assert offered(rules.REQUESTED, rules.BORROWER) == ["cancel"]
    assert offered(rules.ACCEPTED, rules.LENDER, handed_over=True) == []
    assert offered(rules.ACCEPTED, rules.BORROWER) == ["cancel", "receive"]
    assert offered(rules.OPEN, rules.BORROWER) == ["return", "propose_settlement"]
    assert offered(rules.OPEN, rules.BORROWER, proposed_by=rules.BORROWER) == ["return"]
    assert offered(rules.OPEN, rules.LENDER, proposed_by=rules.BORROWER) == ["recall", "agree_settlement"]
    assert offered(rules.SETTLED, rules.LENDER) == ["settlement_paid"]
    assert offered(rules.SETTLED, rules.LENDER, paid=True) == []


def test_dates_and_the_default_term():
    with pytest.raises(rules.LoanRuleError) as caught:
        rules.check_dates(today=TODAY, needed_by=TODAY, return_by=TODAY - datetime.timedelta(days=1))
    assert caught.value.field == "return_by"
    rules.check_dates(today=TODAY, needed_by=TODAY, return_by=None)
    assert rules.return_date(TODAY, None, 30) == TODAY + datetime.timedelta(days=30)
    assert rules.return_date(TODAY, TODAY, 30) == TODAY
