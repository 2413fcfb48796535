"""Customer self-service sign-in: account number + a code by SMS; its own session.

The code's rules (6 digits, hashed, 10 minutes, 5 tries, cooldown, daily cap), the
per-connection limit on sends, the 10-minute idle limit, and the wall between a
customer's session and staff sign-in in both directions."""

from __future__ import annotations

import time
from datetime import timedelta
from importlib import import_module

import pytest
from django.conf import settings
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from banking.models import WithdrawalOtp
from banking.numbers import account_number_from_serial
from banking.selfservice import COOKIE_NAME, LAST_SEEN_KEY, SIGNED_IN_AT_KEY
from notify.models import Outbox
from tests.banking.helpers import sms_code_to

pytestmark = pytest.mark.django_db

SIGNIN = "/banking/my/sign-in/"
CODE = "/banking/my/sign-in/code/"
HOME = "/banking/my/"


@pytest.fixture(autouse=True)
def fresh_cache():
    """Rate limits live in the cache (this run's own Redis database): start each test clean."""
    cache.clear()
    yield
    cache.clear()


def _wrong(code: str) -> str:
    return f"{(int(code) + 1) % 10**6:06d}"


def _ask_code(client, number: str, **extra):
    return client.post(SIGNIN, {"account_number": number}, **extra)


def sign_in(client, account) -> None:
    assert _ask_code(client, account.number).status_code == 302
    response = client.post(CODE, {"code": sms_code_to(account.customer.mobile)})
    assert response.status_code == 302 and response.url == HOME


def _customer_store(client):
    return import_module(settings.SESSION_ENGINE).SessionStore(session_key=client.cookies[COOKIE_NAME].value)


def test_sign_in_with_the_code_from_the_sms_shows_the_balance(client, open_account):
    account = open_account(1234_50, name="Geeta Kumari")
    asked = _ask_code(client, account.number)
    assert asked.status_code == 302 and asked.url == CODE
    sms = Outbox.objects.filter(to=account.customer.mobile).latest("id")
    assert sms.template.key == "banking.signin_otp" and sms.secret
    otp = WithdrawalOtp.objects.get(account=account, purpose="signin")
    code = sms_code_to(account.customer.mobile)
    assert code not in otp.code_hash  # stored only as a hash
    assert otp.expires_at - otp.created_at == timedelta(minutes=10)
    page = client.get(CODE).content.decode()
    assert "XX" + account.number[-4:] in page and account.customer.mobile not in page

    response = client.post(CODE, {"code": code})
    assert response.status_code == 302 and response.url == HOME
    home = client.get(HOME).content.decode()
    assert "₹1,234.50" in home and "Geeta Kumari" in home
    cookie = client.cookies[COOKIE_NAME]
    assert cookie["path"] == HOME and cookie["httponly"]
    assert "sessionid" not in client.cookies  # no staff session was made


def test_a_wrong_code_says_how_many_tries_are_left_and_five_kill_it(client, open_account):
    account = open_account(0)
    _ask_code(client, account.number)
    code = sms_code_to(account.customer.mobile)
    first = client.post(CODE, {"code": _wrong(code)})
    assert first.status_code == 422 and "4 tries left" in first.content.decode()
    for _ in range(4):
        client.post(CODE, {"code": _wrong(code)})
    dead = client.post(CODE, {"code": code})  # the right code, too late
    assert dead.status_code == 422
    assert "tried too many times" in dead.content.decode()
    assert client.get(HOME).status_code == 302  # not signed in


def test_an_expired_code_is_refused(client, open_account):
    account = open_account(0)
    _ask_code(client, account.number)
    code = sms_code_to(account.customer.mobile)
    WithdrawalOtp.objects.filter(account=account).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = client.post(CODE, {"code": code})
    assert response.status_code == 422 and "expired" in response.content.decode()
    assert client.get(HOME).status_code == 302


def test_a_code_signs_in_once(client, open_account):
    account = open_account(0)
    sign_in(client, account)
    code = sms_code_to(account.customer.mobile)
    client.post("/banking/my/sign-out/")
    client.post(SIGNIN, {"account_number": account.number})  # within the cooldown: no new code
    replay = client.post(CODE, {"code": code})
    assert replay.status_code == 422


def test_a_malformed_number_gets_a_clear_error_and_no_sms(client, open_account):
    account = open_account(0)
    typo = account.number[:-1] + str((int(account.number[-1]) + 1) % 10)
    response = _ask_code(client, typo)
    assert response.status_code == 400
    assert "not a valid account number" in response.content.decode()
    assert not Outbox.objects.filter(to=account.customer.mobile).exists()


def test_an_unknown_number_gets_the_same_answer_and_no_sms(client):
    response = _ask_code(client, account_number_from_serial(9_999_999_999))  # well formed, no such account
    assert response.status_code == 302 and response.url == CODE
    assert not Outbox.objects.exists()
    assert client.post(CODE, {"code": "123456"}).status_code == 422


