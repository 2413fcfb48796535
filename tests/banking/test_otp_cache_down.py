"""Issue 8, item 5 (the codes): nothing that decides whether money moves or an SMS goes
lives only in the cache. With Redis unreachable a consented withdrawal still goes
through and five wrong codes still kill the code; wrong tries are counted even when the
caller's outermost transaction rolls back; the self-service sign-in works on a stricter
in-process limit (and says so in the log); the mini-statement's cooldown and daily cap
are kept in the database."""

from __future__ import annotations

import logging
import re

import pytest
from django.core.cache import cache
from django.db import transaction

from accounts.cache import cache_status
from accounts.ratelimit import local_window
from banking import selectors, services
from banking.exceptions import MiniStatementCooldown, MiniStatementDailyLimit, OtpExpired, OtpInvalid, OtpRequired
from banking.models import WithdrawalOtp
from notify.models import Outbox
from tests.banking.helpers import sms_code_to

BIG = 6_000_00  # above the ₹5,000 consent threshold
SIGNIN = "/banking/my/sign-in/"
CODE = "/banking/my/sign-in/code/"
HOME = "/banking/my/"

# Nothing listens on port 1: every cache call fails at once with a connection error.
# The production backend (accounts.cache.FailOpenRedisCache), as configured.
DEAD_CACHE = {
    "default": {
        "BACKEND": "accounts.cache.FailOpenRedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
    }
}


@pytest.fixture
def cache_down(settings):
    # Through pytest-django's `settings` (not override_settings): a test that changes
    # other settings too then gets every one of them, CACHES included, restored in order.
    settings.CACHES = DEAD_CACHE
    assert cache_status() == "down"  # the point: really unreachable
    local_window.clear()  # the in-process counts of earlier tests in this process
    yield
    local_window.clear()


@pytest.fixture(params=["cache up", "cache down"])
def either_cache(request, settings):
    if request.param == "cache down":
        settings.CACHES = DEAD_CACHE
    else:
        cache.clear()
    local_window.clear()
    yield
    local_window.clear()


def _wrong(code: str) -> str:
    return f"{(int(code) + 1) % 10**6:06d}"


def _send(account, clerk, amount=BIG) -> str:
    services.withdrawal_otp_send(account_number=account.number, amount_paise=amount, actor=clerk)
    return sms_code_to(account.customer.mobile)


def _withdraw(account, clerk, till_id, code, amount=BIG):
    return services.withdrawal_post(
        account_number=account.number, amount_paise=amount, till_id=till_id, actor=clerk, otp=code
    )


@pytest.mark.django_db
def test_a_withdrawal_with_the_right_code_goes_through_with_the_cache_down(open_account, clerk, till_id, cache_down):
    account = open_account(20_000_00)
    code = _send(account, clerk)
    assert _withdraw(account, clerk, till_id, code).balance_paise == 14_000_00


@pytest.mark.django_db
def test_five_wrong_codes_kill_the_code_with_the_cache_down(open_account, clerk, till_id, cache_down):
    account = open_account(20_000_00)
    code = _send(account, clerk)
    for left in (4, 3, 2, 1, 0):
        with pytest.raises(OtpInvalid) as caught:
            _withdraw(account, clerk, till_id, _wrong(code))
        assert caught.value.details["attempts_left"] == left
    with pytest.raises(OtpExpired):
        _withdraw(account, clerk, till_id, code)
    assert selectors.balance_of(account_number=account.number) == 20_000_00


@pytest.mark.django_db(transaction=True)
def test_wrong_tries_count_when_the_outermost_transaction_rolls_back(open_account, clerk, till_id, either_cache):
    """As a booking paid from the account does: the payment runs inside the booking's
    transaction, and a refused code rolls the whole booking back."""
    account = open_account(20_000_00)
    code = _send(account, clerk)
    assert not transaction.get_connection().in_atomic_block  # really the outermost transaction below
    for left in (4, 3, 2, 1, 0):
        with pytest.raises(OtpInvalid) as caught, transaction.atomic():
            _withdraw(account, clerk, till_id, _wrong(code))
        assert caught.value.details["attempts_left"] == left
    assert WithdrawalOtp.objects.get(account=account).attempts == 5
    with pytest.raises(OtpExpired), transaction.atomic():
        _withdraw(account, clerk, till_id, code)  # the right code, too late
    assert selectors.balance_of(account_number=account.number) == 20_000_00


