"""Two borrowers race for the lender's last hides: one gets them, the other a clear message (PostgreSQL)."""

from decimal import Decimal

import pytest
from django.utils import timezone

from inventory.selectors import material_balance
from tests.pg_helpers import run_together


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_borrowers_race_for_the_last_hides(member, hide):
    from pooling.loans import services
    from pooling.loans.services import LoanError

    lender, first, second = member("m02"), member("m01"), member("m03")
    material = hide({"m02": "10"}, code="race-hide")
    loans = []
    for n, borrower in enumerate([first, second]):
        loan = services.loan_request(
            borrower=borrower,
            lender=lender,
            material=material,
            quantity="10",
            needed_by=timezone.localdate(),
            idempotency_key=f"race-req-{n}",
        )
        services.loan_accept(loan=loan, member=lender, idempotency_key=f"race-acc-{n}")
        services.loan_hand_over(loan=loan, member=lender, idempotency_key=f"race-hand-{n}")
        loans.append((loan, borrower))

    def receive(n):
        loan, borrower = loans[n]
        return services.loan_receive(loan=loan, member=borrower, idempotency_key=f"race-rec-{n}").state

    results = run_together(2, receive)
    states = sorted(str(type(r).__name__) if isinstance(r, Exception) else r for r in results)
    assert states == ["LoanError", "open"], results
    error = next(r for r in results if isinstance(r, LoanError))
    assert "m02 cannot hand this over now" in str(error.messages[0]) and "Not enough" in error.messages[0]
    assert material_balance(lender, material) == 0
    assert material_balance(first, material) + material_balance(second, material) == Decimal(10)
