"""On PostgreSQL: a shipment and a refund of one order racing post consistently (whichever wins the order's
row lock, the member ends with the sale less the fee less the refund's share), and the database itself refuses
to edit or delete postings. Transactional; the module's last step restores the seed (see
tests/inventory/test_concurrency_pg.py)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction

from books import ledger, selectors
from books.models import FeeRate, Posting
from tests.pg_helpers import restore_seed_after_module, run_together  # noqa: F401 (a module-scoped autouse fixture)

from .conftest import paid_order, record_of, refund

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def together(*steps):
    errors = [r for r in run_together(len(steps), lambda i: steps[i]()) if isinstance(r, Exception)]
    assert not errors, errors


def test_a_shipment_and_a_refund_racing_post_consistently():
    from oscar.core.loading import get_model

    from catalog.shop.order import services as order_services

    FeeRate.objects.create(percent=Decimal("10"), effective_from=datetime.date(2000, 1, 1))
    record = record_of(
        get_model("partner", "StockRecord")
        .objects.filter(partner__member__isnull=False)
        .order_by("pk")
        .first()
        .partner.member.code
    )
    code = record.partner.member.code
    for round_ in range(6):
        order = paid_order([(record, 2, 100000)])
        before = selectors.balances().get(ledger.member_account(code), 0)

        def ship(order=order):
            order_services.mark_shipped(order=order)

        def pay_back(order=order):
            with transaction.atomic():
                refund(order, 50000)

        together(ship, pay_back) if round_ % 2 else together(pay_back, ship)
        after = selectors.balances().get(ledger.member_account(code), 0)
        assert after - before == 200000 - 20000 - (50000 - 5000), round_
        assert Posting.objects.filter(order_line__order=order, kind="refund").count() == 1
        assert selectors.trial_balance()["total"] == 0


def test_the_database_refuses_to_edit_or_delete_postings():
    from books import services

    posting = services.post(
        kind="adjustment", reference="x", idempotency_key="pg-ao", legs={ledger.FEES: 5, ledger.REFUNDS: -5}
    )
    for sql in (
        "UPDATE books_leg SET amount = amount + 1 WHERE posting_id = %s",
        "DELETE FROM books_leg WHERE posting_id = %s",
        "DELETE FROM books_posting WHERE id = %s",
    ):
        with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [posting.pk])
