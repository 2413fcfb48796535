"""The API token lookup (accounts.api.authentication): one raw query, DRF's refusals kept."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token

ME = "/api/v1/auth/me/"


def test_a_known_token_signs_in_with_one_query(client, clerk):
    token = Token.objects.create(user=clerk)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(ME, HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 200 and response.json()["username"] == clerk.username
    assert sum("authtoken_token" in q["sql"] for q in queries.captured_queries) == 1


def test_an_unknown_token_is_refused_in_the_error_shape(client, clerk):
    response = client.get(ME, HTTP_AUTHORIZATION="Token " + "0" * 40)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "authentication_failed"


def test_the_token_of_a_deactivated_user_is_refused(client, clerk):
    token = Token.objects.create(user=clerk)
    clerk.is_active = False
    clerk.save(update_fields=["is_active"])
    response = client.get(ME, HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "authentication_failed"
