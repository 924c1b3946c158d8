"""Deposits and withdrawals (who may, bounds, nothing half-applied, the field named), the board's effective-dated
amounts, arrears, and loan eligibility refused with its reasons."""

import datetime

import pytest
from django.db import IntegrityError, transaction

from books import ledger, selectors as books_selectors, services as books_services
from books.models import Posting
from savings import selectors, services
from savings.models import LoanProduct, PassbookLine, SavingsAccount

from .conftest import JOINED, POKOK, WAJIB, assert_passbooks_match_books, key, member, pay_up

pytestmark = pytest.mark.django_db
ON = datetime.date(2026, 3, 20)


def test_deposits_by_cash_transfer_and_settlement_and_a_withdrawal(coop, artisan_a):
    m = member("m01")
    services.deposit(member=m, kind="sukarela", amount="150.000", channel="cash", idempotency_key=key(), user=coop)
    services.deposit(member=m, kind="sukarela", amount=50_000, channel="transfer", idempotency_key=key(), user=coop)
    # from the settlement: the member's balance must cover it, and the member must agree
    books_services.post_adjustment(member=m, amount=40_000, reason="test credit", idempotency_key=key(), user=coop)
    with pytest.raises(services.Refusal) as refused:
        services.deposit(
            member=m, kind="sukarela", amount=10_000, channel="settlement", idempotency_key=key(), user=coop
        )
    assert refused.value.field == "member_agreed"
    with pytest.raises(services.Refusal) as refused:
        services.deposit(
            member=m, kind="sukarela", amount=50_000, channel="settlement", idempotency_key=key(), user=artisan_a
        )
    assert refused.value.field == "amount" and "Rp 40.000" in refused.value.messages[0]
    services.deposit(
        member=m, kind="sukarela", amount=30_000, channel="settlement", idempotency_key=key(), user=artisan_a
    )
    assert books_selectors.balances()[ledger.member_account("m01")] == 10_000
    line = services.withdraw(member=m, amount=200_000, channel="cash", idempotency_key=key(), user=coop)
    assert line.balance == 30_000 and line.amount == -200_000
    assert_passbooks_match_books([m])


@pytest.mark.parametrize(
    "amount, field",
    [(0, "amount"), (-5, "amount"), (1.5, "amount"), ("abc", "amount"), ("12,5", "amount"), (10**11, "amount")],
)
def test_bad_amounts_are_refused_naming_the_field_and_write_nothing(coop, amount, field):
    before = Posting.objects.count(), PassbookLine.objects.count()
    with pytest.raises(services.Refusal) as refused:
        services.deposit(
            member=member("m01"), kind="sukarela", amount=amount, channel="cash", idempotency_key=key(), user=coop
        )
    assert refused.value.field == field
    assert (Posting.objects.count(), PassbookLine.objects.count()) == before


def test_bad_kind_or_channel_is_refused(coop):
    with pytest.raises(services.Refusal) as refused:
        services.deposit(member=member("m01"), kind="gold", amount=1, channel="cash", idempotency_key=key(), user=coop)
    assert refused.value.field == "kind"
    with pytest.raises(services.Refusal) as refused:
        services.deposit(
            member=member("m01"), kind="wajib", amount=1, channel="pigeon", idempotency_key=key(), user=coop
        )
    assert refused.value.field == "channel"


def test_withdrawal_never_takes_sukarela_below_zero_and_needs_the_treasurer(coop, board_user_2):
    m = member("m02")
    services.deposit(member=m, kind="sukarela", amount=20_000, channel="cash", idempotency_key=key(), user=coop)
    with pytest.raises(services.Refusal) as refused:
        services.withdraw(member=m, amount=20_001, channel="cash", idempotency_key=key(), user=coop)
    assert refused.value.field == "amount" and "Rp 20.000" in refused.value.messages[0]
    with pytest.raises(services.Refusal, match="treasurer"):
        services.withdraw(member=m, amount=1, channel="cash", idempotency_key=key(), user=board_user_2)
    with pytest.raises(services.Refusal, match="treasurer"):
        services.deposit(member=m, kind="wajib", amount=1, channel="cash", idempotency_key=key(), user=board_user_2)
    # pokok and wajib are never withdrawn; the database refuses a negative balance too
    with pytest.raises(IntegrityError), transaction.atomic():
        SavingsAccount.objects.filter(member=m).update(sukarela=-1)
    assert services.savings_account(m).sukarela == 20_000


def test_pokok_is_paid_once(coop):
    m = member("m03")
    services.deposit(member=m, kind="pokok", amount=POKOK - 10_000, channel="cash", idempotency_key=key(), user=coop)
    with pytest.raises(services.Refusal, match="Rp 10.000"):
        services.deposit(member=m, kind="pokok", amount=20_000, channel="cash", idempotency_key=key(), user=coop)


