"""A made-up X-Forwarded-For does not buy a fresh rate limit (issue 8, item 4).

With no trusted proxy in front (PROXY_COUNT=0, the default), the client address is the
connection's. Every request below carries a new random X-Forwarded-For; the limit still
trips within its configured rate, with a 429 (on the API in the error shape).
"""

from __future__ import annotations

import random

import pytest
from django.conf import settings
from django.test import Client

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

ITEM_4 = "issue 8 item 4: a random X-Forwarded-For per request bypasses the rate limit"
_random = random.Random(8)  # fixed seed: the same addresses every run


def spoofed() -> dict:
    """Headers of a request claiming to come through a proxy from a random address."""
    address = ".".join(str(_random.randint(1, 254)) for _ in range(4))
    return {"HTTP_X_FORWARDED_FOR": address, "REMOTE_ADDR": "203.0.113.9"}


def rate_of(scope: str) -> int:
    """The number of requests a client may make per period of `scope` (e.g. "30/min" -> 30)."""
    return int(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"][scope].split("/")[0])


def first_refusal(send, limit: int) -> tuple[int, object]:
    """Send up to limit + 1 requests; the index of the first 429 and that response."""
    for i in range(limit + 1):
        response = send()
        assert response.status_code < 500, response.content[:500]
        if response.status_code == 429:
            return i, response
    return -1, None


def assert_error_shape(response) -> None:
    body = response.json()
    assert set(body) == {"error"}
    assert body["error"]["code"] == "throttled"
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]


@pytest.fixture
def article(world) -> str:
    return world.article


def test_tracking_api(article):
    client, limit = Client(), rate_of("track")
    index, refused = first_refusal(lambda: client.get(f"/api/v1/track/{article}/", **spoofed()), limit)
    assert index == limit, "the request after the allowance is refused"
    assert_error_shape(refused)


def test_tracking_page(article):
    client, limit = Client(), rate_of("track")
    index, refused = first_refusal(lambda: client.get("/track/", {"n": article}, **spoofed()), limit)
    assert index == limit
    assert "Too many look-ups" in refused.content.decode()


def test_token_api(db):
    """Wrong passwords for ever new usernames (so the per-username lockout never counts)."""
    client, limit = Client(), rate_of("token")
    names = iter(range(limit + 1))

    def send():
        body = {"username": f"nobody-{next(names)}", "password": "not-" + PASSWORD}
        return client.post("/api/v1/auth/token/", body, content_type="application/json", **spoofed())

    index, refused = first_refusal(send, limit)
    assert index == limit
    assert_error_shape(refused)


def test_tariff_api(reference_data):
    client, limit = Client(), rate_of("counter_tariff_anon")
    query = {"service": "speed_post", "weight_g": "40", "origin_pin": "812001", "dest_pin": "800001"}
    index, refused = first_refusal(lambda: client.get("/api/v1/counter/tariff/", query, **spoofed()), limit)
    assert index == limit
    assert_error_shape(refused)


def test_the_real_address_is_limited_without_a_header(article):
    """The control: the same budget, no header, trips where it should."""
    client, limit = Client(), rate_of("track")
    index, refused = first_refusal(lambda: client.get(f"/api/v1/track/{article}/", REMOTE_ADDR="203.0.113.9"), limit)
    assert index == limit
    assert_error_shape(refused)


def test_self_service_sign_in_codes_per_client(world, settings):
    """Banking's own per-client limit reads the address as PROXY_COUNT says (held today)."""
    settings.BANKING_SELFSERVICE_SENDS_PER_CLIENT_HOUR = 3
    client = Client()
    answers = [
        client.post("/banking/my/sign-in/", {"account_number": world.missing_account}, **spoofed()).status_code
        for _ in range(4)
    ]
    assert answers[-1] == 429, answers
