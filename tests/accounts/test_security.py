"""Security headers, HTTPS behind a proxy, and settings that refuse to guess."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)


def test_every_response_carries_csp_nosniff_and_referrer_policy(client, db):
    for url in ("/", "/accounts/login/", "/healthz", "/api/v1/no-such-thing/"):
        response = client.get(url)
        csp = response["Content-Security-Policy"]
        assert "default-src 'self'" in csp
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
        assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"
        assert response["X-Frame-Options"] == "DENY"


def test_pages_load_nothing_from_other_sites(client, db):
    html = client.get("/accounts/login/").content.decode()
    assert "http://" not in html and "https://" not in html
    assert "<script>" not in html  # no inline script: only <script src=...>


def test_hsts_is_sent_over_https(client, db):
    response = client.get("/accounts/login/", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"


def test_behind_a_tls_proxy_x_forwarded_proto_is_trusted(client, db, settings):
    settings.SECURE_SSL_REDIRECT = True
    plain = client.get("/accounts/login/")
    assert plain.status_code == 301 and plain.url == "https://testserver/accounts/login/"
    proxied = client.get("/accounts/login/", HTTP_X_FORWARDED_PROTO="https")
    assert proxied.status_code == 200
    assert "Strict-Transport-Security" in proxied


def _settings_in_a_fresh_process(env: dict, code: str) -> subprocess.CompletedProcess:
    base = {
        k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG", "SECURE_SSL_REDIRECT", "SECURE_COOKIES"}
    }
    base.update({"DJANGO_SETTINGS_MODULE": "config.settings", **env})
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); from django.conf import settings; {code}"],
        cwd=ROOT,
        env=base,
        capture_output=True,
        text=True,
        timeout=60,
    )


GOOD_KEY = "k" * 20 + "0123456789abcdefghijABCDEFGHIJ-_xyz"


@pytest.mark.parametrize(
    "env, complaint",
    [
        ({"DEBUG": "0"}, "SECRET_KEY must be set"),
        ({"DEBUG": "0", "SECRET_KEY": "short"}, "SECRET_KEY is too weak"),
        ({"DEBUG": "0", "SECRET_KEY": "django-insecure-" + GOOD_KEY}, "SECRET_KEY is too weak"),
        ({"DEBUG": "maybe"}, "DEBUG must be 1 or 0"),
        ({"DEBUG": "0", "SECRET_KEY": GOOD_KEY, "SECURE_SSL_REDIRECT": "flase"}, "SECURE_SSL_REDIRECT must be 1 or 0"),
        ({"DEBUG": "1", "SMS_BACKEND": "pigeon"}, "SMS_BACKEND must be"),
        ({"DEBUG": "1", "SMS_BACKEND": "http"}, "SMS_BACKEND=http needs SMS_HTTP_URL"),
    ],
)
def test_a_bad_environment_fails_loudly_at_start(env, complaint):
    result = _settings_in_a_fresh_process(env, "print('started')")
    assert result.returncode != 0
    assert complaint in result.stderr


def test_production_defaults_are_https_everywhere_and_switchable():
    prod = {"DEBUG": "0", "SECRET_KEY": GOOD_KEY}
    show = "print(settings.SECURE_SSL_REDIRECT, settings.SESSION_COOKIE_SECURE, settings.SECURE_PROXY_SSL_HEADER)"
    assert _settings_in_a_fresh_process(prod, show).stdout.split() == [
        "True",
        "True",
        "('HTTP_X_FORWARDED_PROTO',",
        "'https')",
    ]
    off = _settings_in_a_fresh_process({**prod, "SECURE_SSL_REDIRECT": "0"}, "print(settings.SECURE_SSL_REDIRECT)")
    assert off.stdout.strip() == "False"


def test_check_deploy_passes_with_production_values():
    env = {k: v for k, v in os.environ.items() if k not in {"SECURE_SSL_REDIRECT", "SECURE_COOKIES", "STATIC_MANIFEST"}}
    env.update({"DEBUG": "0", "SECRET_KEY": GOOD_KEY, "ALLOWED_HOSTS": "dakghar.example.in"})
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
