"""On PostgreSQL the database itself keeps the ledgers append-only (raw SQL cannot edit or delete a movement)."""

import pytest
from django.contrib.auth import get_user_model
from django.db import IntegrityError, connection, transaction

from inventory.models import MaterialMovement, StockMovement, WeeklyLoad

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


@pytest.mark.parametrize(
    "model, column",
    [
        (StockMovement, "in_stock_delta"),
        (MaterialMovement, "reason"),
        (WeeklyLoad, "units"),
    ],
)
def test_raw_sql_cannot_edit_or_delete_a_ledger_row(model, column):
    row = model.objects.order_by("pk").first()
    assert row is not None, "the seeded cooperative has ledger rows"
    table = model._meta.db_table
    change = f"{column} || 'x'" if column == "reason" else f"{column} + 1"  # a real change (a no-op is allowed)
    for sql, params in (
        (f"UPDATE {table} SET {column} = {change} WHERE id = %s", [row.pk]),
        (f"DELETE FROM {table} WHERE id = %s", [row.pk]),
    ):
        with pytest.raises(IntegrityError, match="never"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)
    assert model.objects.filter(pk=row.pk).exists()


def test_deleting_the_user_who_recorded_a_movement_is_allowed():
    user = get_user_model().objects.create(email="teller@guyub.example")
    row = StockMovement.objects.order_by("pk").first()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE inventory_stockmovement SET created_by_id = %s WHERE id = %s", [user.pk, row.pk])
    user.delete()  # SET_NULL on the movement: the one change the database allows
    with connection.cursor() as cursor:
        cursor.execute("SELECT created_by_id FROM inventory_stockmovement WHERE id = %s", [row.pk])
        assert cursor.fetchone() == (None,)
