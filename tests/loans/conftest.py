"""Loan fixtures (the session's demo seed already gives members their materials and opening balances)."""

from __future__ import annotations

from decimal import Decimal

import pytest


@pytest.fixture
def member(db):
    from inventory.models import Member

    return lambda code: Member.objects.select_related("partner").get(code=code)


@pytest.fixture
def hide(db):
    """A fresh material for the test (sq ft), with opening balances given per member code."""
    from inventory.models import Material, Member
    from inventory.services import material_move

    def make(balances: dict[str, str], *, unit: str = "sqft", code: str = "test-hide"):
        material = Material.objects.create(
            code=code, name=f"Kulit uji {code}", name_en="Test hide", grade="A", unit=unit
        )
        for member_code, qty in balances.items():
            material_move(
                member=Member.objects.get(code=member_code),
                material=material,
                kind="opening",
                quantity=Decimal(qty),
                idempotency_key=f"open-{code}-{member_code}",
            )
        return material

    return make


@pytest.fixture
def open_loan(key):
    """open_loan(borrower, lender, material, quantity) → a loan handed over and received (state open)."""
    import datetime

    from django.utils import timezone

    from pooling.loans import services

    def make(borrower, lender, material, quantity, *, state="open", needed_in=3):
        loan = services.loan_request(
            borrower=borrower,
            lender=lender,
            material=material,
            quantity=quantity,
            needed_by=timezone.localdate() + datetime.timedelta(days=needed_in),
            idempotency_key=key(),
        )
        if state == "requested":
            return loan
        services.loan_accept(loan=loan, member=lender, idempotency_key=key())
        if state == "accepted":
            return loan
        services.loan_hand_over(loan=loan, member=lender, idempotency_key=key())
        loan = services.loan_receive(loan=loan, member=borrower, idempotency_key=key())
        assert loan.state == "open"
        return loan

    return make


@pytest.fixture(autouse=True)
def _english(english_messages):
    """These tests match the English wording of refusals."""
