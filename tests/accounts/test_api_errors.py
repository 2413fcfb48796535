"""Every 4xx/5xx under /api/ has one shape, {"error": {"code", "message", "details"}},
with the message in the request's language."""

from __future__ import annotations

import pytest
from django.test import Client

TOKEN = "/api/v1/auth/token/"
ME = "/api/v1/auth/me/"


def error_of(response, status: int) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "details"}
    assert body["error"]["message"]
    return body["error"]


def test_400_lists_the_fields_that_are_wrong(client, db):
    error = error_of(client.post(TOKEN, {}, content_type="application/json"), 400)
    assert error["code"] == "invalid"
    assert set(error["details"]) == {"username", "password"}


def test_400_for_a_body_that_is_not_json(client, db):
    error = error_of(client.post(TOKEN, "{not json", content_type="application/json"), 400)
    assert error["code"] == "parse_error"


def test_401_for_wrong_credentials_and_for_no_credentials(client, clerk):
    error = error_of(
        client.post(TOKEN, {"username": "counter_clerk", "password": "nope"}, content_type="application/json"), 401
    )
    assert error["code"] == "invalid_credentials"
    response = client.get(ME)
    assert error_of(response, 401)["code"] == "not_authenticated"
    assert response["WWW-Authenticate"] == "Token"
    assert error_of(client.get(ME, HTTP_AUTHORIZATION="Token not-a-real-token"), 401)["code"] == "authentication_failed"


def test_403_for_an_officer_who_has_not_passed_two_factor(client, sp_officer, login):
    login(sp_officer, verified=False)
    assert error_of(client.get(ME), 403)["code"] == "two_factor_required"


@pytest.mark.urls("tests.accounts.urls")
def test_403_when_a_view_refuses(client, db):
    assert error_of(client.get("/api/v1/test-only/forbidden/"), 403)["code"] == "permission_denied"


def test_404_for_an_unknown_api_address(client, db):
    error = error_of(client.get("/api/v1/no-such-thing/"), 404)
    assert error["code"] == "not_found"


def test_404_outside_the_api_is_a_page(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
    assert "Page not found" in response.content.decode()


def test_405_for_the_wrong_method(client, db):
    error = error_of(client.get(TOKEN), 405)
    assert error["code"] == "method_not_allowed"
    assert error["details"] == {"method": "GET"}


def test_429_when_the_token_endpoint_is_hammered(client, db):
    # 10 a minute per address; different usernames so the lockout does not answer first.
    for n in range(10):
        response = client.post(TOKEN, {"username": f"nobody{n}", "password": "x"}, content_type="application/json")
        assert response.status_code == 401
    response = client.post(TOKEN, {"username": "nobody10", "password": "x"}, content_type="application/json")
    error = error_of(response, 429)
    assert error["code"] == "throttled"
    assert 0 < error["details"]["retry_after_seconds"] <= 60
    assert int(response["Retry-After"]) > 0


@pytest.mark.urls("tests.accounts.urls")
def test_a_domain_error_keeps_its_code_status_and_details(client, db):
    error = error_of(client.post("/api/v1/test-only/conflict/"), 409)
    assert error == {
        "code": "invalid_transition",
        "message": "That step is not allowed from the current status.",
        "details": {"from": "booked", "to": "delivered"},
    }


@pytest.mark.urls("tests.accounts.urls")
def test_500_under_the_api_is_json_and_elsewhere_a_page(db):
    client = Client(raise_request_exception=False)
    error = error_of(client.get("/api/v1/test-only/boom/"), 500)
    assert error["code"] == "server_error"
    page = client.get("/test-only/boom/")
    assert page.status_code == 500
    assert "कुछ गड़बड़ हो गई" in page.content.decode() and "Something went wrong" in page.content.decode()


def test_messages_come_in_the_requests_language(client, db):
    response = client.post(TOKEN, {}, content_type="application/json", HTTP_ACCEPT_LANGUAGE="hi")
    error = error_of(response, 400)
    assert error["message"] == "भेजे गए कुछ आँकड़े सही नहीं हैं।"
    assert error["details"]["username"] == ["यह फ़ील्ड आवश्यक है।"]
    response = client.get(TOKEN, HTTP_ACCEPT_LANGUAGE="hi")
    assert error_of(response, 405)["message"] == "यह तरीका (मेथड) यहाँ मान्य नहीं है।"
