"""Redis down, both as the cache and as the Celery broker (issue 8, item 5).

Nothing that decides correctness lives only in the cache, and the broker only delays SMS:
with CACHES pointing at a Redis that is not there and the broker unreachable, sign-in,
tracking, a booking, a deposit and a withdrawal above the consent threshold with the
right code all answer (no 500), and their SMS wait in the outbox for the relay.
"""

from __future__ import annotations

import logging
import re
from contextlib import contextmanager

import pytest
from django.core.cache import cache
from django.test import Client
from kombu import pools

from accounts.cache import cache_status
from banking import ledger
from config.celery import app as celery_app
from notify import services as notify_services
from notify.models import Outbox
from tests.conftest import PASSWORD

from .conftest import booking_articles, post_json

pytestmark = pytest.mark.django_db

ITEM_5 = "issue 8 item 5: a Redis outage answers 500"
NOWHERE = "redis://127.0.0.1:1/0"  # nothing listens on port 1
WITHDRAW_PAISE = 6_000_00  # above the ₹5,000 consent threshold


def _use_broker(url: str) -> None:
    # As tests/notify/test_broker.py: the app's setting, kombu's process-wide pools, the app's references.
    celery_app.conf["CELERY_BROKER_URL"] = url
    pools.reset()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@contextmanager
def redis_down(settings):
    """The cache and the broker both unreachable; everything put back afterwards."""
    real_broker = celery_app.conf.broker_url
    real_caches = settings.CACHES
    # The configured backend (a fail-open wrapper, if one is put in), pointed nowhere.
    settings.CACHES = {**real_caches, "default": {**real_caches["default"], "LOCATION": NOWHERE}}
    _use_broker(NOWHERE)
    notify_services._kick_paused_until.clear()
    try:
        yield
    finally:
        settings.CACHES = real_caches
        _use_broker(real_broker)
        notify_services._kick_paused_until.clear()
        cache.clear()


@pytest.fixture
def down(settings):
    with redis_down(settings):
        yield


@pytest.fixture
def request_committed(django_capture_on_commit_callbacks):
    """Run a request and then what it left for after commit (the SMS relay's kick to the
    broker), as the server does before it answers."""

    def run(send):
        with django_capture_on_commit_callbacks(execute=True):
            response = send()
        return response

    yield run
    # The callbacks ran, but the test's transaction is rolled back: forget the internal
    # ledger accounts they remembered as committed.
    ledger._internal_ids.clear()


def test_the_cache_is_really_down(down):
    """The control: Redis itself does not answer (the backend then serves from process memory)."""
    assert cache_status() == "down"


def test_token_sign_in(down, clerk, request_committed):
    client = Client(raise_request_exception=False)
    response = request_committed(
        lambda: client.post(
            "/api/v1/auth/token/",
            {"username": clerk.username, "password": PASSWORD},
            content_type="application/json",
        )
    )
    assert response.status_code == 200, response.content[:300]
    assert response.json()["token"]


def test_tracking_api_and_page(world, down):
    client = Client(raise_request_exception=False)
    for _ in range(3):
        assert client.get(f"/api/v1/track/{world.article}/").status_code == 200
        assert client.get("/track/", {"n": world.article}).status_code == 200


def test_a_booking(world, down, client_as, request_committed):
    clerk = client_as("clerk")
    body = {"articles": booking_articles(), "payment": {"method": "cash"}}
    response = request_committed(lambda: post_json(clerk, "/api/v1/counter/bookings/", body))
    assert response.status_code == 201, response.content[:300]


def test_a_deposit(world, down, client_as, request_committed):
    clerk = client_as("clerk")
    url = f"/api/v1/banking/accounts/{world.account}/deposits/"
    response = request_committed(lambda: post_json(clerk, url, {"amount_paise": 500_00}))
    assert response.status_code == 201, response.content[:300]


def _code_sent(world) -> str:
    text = Outbox.objects.filter(to=world.holder_mobile).latest("id").text
    return re.search(r"(?<!\d)(\d{6})(?!\d)", text).group(1)


def test_a_withdrawal_above_the_threshold_with_the_right_code(world, settings, client_as, request_committed):
    clerk = client_as("clerk")
    base = f"/api/v1/banking/accounts/{world.account}"
    sent = post_json(clerk, f"{base}/withdrawal-otp/", {"amount_paise": WITHDRAW_PAISE}, key=None)
    assert sent.status_code == 201, sent.content
    code = _code_sent(world)
    with redis_down(settings):
        response = request_committed(
            lambda: post_json(clerk, f"{base}/withdrawals/", {"amount_paise": WITHDRAW_PAISE, "otp": code})
        )
    assert response.status_code == 201, response.content[:300]
    assert response.json()["amount_paise"] == WITHDRAW_PAISE


def test_the_code_for_a_withdrawal_is_sent_and_kept_with_redis_down(world, down, client_as, request_committed):
    clerk = client_as("clerk")
    url = f"/api/v1/banking/accounts/{world.account}/withdrawal-otp/"
    response = request_committed(lambda: post_json(clerk, url, {"amount_paise": WITHDRAW_PAISE}, key=None))
    assert response.status_code == 201, response.content[:300]
    assert Outbox.objects.filter(to=world.holder_mobile, sent_at=None).exists(), "the SMS waits in the outbox"


def test_the_broker_down_alone_is_logged_not_raised(world, client_as, request_committed, caplog):
    """Only the broker away (the cache up): the kick fails quietly, the SMS waits."""
    caplog.set_level(logging.WARNING, logger="notify")
    clerk = client_as("clerk")
    real = celery_app.conf.broker_url
    _use_broker(NOWHERE)
    notify_services._kick_paused_until.clear()
    try:
        url = f"/api/v1/banking/accounts/{world.account}/withdrawal-otp/"
        response = request_committed(lambda: post_json(clerk, url, {"amount_paise": WITHDRAW_PAISE}, key=None))
    finally:
        _use_broker(real)
        notify_services._kick_paused_until.clear()
    assert response.status_code == 201
    assert "broker unavailable" in caplog.text
    assert Outbox.objects.filter(to=world.holder_mobile, sent_at=None).exists()


def test_healthz_reports_the_cache(down):
    body = Client(raise_request_exception=False).get("/healthz").json()
    assert "cache" in body and body["cache"] != "ok", body
