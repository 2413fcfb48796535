"""django-axes: five wrong passwords lock the username at that address, on the page and on
the API; a username failing from many addresses is slowed down for addresses its owner
never signed in from (accounts.lockout)."""

from __future__ import annotations

from datetime import timedelta

from axes.models import AccessAttempt, AccessLog
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


OWNER_DESK = "192.0.2.10"
STRANGERS = ["198.51.100.1", "198.51.100.2", "198.51.100.3", "198.51.100.4"]


def _token(client, username, password, address):
    return client.post(
        TOKEN, {"username": username, "password": password}, content_type="application/json", REMOTE_ADDR=address
    )


def test_a_stranger_elsewhere_cannot_lock_the_owner_out(client, clerk):
    for _attempt in range(5):
        last = password_login(client, clerk, password="not-the-password", REMOTE_ADDR="198.51.100.7")
    assert last.status_code == 429
    assert "from this connection" in last.content.decode()
    # The stranger's address stays locked, even with the right password...
    assert password_login(client, clerk, REMOTE_ADDR="198.51.100.7").status_code == 429
    # ...and the clerk at the counter signs in.
    assert password_login(client, clerk, REMOTE_ADDR=OWNER_DESK).status_code == 302


def test_forged_forwarding_headers_do_not_spread_failures_over_addresses(client, clerk):
    for attempt in range(5):
        last = password_login(client, clerk, password="wrong", HTTP_X_FORWARDED_FOR=f"203.0.113.{attempt}")
    assert last.status_code == 429
    assert AccessAttempt.objects.filter(username=clerk.username).values("ip_address").distinct().count() == 1


def _spray(client, user):
    """One wrong password from each of more addresses than AXES_SPREAD_ADDRESSES."""
    for address in STRANGERS:
        assert password_login(client, user, password="wrong", REMOTE_ADDR=address).status_code == 200


def test_a_username_failing_from_many_addresses_is_slowed_for_new_addresses(client, clerk, settings):
    assert len(STRANGERS) > settings.AXES_SPREAD_ADDRESSES
    assert password_login(client, clerk, REMOTE_ADDR=OWNER_DESK).status_code == 302  # a known desk
    client.post(reverse("accounts:logout"))
    _spray(client, clerk)

    # A new address is refused for now, whatever the password: no guess is checked.
    slowed = password_login(client, clerk, REMOTE_ADDR="198.51.100.50")
    assert slowed.status_code == 429
    assert "wait a minute" in slowed.content.decode()
    assert 0 < int(slowed["Retry-After"]) <= 60
    assert not AccessAttempt.objects.filter(ip_address="198.51.100.50").exists()
    # The clerk at the desk they have signed in from before is not slowed.
    assert password_login(client, clerk, REMOTE_ADDR=OWNER_DESK).status_code == 302
    client.post(reverse("accounts:logout"))

    # A minute after the last failure, one new address may try once; then the next waits.
    AccessAttempt.objects.filter(username=clerk.username).update(
        attempt_time=AccessAttempt.objects.get(ip_address=STRANGERS[-1]).attempt_time - timedelta(seconds=61)
    )
    assert password_login(client, clerk, password="wrong", REMOTE_ADDR="198.51.100.51").status_code == 200
    assert password_login(client, clerk, password="wrong", REMOTE_ADDR="198.51.100.52").status_code == 429


def test_a_slowed_username_on_the_token_api_gets_the_error_shape(client, postman):
    for address in STRANGERS:
        assert _token(client, "postman", "wrong", address).status_code == 401
    slowed = _token(client, "postman", "persona-password-1", "198.51.100.60")
    assert slowed.status_code == 429
    error = slowed.json()["error"]
    assert error["code"] == "signin_slowed"
    assert 0 < error["details"]["retry_after_seconds"] <= 60
    assert "token" not in slowed.json()


def test_a_few_addresses_failing_do_not_slow_anyone(client, clerk, settings):
    for address in STRANGERS[: settings.AXES_SPREAD_ADDRESSES]:
        password_login(client, clerk, password="wrong", REMOTE_ADDR=address)
    assert password_login(client, clerk, REMOTE_ADDR="198.51.100.70").status_code == 302


def test_a_token_sign_in_makes_the_address_known_and_clears_its_failures(client, postman):
    for _attempt in range(4):
        assert _token(client, "postman", "wrong", "192.0.2.20").status_code == 401
    assert _token(client, "postman", "persona-password-1", "192.0.2.20").status_code == 200
    assert AccessLog.objects.filter(username="postman", ip_address="192.0.2.20").exists()
    # The count started again: four more misses still do not lock.
    for _attempt in range(4):
        assert _token(client, "postman", "wrong", "192.0.2.20").status_code == 401
    # And the postman's phone is not slowed by a spray.
    for address in STRANGERS:
        _token(client, "postman", "wrong", address)
    assert _token(client, "postman", "persona-password-1", "192.0.2.20").status_code == 200
