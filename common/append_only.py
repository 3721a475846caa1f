"""Append-only tables held by the database itself (DOMAIN §5 "Integrity").

The models refuse to update or delete rows of an append-only table (common.models.AppendOnlyModel) on every
database. On PostgreSQL a row trigger refuses UPDATE and DELETE as well, so SQL that bypasses the ORM — a console,
a script, a compromised process — cannot quietly rewrite the audit trail or the quota ledger's movements. The
trigger raises SQLSTATE 23001 (restrict_violation), which Django reports as an IntegrityError.

TRUNCATE is not a row operation and is left to the database's own privileges (the test suite flushes with it).
"""

from django.db import migrations

FUNCTION = "kvota_refuse_change"

CREATE_FUNCTION = f"""
CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'restrict_violation',
              HINT = 'Rows of this table are written once; corrections are new rows.';
END
$$;
"""
DROP_FUNCTION = f"DROP FUNCTION IF EXISTS {FUNCTION}();"


def trigger_name(table: str) -> str:
    return f"{table}_append_only"


def _on_postgresql(schema_editor) -> bool:
    return schema_editor.connection.vendor == "postgresql"


def refuse_changes(table: str) -> migrations.RunPython:
    """A migration operation installing the trigger on `table` (PostgreSQL only; a no-op elsewhere)."""

    def forwards(apps, schema_editor):
        if _on_postgresql(schema_editor):
            schema_editor.execute(CREATE_FUNCTION, params=None)
            schema_editor.execute(
                f"CREATE TRIGGER {trigger_name(table)} BEFORE UPDATE OR DELETE ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION {FUNCTION}();"
            )

    def backwards(apps, schema_editor):
        if _on_postgresql(schema_editor):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {trigger_name(table)} ON {table};")

    return migrations.RunPython(forwards, backwards, elidable=False)
