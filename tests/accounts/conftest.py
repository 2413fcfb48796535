"""Helpers for the accounts tests: real TOTP codes and a clean throttle cache."""

from __future__ import annotations

import base64
import re

import pytest
from django.core.cache import cache
from django.urls import reverse
from django_otp.oath import totp

from tests.conftest import PASSWORD


@pytest.fixture(autouse=True)
def clean_cache():
    """DRF throttles and nothing else of ours live in the cache; each test starts with
    a fresh count so the token endpoint's 10/min allowance does not leak between tests."""
    cache.clear()
    yield
    cache.clear()


def totp_code(secret_base32: str, *, steps_ahead: int = 0) -> str:
    """The six digits an authenticator app shows for this key (RFC 6238, 30 s, SHA-1),
    `steps_ahead` periods from now. A TOTP code is accepted once, so a second sign-in in
    the same 30 seconds uses the next period's code (django-otp allows one step of drift)."""
    padded = secret_base32 + "=" * (-len(secret_base32) % 8)
    return f"{totp(base64.b32decode(padded), drift=steps_ahead):06d}"


def secret_on_page(html: str) -> str:
    match = re.search(r'<code class="secret">([A-Z2-7 ]+)</code>', html)
    assert match, "the enrolment page shows the key to type in"
    return match.group(1).replace(" ", "")


def password_login(client, user, password: str = PASSWORD, **extra):
    return client.post(reverse("accounts:login"), {"username": user.username, "password": password}, **extra)


@pytest.fixture
def enrol():
    """enrol(client, user) signs in with the password, scans (reads) the key from the QR
    page and confirms it with a real code. Returns (secret, recovery_codes)."""

    def _enrol(client, user):
        password_login(client, user)
        page = client.get(reverse("accounts:two_factor_enrol"))
        assert page.status_code == 200
        secret = secret_on_page(page.content.decode())
        done = client.post(reverse("accounts:two_factor_enrol"), {"token": totp_code(secret)})
        assert done.status_code == 200, done.content
        return secret, done.context["codes"]

    return _enrol
