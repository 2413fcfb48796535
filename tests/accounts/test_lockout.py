"""django-axes: five wrong passwords lock the username, on the page and on the API."""

from __future__ import annotations

from django.urls import reverse

from .conftest import password_login

TOKEN = "/api/v1/auth/token/"


def test_five_wrong_passwords_lock_the_sign_in_page(client, clerk):
    for _attempt in range(4):
        response = password_login(client, clerk, password="not-the-password")
        assert response.status_code == 200
        assert response.context["form"].non_field_errors()
    fifth = password_login(client, clerk, password="not-the-password")
    assert fifth.status_code == 429
    assert "Too many failed sign-ins" in fifth.content.decode()
    assert fifth["Retry-After"] == "1800"
    # Now even the right password is refused and nobody is signed in.
    right = password_login(client, clerk)
    assert right.status_code == 429
    assert client.get(reverse("counter:home")).status_code == 302


def test_four_wrong_passwords_then_the_right_one_signs_in_and_clears_the_count(client, clerk):
    for _attempt in range(4):
        password_login(client, clerk, password="not-the-password")
    assert password_login(client, clerk).status_code == 302
    client.post(reverse("accounts:logout"))
    # The count started again: four more misses still do not lock.
    for _attempt in range(4):
        assert password_login(client, clerk, password="not-the-password").status_code == 200


def test_lockout_is_per_username(client, clerk, postman):
    for _attempt in range(5):
        password_login(client, clerk, password="not-the-password")
    assert password_login(client, postman).status_code == 302


def test_five_wrong_passwords_lock_the_token_api_with_the_error_shape(client, postman):
    for _attempt in range(4):
        response = client.post(TOKEN, {"username": "postman", "password": "wrong"}, content_type="application/json")
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "invalid_credentials"
    fifth = client.post(TOKEN, {"username": "postman", "password": "wrong"}, content_type="application/json")
    assert fifth.status_code == 429
    assert fifth["Content-Type"] == "application/json"
    assert fifth.json()["error"]["code"] == "locked_out"
    assert fifth.json()["error"]["details"] == {"retry_after_minutes": 30}

    right = client.post(
        TOKEN, {"username": "postman", "password": "persona-password-1"}, content_type="application/json"
    )
    assert right.status_code == 429
    assert set(right.json()) == {"error"}
    assert "token" not in right.json()


def test_failures_on_the_page_and_the_api_add_up(client, postman):
    for _attempt in range(3):
        password_login(client, postman, password="wrong")
    for _attempt in range(2):
        response = client.post(TOKEN, {"username": "postman", "password": "wrong"}, content_type="application/json")
    assert response.status_code == 429
    assert password_login(client, postman).status_code == 429
