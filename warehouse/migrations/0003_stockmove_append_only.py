"""The stock ledger is append-only in the database too (PostgreSQL): a trigger refuses UPDATE
and DELETE of stock moves. TRUNCATE (test database flushes, restores) is not a row event and is
unaffected. SQLite relies on the ORM guard in StockMove (its flush deletes rows one by one)."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION warehouse_stockmove_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION USING
        MESSAGE = 'stock moves are append-only: ' || TG_OP || ' refused on warehouse_stockmove',
        ERRCODE = 'restrict_violation';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS warehouse_stockmove_append_only ON warehouse_stockmove;
CREATE TRIGGER warehouse_stockmove_append_only
    BEFORE UPDATE OR DELETE ON warehouse_stockmove
    FOR EACH ROW EXECUTE FUNCTION warehouse_stockmove_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS warehouse_stockmove_append_only ON warehouse_stockmove;
DROP FUNCTION IF EXISTS warehouse_stockmove_append_only();
"""


def _on_postgresql(sql: str):
    def run(apps, schema_editor) -> None:
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("warehouse", "0002_part_valuation")]

    operations = [migrations.RunPython(_on_postgresql(CREATE), _on_postgresql(DROP))]