def test_cooldown_sends_one_code_a_minute_and_the_daily_cap_holds(client, open_account, settings):
    account = open_account(0)
    _ask_code(client, account.number)
    again = _ask_code(client, account.number)  # within the minute: no second SMS, same page
    assert again.status_code == 302 and again.url == CODE
    assert Outbox.objects.filter(to=account.customer.mobile).count() == 1
    settings.BANKING_OTP_RESEND_SECONDS = 0
    settings.BANKING_SELFSERVICE_SIGNIN_SENDS_PER_ACCOUNT_HOUR = 100  # the hourly limit: test_otp_requesters
    for _ in range(settings.BANKING_OTP_DAILY_CAP - 1):
        _ask_code(client, account.number)
    capped = _ask_code(client, account.number)
    # Over the cap: no SMS, and the same page as any number (a 429 would say "this account exists").
    assert capped.status_code == 302 and capped.url == CODE
    assert Outbox.objects.filter(to=account.customer.mobile).count() == settings.BANKING_OTP_DAILY_CAP


def test_one_connection_cannot_walk_through_account_numbers(client, settings):
    settings.BANKING_SELFSERVICE_SENDS_PER_CLIENT_HOUR = 3
    numbers = [account_number_from_serial(9_999_999_000 + i) for i in range(4)]  # well formed, no accounts
    answers = [_ask_code(client, n).status_code for n in numbers]
    assert answers == [302, 302, 302, 429]
    other = _ask_code(client, numbers[0], REMOTE_ADDR="10.1.2.3")
    assert other.status_code == 302


def test_the_session_ends_after_ten_idle_minutes(client, open_account):
    account = open_account(0)
    sign_in(client, account)
    store = _customer_store(client)
    store[LAST_SEEN_KEY] = time.time() - settings.BANKING_SELFSERVICE_IDLE_SECONDS - 1
    store.save()
    response = client.get(HOME)
    assert response.status_code == 302 and response.url == SIGNIN + "?ended=1"
    assert "signed out after some minutes" in client.get(response.url).content.decode()
    assert client.get(HOME).status_code == 302  # stays ended


def test_activity_keeps_it_alive_but_not_past_the_hour(client, open_account):
    account = open_account(0)
    sign_in(client, account)
    store = _customer_store(client)
    store[LAST_SEEN_KEY] = time.time() - settings.BANKING_SELFSERVICE_IDLE_SECONDS + 30
    store.save()
    assert client.get(HOME).status_code == 200
    store = _customer_store(client)
    store[SIGNED_IN_AT_KEY] = time.time() - settings.BANKING_SELFSERVICE_ABSOLUTE_SECONDS - 1
    store.save()
    assert client.get(HOME).status_code == 302


def test_sign_out_ends_the_customer_session(client, open_account):
    account = open_account(0)
    sign_in(client, account)
    response = client.post("/banking/my/sign-out/")
    assert response.status_code == 302
    assert client.get(HOME).status_code == 302


def test_a_customer_session_reaches_no_staff_page(client, open_account):
    account = open_account(500_00)
    sign_in(client, account)
    for url in ("/banking/", reverse("banking:account", args=[account.number]), "/counter/"):
        response = client.get(url)
        assert response.status_code == 302 and reverse("accounts:login") in response.url, url
    api = client.get(f"/api/v1/banking/accounts/{account.number}/")
    assert api.status_code in (401, 403)
    assert client.get(HOME).status_code == 200  # and it is still signed in


def test_a_staff_sign_in_reaches_no_self_service_page(login, clerk, open_account):
    account = open_account(500_00)
    staff = login(clerk)
    for url in (HOME, SIGNIN, "/banking/my/statement/", "/banking/my/transfer/"):
        response = staff.get(url)
        assert response.status_code == 403, url
        assert "staff login" in response.content.decode()
    refused = staff.post(SIGNIN, {"account_number": account.number})
    assert refused.status_code == 403
    assert not Outbox.objects.filter(to=account.customer.mobile).exists()


def test_hindi_pages_and_errors(client, open_account):
    account = open_account(0)
    client.cookies["dakghar_lang"] = "hi"
    page = client.get(SIGNIN).content.decode()
    assert 'lang="hi"' in page and "स्व-सेवा" in page
    typo = account.number[:-1] + str((int(account.number[-1]) + 1) % 10)
    error = _ask_code(client, typo).content.decode()
    assert "खाता संख्या" in error


def test_a_dead_code_is_explained_in_the_pages_language(client, open_account):
    """The sign-in refusals are translated per request, not once when the module loads."""
    from django.utils import translation

    message = "This code has expired or was tried too many times. Ask for a new code."
    with translation.override("hi"):
        hindi = translation.gettext(message)
    assert hindi != message  # the catalogue has it
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "hi"
    account = open_account(0)
    _ask_code(client, account.number)
    code = sms_code_to(account.customer.mobile)
    for _ in range(5):
        client.post(CODE, {"code": _wrong(code)})
    dead = client.post(CODE, {"code": code})
    assert hindi in dead.content.decode()
