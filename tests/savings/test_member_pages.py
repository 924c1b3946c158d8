"""A member's own pages: its loans with each instalment schedule, its arrears, what it owes at the next meeting,
and why it may not borrow; linked from its passbook. A member sees only its own; the board sees every member's."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from savings import rules, services
from tests.conftest import OWN_PAGE_ACCESS

from .conftest import key, loan_product, member, pay_up

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role, code, status", [*OWN_PAGE_ACCESS, ("board2", "m02", 200)])
def test_a_member_sees_only_its_own_loans(client_as, coop, role, code, status):
    assert client_as(role).get(reverse("savings:member_loans", args=[code])).status_code == status


def _weekly_loan(coop, checker, m, day0):
    product = loan_product(coop, name="Mingguan")
    pay_up(m, coop, day0)
    loan = services.loan_apply(product=product, shares=[(m, 40_000)], user=coop, on=day0)
    services.loan_approve(loan=loan, user=coop)
    services.loan_approve(loan=loan, user=checker)
    return services.loan_disburse(loan=loan, channel="cash", user=coop, on=day0)


def test_the_member_sees_its_schedule_arrears_what_is_due_and_why_it_cannot_borrow(client_as, coop, board_user_2):
    today = timezone.localdate()
    m = member("m01")
    day0 = today - datetime.timedelta(days=10)  # instalment 1 fell due 3 days ago and is unpaid
    loan = _weekly_loan(coop, board_user_2, m, day0)
    services.deposit(member=m, kind="sukarela", amount=5_000, channel="cash", idempotency_key=key(), user=coop)

    page = client_as("artisan_a").get(reverse("savings:member_loans", args=["m01"])).content.decode()

    statuses = re.findall(r'<tr data-status="(\w+)">', page)
    assert len(statuses) == 4 and statuses[0] == "overdue"
    assert f'data-loan="{loan.reference}"' in page and 'data-overdue="10100"' in page
    assert 'data-outstanding="40400"' in page and "Rp 10.100" in page
    # due at the next meeting: the arrears, the instalments due by then and the wajib due by then
    meeting = rules.next_meeting(today - datetime.timedelta(days=1))
    instalments = 10_100 * sum(1 for k in range(1, 5) if day0 + datetime.timedelta(weeks=k) <= meeting)
    wajib = services.wajib_required(m, meeting) - services.savings_account(m).wajib
    assert f'data-meeting="{meeting:%Y-%m-%d}"' in page
    assert f'data-due="{instalments + wajib}"' in page
    assert statuses.count("due") + statuses.count("overdue") == instalments // 10_100
    # not eligible: a loan in arrears, with the reason the rule gives
    assert 'data-eligible="0"' in page and f"A loan is in arrears: {loan.reference}." in page
    # the passbook links here and lists the loan's movement
    book = client_as("artisan_a").get(reverse("savings:passbook", args=["m01"])).content.decode()
    assert reverse("savings:member_loans", args=["m01"]) in book and "Loan disbursed" in book


def test_an_eligible_member_is_told_so_and_a_new_one_why_not(client_as, coop):
    from inventory.models import Member

    today = timezone.localdate()
    pay_up(member("m01"), coop, today)
    page = client_as("artisan_a").get(reverse("savings:member_loans", args=["m01"])).content.decode()
    assert 'data-eligible="1"' in page and "No loans." in page
    Member.objects.filter(code="m02").update(joined=today - datetime.timedelta(days=20))
    page = client_as("artisan_b").get(reverse("savings:member_loans", args=["m02"])).content.decode()
    assert 'data-eligible="0"' in page and "after 3 months of membership" in page
    assert "Simpanan pokok is not paid yet (Rp 50.000 to pay)." in page


def test_other_debts_due_at_the_meeting_are_not_called_dues(client_as, coop):
    """What the member owes on its account besides dues (the sheet's "account" line) is named as such on its page,
    as on the collection sheet, not as "Dues (iuran)"."""
    from books import ledger as books_ledger, services as books

    books.post(
        kind="transfer",
        reference="test material settlement",
        legs={books_ledger.member_account("m01"): -30_000, "coop:dues": 30_000},
        idempotency_key=key(),
    )
    page = client_as("artisan_a").get(reverse("savings:member_loans", args=["m01"])).content.decode()
    item = re.search(r'<li data-kind="account">(.*?)</li>', page, re.S)
    assert item and "Other debts on the account" in item.group(1) and "Rp 30.000" in item.group(1)
    assert "Dues (iuran)" not in item.group(1)
