"""Stripe's idempotency semantics on every money-moving call."""

from __future__ import annotations

import json
import threading

import pytest
from django.db import connection
from django.test import Client

from banking import selectors
from banking.models import JournalEntry
from core.idempotency import key_digest
from core.models import IdempotencyKey

from .helpers import new_key, post

BASE = "/api/v1/banking"


@pytest.mark.django_db
def test_a_money_call_without_a_key_is_400(login, clerk, till_id, open_account):
    client = login(clerk)
    account = open_account(100_00)
    response = post(client, f"{BASE}/accounts/{account.number}/withdrawals/", {"amount_paise": 10_00}, key=None)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "idempotency_key_required"
    assert selectors.balance_of(account_number=account.number) == 100_00


@pytest.mark.django_db
def test_a_retry_replays_the_first_answer_byte_for_byte_and_moves_nothing(login, clerk, till_id, open_account):
    client = login(clerk)
    account = open_account(100_00)
    key = new_key()
    url = f"{BASE}/accounts/{account.number}/withdrawals/"
    first = post(client, url, {"amount_paise": 10_00}, key=key)
    second = post(client, url, {"amount_paise": 10_00}, key=key)
    assert first.status_code == second.status_code == 201
    assert first.content == second.content
    assert second["Idempotent-Replayed"] == "true"
    assert selectors.balance_of(account_number=account.number) == 90_00
    # Same body in another key order or spacing is the same request.
    third = client.post(
        url, data='{ "amount_paise" : 1000 }', content_type="application/json", HTTP_IDEMPOTENCY_KEY=key
    )
    assert third.content == first.content


@pytest.mark.django_db
def test_a_key_reused_with_another_body_or_endpoint_is_422(login, clerk, till_id, open_account):
    client = login(clerk)
    account = open_account(100_00)
    key = new_key()
    post(client, f"{BASE}/accounts/{account.number}/withdrawals/", {"amount_paise": 10_00}, key=key)
    other_body = post(client, f"{BASE}/accounts/{account.number}/withdrawals/", {"amount_paise": 20_00}, key=key)
    assert other_body.status_code == 422
    assert other_body.json()["error"]["code"] == "idempotency_key_reused"
    other_endpoint = post(client, f"{BASE}/accounts/{account.number}/deposits/", {"amount_paise": 10_00}, key=key)
    assert other_endpoint.status_code == 422
    assert selectors.balance_of(account_number=account.number) == 90_00


@pytest.mark.django_db
def test_a_declined_withdrawal_is_replayed_too(login, clerk, till_id, open_account):
    client = login(clerk)
    account = open_account(5_00)
    key = new_key()
    url = f"{BASE}/accounts/{account.number}/withdrawals/"
    first = post(client, url, {"amount_paise": 10_00}, key=key)
    assert first.status_code == 422
    # Money arrives; a retry with the same key still gets the first answer.
    post(client, f"{BASE}/accounts/{account.number}/deposits/", {"amount_paise": 100_00})
    second = post(client, url, {"amount_paise": 10_00}, key=key)
    assert (second.status_code, second.content) == (422, first.content)
    assert selectors.balance_of(account_number=account.number) == 105_00


@pytest.mark.django_db
def test_keys_belong_to_their_user(login, clerk, postmaster, till_id, open_account):
    account = open_account(100_00)
    key = new_key()
    post(login(clerk), f"{BASE}/accounts/{account.number}/withdrawals/", {"amount_paise": 10_00}, key=key)
    assert IdempotencyKey.objects.filter(digest=key_digest(sender=f"user:{clerk.pk}", key=key)).exists()
    assert not IdempotencyKey.objects.filter(digest=key_digest(sender=f"user:{postmaster.pk}", key=key)).exists()


@pytest.mark.django_db
def test_the_entry_remembers_its_key(login, clerk, till_id, open_account):
    account = open_account(100_00)
    key = new_key()
    response = post(login(clerk), f"{BASE}/accounts/{account.number}/withdrawals/", {"amount_paise": 10_00}, key=key)
    assert JournalEntry.objects.get(pk=response.json()["entry_id"]).idempotency_key == key


@pytest.mark.django_db(transaction=True)
def test_concurrent_duplicates_move_money_once(clerk, till_id, open_account):
    account = open_account(100_00)
    key = new_key()
    url = f"{BASE}/accounts/{account.number}/withdrawals/"
    n = 12
    barrier = threading.Barrier(n)
    answers: list = [None] * n

    def worker(i: int) -> None:
        try:
            client = Client()
            client.force_login(clerk)
            barrier.wait()
            response = client.post(
                url, data=json.dumps({"amount_paise": 10_00}), content_type="application/json", HTTP_IDEMPOTENCY_KEY=key
            )
            answers[i] = (response.status_code, response.content)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    statuses = [status for status, _ in answers]
    assert set(statuses) <= {201, 409}, statuses
    firsts = {content for status, content in answers if status == 201}
    assert len(firsts) == 1  # every 201 is the same bytes: one original, the rest replays
    for status, content in answers:
        if status == 409:
            assert json.loads(content)["error"]["code"] == "idempotency_in_progress"
    assert selectors.balance_of(account_number=account.number) == 90_00
    assert JournalEntry.objects.filter(kind="withdrawal").count() == 1


# The mechanism's own rules (in flight, purge, senders) are tested in tests/core/test_idempotency.py.
