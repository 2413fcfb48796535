"""Requests no view can serve get a 4xx in the error shape (API) or a bilingual page,
never a 500 or the web server's own HTML (issue 8, item 8)."""

from __future__ import annotations

import json
import logging
import os
import socket
import subprocess
import time
from pathlib import Path

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.test import RequestFactory
from rest_framework.test import APIClient

from counter.models import TillSession

pytestmark = pytest.mark.django_db
SESSIONS = "/api/v1/counter/sessions/"
TOKEN = "/api/v1/auth/token/"


def error_of(response, status: int) -> dict:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "details"}
    assert body["error"]["message"]
    return body["error"]


@pytest.fixture
def api(clerk):
    client = APIClient(raise_request_exception=False)
    client.force_authenticate(clerk)
    return client


@pytest.mark.parametrize("body", ["[]", '"x"', "1", "null", "true", '[{"denominations": {}}]'])
def test_a_body_that_is_not_an_object_is_400_on_till_open_and_close(api, body):
    error = error_of(api.post(SESSIONS, body, content_type="application/json"), 400)
    assert error["code"] == "parse_error"
    assert "JSON object" in error["message"]
    assert not TillSession.objects.exists()
    opened = api.post(SESSIONS, {"denominations": {"500": 1}}, format="json")
    assert opened.status_code == 201
    close = f"{SESSIONS}{opened.json()['id']}/close/"
    assert error_of(api.post(close, body, content_type="application/json"), 400)["code"] == "parse_error"
    assert api.get(f"{SESSIONS}{opened.json()['id']}/").json()["status"] == "open"


def test_json_nested_100000_deep_is_a_parse_error(api, client):
    deep = "[" * 100_000 + "]" * 100_000
    assert error_of(api.post(SESSIONS, deep, content_type="application/json"), 400)["code"] == "parse_error"
    deep_object = '{"a":' * 100_000 + "1" + "}" * 100_000
    assert error_of(client.post(TOKEN, deep_object, content_type="application/json"), 400)["code"] == "parse_error"


def test_json_nested_deeper_than_any_body_of_ours_is_a_parse_error(client):
    # Deep enough to parse but then to break whatever walks it (a fingerprint's json.dumps).
    body = '{"username": "x", "password": "y", "extra": ' + "[" * 200 + "]" * 200 + "}"
    assert error_of(client.post(TOKEN, body, content_type="application/json"), 400)["code"] == "parse_error"


def test_a_nul_in_a_json_string_is_a_field_error(api):
    body = '{"denominations": {"500": 1}, "note": "a\\u0000b"}'
    error = error_of(api.post(SESSIONS, body, content_type="application/json"), 400)
    assert error["code"] == "invalid"
    assert error["details"] == {"note": ["Null characters are not allowed."]}
    assert not TillSession.objects.exists()


def test_a_nul_deep_in_a_booking_names_the_field(api):
    body = '{"articles": [{"recipient": {"name": "Sita\\u0000"}}]}'
    response = api.post("/api/v1/counter/bookings/", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k1")
    assert error_of(response, 400)["details"] == {"articles[0].recipient.name": ["Null characters are not allowed."]}


def test_a_lone_surrogate_in_a_booking_is_a_field_error(api):
    api.post(SESSIONS, {"denominations": {}}, format="json")
    person = {"name": "Ram", "address": "Tilka Manjhi", "pin": "812001", "mobile": "9812345610"}
    article = {"service": "speed_post", "weight_g": 40, "sender": person, "recipient": {**person, "name": "\ud800"}}
    body = json.dumps({"articles": [article], "payment": {"method": "cash"}})  # ensure_ascii: "\\ud800"
    response = api.post("/api/v1/counter/bookings/", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="s1")
    assert error_of(response, 400)["details"] == {"articles[0].recipient.name": ["This text is not valid Unicode."]}


def test_a_body_over_the_upload_limit_is_413(api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = '{"denominations": {}, "pad": "' + "x" * 2000 + '"}'
    assert error_of(api.post(SESSIONS, body, content_type="application/json"), 413)["code"] == "body_too_large"
    assert not TillSession.objects.exists()


def test_a_url_over_4_kb_is_414_in_the_error_shape_or_a_bilingual_page(client):
    error = error_of(client.get("/api/v1/track/EE123456785IN/?q=" + "a" * 4100), 414)
    assert error["code"] == "uri_too_long"
    page = client.get("/track/?number=" + "a" * 4100)
    assert page.status_code == 414
    assert page["Content-Type"].startswith("text/html")
    text = page.content.decode()
    assert "This address is too long" in text and 'lang="hi"' in text


def test_a_header_over_8_kb_is_431(client):
    error = error_of(client.get("/api/v1/auth/me/", HTTP_X_JUNK="j" * 8200), 431)
    assert error["code"] == "header_too_large"
    page = client.get("/", HTTP_COOKIE="sessionid=" + "c" * 9000)
    assert page.status_code == 431
    assert "Clear this site" in page.content.decode()


def test_headers_and_urls_under_the_limits_pass(client):
    assert client.get("/api/v1/track/EE123456785IN/?q=" + "a" * 3900, HTTP_X_JUNK="j" * 8000).status_code != 414


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/banking/accounts/1%00/",
        "/api/v1/banking/accounts/?q=%00",
        "/api/v1/delivery/articles/EE%0012345IN/",
        "/api/v1/track/EE123456785IN%00/",
        "/track/?number=EE%00",
    ],
)
def test_a_nul_in_the_path_or_query_is_400(api, path):
    response = api.get(path)
    assert response.status_code == 400, response.content[:200]
    if path.startswith("/api/"):
        assert error_of(response, 400)["code"] == "null_character"


