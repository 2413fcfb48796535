"""The API shapes issue 3 relies on, access rules, and bad input moving nothing."""

from __future__ import annotations

import pytest

from accounts.models import PostOffice, Role, User
from banking import selectors, services
from banking.models import JournalEntry
from core.models import IdempotencyKey

from .helpers import post

pytestmark = pytest.mark.django_db

BASE = "/api/v1/banking"
CUSTOMER = {
    "name": "Sita Devi",
    "mobile": "9876543210",
    "address": "4 Tilka Manjhi Chowk, Bhagalpur",
    "pin": "812001",
    "date_of_birth": "1975-02-11",
    "gender": "female",
}


def test_open_an_account_then_read_it(login, clerk):
    client = login(clerk)
    response = client.post(f"{BASE}/accounts/", {"customer": CUSTOMER}, content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["balance_paise"] == 0
    assert body["status"] == "active"
    number = body["number"]
    assert len(number) == 12 and number.startswith("1")
    detail = client.get(f"{BASE}/accounts/{number}/").json()
    assert detail["number"] == number
    assert detail["balance_paise"] == 0
    assert detail["status"] == "active"
    assert detail["customer"]["name"] == "Sita Devi"


def test_aadhaar_is_checked_and_never_shown_in_full(login, clerk):
    client = login(clerk)
    bad = client.post(
        f"{BASE}/accounts/", {"customer": {**CUSTOMER, "aadhaar": "2345 6789 0123"}}, content_type="application/json"
    )
    assert bad.status_code == 400
    assert "aadhaar" in bad.json()["error"]["details"]
    good = client.post(
        f"{BASE}/accounts/", {"customer": {**CUSTOMER, "aadhaar": "2345 6789 0124"}}, content_type="application/json"
    )
    assert good.status_code == 201
    assert good.json()["customer"]["aadhaar"] == "XXXX-XXXX-0124"
    assert b"234567890124" not in good.content
    again = client.post(
        f"{BASE}/accounts/", {"customer": {**CUSTOMER, "aadhaar": "234567890124"}}, content_type="application/json"
    )
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "duplicate_aadhaar"


def test_deposit_withdraw_transfer_and_statement(login, clerk, till_id, open_account):
    client = login(clerk)
    a = open_account()
    b = open_account()
    deposit = post(client, f"{BASE}/accounts/{a.number}/deposits/", {"amount_paise": 500_00})
    assert deposit.status_code == 201, deposit.content
    assert deposit.json()["balance_paise"] == 500_00
    assert JournalEntry.objects.filter(pk=deposit.json()["entry_id"]).exists()
    withdrawal = post(client, f"{BASE}/accounts/{a.number}/withdrawals/", {"amount_paise": 120_00})
    assert withdrawal.status_code == 201
    assert withdrawal.json()["balance_paise"] == 380_00
    transfer = post(client, f"{BASE}/transfers/", {"from": a.number, "to": b.number, "amount_paise": 80_00})
    assert transfer.status_code == 201, transfer.content
    assert selectors.balance_of(account_number=b.number) == 80_00
    statement = client.get(f"{BASE}/accounts/{a.number}/statement/").json()
    assert [r["balance_paise"] for r in statement["rows"]] == [500_00, 380_00, 300_00]
    assert [r["credit_paise"] for r in statement["rows"]] == [500_00, 0, 0]
    assert statement["rows"][2]["counterparty"] == "XX" + b.number[-4:]
    assert statement["closing_balance_paise"] == 300_00


def test_withdrawal_beyond_the_balance_is_422_insufficient_funds(login, clerk, till_id, open_account):
    client = login(clerk)
    account = open_account(50_00)
    response = post(client, f"{BASE}/accounts/{account.number}/withdrawals/", {"amount_paise": 50_01})
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "insufficient_funds"
    assert selectors.balance_of(account_number=account.number) == 50_00


@pytest.mark.parametrize(
    "amount", [0, -100, 10.5, 100.0, "100", "ten", True, None, [100], {"paise": 1}, 10**20, 10**12 + 1]
)
@pytest.mark.parametrize("operation", ["deposits", "withdrawals", "transfers", "fees"])
def test_bad_amounts_are_refused_in_the_error_shape_and_move_nothing(
    login, clerk, till_id, open_account, amount, operation
):
    client = login(clerk)
    a = open_account(1_000_00)
    b = open_account()
    entries = JournalEntry.objects.count()
    if operation == "transfers":
        response = post(client, f"{BASE}/transfers/", {"from": a.number, "to": b.number, "amount_paise": amount})
    else:
        response = post(client, f"{BASE}/accounts/{a.number}/{operation}/", {"amount_paise": amount})
    assert response.status_code in (400, 422)
    error = response.json()["error"]
    assert error["code"] == "invalid" and "amount_paise" in error["details"]
    assert error["message"]
    assert JournalEntry.objects.count() == entries
    assert selectors.balance_of(account_number=a.number) == 1_000_00
    assert not IdempotencyKey.objects.exists()


def test_missing_amount_is_400(login, clerk, till_id, open_account):
    client = login(clerk)
    account = open_account(10_00)
    response = post(client, f"{BASE}/accounts/{account.number}/withdrawals/", {})
    assert response.status_code == 400
    assert "amount_paise" in response.json()["error"]["details"]


def test_a_clerk_without_an_open_till_cannot_move_cash(login, postmaster, open_account):
    client = login(postmaster)
    account = open_account(10_00)  # the clerk's till funded it; the postmaster has none
    response = post(client, f"{BASE}/accounts/{account.number}/deposits/", {"amount_paise": 1_00})
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "till_not_open"
    assert response.json()["error"]["details"]["open_till"] == "/api/v1/banking/tills/"


def test_who_may_see_an_account(login, client, open_account, postman, outsider, postmaster, administrator, places):
    account = open_account(10_00)
    url = f"{BASE}/accounts/{account.number}/"
    assert client.get(url).status_code in (401, 403)
    for user in (postman, outsider):  # no banking business at all, whatever the account
        assert login(user).get(url).status_code == 403
    # A clerk of another office: the account is answered as if it did not exist.
    patna_clerk = User.objects.create(username="patna_clerk", role=Role.COUNTER_CLERK, post_office=places.patna_gpo)
    not_theirs = login(patna_clerk).get(url)
    missing = login(patna_clerk).get(f"{BASE}/accounts/100000000015/")
    assert not_theirs.status_code == missing.status_code == 404
    assert not_theirs.json()["error"]["code"] == missing.json()["error"]["code"]
    assert login(postmaster).get(url).status_code == 200
    assert login(administrator).get(url).status_code == 200
    assert login(postmaster).get(f"{BASE}/accounts/100000000015/").status_code == 404
    assert login(postmaster).get(f"{BASE}/accounts/123/").status_code == 404


def test_head_office_staff_see_a_sub_office_account(login, places, postmaster, clerk):
    sub = places.sub_offices[0]
    sub_clerk = User.objects.create(username="sub_clerk", role=Role.COUNTER_CLERK, post_office=sub)
    holder = services.customer_create(
        name="Mohan Lal",
        mobile="9123456780",
        address="Nathnagar",
        pin="812006",
        date_of_birth="1990-01-01",
        gender="male",
        office_id=sub.pk,
        actor=sub_clerk,
    )
    account = services.account_open(customer_id=holder.pk, office_id=sub.pk, actor=sub_clerk)
    assert login(postmaster).get(f"{BASE}/accounts/{account.number}/").status_code == 200
    assert login(sub_clerk).get(f"{BASE}/accounts/{account.number}/").status_code == 200
    other_sub = PostOffice.objects.exclude(pk__in=[sub.pk, places.head_office.pk]).filter(
        head_office=places.head_office
    )[0]
    stranger = User.objects.create(username="other_sub_clerk", role=Role.COUNTER_CLERK, post_office=other_sub)
    assert login(stranger).get(f"{BASE}/accounts/{account.number}/").status_code == 404


def test_tills_open_read_and_close(login, clerk):
    client = login(clerk)
    opened = post(client, f"{BASE}/tills/", {"opening_paise": 10_000_00})
    assert opened.status_code == 201, opened.content
    till = opened.json()
    assert till["balance_paise"] == 10_000_00
    again = post(client, f"{BASE}/tills/", {"opening_paise": 1_00})
    assert again.status_code == 409 and again.json()["error"]["code"] == "till_already_open"
    closed = post(client, f"{BASE}/tills/{till['till_id']}/close/", {"counted_paise": 9_999_00})
    assert closed.status_code == 200
    assert closed.json()["difference_paise"] == -1_00


def test_ledger_check_latest_for_the_postmaster(login, postmaster, open_account):
    open_account(10_00)
    client = login(postmaster)
    assert client.get(f"{BASE}/ledger-check/latest/").json()["ok"] is None
    services.ledger_check_run()
    body = client.get(f"{BASE}/ledger-check/latest/").json()
    assert body["ok"] is True and body["problems"] == []


def test_another_offices_till_and_office_are_404_like_missing_ones(login, clerk, places):
    opened = post(login(clerk), f"{BASE}/tills/", {"opening_paise": 1_000_00})
    till_id = opened.json()["id"] if "id" in opened.json() else opened.json()["till_id"]
    patna_postmaster = User.objects.create(
        username="patna_postmaster", role=Role.POSTMASTER, post_office=places.patna_gpo
    )
    client = login(patna_postmaster)
    not_theirs = client.get(f"{BASE}/tills/{till_id}/")
    missing = client.get(f"{BASE}/tills/987654321/")
    assert not_theirs.status_code == missing.status_code == 404
    assert not_theirs.json() == missing.json()
    # Opening an account for an office they do not serve: the office "does not exist".
    response = client.post(
        f"{BASE}/accounts/",
        {"customer": CUSTOMER, "office_id": places.head_office.pk},
        content_type="application/json",
    )
    assert response.status_code == 404
    assert not selectors.savings_accounts_search(query="Sita", office_ids=None)
