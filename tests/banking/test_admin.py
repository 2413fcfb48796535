"""The admin shows banking rows and lets nobody change money by hand."""

from __future__ import annotations

import pytest

from banking.models import JournalEntry

pytestmark = pytest.mark.django_db


def test_entries_are_shown_but_not_editable(login, administrator, open_account):
    account = open_account(100_00)
    entry = JournalEntry.objects.filter(postings__account=account.ledger).get()
    client = login(administrator)
    assert client.get("/admin/banking/journalentry/").status_code == 200
    page = client.get(f"/admin/banking/journalentry/{entry.pk}/change/")
    assert page.status_code == 200
    assert b'name="memo"' not in page.content  # read-only: no form field
    assert client.post(f"/admin/banking/journalentry/{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    assert JournalEntry.objects.filter(pk=entry.pk).exists()
    assert client.get("/admin/banking/officeupipayee/add/").status_code == 200