def test_a_nul_in_a_form_field_is_400_and_changes_nothing(client, clerk):
    client.force_login(clerk)
    response = client.post("/counter/till/open/", {"d500": "1", "note": "x\x00y"})
    assert response.status_code == 400
    assert "Null characters are not allowed." in response.content.decode()
    assert not TillSession.objects.exists()


class _Gone:
    """A client that sent its headers and went away during the body."""

    def read(self, size=-1):
        raise OSError("client disconnected")

    def readline(self, size=-1):
        raise OSError("client disconnected")


@pytest.mark.parametrize(
    ("path", "content_type"),
    [
        (TOKEN, "application/json"),
        ("/api/v1/auth/token/", "application/x-www-form-urlencoded"),
        ("/accounts/login/", "application/x-www-form-urlencoded"),
    ],
)
def test_a_client_that_disconnects_mid_body_is_400_and_no_server_error(caplog, path, content_type):
    environ = RequestFactory()._base_environ(
        PATH_INFO=path,
        REQUEST_METHOD="POST",
        CONTENT_TYPE=content_type,
        CONTENT_LENGTH="500",
        **{"wsgi.input": _Gone()},
    )
    statuses = []
    with caplog.at_level(logging.INFO):
        WSGIHandler()(environ, lambda status, headers, exc_info=None: statuses.append(status))
    assert statuses[0].startswith("400"), statuses
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], [r.getMessage() for r in caplog.records]


# --- against the production server ---------------------------------------------------------


def _raw_get(port: int, path: str, headers: str = "") -> tuple[int, str]:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        conn.sendall(f"GET {path} HTTP/1.0\r\nHost: 127.0.0.1\r\n{headers}Connection: close\r\n\r\n".encode())
        data = b""
        while chunk := conn.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split()[1]), body.decode(errors="replace")


@pytest.fixture
def gunicorn_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    root = Path(__file__).resolve().parents[2]
    server = subprocess.Popen(
        [str(root / ".venv/bin/gunicorn"), "-c", str(root / "gunicorn.conf.py"), "config.wsgi"]
        + ["--bind", f"127.0.0.1:{port}", "--workers", "1", "--log-level", "warning"],
        cwd=root,
        env={**os.environ, "ALLOWED_HOSTS": "127.0.0.1"},
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            assert server.poll() is None, "gunicorn exited at start"
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.2)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_gunicorn_lets_long_urls_and_headers_through_to_our_answers(gunicorn_port):
    status, body = _raw_get(gunicorn_port, "/api/v1/track/EE123456785IN/?q=" + "a" * 6000)
    assert status == 414 and json.loads(body)["error"]["code"] == "uri_too_long"
    status, body = _raw_get(gunicorn_port, "/api/v1/auth/me/", f"X-Junk: {'j' * 12000}\r\n")
    assert status == 431 and json.loads(body)["error"]["code"] == "header_too_large"
