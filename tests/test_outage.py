"""Redis stopped (the cache and the Celery broker both unreachable): the request paths
still answer, none with 500. Rate limits get stricter per process instead of vanishing;
SMS wait in the outbox for the beat sweep; /healthz says what is down but stays 200."""

from __future__ import annotations

import logging
import time

import pytest
from rest_framework.settings import api_settings
from rest_framework.test import APIClient

from accounts.ratelimit import cache_down_limit, local_window
from notify.models import Outbox
from tests.banking.conftest import open_account, till_id  # noqa: F401  (fixtures)
from tests.banking.helpers import post, sms_code_to
from tests.conftest import PASSWORD
from tests.outages import broker_down, cache_down

# Real commits: the SMS relay kick runs after commit, as in production, and meets the
# dead broker there.
pytestmark = pytest.mark.django_db(transaction=True)

TOKEN = "/api/v1/auth/token/"
BIG = 6_000_00  # above the consent threshold: the holder's code is asked


@pytest.fixture
def redis_down(caplog, monkeypatch):
    caplog.set_level(logging.WARNING)
    # The per-process fallback counts in fixed windows: keep the test inside one.
    monkeypatch.setattr(local_window, "clock", lambda: 1_700_000_010.0)
    with cache_down(), broker_down():
        yield


def _rate(scope: str) -> int:
    return int(api_settings.DEFAULT_THROTTLE_RATES[scope].split("/")[0])


def test_token_sign_in_works_and_is_limited_per_process(redis_down, client, postman, caplog):
    allowed = cache_down_limit(_rate("token"))
    answers = [
        client.post(TOKEN, {"username": "postman", "password": PASSWORD}, content_type="application/json")
        for _ in range(allowed + 1)
    ]
    assert [a.status_code for a in answers] == [200] * allowed + [429]
    assert answers[0].json()["token"]
    assert answers[-1].json()["error"]["code"] == "throttled"
    assert "cache unavailable (ConnectionError)" in caplog.text


def test_tracking_api_and_page_answer_and_share_a_stricter_limit(redis_down, client):
    allowed = cache_down_limit(_rate("track"))
    api = [client.get("/api/v1/track/EE473124829IN/").status_code for _ in range(allowed)]
    assert api == [404] * allowed  # a well-formed number nobody booked
    assert client.get("/track/", {"n": "EE473124829IN"}).status_code == 429
    assert client.get("/api/v1/track/EE473124829IN/").status_code == 429


def test_a_counter_booking_goes_through_promptly(redis_down, clerk):
    from counter.seed import reference_data_ensure
    from tests.counter.test_api import BOOKINGS, body

    reference_data_ensure()  # the tariff, in case a transactional test emptied the tables
    api = APIClient()
    api.force_authenticate(clerk)
    opened = api.post("/api/v1/counter/sessions/", {"denominations": {"500": 2}}, format="json")
    assert opened.status_code == 201, opened.content
    started = time.monotonic()
    booked = api.post(BOOKINGS, body(), format="json", HTTP_IDEMPOTENCY_KEY="outage-1")
    assert booked.status_code == 201, booked.content
    assert time.monotonic() - started < 5  # no long wait for the broker
    again = api.post(BOOKINGS, body(), format="json", HTTP_IDEMPOTENCY_KEY="outage-1")
    assert again.status_code == 201 and again.json() == booked.json()  # the retry gets the first answer


def test_banking_deposit_and_a_withdrawal_with_the_holders_code(
    redis_down,
    login,
    clerk,
    till_id,  # noqa: F811
    open_account,  # noqa: F811
    caplog,
):
    client = login(clerk)
    account = open_account()
    base = f"/api/v1/banking/accounts/{account.number}"
    deposit = post(client, f"{base}/deposits/", {"amount_paise": 20_000_00})
    assert deposit.status_code == 201, deposit.content

    sent = post(client, f"{base}/withdrawal-otp/", {"amount_paise": BIG})
    assert sent.status_code == 201, sent.content
    # The code's SMS is kept in the outbox, unsent: the broker could not be told, the
    # beat sweep sends it once Redis is back.
    sms = Outbox.objects.filter(to=account.customer.mobile).latest("id")
    assert sms.sent_at is None
    assert "SMS relay not kicked, broker unavailable" in caplog.text

    withdrawal = post(
        client, f"{base}/withdrawals/", {"amount_paise": BIG, "otp": sms_code_to(account.customer.mobile)}
    )
    assert withdrawal.status_code == 201, withdrawal.content
    assert withdrawal.json()["balance_paise"] == 20_000_00 - BIG


def test_healthz_reports_cache_and_broker_down_and_stays_200(redis_down, client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "unavailable", "cache": "down"}
