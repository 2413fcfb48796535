"""POST /api/v1/auth/token/ -> {"token", "role"}; officers must add their authenticator code."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from rest_framework.authtoken.models import Token

from accounts import services

from .conftest import totp_code

TOKEN = "/api/v1/auth/token/"
ME = "/api/v1/auth/me/"
PASSWORD = "persona-password-1"


def post(client, **body):
    return client.post(TOKEN, body, content_type="application/json")


def enrolled_secret(user) -> str:
    device = services.totp_device_pending(user=user)
    services.totp_device_confirm(device=device)
    return services.totp_secret_base32(device=device).replace(" ", "")


def test_a_clerk_gets_a_token_with_username_and_password(client, clerk):
    response = post(client, username="counter_clerk", password=PASSWORD)
    assert response.status_code == 200
    assert set(response.json()) == {"token", "role"}
    assert response.json()["role"] == "counter_clerk"
    me = client.get(ME, HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    assert me.status_code == 200
    assert me.json() == {
        "username": "counter_clerk",
        "name": "Sunita Kumari",
        "role": "counter_clerk",
        "place": "Bhagalpur H.O (812001)",
        "language": "hi",
    }


def test_asking_twice_gives_the_same_token(client, clerk):
    first = post(client, username="counter_clerk", password=PASSWORD).json()["token"]
    assert post(client, username="counter_clerk", password=PASSWORD).json()["token"] == first


def test_an_officer_must_give_the_code_from_the_authenticator(client, dm_officer):
    secret = enrolled_secret(dm_officer)
    missing = post(client, username="dm_officer", password=PASSWORD)
    assert missing.status_code == 401 and missing.json()["error"]["code"] == "otp_required"
    wrong = post(
        client, username="dm_officer", password=PASSWORD, otp="000000" if totp_code(secret) != "000000" else "1"
    )
    assert wrong.status_code == 401 and wrong.json()["error"]["code"] == "otp_invalid"
    assert not Token.objects.filter(user=dm_officer).exists()

    dm_officer.totpdevice_set.update(throttling_failure_count=0, throttling_failure_timestamp=None)  # the wait passed
    right = post(client, username="dm_officer", password=PASSWORD, otp=totp_code(secret))
    assert right.status_code == 200 and right.json()["role"] == "dm_officer"
    assert client.get(ME, HTTP_AUTHORIZATION=f"Token {right.json()['token']}").status_code == 200


def test_an_officer_who_never_enrolled_cannot_get_a_token(client, thana_officer):
    response = post(client, username="thana_officer", password=PASSWORD, otp="123456")
    assert response.status_code == 401 and response.json()["error"]["code"] == "otp_invalid"


def test_a_token_older_than_twelve_hours_is_refused_and_a_new_one_issued(client, postman):
    old = post(client, username="postman", password=PASSWORD).json()["token"]
    Token.objects.filter(key=old).update(created=timezone.now() - timedelta(hours=12, seconds=1))
    refused = client.get(ME, HTTP_AUTHORIZATION=f"Token {old}")
    assert refused.status_code == 401
    assert refused.json()["error"] == {
        "code": "authentication_failed",
        "message": "The token has expired. Sign in again.",
        "details": {},
    }
    new = post(client, username="postman", password=PASSWORD).json()["token"]
    assert new != old
    assert client.get(ME, HTTP_AUTHORIZATION=f"Token {new}").status_code == 200


def test_resetting_two_factor_ends_the_officers_tokens(client, sp_officer):
    secret = enrolled_secret(sp_officer)
    token = post(client, username="sp_officer", password=PASSWORD, otp=totp_code(secret)).json()["token"]
    services.user_two_factor_reset(user=sp_officer)
    assert client.get(ME, HTTP_AUTHORIZATION=f"Token {token}").status_code == 401
