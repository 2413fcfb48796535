"""Sessions end after 30 idle minutes and 12 hours after sign-in, whatever happens."""

from __future__ import annotations

import time
from datetime import timedelta

from django.conf import settings
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from accounts.middleware import LOGIN_TIME_KEY

from .conftest import password_login

COUNTER = "/counter/"


def _session_row(client) -> Session:
    return Session.objects.get(session_key=client.session.session_key)


def test_the_limits_are_thirty_minutes_idle_and_twelve_hours():
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST
    assert settings.SESSION_ABSOLUTE_SECONDS == 12 * 60 * 60


def test_every_request_pushes_the_idle_expiry_thirty_minutes_ahead(client, clerk):
    password_login(client, clerk)
    # Someone who was idle for 29 minutes: one minute left.
    Session.objects.filter(pk=client.session.session_key).update(expire_date=timezone.now() + timedelta(minutes=1))
    assert client.get(COUNTER).status_code == 200
    left = _session_row(client).expire_date - timezone.now()
    assert timedelta(minutes=29) < left <= timedelta(minutes=30)


def test_thirty_idle_minutes_end_the_session(client, clerk):
    password_login(client, clerk)
    assert client.get(COUNTER).status_code == 200
    # Thirty minutes pass without a request: the expiry set by the last request is now past.
    Session.objects.filter(pk=client.session.session_key).update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get(COUNTER)
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_twelve_hours_after_sign_in_the_session_ends_even_if_active(client, clerk):
    password_login(client, clerk)
    session = client.session
    assert abs(session[LOGIN_TIME_KEY] - time.time()) < 5  # the clock started at sign-in

    session[LOGIN_TIME_KEY] = int(time.time()) - (12 * 3600 - 60)  # 11 h 59 min ago
    session.save()
    assert client.get(COUNTER).status_code == 200

    session = client.session
    session[LOGIN_TIME_KEY] = int(time.time()) - (12 * 3600 + 1)
    session.save()
    response = client.get(COUNTER)
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))
    assert client.get(COUNTER).status_code == 302  # and it stays ended


def test_an_expired_session_on_the_api_is_a_401_in_the_error_shape(client, clerk):
    password_login(client, clerk)
    assert client.get("/api/v1/auth/me/").status_code == 200
    Session.objects.filter(pk=client.session.session_key).update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get("/api/v1/auth/me/")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"
