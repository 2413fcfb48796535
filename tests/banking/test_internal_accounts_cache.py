"""The per-process memory of internal account ids (banking.ledger.internal_accounts): only
what was committed, forgotten when the database is flushed."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import transaction

from banking import ledger
from banking.models import LedgerAccount

KIND = LedgerAccount.Kind.POSTAGE_INCOME


@pytest.mark.django_db(transaction=True)
def test_an_account_created_by_a_rolled_back_transaction_is_not_remembered(places):
    office_id = places.sub_offices[0].pk
    ledger._internal_ids.clear()
    with transaction.atomic():
        ledger.internal_accounts(office_id=office_id, kinds=[KIND])
        transaction.set_rollback(True)
    assert (office_id, KIND) not in ledger._internal_ids
    assert not LedgerAccount.objects.filter(office_id=office_id, kind=KIND).exists()

    with transaction.atomic():
        created = ledger.internal_account(office_id=office_id, kind=KIND)
    assert ledger._internal_ids[(office_id, KIND)] == created.pk
    again = ledger.internal_account(office_id=office_id, kind=KIND)  # from memory: no query
    assert (again.pk, again.kind, again.office_id) == (created.pk, KIND, office_id)
    assert LedgerAccount.objects.get(pk=again.pk).kind == KIND


@pytest.mark.django_db(transaction=True)
def test_a_flushed_database_is_forgotten(places):
    office_id = places.head_office.pk
    with transaction.atomic():
        ledger.internal_account(office_id=office_id, kind=KIND)
    assert (office_id, KIND) in ledger._internal_ids
    call_command("flush", verbosity=0, interactive=False)
    assert not ledger._internal_ids
