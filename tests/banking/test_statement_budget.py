"""One cash withdrawal through the API stays within its statement budget, and the merged
entry + balances statement still refuses to overdraw and moves nothing when it refuses."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from banking import selectors
from banking.models import JournalEntry


def _api(clerk) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=clerk).key}")
    return client


def _withdraw(client, number, amount, key):
    return client.post(
        f"/api/v1/banking/accounts/{number}/withdrawals/",
        {"amount_paise": amount},
        format="json",
        HTTP_IDEMPOTENCY_KEY=key,
    )


@pytest.mark.django_db(transaction=True)
def test_a_withdrawal_through_the_api_stays_within_its_statement_budget(clerk, open_account):
    account = open_account(10_000)
    client = _api(clerk)
    with CaptureQueriesContext(connection) as queries:
        response = _withdraw(client, account.number, 1_000, "budget-1")
    assert response.status_code == 201, response.content
    # Token; account (access check); BEGIN, key lock + stored answer; account; SAVEPOINT,
    # till lock, entry + postings + both balances, RELEASE; idempotency record, COMMIT. Was 12.
    assert len(queries.captured_queries) <= 11, "\n".join(q["sql"][:120] for q in queries.captured_queries)


@pytest.mark.django_db
def test_an_overdraw_is_refused_and_moves_nothing(clerk, open_account, till_id):
    account = open_account(500)
    till_before = selectors.till_balance(till_id=till_id)
    entries_before = JournalEntry.objects.count()
    response = _withdraw(_api(clerk), account.number, 501, "over-1")
    assert response.status_code == 422 and response.json()["error"]["code"] == "insufficient_funds"
    account.ledger.refresh_from_db()
    assert account.ledger.balance_paise == 500
    assert selectors.till_balance(till_id=till_id) == till_before
    assert JournalEntry.objects.count() == entries_before
