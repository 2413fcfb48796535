"""PostgreSQL itself refuses what the ledger forbids, whatever code (or person) tries."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction

from banking import services
from banking.models import JournalEntry, LedgerAccount, Posting


def _sql(statement: str, params=None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


@pytest.mark.django_db
def test_updating_or_deleting_an_entry_or_a_posting_is_refused(open_account, clerk):
    account = open_account(100_00)
    entry = JournalEntry.objects.filter(postings__account=account.ledger).get()
    posting = Posting.objects.filter(entry=entry).first()
    for statement, params in [
        ("UPDATE banking_posting SET amount_paise = amount_paise * 2 WHERE id = %s", [posting.pk]),
        ("DELETE FROM banking_posting WHERE id = %s", [posting.pk]),
        ("UPDATE banking_journalentry SET memo = 'edited' WHERE id = %s", [entry.pk]),
        ("DELETE FROM banking_journalentry WHERE id = %s", [entry.pk]),
    ]:
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            _sql(statement, params)
    assert Posting.objects.get(pk=posting.pk).amount_paise == posting.amount_paise


@pytest.mark.django_db(transaction=True)
def test_an_unbalanced_entry_is_refused_at_commit(open_account, clerk):
    account = open_account()
    other = open_account()
    with pytest.raises(IntegrityError, match="does not balance"), transaction.atomic():
        _sql(
            "INSERT INTO banking_journalentry (kind, memo, office_id, created_at, idempotency_key) "
            "VALUES ('transfer', 'raw', %s, now(), '') RETURNING id",
            [account.office_id],
        )
        _sql(
            "INSERT INTO banking_posting (entry_id, account_id, amount_paise, created_at) "
            "VALUES (currval('banking_journalentry_id_seq'), %s, 500, now()), "
            "(currval('banking_journalentry_id_seq'), %s, -400, now())",
            [account.ledger_id, other.ledger_id],
        )
    assert not JournalEntry.objects.filter(memo="raw").exists()


@pytest.mark.django_db(transaction=True)
def test_an_entry_with_a_single_posting_or_none_is_refused(open_account):
    account = open_account()
    with pytest.raises(IntegrityError, match="does not balance"), transaction.atomic():
        _sql(
            "INSERT INTO banking_journalentry (kind, memo, office_id, created_at, idempotency_key) "
            "VALUES ('fee', 'empty', %s, now(), '')",
            [account.office_id],
        )
    assert not JournalEntry.objects.filter(memo="empty").exists()


@pytest.mark.django_db(transaction=True)
def test_a_balanced_raw_entry_is_accepted(open_account):
    a = open_account()
    b = open_account()
    with transaction.atomic():
        _sql(
            "INSERT INTO banking_journalentry (kind, memo, office_id, created_at, idempotency_key) "
            "VALUES ('transfer', 'raw ok', %s, now(), '')",
            [a.office_id],
        )
        _sql(
            "INSERT INTO banking_posting (entry_id, account_id, amount_paise, created_at) "
            "VALUES (currval('banking_journalentry_id_seq'), %s, 500, now()), "
            "(currval('banking_journalentry_id_seq'), %s, -500, now())",
            [a.ledger_id, b.ledger_id],
        )
    assert JournalEntry.objects.filter(memo="raw ok").exists()


@pytest.mark.django_db
def test_a_stored_balance_cannot_go_negative(open_account):
    account = open_account(10_00)
    with pytest.raises(IntegrityError, match="ledger_balance_not_negative"), transaction.atomic():
        _sql("UPDATE banking_ledgeraccount SET balance_paise = -1 WHERE id = %s", [account.ledger_id])


@pytest.mark.django_db
def test_an_internal_account_keeps_no_stored_balance(office):
    with pytest.raises(IntegrityError), transaction.atomic():
        LedgerAccount.objects.create(office=office, kind=LedgerAccount.Kind.FEE_INCOME, balance_paise=0)


@pytest.mark.django_db
def test_an_entry_is_reversed_at_most_once_by_the_database(open_account, clerk):
    account = open_account(100_00)
    entry = JournalEntry.objects.filter(postings__account=account.ledger).get()
    services_entry = services.fee_charge(account_number=account.number, amount_paise=1_00, actor=clerk)
    fee = JournalEntry.objects.get(pk=services_entry.entry_id)
    with pytest.raises(IntegrityError), transaction.atomic():
        JournalEntry.objects.create(kind="reversal", office_id=entry.office_id, reverses=fee)
        JournalEntry.objects.create(kind="reversal", office_id=entry.office_id, reverses=fee)