@pytest.mark.django_db(transaction=True)
def test_a_right_code_inside_the_callers_transaction_is_spent_with_it(open_account, clerk, till_id, either_cache):
    account = open_account(20_000_00)
    code = _send(account, clerk)
    with pytest.raises(RuntimeError), transaction.atomic():
        _withdraw(account, clerk, till_id, code)
        raise RuntimeError("the caller fails after the withdrawal")  # money and code roll back together
    assert selectors.balance_of(account_number=account.number) == 20_000_00
    with transaction.atomic():
        assert _withdraw(account, clerk, till_id, code).balance_paise == 14_000_00  # still good, once
    with pytest.raises(OtpRequired):  # spent: no live code is left
        _withdraw(account, clerk, till_id, code)


@pytest.mark.django_db
def test_sign_in_and_a_transfer_work_with_the_cache_down(client, open_account, cache_down):
    payer = open_account(10_000_00)
    payee = open_account(0)
    asked = client.post(SIGNIN, {"account_number": payer.number})
    assert asked.status_code == 302 and asked.url == CODE
    signed_in = client.post(CODE, {"code": sms_code_to(payer.customer.mobile)})
    assert signed_in.status_code == 302 and signed_in.url == HOME
    assert client.get(HOME).status_code == 200
    step1 = client.post("/banking/my/transfer/", {"to_account": payee.number, "amount": "6000", "note": ""})
    assert step1.status_code == 302
    confirm = client.get(step1.url)
    key = re.search(r'name="form_key" value="([^"]+)"', confirm.content.decode()).group(1)
    done = client.post(step1.url, {"form_key": key, "otp": sms_code_to(payer.customer.mobile)})
    assert done.status_code == 302, done.content.decode()
    assert selectors.balance_of(account_number=payee.number) == 6_000_00


@pytest.mark.django_db
def test_the_per_client_limit_falls_back_to_a_stricter_one_in_process(client, settings, cache_down, caplog):
    from banking.numbers import account_number_from_serial

    settings.BANKING_SELFSERVICE_SENDS_PER_CLIENT_HOUR = 8
    numbers = [account_number_from_serial(9_999_998_000 + i) for i in range(5)]  # no such accounts
    with caplog.at_level(logging.INFO, logger="accounts.ratelimit"):
        answers = [client.post(SIGNIN, {"account_number": n}).status_code for n in numbers]
    assert answers == [302, 302, 429, 429, 429]  # 8 // 4 = 2 in this process, not 8, not a 500
    assert "cache down" in caplog.text  # each refusal says why, in the log
    other = client.post(SIGNIN, {"account_number": numbers[0]}, REMOTE_ADDR="10.9.9.9")
    assert other.status_code == 302  # still per client


@pytest.mark.django_db
def test_the_mini_statement_cooldown_and_cap_are_kept_in_the_database(open_account, clerk, settings, either_cache):
    account = open_account(1000_00)
    services.mini_statement_send(account_number=account.number, actor=clerk)
    with pytest.raises(MiniStatementCooldown):
        services.mini_statement_send(account_number=account.number, actor=clerk)
    settings.BANKING_MINI_STATEMENT_COOLDOWN_SECONDS = 0
    for _ in range(settings.BANKING_MINI_STATEMENT_DAILY_CAP - 1):
        services.mini_statement_send(account_number=account.number, actor=None)
    with pytest.raises(MiniStatementDailyLimit):
        services.mini_statement_send(account_number=account.number, actor=None)
    sent = Outbox.objects.filter(to=account.customer.mobile, template__key="banking.mini_statement").count()
    assert sent == settings.BANKING_MINI_STATEMENT_DAILY_CAP


@pytest.mark.django_db
def test_the_mini_statement_page_answers_with_the_cache_down(login, clerk, open_account, cache_down):
    account = open_account(1000_00)
    client = login(clerk)
    first = client.post(f"/banking/a/{account.number}/mini-statement/", HTTP_HX_REQUEST="true")
    again = client.post(f"/banking/a/{account.number}/mini-statement/", HTTP_HX_REQUEST="true")
    assert (first.status_code, again.status_code) == (201, 429)
    assert Outbox.objects.filter(to=account.customer.mobile, template__key="banking.mini_statement").count() == 1
