"""Receipt numbers from a PostgreSQL sequence; close records and booking events
append-only in the database too (UPDATE and DELETE refused by a trigger)."""

from django.db import migrations

APPEND_ONLY_TABLES = ["counter_tillclose", "counter_officedayclose", "counter_bookingevent"]

FUNCTION_SQL = """
CREATE OR REPLACE FUNCTION counter_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'counter: this table is append-only' USING ERRCODE = 'restrict_violation';
END;
$$ LANGUAGE plpgsql;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("CREATE SEQUENCE IF NOT EXISTS counter_receipt_seq AS bigint START 1")
        cursor.execute(FUNCTION_SQL)
        for table in APPEND_ONLY_TABLES:
            cursor.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION counter_append_only()"
            )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        for table in APPEND_ONLY_TABLES:
            cursor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        cursor.execute("DROP FUNCTION IF EXISTS counter_append_only()")
        cursor.execute("DROP SEQUENCE IF EXISTS counter_receipt_seq")


class Migration(migrations.Migration):
    dependencies = [("counter", "0004_tills_and_bookings")]

    operations = [migrations.RunPython(forwards, backwards)]
