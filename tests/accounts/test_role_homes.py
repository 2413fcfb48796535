"""Every demo role signs in with its password (and its authenticator, where the role
needs one) and lands on its own start page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from .conftest import password_login

HOMES = {
    "counter_clerk": "/counter/",
    "postmaster": "/counter/office/",
    "postman": "/delivery/beat/",
    "thana_officer": "/verification/",
    "sp_officer": "/verification/",
    "dm_officer": "/verification/",
    "call_centre_operator": "/doorstep/",
    "field_staff": "/doorstep/field/",
    "administrator": "/admin/",
}


@pytest.mark.parametrize("username, home", HOMES.items())
def test_each_role_lands_on_its_home(client, personas, enrol, username, home):
    user = personas[username]
    if user.needs_two_factor:
        enrol(client, user)
    else:
        password_login(client, user)
    response = client.get(reverse("accounts:home"), follow=True)
    assert response.redirect_chain[-1][0] == home
    assert response.status_code == 200
    assert user.first_name in response.content.decode()


def test_a_login_link_with_next_is_honoured_after_two_factor(client, sp_officer, enrol):
    client.post(
        reverse("accounts:login") + "?next=/verification/%3Fq%3D1",
        {"username": "sp_officer", "password": "persona-password-1"},
    )
    # On to enrolment, remembering where they were going.
    response = client.get(reverse("accounts:two_factor") + "?next=/verification/%3Fq%3D1")
    assert response.status_code == 302 and "next=%2Fverification%2F%3Fq%3D1" in response.url


@pytest.mark.parametrize("username, stranger_home", [("counter_clerk", "/verification/"), ("postman", "/counter/")])
def test_a_role_cannot_open_another_roles_home(client, personas, login, username, stranger_home):
    login(personas[username])
    response = client.get(stranger_home)
    assert response.status_code == 403
    assert "Your role cannot open this page." in response.content.decode()
