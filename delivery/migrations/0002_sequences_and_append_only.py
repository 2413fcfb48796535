"""PostgreSQL only: one S10 serial SEQUENCE per service indicator, and a trigger that
refuses UPDATE and DELETE on tracking events (the model refuses them too; the
trigger also stops raw SQL and other code paths). SQLite (embedded mode) gets
neither: it uses delivery.S10Counter and the model-level guard."""

from django.db import migrations

INDICATORS = ["EE", "EP", "CP"]

TRIGGER_SQL = """
CREATE OR REPLACE FUNCTION delivery_event_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'delivery_trackingevent is append-only (% refused)', TG_OP
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER delivery_event_append_only
    BEFORE UPDATE OR DELETE ON delivery_trackingevent
    FOR EACH ROW EXECUTE FUNCTION delivery_event_append_only();
"""

DROP_TRIGGER_SQL = """
DROP TRIGGER IF EXISTS delivery_event_append_only ON delivery_trackingevent;
DROP FUNCTION IF EXISTS delivery_event_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for indicator in INDICATORS:
        # bigint, no MAXVALUE wrap: s10.s10_issue folds the value into 1..99999999
        # and guards reuse (24 months), so the sequence itself never cycles.
        schema_editor.execute(f"CREATE SEQUENCE IF NOT EXISTS delivery_s10_{indicator.lower()} AS bigint START 1")
    schema_editor.execute(TRIGGER_SQL, params=None)  # no placeholders: % is PL/pgSQL's


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(DROP_TRIGGER_SQL)
    for indicator in INDICATORS:
        schema_editor.execute(f"DROP SEQUENCE IF EXISTS delivery_s10_{indicator.lower()}")


class Migration(migrations.Migration):
    dependencies = [("delivery", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
