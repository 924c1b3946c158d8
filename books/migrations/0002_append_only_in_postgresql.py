"""Postings and their legs are facts: on PostgreSQL the database refuses to edit or delete them, with the stock
ledger's trigger function (inventory 0004; only ``created_by_id`` may change, set to NULL when a user is deleted).
A correction is a new posting. SQLite keeps the ORM guard only (inventory/models/base.py, books/models.py)."""
from django.db import migrations

TABLES = ("books_posting", "books_leg")


def install(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        schema_editor.execute(f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                              f"FOR EACH ROW EXECUTE FUNCTION guyub_ledger_append_only()")


def remove(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")


class Migration(migrations.Migration):
    dependencies = [("books", "0001_initial"), ("inventory", "0004_ledgers_append_only_in_postgresql")]
    operations = [migrations.RunPython(install, remove)]
