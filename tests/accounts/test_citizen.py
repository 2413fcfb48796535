"""A citizen: a verified mobile, signed in by a one-time code, in a session of its own."""

from __future__ import annotations

import re
import time
from datetime import timedelta
from importlib import import_module

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from accounts import citizen_codes
from accounts.exceptions import (
    CodeCooldown,
    CodeDailyLimit,
    CodeExpired,
    CodeInvalid,
    CodeRequired,
    MobileInvalid,
    MobileNotReachable,
)
from accounts.models import Citizen, CitizenCode
from accounts.personas import CITIZEN_MOBILE
from accounts.sidesession import LAST_SEEN_KEY, SIGNED_IN_AT_KEY
from notify.models import Outbox

pytestmark = pytest.mark.django_db

SIGNIN, CODE, HOME, SIGNOUT = "/citizen/sign-in/", "/citizen/sign-in/code/", "/citizen/", "/citizen/sign-out/"
COOKIE = "dakghar_citizen"
MOBILE = "+919812345601"


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


def code_sent_to(mobile: str) -> str:
    text = Outbox.objects.filter(to=mobile[-10:]).latest("id").text
    return re.search(r"\b(\d{6})\b", text).group(1)


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 10**6:06d}"


def _age_codes(seconds: int) -> None:
    CitizenCode.objects.update(created_at=timezone.now() - timedelta(seconds=seconds))


# --- the mobile number ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "e164"),
    [
        ("9812345601", MOBILE),
        ("98123 45601", MOBILE),
        ("+91-98123-45601", MOBILE),
        ("09812345601", MOBILE),
        ("919812345601", MOBILE),
        ("+447700900123", "+447700900123"),
    ],
)
def test_mobiles_are_kept_in_e164(typed, e164):
    assert citizen_codes.mobile_normalise(typed) == e164


@pytest.mark.parametrize("typed", ["", "12345", "5812345601", "+0123", "abc", "+91981234560122", "+915812345601"])
def test_a_bad_mobile_is_refused(typed):
    with pytest.raises(MobileInvalid):
        citizen_codes.mobile_normalise(typed)


def test_a_code_goes_only_to_an_indian_mobile():
    with pytest.raises(MobileNotReachable):
        citizen_codes.code_send(mobile="+447700900123")
    assert not Outbox.objects.exists() and not CitizenCode.objects.exists()


# --- the code's rules ----------------------------------------------------------------------


def test_a_code_is_sent_in_the_citizens_language_and_kept_only_as_a_salted_hmac():
    citizen_codes.code_send(mobile="9812345601", lang="en")
    sms = Outbox.objects.get(to="9812345601")
    assert sms.template.key == "accounts.citizen_signin" and sms.secret
    code = code_sent_to(MOBILE)
    assert "sign in to Dakghar" in sms.text
    row = CitizenCode.objects.get()
    assert code not in row.code_hash and "$" in row.code_hash
    assert citizen_codes.code_matches(code, row.code_hash)
    assert abs(row.expires_at - row.created_at - timedelta(minutes=10)) < timedelta(seconds=1)
    citizen = Citizen.objects.get(mobile=MOBILE)
    assert citizen.verified_at is None and citizen.preferred_language == "en"


def test_the_right_code_verifies_the_mobile_once():
    citizen_codes.code_send(mobile=MOBILE)
    code = code_sent_to(MOBILE)
    citizen = citizen_codes.code_verify(mobile=MOBILE, code=code)
    assert citizen.is_verified
    with pytest.raises(CodeRequired):  # used: nothing waits any more
        citizen_codes.code_verify(mobile=MOBILE, code=code)


def test_five_tries_then_the_code_is_dead_even_the_right_one():
    citizen_codes.code_send(mobile=MOBILE)
    code = code_sent_to(MOBILE)
    for left in (4, 3, 2, 1, 0):
        with pytest.raises(CodeInvalid) as error:
            citizen_codes.code_verify(mobile=MOBILE, code=wrong(code))
        assert error.value.details["attempts_left"] == left
    with pytest.raises(CodeExpired):
        citizen_codes.code_verify(mobile=MOBILE, code=code)
    assert not Citizen.objects.get(mobile=MOBILE).is_verified


@pytest.mark.django_db(transaction=True)
def test_a_wrong_try_stays_counted_when_the_caller_rolls_back():
    citizen_codes.code_send(mobile=MOBILE)
    code = code_sent_to(MOBILE)
    with pytest.raises(CodeInvalid), transaction.atomic():
        citizen_codes.code_verify(mobile=MOBILE, code=wrong(code))
    assert CitizenCode.objects.get().attempts == 1


def test_an_old_code_has_expired():
    citizen_codes.code_send(mobile=MOBILE)
    code = code_sent_to(MOBILE)
    CitizenCode.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(CodeExpired):
        citizen_codes.code_verify(mobile=MOBILE, code=code)


