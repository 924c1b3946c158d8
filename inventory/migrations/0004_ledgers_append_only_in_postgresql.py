"""Ledger rows are facts: on PostgreSQL the database itself refuses to edit or delete them (the ORM refuses too,
see inventory/models/base.py; this also stops raw SQL and other clients). Only ``created_by_id`` may change:
deleting a user sets it to NULL (on_delete=SET_NULL) and must not be blocked. SQLite keeps the ORM guard only."""
from django.db import migrations

TABLES = ("inventory_stockmovement", "inventory_materialmovement", "inventory_weeklyload", "inventory_production")

FUNCTION = """
CREATE OR REPLACE FUNCTION guyub_ledger_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION '% rows are never deleted; record a correcting movement', TG_TABLE_NAME
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF (to_jsonb(NEW) - 'created_by_id') IS DISTINCT FROM (to_jsonb(OLD) - 'created_by_id') THEN
        RAISE EXCEPTION '% rows are never edited; record a correcting movement', TG_TABLE_NAME
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;
"""


def install(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION, params=None)  # its "%" are PL/pgSQL format marks, not placeholders
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        schema_editor.execute(f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                              f"FOR EACH ROW EXECUTE FUNCTION guyub_ledger_append_only()")


def remove(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
    schema_editor.execute("DROP FUNCTION IF EXISTS guyub_ledger_append_only()")


class Migration(migrations.Migration):
    dependencies = [("inventory", "0003_stock_materials_capacity")]
    operations = [migrations.RunPython(install, remove)]
