"""Named personas, set up once per test database and shared by every test.

clerk, postmaster, postman         Bhagalpur H.O (812001)
thana_officer                      Kotwali thana, Bhagalpur
sp_officer, dm_officer             Bhagalpur district
operator, field_staff              Sampark Kendra Bhagalpur
administrator
outsider                           a thana officer in Patna: sees nothing of Bhagalpur
citizen                            a verified mobile (+919876500001), not a staff User
"""

from __future__ import annotations

import uuid

import pytest
from django.test import Client, RequestFactory, override_settings

from accounts.personas import demo_citizen, demo_places, demo_users

PASSWORD = "persona-password-1"


@pytest.fixture(scope="session", autouse=True)
def fast_password_hashing():
    """Tests hash passwords all the time (personas, sign-ins); production's PBKDF2 with a
    million rounds would make that most of the suite's run time. Tests only."""
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture(scope="session", autouse=True)
def api_posts_carry_a_key():
    """Every API POST needs an Idempotency-Key (core.idempotency). A test client sends a
    fresh one, as a real client library does, unless the test sets the header itself;
    an empty header (HTTP_IDEMPOTENCY_KEY="") sends none, to test that refusal."""
    original = RequestFactory.generic

    def generic(self, method, path, *args, headers=None, **extra):
        named = {name.lower() for name in (headers or {})}
        if (
            method.upper() == "POST"
            and str(path).startswith("/api/")
            and "HTTP_IDEMPOTENCY_KEY" not in extra
            and "idempotency-key" not in named
        ):
            extra["HTTP_IDEMPOTENCY_KEY"] = uuid.uuid4().hex
        if extra.get("HTTP_IDEMPOTENCY_KEY") == "":
            del extra["HTTP_IDEMPOTENCY_KEY"]
        return original(self, method, path, *args, headers=headers, **extra)

    RequestFactory.generic = generic
    yield
    RequestFactory.generic = original


@pytest.fixture(scope="session")
def django_db_setup(fast_password_hashing, django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        places = demo_places()
        demo_users(places, password=PASSWORD)
        demo_citizen()


@pytest.fixture
def places(db):
    return demo_places()


@pytest.fixture
def personas(db, places):
    return demo_users(places, password=PASSWORD)


def _persona(name):
    @pytest.fixture
    def fixture(personas):
        return personas[name]

    return fixture


clerk = _persona("counter_clerk")
postmaster = _persona("postmaster")
postman = _persona("postman")
thana_officer = _persona("thana_officer")
sp_officer = _persona("sp_officer")
dm_officer = _persona("dm_officer")
operator = _persona("call_centre_operator")
field_staff = _persona("field_staff")
administrator = _persona("administrator")
outsider = _persona("outsider")


@pytest.fixture
def citizen(db):
    """A member of the public with a verified mobile (accounts.models.Citizen)."""
    return demo_citizen()


@pytest.fixture
def login(client: Client):
    """login(user) signs the test client in, passing two-factor for roles that need it."""

    def _login(user, *, verified: bool = True) -> Client:
        client.force_login(user)
        if verified and user.needs_two_factor:
            from django_otp.plugins.otp_static.models import StaticDevice

            device, _ = StaticDevice.objects.get_or_create(user=user, name="test", defaults={"confirmed": True})
            session = client.session
            session["otp_device_id"] = device.persistent_id
            session.save()
        return client

    return _login
