"""Two-factor sign-in: who must pass it, enrolment with a real authenticator code,
recovery codes, the admin behind it, and the administrator's reset."""

from __future__ import annotations

import time

import pytest
from django.contrib.auth import SESSION_KEY
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import services

from .conftest import password_login, totp_code

TWO_FACTOR = reverse("accounts:two_factor")


@pytest.mark.parametrize(
    "username, must_verify",
    [
        ("counter_clerk", False),
        ("postmaster", True),
        ("postman", False),
        ("thana_officer", True),
        ("sp_officer", True),
        ("dm_officer", True),
        ("call_centre_operator", False),
        ("field_staff", False),
        ("administrator", True),
    ],
)
def test_two_factor_is_required_exactly_for_officers_postmasters_and_administrators(
    client, personas, username, must_verify
):
    user = personas[username]
    response = password_login(client, user)
    assert response.status_code == 302
    home = client.get(reverse("accounts:home"))
    if must_verify:
        assert response.url.startswith(TWO_FACTOR)
        assert home.status_code == 302 and home.url.startswith(TWO_FACTOR)
    else:
        assert not response.url.startswith(TWO_FACTOR)
        assert home.status_code == 302 and not home.url.startswith(TWO_FACTOR)
        assert client.get(home.url).status_code == 200


def test_unverified_officer_is_sent_to_the_code_form_and_back_where_they_were_going(client, thana_officer, login):
    login(thana_officer, verified=False)
    response = client.get("/verification/?page=2")
    assert response.status_code == 302
    assert response.url == f"{TWO_FACTOR}?next=%2Fverification%2F%3Fpage%3D2"
    # The two-factor form itself, logout and the language switch stay reachable.
    assert client.get(TWO_FACTOR).status_code == 302  # no device yet: on to enrolment
    assert client.post("/i18n/setlang/", {"language": "hi", "next": TWO_FACTOR}).status_code == 302


def test_enrolment_shows_a_qr_code_and_a_real_authenticator_code_completes_it(client, postmaster, enrol):
    password_login(client, postmaster)
    page = client.get(reverse("accounts:two_factor_enrol"))
    html = page.content.decode()
    assert "<svg" in html and "<path" in html  # the QR code, inline, no external image
    secret, codes = enrol(client, postmaster)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert TOTPDevice.objects.get(user=postmaster).confirmed
    # Verified now: the office home opens.
    assert client.get(reverse("counter:office_home")).status_code == 200

    # Next day: password, then the code from the app.
    client.post(reverse("accounts:logout"))
    response = password_login(client, postmaster)
    assert response.url.startswith(TWO_FACTOR)
    wrong = client.post(TWO_FACTOR, {"token": "000000" if totp_code(secret) != "000000" else "111111"})
    assert wrong.status_code == 200 and wrong.context["form"].errors
    # After a wrong code django-otp makes the device wait (1 s, doubling with each miss).
    throttled = client.post(TWO_FACTOR, {"token": totp_code(secret, steps_ahead=1)})
    assert "Too many wrong codes" in str(throttled.context["form"].errors)
    time.sleep(1.1)
    right = client.post(TWO_FACTOR, {"token": totp_code(secret, steps_ahead=1)})
    assert right.status_code == 302 and right.url == reverse("accounts:home")
    assert client.get(reverse("counter:office_home")).status_code == 200


def test_a_wrong_code_does_not_confirm_enrolment(client, dm_officer):
    password_login(client, dm_officer)
    client.get(reverse("accounts:two_factor_enrol"))
    response = client.post(reverse("accounts:two_factor_enrol"), {"token": "12345"})
    assert response.status_code == 200 and response.context["form"].errors
    assert not TOTPDevice.objects.get(user=dm_officer).confirmed
    assert client.get(reverse("verification:home")).status_code == 302


def test_a_recovery_code_signs_in_once(client, sp_officer, enrol):
    _secret, codes = enrol(client, sp_officer)
    client.post(reverse("accounts:logout"))

    password_login(client, sp_officer)
    first = client.post(TWO_FACTOR, {"token": codes[0].upper()})  # typed in capitals: still fine
    assert first.status_code == 302
    assert client.get(reverse("verification:home")).status_code == 200
    client.post(reverse("accounts:logout"))

    password_login(client, sp_officer)
    again = client.post(TWO_FACTOR, {"token": codes[0]})
    assert again.status_code == 200 and again.context["form"].errors
    assert client.get(reverse("verification:home")).status_code == 302
    # Another one still works (after the one-second wait a wrong code costs).
    time.sleep(1.1)
    assert client.post(TWO_FACTOR, {"token": codes[1]}).status_code == 302


def test_the_admin_needs_the_administrators_second_factor(client, administrator, login):
    login(administrator, verified=False)
    response = client.get("/admin/")
    assert response.status_code == 302 and response.url.startswith(TWO_FACTOR)
    assert client.get("/admin/accounts/user/").status_code == 302

    client.logout()
    login(administrator)  # verified
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/accounts/postoffice/").status_code == 200


def test_administrator_lands_in_the_admin_after_a_real_sign_in(client, administrator, enrol):
    enrol(client, administrator)
    response = client.get(reverse("accounts:home"), follow=True)
    assert response.redirect_chain[-1][0] == "/admin/"
    assert response.status_code == 200


def test_the_admin_has_no_second_login_form(client, clerk, login):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302 and response.url == "/accounts/login/?next=/admin/"
    # A signed-in clerk is refused, not bounced between two login pages.
    login(clerk)
    assert client.get("/admin/", follow=True).status_code == 403


def test_administrator_resets_a_lost_phone_and_the_user_enrols_again(
    client, administrator, thana_officer, enrol, login
):
    enrol(client, thana_officer)
    client.post(reverse("accounts:logout"))

    login(administrator)
    response = client.post(
        "/admin/accounts/user/",
        {"action": "reset_two_factor", "_selected_action": [thana_officer.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert not TOTPDevice.objects.filter(user=thana_officer).exists()
    client.logout()

    password_login(client, thana_officer)
    assert client.get(TWO_FACTOR).url == reverse("accounts:two_factor_enrol")


def test_two_factor_reset_service_counts_devices(thana_officer):
    device = services.totp_device_pending(user=thana_officer)
    services.totp_device_confirm(device=device)
    assert services.user_two_factor_reset(user=thana_officer) == 2  # authenticator + recovery list
    assert not services.user_has_confirmed_device(user=thana_officer)


def test_signing_in_starts_a_fresh_session(client, clerk):
    client.get(reverse("accounts:login"))
    before = client.cookies.get("sessionid")
    password_login(client, clerk)
    assert client.session[SESSION_KEY] == str(clerk.pk)
    assert before is None or client.cookies["sessionid"].value != before.value


def test_two_factor_reset_command_for_a_locked_out_administrator(administrator):
    from io import StringIO

    from django.core.management import CommandError, call_command

    services.totp_device_confirm(device=services.totp_device_pending(user=administrator))
    out = StringIO()
    call_command("two_factor_reset", "administrator", stdout=out)
    assert "2 device(s) removed" in out.getvalue()
    assert not services.user_has_confirmed_device(user=administrator)
    with pytest.raises(CommandError):
        call_command("two_factor_reset", "nobody-by-this-name")
