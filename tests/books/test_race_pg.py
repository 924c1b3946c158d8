"""On PostgreSQL: a shipment and a refund of one order racing post consistently (whichever wins the order's
row lock, the member ends with the sale less the fee less the refund's share), and the database itself refuses
to edit or delete postings. Transactional; the module's last step restores the seed (see
tests/inventory/test_concurrency_pg.py)."""

from __future__ import annotations

import datetime
import threading
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, connections, transaction

from books import ledger, selectors
from books.models import FeeRate, Posting

from .conftest import paid_order, record_of, refund

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture(scope="module", autouse=True)
def restore_seed_after_module(django_db_setup, django_db_blocker):
    yield
    from django.contrib.contenttypes.models import ContentType
    from django.contrib.sites.models import Site

    from guyub.demo.seed import seed_demo
    from inventory.demo import seed_inventory
    from tests.conftest import SMALL_COOP

    with django_db_blocker.unblock():
        contents = getattr(connection, "_test_serialized_contents", None)
        if contents:
            connection.creation.deserialize_db_from_string(contents)
        ContentType.objects.clear_cache()
        Site.objects.clear_cache()
        seed_demo(**SMALL_COOP)
        seed_inventory()


def together(*steps):
    barrier, errors = threading.Barrier(len(steps)), []

    def worker(step):
        try:
            barrier.wait(timeout=30)
            step()
        except Exception as error:  # noqa: BLE001 — reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(s,)) for s in steps]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
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