def test_cooldown_then_a_new_code_replaces_the_old():
    citizen_codes.code_send(mobile=MOBILE)
    first = code_sent_to(MOBILE)
    with pytest.raises(CodeCooldown):
        citizen_codes.code_send(mobile=MOBILE)
    assert Outbox.objects.count() == 1
    _age_codes(61)
    citizen_codes.code_send(mobile=MOBILE)
    second = code_sent_to(MOBILE)
    if first != second:
        with pytest.raises(CodeInvalid):
            citizen_codes.code_verify(mobile=MOBILE, code=first)
    assert citizen_codes.code_verify(mobile=MOBILE, code=second).is_verified


def test_a_daily_cap_per_mobile(settings):
    settings.CITIZEN_CODE_DAILY_CAP = 3
    for _ in range(3):
        citizen_codes.code_send(mobile=MOBILE)
        _age_codes(61)
    with pytest.raises(CodeDailyLimit):
        citizen_codes.code_send(mobile=MOBILE)
    assert Outbox.objects.count() == 3
    citizen_codes.code_send(mobile="9812345602")  # another mobile is not held back


def test_the_citizen_persona_is_verified(citizen):
    assert citizen.mobile == CITIZEN_MOBILE and citizen.is_verified
    assert Citizen.objects.filter(mobile=CITIZEN_MOBILE).count() == 1


# --- the pages and the session -------------------------------------------------------------


def _sign_in(client, mobile: str = "9812345601"):
    sent = client.post(SIGNIN, {"mobile": mobile})
    assert sent.status_code == 302 and sent["Location"] == CODE
    code = code_sent_to(citizen_codes.mobile_normalise(mobile))
    return client.post(CODE, {"code": code})


def test_sign_in_by_code_then_home_then_sign_out(client):
    page = client.get(SIGNIN)
    assert page.status_code == 200 and 'name="mobile"' in page.content.decode()
    done = _sign_in(client)
    assert done.status_code == 302 and done["Location"] == HOME
    cookie = client.cookies[COOKIE]
    assert cookie["path"] == "/citizen/" and cookie["httponly"] and cookie["samesite"] == "Lax"
    assert "sessionid" not in client.cookies or not client.cookies["sessionid"].value  # staff session untouched
    home = client.get(HOME)
    assert home.status_code == 200 and "+91 98XXXXXX01" in home.content.decode()
    assert home["Cache-Control"] == "no-store"
    assert client.post(SIGNOUT).status_code == 302
    assert client.get(HOME)["Location"] == SIGNIN


def test_home_needs_a_signed_in_citizen(client):
    assert client.get(HOME)["Location"] == SIGNIN


def test_a_wrong_code_says_how_many_tries_are_left(client):
    client.post(SIGNIN, {"mobile": "9812345601"}, HTTP_ACCEPT_LANGUAGE="en")
    code = code_sent_to(MOBILE)
    answer = client.post(CODE, {"code": wrong(code)})
    assert answer.status_code == 400
    assert "The code is not right. 4 tries left." in answer.content.decode()
    assert COOKIE not in client.cookies or client.get(HOME)["Location"] == SIGNIN


def test_the_pages_speak_hindi(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "hi"
    page = client.get(SIGNIN).content.decode()
    assert 'lang="hi"' in page


def test_a_bad_mobile_on_the_page_is_a_clear_error(client):
    answer = client.post(SIGNIN, {"mobile": "12345"})
    assert answer.status_code == 400
    assert not CitizenCode.objects.exists() and not Outbox.objects.exists()


def test_a_new_session_key_at_sign_in(client):
    client.post(SIGNIN, {"mobile": "9812345601"})
    before = client.cookies[COOKIE].value
    client.post(CODE, {"code": code_sent_to(MOBILE)})
    assert client.cookies[COOKIE].value != before


def test_the_session_ends_when_idle(client, settings):
    _sign_in(client)
    store = import_module(settings.SESSION_ENGINE).SessionStore(session_key=client.cookies[COOKIE].value)
    store[LAST_SEEN_KEY] = time.time() - 31 * 60
    store.save()
    assert client.get(HOME)["Location"] == SIGNIN + "?ended=1"


def test_the_session_ends_after_the_absolute_limit(client):
    _sign_in(client)
    store = import_module(settings.SESSION_ENGINE).SessionStore(session_key=client.cookies[COOKIE].value)
    store[SIGNED_IN_AT_KEY] = time.time() - 9 * 3600
    store.save()
    assert client.get(HOME).status_code == 302


def test_a_browser_signed_in_as_staff_is_refused_citizen_pages(login, clerk):
    client = login(clerk)
    for url in (SIGNIN, HOME):
        assert client.get(url).status_code == 403


def test_a_citizen_session_opens_no_staff_page(client):
    _sign_in(client)
    assert client.get("/counter/").status_code == 302  # to the staff sign-in
    assert client.get("/accounts/home/").status_code == 302


def test_many_sends_from_one_client_are_braked(client, settings):
    settings.CITIZEN_CODE_SENDS_PER_CLIENT_HOUR = 2
    for n in range(2):
        assert client.post(SIGNIN, {"mobile": f"981234560{n}"}).status_code == 302
    refused = client.post(SIGNIN, {"mobile": "9812345609"})
    assert refused.status_code == 429
    assert Outbox.objects.count() == 2
