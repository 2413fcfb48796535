"""/healthz: 200 while the database answers, 503 when it does not; the broker and the cache
are reported, and their outage does not fail the check."""

from __future__ import annotations

import socket

from django.db import connection

from tests.outages import cache_down


def test_healthz_is_ok_with_the_database_and_broker_up(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok", "cache": "ok"}
    assert response["Cache-Control"] == "no-store"


def test_healthz_needs_no_sign_in_and_no_https_redirect(client, db, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz").status_code == 200
    assert client.get("/accounts/login/").status_code == 301  # everything else goes to https


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # nothing listens here once the socket is closed


def test_healthz_is_503_when_the_database_does_not_answer(client, django_db_blocker):
    """Point the real connection at a port where no PostgreSQL listens, as if the
    server had gone away, and ask. (No test transaction around this: the connection
    is closed and reopened under it.)"""
    with django_db_blocker.unblock():
        saved = dict(connection.settings_dict)
        connection.close()
        connection.settings_dict["HOST"] = "127.0.0.1"
        connection.settings_dict["PORT"] = _closed_port()
        try:
            response = client.get("/healthz")
        finally:
            connection.close()
            connection.settings_dict.clear()
            connection.settings_dict.update(saved)
        assert response.status_code == 503
        assert response.json() == {"status": "unavailable", "database": "unavailable", "broker": "ok", "cache": "ok"}
        # And it recovers when the database is back.
        assert client.get("/healthz").status_code == 200


def test_healthz_reports_the_cache_down_and_still_answers_200(client, db):
    with cache_down():
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok", "cache": "down"}
