"""The ledger's rules, enforced by PostgreSQL itself (not only by our code).

- An entry must balance: a DEFERRABLE INITIALLY DEFERRED constraint trigger checks,
  at COMMIT, that the postings of every entry touched add up to zero and that there
  are at least two. Deferred, because the entry and its postings are inserted one
  statement after another inside the transaction.
- Entries and postings are append-only: UPDATE and DELETE are refused (corrections are
  reversal entries). TRUNCATE is left to the database owner (it fires no row trigger),
  which is what the test suite's flush uses.

SQLite (embedded mode) has no constraint triggers; there the services' own checks hold.
"""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION banking_entry_balanced() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    eid bigint;
    total numeric;
    n integer;
BEGIN
    IF TG_TABLE_NAME = 'banking_posting' THEN
        eid := NEW.entry_id;
    ELSE
        eid := NEW.id;
    END IF;
    SELECT COALESCE(SUM(amount_paise), 0), COUNT(*) INTO total, n
      FROM banking_posting WHERE entry_id = eid;
    IF n < 2 OR total <> 0 THEN
        RAISE EXCEPTION 'journal entry % does not balance (% postings, sum % paise)', eid, n, total
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END
$$;

CREATE CONSTRAINT TRIGGER banking_posting_entry_balanced
    AFTER INSERT ON banking_posting
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION banking_entry_balanced();

CREATE CONSTRAINT TRIGGER banking_journalentry_balanced
    AFTER INSERT ON banking_journalentry
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION banking_entry_balanced();

CREATE OR REPLACE FUNCTION banking_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % refused (post a reversal entry instead)', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'restrict_violation';
END
$$;

CREATE TRIGGER banking_journalentry_append_only
    BEFORE UPDATE OR DELETE ON banking_journalentry
    FOR EACH ROW EXECUTE FUNCTION banking_refuse_change();

CREATE TRIGGER banking_posting_append_only
    BEFORE UPDATE OR DELETE ON banking_posting
    FOR EACH ROW EXECUTE FUNCTION banking_refuse_change();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS banking_posting_append_only ON banking_posting;
DROP TRIGGER IF EXISTS banking_journalentry_append_only ON banking_journalentry;
DROP FUNCTION IF EXISTS banking_refuse_change();
DROP TRIGGER IF EXISTS banking_journalentry_balanced ON banking_journalentry;
DROP TRIGGER IF EXISTS banking_posting_entry_balanced ON banking_posting;
DROP FUNCTION IF EXISTS banking_entry_balanced();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD, params=None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD, params=None)


class Migration(migrations.Migration):
    dependencies = [("banking", "0001_initial")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