def test_amounts_are_effective_dated(coop):
    services.rule_add(kind="wajib", amount=15_000, effective_from=datetime.date(2026, 2, 1), user=coop)
    m = member("m01")
    # from 2025-01 to 2026-01: 13 months at 10.000; 2026-02 and 2026-03 at 15.000 (March's due on the 12th)
    assert services.wajib_required(m, datetime.date(2026, 3, 12)) == 13 * WAJIB + 2 * 15_000
    assert services.wajib_required(m, datetime.date(2026, 3, 11)) == 13 * WAJIB + 15_000
    with pytest.raises(services.Refusal):
        services.rule_add(kind="sukarela", amount=1, effective_from=datetime.date(2026, 1, 1), user=coop)


def test_arrears_list_the_members_behind(coop):
    pay_up(member("m01"), coop, ON)
    rows = {a.member.code: a for a in selectors.arrears(ON)}
    assert "m01" not in rows
    assert rows["m02"].pokok_due == POKOK and rows["m02"].wajib_due == services.wajib_required(member("m02"), ON)


def _product(coop, **extra):
    data = {
        "name": "Pinjaman anggota",
        "min_amount": 100_000,
        "max_amount": 1_000_000,
        "instalments": 5,
        "frequency": LoanProduct.Frequency.MEETING,
        "jasa_percent": "1.50",
        "jasa_method": "declining",
        "user": coop,
    }
    data.update(extra)
    return services.product_add(**data)


def test_eligibility_refusals_give_the_reasons(coop):
    product = _product(coop)
    m = member("m04")
    with pytest.raises(services.Refusal) as refused:
        services.loan_apply(product=product, shares=[(m, 200_000)], user=coop, on=ON)
    text = refused.value.messages[0]
    assert refused.value.field == "shares"
    assert "m04 cannot borrow now" in text and "Simpanan pokok is not paid yet (Rp 50.000" in text
    assert "Simpanan wajib is behind" in text
    m.joined = ON - datetime.timedelta(days=30)
    m.save(update_fields=["joined"])
    reasons = services.eligibility(m, ON)
    assert any("after 3 months of membership" in r for r in reasons)
    m.joined = JOINED
    m.save(update_fields=["joined"])
    pay_up(m, coop, ON)
    assert services.eligibility(m, ON) == []
    with pytest.raises(services.Refusal, match="Rp 100.000 to Rp 1.000.000"):
        services.loan_apply(product=product, shares=[(m, 50_000)], user=coop, on=ON)
    loan = services.loan_apply(product=product, shares=[(m, 200_000)], user=coop, on=ON)
    assert loan.reference.startswith("PJ")


def test_a_member_in_arrears_cannot_borrow(coop, board_user_2):
    product = _product(coop)
    m = member("m05")
    pay_up(m, coop, datetime.date(2026, 1, 5))
    loan = services.loan_apply(product=product, shares=[(m, 500_000)], user=coop, on=datetime.date(2026, 1, 5))
    with pytest.raises(services.Refusal, match="two board members"):
        services.loan_disburse(loan=loan, channel="cash", user=coop, on=datetime.date(2026, 1, 5))
    services.loan_approve(loan=loan, user=coop)
    with pytest.raises(services.Refusal, match="another board member"):
        services.loan_approve(loan=loan, user=coop)
    services.loan_approve(loan=loan, user=board_user_2)
    services.loan_disburse(loan=loan, channel="cash", user=coop, on=datetime.date(2026, 1, 5))
    share = loan.shares.get()
    dues = list(share.instalments.values_list("due", "principal", "jasa"))
    assert [d[0] for d in dues] == [datetime.date(2026, m_, 12) for m_ in range(1, 6)]
    assert [d[2] for d in dues] == [7_500, 6_000, 4_500, 3_000, 1_500]  # declining 1,5% of what is still owed
    on = datetime.date(2026, 3, 1)
    pay_up(m, coop, on)
    view = selectors.share_view(share, on)
    assert view.days_in_arrears == (on - datetime.date(2026, 1, 12)).days and view.bucket == "31-90"
    reasons = services.eligibility(m, on)
    assert reasons == [f"A loan is in arrears: {loan.reference}."]
    ageing = selectors.ageing(on)
    assert ageing["31-90"]["count"] == 1 and ageing["31-90"]["amount"] == view.overdue
    loans = selectors.running_loans(on)  # the board's page reads them once for both tables
    assert selectors.ageing(on, loans=loans) == ageing
    assert [v.share for a in selectors.arrears(on, loans=loans) for v in a.loans] == [share]
    with pytest.raises(services.Refusal) as refused:
        services.repay(share=share, amount=10**9, channel="cash", idempotency_key=key(), user=coop, on=on)
    assert refused.value.field == "amount"
    assert_passbooks_match_books([m])


def test_product_bounds(coop):
    with pytest.raises(services.Refusal) as refused:
        _product(coop, min_amount=500, max_amount=100)
    assert refused.value.field == "max_amount"
    with pytest.raises(services.Refusal) as refused:
        _product(coop, jasa_percent="25")
    assert refused.value.field == "jasa_percent"
    with pytest.raises(services.Refusal) as refused:
        _product(coop, instalments=0)
    assert refused.value.field == "instalments"
