"""Banking's API and pages answer bad input with a 400, never a 500 (issue 8, item 8)."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(clerk):
    client = APIClient(raise_request_exception=False)
    client.force_authenticate(clerk)
    return client


@pytest.mark.parametrize("day", ["2025-13-01", "2025-02-30", "2025-00-10", "٢٠٢٥-١٠-٣١", "9" * 4000])
def test_an_impossible_day_on_upi_reconciliation_is_400(api, day):
    response = api.get("/api/v1/banking/payments/upi-reconciliation/", {"day": day})
    assert response.status_code == 400, response.content[:200]
    assert response.json()["error"]["details"] == {"day": ["Use a date like 2025-10-31."]}


def test_a_real_day_on_upi_reconciliation(api):
    assert api.get("/api/v1/banking/payments/upi-reconciliation/", {"day": "2025-10-31"}).status_code == 200


@pytest.mark.parametrize("office_id", ["٣", "²", "9" * 4000, "-1"])
def test_an_office_id_in_other_digits_is_400(api, office_id):
    response = api.get("/api/v1/banking/payments/upi-pending/", {"office_id": office_id})
    assert response.status_code == 400, response.content[:200]


@pytest.mark.parametrize(("param", "value"), [("from", "2025-02-30"), ("to", "2025-13-01"), ("to", "٢٠٢٥-١٠-٣١")])
def test_an_impossible_statement_date_is_400(api, open_account, param, value):
    account = open_account(100_00)
    response = api.get(f"/api/v1/banking/accounts/{account.number}/statement/", {param: value})
    assert response.status_code == 400, response.content[:200]
    assert set(response.json()["error"]["details"]) == {param}


@pytest.mark.parametrize("till", ["٣", "३", 10**30, "9" * 5000])
def test_a_till_id_in_other_digits_or_past_bigint_is_400(api, open_account, till):
    account = open_account()
    response = api.post(
        f"/api/v1/banking/accounts/{account.number}/deposits/",
        {"amount_paise": 100_00, "till_id": till},
        format="json",
        HTTP_IDEMPOTENCY_KEY="dep-1",
    )
    assert response.status_code == 400, response.content[:200]
    assert "till_id" in response.json()["error"]["details"]


@pytest.mark.parametrize("entry", ["٣", 10**30])
def test_a_reversal_of_an_entry_id_in_other_digits_is_400(client, postmaster, login, entry):
    login(postmaster)
    response = client.post(
        "/api/v1/banking/reversals/", {"entry_id": entry, "reason": "typo"}, content_type="application/json"
    )
    assert response.status_code == 400, response.content[:200]


def test_a_nul_in_the_account_opening_form_is_one_clear_error(client, clerk, till_id):
    client.force_login(clerk)
    response = client.post(
        "/banking/open/",
        {
            "form_key": "k" * 32,
            "name": "Ram\x00Kumar",
            "mobile": "9000000999",
            "address": "Station Road\x00",
            "pin": "812001",
            "date_of_birth": "1980-05-17",
            "gender": "male",
        },
    )
    assert response.status_code == 400
    assert "Null characters are not allowed." in response.content.decode()
