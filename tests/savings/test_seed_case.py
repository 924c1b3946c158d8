"""Seed 003's group loan: a group of five borrows Rp 125.000 (Rp 25.000 each) in kind — each receives a paket
usaha of leather, soles and thread from the cooperative's materials (kept at m08's workshop), moved through the
material ledger — funded by two members' simpanan sukarela, and repays six daily instalments of Rp 4.200; one
member misses a day and the group covers it (tanggung renteng). The loan ends repaid, the funders' savings end at
what they had plus their share of the jasa, the member who missed owes the four who paid for it, and the trial
balance is 0 throughout."""

import datetime

import pytest

from books import ledger, selectors as books_selectors
from books.models import Leg
from inventory.models import MaterialMovement
from savings import selectors, services
from savings.demo import GROUP_PACKAGE
from savings.models import Loan

from .conftest import assert_passbooks_match_books, key, material_balances, member, package, pay_up, stock_up

pytestmark = pytest.mark.django_db
DAY0 = datetime.date(2026, 3, 2)
GROUP = ["m01", "m02", "m03", "m04", "m05"]
STORE = "m08"  # keeps the cooperative's materials for the paket usaha


@pytest.fixture
def group_loan(coop, board_user_2):
    members = [member(c) for c in GROUP]
    for m in members:
        pay_up(m, coop, DAY0)
    for code, amount in (("m06", 100_000), ("m07", 60_000)):
        services.deposit(
            member=member(code),
            kind="sukarela",
            amount=amount,
            channel="cash",
            idempotency_key=key(),
            user=coop,
            on=DAY0,
        )
    group = services.group_create(
        code="mawar", name="Kelompok Mawar", neighbourhood="RT 03", leader=members[0], members=members, user=coop
    )
    product = services.product_add(**{**GROUP_PACKAGE, "max_amount": 25_000}, user=coop)
    stock_up(member(STORE))
    loan = services.loan_apply(
        product=product,
        group=group,
        shares=[(m, 25_000) for m in members],
        fundings=[(member("m06"), 75_000), (member("m07"), 50_000)],
        package=package(),
        stock_from=member(STORE),
        coop_stock=True,
        user=coop,
        on=DAY0,
    )
    services.loan_approve(loan=loan, user=coop)
    assert Loan.objects.get(pk=loan.pk).status == Loan.Status.APPLIED  # one approval is not enough
    services.loan_approve(loan=loan, user=board_user_2)
    before = material_balances(members + [member(STORE)])
    loan = services.loan_disburse(loan=loan, user=coop, on=DAY0)
    return loan, group, before


