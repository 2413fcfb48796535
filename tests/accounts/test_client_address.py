"""One client address for every limit (accounts.net.client_ip): a made-up X-Forwarded-For
buys no fresh budget, and with PROXY_COUNT set the address our proxy saw is the client."""

from __future__ import annotations

import random

import pytest
from django.test import RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.settings import api_settings

from accounts.net import client_ip
from accounts.ratelimit import ClientThrottleMixin
from banking.selfservice import client_key

pytestmark = pytest.mark.django_db

TRACK = "/api/v1/track/EE473124829IN/"
TOKEN = "/api/v1/auth/token/"
TARIFF = "/api/v1/counter/tariff/"


def _rate(scope: str) -> int:
    return int(api_settings.DEFAULT_THROTTLE_RATES[scope].split("/")[0])


def _random_forwarded() -> str:
    return ".".join(str(random.randint(1, 254)) for _ in range(4))


def _spoofed_get(client, url, **params):
    return client.get(url, params, HTTP_X_FORWARDED_FOR=_random_forwarded())


def _assert_throttled_in_error_shape(response):
    assert response.status_code == 429
    error = response.json()["error"]
    assert error["code"] == "throttled"
    assert error["details"]["retry_after_seconds"] >= 1
    assert "Too many requests" in error["message"]


def test_random_forwarded_for_does_not_escape_the_tracking_limit(client):
    answers = [_spoofed_get(client, TRACK) for _ in range(70)]
    statuses = [answer.status_code for answer in answers]
    rate = _rate("track")
    assert statuses[:rate] == [404] * rate
    assert set(statuses[rate:]) == {429}
    _assert_throttled_in_error_shape(answers[-1])


def test_random_forwarded_for_does_not_escape_the_tracking_page_limit(client):
    pages = [_spoofed_get(client, "/track/", n="EE473124829IN") for _ in range(70)]
    assert pages[-1].status_code == 429
    assert "Too many look-ups" in pages[-1].content.decode()
    assert sum(page.status_code == 429 for page in pages) == 70 - _rate("track")


def test_random_forwarded_for_does_not_escape_the_token_limit(client):
    # A new username each time, so that django-axes's lockout (five per pair) stays out.
    answers = [
        client.post(
            TOKEN,
            {"username": f"nobody-{attempt}", "password": "wrong"},
            content_type="application/json",
            HTTP_X_FORWARDED_FOR=_random_forwarded(),
        )
        for attempt in range(70)
    ]
    rate = _rate("token")
    assert [a.status_code for a in answers[:rate]] == [401] * rate
    assert {a.status_code for a in answers[rate:]} == {429}
    _assert_throttled_in_error_shape(answers[-1])


def test_random_forwarded_for_does_not_escape_the_tariff_limit(client):
    rate = _rate("counter_tariff_anon")
    answers = [_spoofed_get(client, TARIFF, service="speed_post") for _ in range(rate + 10)]
    assert all(a.status_code != 429 for a in answers[:rate])
    assert {a.status_code for a in answers[rate:]} == {429}
    _assert_throttled_in_error_shape(answers[-1])


def test_behind_one_proxy_the_address_the_proxy_saw_is_the_client(client, settings):
    """Every request reaches us from the proxy (REMOTE_ADDR 10.0.0.2); the client's own
    claim, left of what the proxy appended, changes every time and counts for nothing."""
    settings.PROXY_COUNT = 1
    rate = _rate("track")

    def from_client(address):
        return client.get(TRACK, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=f"{_random_forwarded()}, {address}")

    statuses = [from_client("203.0.113.5").status_code for _ in range(rate + 1)]
    assert statuses == [404] * rate + [429]
    # Another client behind the same proxy has its own budget.
    assert from_client("203.0.113.6").status_code == 404


@pytest.mark.parametrize(
    ("proxy_count", "forwarded", "expected"),
    [
        (0, "203.0.113.5", "192.0.2.1"),
        (0, "", "192.0.2.1"),
        (1, "198.51.100.9, 203.0.113.5", "203.0.113.5"),
        (2, "198.51.100.9, 203.0.113.5, 10.0.0.3", "203.0.113.5"),
        (2, "203.0.113.5", "192.0.2.1"),  # fewer entries than proxies: not through ours
        (1, "", "192.0.2.1"),
        (1, "not-an-address", "192.0.2.1"),
        (1, "2001:db8::1", "2001:db8::1"),
    ],
)
def test_client_ip_honours_proxy_count(settings, proxy_count, forwarded, expected):
    settings.PROXY_COUNT = proxy_count
    request = RequestFactory().get("/", REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


def test_self_service_counts_the_same_client_address(settings):
    request = RequestFactory().get("/", REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR="198.51.100.9, 203.0.113.5")
    assert client_key(request) == "192.0.2.1"
    settings.PROXY_COUNT = 1
    assert client_key(request) == "203.0.113.5"


def test_django_axes_reads_the_same_client_address(settings):
    from axes.helpers import get_client_ip_address

    request = RequestFactory().get("/", REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR="198.51.100.9, 203.0.113.5")
    assert get_client_ip_address(request) == "192.0.2.1"
    settings.PROXY_COUNT = 1
    assert get_client_ip_address(request) == "203.0.113.5"


def _views(resolver=None):
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            yield from _views(entry)
        elif isinstance(entry, URLPattern):
            view = getattr(entry.callback, "cls", None) or getattr(entry.callback, "view_class", None)
            if view is not None:
                yield entry, view


def test_every_api_throttle_counts_by_our_client_address():
    """DRF's own throttles trust X-Forwarded-For: a view added with one fails here."""
    throttled = []
    for pattern, view in _views():
        for throttle in getattr(view, "throttle_classes", None) or []:
            assert issubclass(throttle, ClientThrottleMixin), f"{view.__name__} ({pattern.pattern}): {throttle}"
            throttled.append(view.__name__)
    assert {"TokenView", "TariffView"} <= set(throttled)
    assert not api_settings.DEFAULT_THROTTLE_CLASSES or all(
        issubclass(throttle, ClientThrottleMixin) for throttle in api_settings.DEFAULT_THROTTLE_CLASSES
    )