def test_the_seed_group_loan_is_repaid_with_the_group_covering_a_missed_day(group_loan, coop):
    loan, group, before = group_loan
    members = [member(c) for c in GROUP]
    assert loan.status == Loan.Status.DISBURSED
    # the paket usaha moved: each borrower got 4 sq ft of leather, 2 pairs of soles and 30 m of thread, the store
    # gave five of each, and the cooperative's materials account carries the Rp 125.000 paid out in kind
    after = material_balances(members + [member(STORE)])
    for m in members:
        assert [after[m.code, c] - before[m.code, c] for c in ("kulit-sapi-b", "sol-karet", "benang")] == [4, 2, 30]
    assert [before[STORE, c] - after[STORE, c] for c in ("kulit-sapi-b", "sol-karet", "benang")] == [20, 10, 150]
    assert MaterialMovement.objects.filter(source=f"loan:{loan.reference}").count() == 5 * 3 * 2
    assert books_selectors.balances()[services.MATERIALS] == 125_000
    disbursed = Leg.objects.filter(posting__idempotency_key=f"credit:{loan.reference}:disbursed")
    assert not disbursed.filter(account__code=services.CASH).exists()  # no money left the cash box
    for share in loan.shares.all():
        assert [i.principal + i.jasa for i in share.instalments.all()] == [4_200] * 6
        assert [i.due for i in share.instalments.all()] == [DAY0 + datetime.timedelta(days=k) for k in range(1, 7)]
    assert services.savings_account(member("m06")).sukarela == 25_000  # 75.000 of it lent to the group
    assert_passbooks_match_books(members + [member("m06"), member("m07")])

    for day in range(1, 7):
        on = DAY0 + datetime.timedelta(days=day)
        if day == 4:
            share3 = loan.shares.get(member=member("m03"))
            view = selectors.share_view(share3, on)
            assert view.days_in_arrears == 1 and view.overdue == 4_200 and view.bucket == "1-7"
            # the group cannot borrow again until it is cleared
            reasons = services.eligibility(member("m01"), on, group)
            assert any("in arrears" in r and loan.reference in r for r in reasons)
            sheet = selectors.sheet_json(on)
            row = next(r for r in sheet["rows"] if r["member"] == "m03")
            assert row["group"] == "mawar"
            assert {"kind": "instalment", "reference": loan.reference, "amount": 8_400} in row["items"]  # + today
            others = [m for m in members if m.code != "m03"]
            services.repay(
                share=share3, amount=4_200, channel="cash", idempotency_key=key(), user=coop, on=on, covered_by=others
            )
            assert selectors.share_view(share3, on).days_in_arrears == 0
            assert services.eligibility(member("m01"), on, group) == []
        for m in members:
            if m.code == "m03" and day == 3:
                continue  # m03 misses day 3
            share = loan.shares.get(member=m)
            services.repay(share=share, amount=4_200, channel="cash", idempotency_key=key(), user=coop, on=on)
        assert_passbooks_match_books(members + [member("m06"), member("m07")])

    loan.refresh_from_db()
    assert loan.status == Loan.Status.REPAID
    balances = books_selectors.balances()
    # funders: their sukarela back in full plus their share of the Rp 1.000 jasa (75/125 and 50/125)
    assert services.savings_account(member("m06")).sukarela == 100_600
    assert services.savings_account(member("m07")).sukarela == 60_400
    assert services.savings_account(member("m06")).lent == 0
    assert balances.get(services.JASA, 0) == 0  # all the jasa went to the funders who funded it all
    for m in members:
        assert balances.get(services.loan_code(loan, m), 0) == 0
    # tanggung renteng: m03 owes the four who paid its instalment, Rp 1.050 each
    assert balances[ledger.member_account("m03")] == -4_200
    assert all(balances[ledger.member_account(c)] == 1_050 for c in ("m01", "m02", "m04", "m05"))
    assert books_selectors.trial_balance()["total"] == 0
    assert_passbooks_match_books(members + [member("m06"), member("m07")])


def test_a_repayment_replayed_with_its_key_pays_once(group_loan, coop):
    loan, _group, _before = group_loan
    share = loan.shares.get(member=member("m01"))
    on = DAY0 + datetime.timedelta(days=1)
    first = services.repay(share=share, amount=4_200, channel="cash", idempotency_key="same", user=coop, on=on)
    again = services.repay(share=share, amount=4_200, channel="cash", idempotency_key="same", user=coop, on=on)
    assert first.pk == again.pk
    assert selectors.share_view(share, on).outstanding == 5 * 4_200


def test_early_repayment_waives_the_jasa_not_yet_due(group_loan, coop):
    loan, _group, _before = group_loan
    share = loan.shares.get(member=member("m02"))
    on = DAY0 + datetime.timedelta(days=2)
    amount = services.early_amount(share, on)
    assert amount == 25_000 + 34 + 34  # all principal, and the jasa of the two instalments due by day 2
    with pytest.raises(services.Refusal) as refused:
        services.repay(
            share=share, amount=amount - 1, channel="cash", idempotency_key=key(), user=coop, on=on, early=True
        )
    assert refused.value.field == "amount"
    services.repay(share=share, amount=amount, channel="cash", idempotency_key=key(), user=coop, on=on, early=True)
    view = selectors.share_view(share, on)
    assert view.outstanding == 0 and view.principal_left == 0
    assert_passbooks_match_books([member("m02"), member("m06"), member("m07")])
