"""Issue 8, item 6: an anonymous sign-in request cannot cancel or use up the holder's
consent codes. Codes are per purpose (a new code replaces only the unused codes of its
own purpose); cooldown and daily caps are per purpose and per requester (staff at the
counter, the signed-in holder, an anonymous sign-in request); anonymous sign-in
requests for one account send at most BANKING_SELFSERVICE_SIGNIN_SENDS_PER_ACCOUNT_HOUR
codes an hour, whoever asks and from wherever, and every request answers the same."""

from __future__ import annotations

import itertools
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from banking import services
from banking.exceptions import OtpCooldown, OtpDailyLimit
from banking.models import WithdrawalOtp
from banking.numbers import account_number_from_serial
from notify.models import Outbox
from tests.banking.helpers import sms_code_to

pytestmark = pytest.mark.django_db

SIGNIN = "/banking/my/sign-in/"
CODE = "/banking/my/sign-in/code/"
HOME = "/banking/my/"
BIG = 6_000_00  # above the ₹5,000 consent threshold

_addresses = (f"10.8.{i // 250}.{i % 250 + 1}" for i in itertools.count())


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


def _anonymous_sign_in_request(client, number: str):
    """What anyone on the internet can do: ask for a sign-in code, from a new address each time."""
    return client.post(SIGNIN, {"account_number": number}, REMOTE_ADDR=next(_addresses))


def _clerk_sends(account, clerk, purpose="withdrawal", amount=BIG) -> str:
    services.withdrawal_otp_send(account_number=account.number, amount_paise=amount, actor=clerk, purpose=purpose)
    return sms_code_to(account.customer.mobile)


def _withdraw(account, clerk, till_id, code, amount=BIG):
    return services.withdrawal_post(
        account_number=account.number, amount_paise=amount, till_id=till_id, actor=clerk, otp=code
    )


def _sms_count(account) -> int:
    return Outbox.objects.filter(to=account.customer.mobile).count()


def test_the_attack_an_anonymous_sign_in_request_does_not_cancel_the_clerks_code(client, open_account, clerk, till_id):
    account = open_account(20_000_00)
    code = _clerk_sends(account, clerk)
    # The customer walks to the counter with the code; the attacker asks past the cooldown.
    WithdrawalOtp.objects.filter(account=account).update(created_at=timezone.now() - timedelta(minutes=2))
    answer = _anonymous_sign_in_request(client, account.number)
    assert _sms_count(account) == 2  # the sign-in code was sent: this is the case that matters
    assert answer.status_code == 302 and answer.url == CODE
    assert _withdraw(account, clerk, till_id, code).balance_paise == 14_000_00


def test_many_anonymous_sign_in_requests_do_not_use_up_the_clerks_daily_cap(
    client, open_account, clerk, till_id, settings
):
    settings.BANKING_OTP_RESEND_SECONDS = 0
    account = open_account(20_000_00)
    for _ in range(settings.BANKING_OTP_DAILY_CAP + 5):
        assert _anonymous_sign_in_request(client, account.number).status_code == 302
    code = _clerk_sends(account, clerk)  # no OtpDailyLimit
    assert _withdraw(account, clerk, till_id, code).balance_paise == 14_000_00


def test_a_clerks_code_does_not_cancel_the_holders_sign_in_code(client, open_account, clerk):
    account = open_account(500_00)
    client.post(SIGNIN, {"account_number": account.number})
    signin_code = sms_code_to(account.customer.mobile)
    _clerk_sends(account, clerk)  # the clerk, at the same moment, for a withdrawal
    signed_in = client.post(CODE, {"code": signin_code})
    assert signed_in.status_code == 302 and signed_in.url == HOME


def test_sign_in_then_a_transfer_code_at_once_both_go(client, open_account):
    payer = open_account(10_000_00)
    payee = open_account(0)
    client.post(SIGNIN, {"account_number": payer.number})
    client.post(CODE, {"code": sms_code_to(payer.customer.mobile)})
    step1 = client.post("/banking/my/transfer/", {"to_account": payee.number, "amount": "600", "note": ""})
    assert step1.status_code == 302, step1.content.decode()  # not 429: another purpose, another requester
    keys = list(Outbox.objects.filter(to=payer.customer.mobile).order_by("id").values_list("template__key", flat=True))
    assert keys == ["banking.signin_otp", "banking.transfer_otp"]


def test_codes_of_different_purposes_live_side_by_side(open_account, clerk, till_id):
    payer = open_account(20_000_00)
    payee = open_account(0)
    withdrawal_code = _clerk_sends(payer, clerk, purpose="withdrawal")
    transfer_code = _clerk_sends(payer, clerk, purpose="transfer")  # at once: no cooldown across purposes
    services.transfer_post(
        from_number=payer.number, to_number=payee.number, amount_paise=BIG, actor=clerk, otp=transfer_code
    )
    assert _withdraw(payer, clerk, till_id, withdrawal_code).balance_paise == 20_000_00 - 2 * BIG


def test_a_new_code_still_replaces_the_unused_code_of_its_own_purpose(open_account, clerk, settings):
    settings.BANKING_OTP_RESEND_SECONDS = 0
    account = open_account(20_000_00)
    _clerk_sends(account, clerk)
    _clerk_sends(account, clerk)
    live = WithdrawalOtp.objects.filter(account=account, purpose="withdrawal", superseded=False, used_at=None)
    assert live.count() == 1


def test_the_staff_cooldown_and_daily_cap_still_hold(open_account, clerk, settings):
    account = open_account(20_000_00)
    _clerk_sends(account, clerk)
    with pytest.raises(OtpCooldown):
        _clerk_sends(account, clerk)
    settings.BANKING_OTP_RESEND_SECONDS = 0
    for _ in range(settings.BANKING_OTP_DAILY_CAP - 1):
        _clerk_sends(account, clerk)
    with pytest.raises(OtpDailyLimit):
        _clerk_sends(account, clerk)


def test_a_flood_of_anonymous_requests_for_one_account_sends_at_most_the_cap(client, open_account, settings):
    settings.BANKING_OTP_RESEND_SECONDS = 0  # the cooldown alone would let one through a minute
    account = open_account(500_00)
    unknown = account_number_from_serial(9_999_999_999)
    answers = {(_anonymous_sign_in_request(client, account.number).status_code) for _ in range(40)}
    assert answers == {302}  # the same neutral answer every time
    assert _sms_count(account) == settings.BANKING_SELFSERVICE_SIGNIN_SENDS_PER_ACCOUNT_HOUR
    # ... which is also what a number with no account gets: nothing tells them apart.
    stranger = _anonymous_sign_in_request(client, unknown)
    assert stranger.status_code == 302 and stranger.url == CODE
    limited = _anonymous_sign_in_request(client, account.number)
    assert limited.status_code == 302 and limited.url == CODE
    assert _sms_count(account) == settings.BANKING_SELFSERVICE_SIGNIN_SENDS_PER_ACCOUNT_HOUR


def test_the_holder_can_sign_in_again_after_the_hour(client, open_account, settings):
    settings.BANKING_OTP_RESEND_SECONDS = 0
    account = open_account(500_00)
    for _ in range(10):
        _anonymous_sign_in_request(client, account.number)
    WithdrawalOtp.objects.filter(account=account).update(created_at=timezone.now() - timedelta(minutes=61))
    before = _sms_count(account)
    client.post(SIGNIN, {"account_number": account.number})
    assert _sms_count(account) == before + 1
    signed_in = client.post(CODE, {"code": sms_code_to(account.customer.mobile)})
    assert signed_in.status_code == 302 and signed_in.url == HOME


def test_the_daily_cap_of_sign_in_codes_answers_the_same_page(client, open_account, settings):
    settings.BANKING_OTP_RESEND_SECONDS = 0
    settings.BANKING_SELFSERVICE_SIGNIN_SENDS_PER_ACCOUNT_HOUR = 100
    account = open_account(500_00)
    for _ in range(settings.BANKING_OTP_DAILY_CAP):
        _anonymous_sign_in_request(client, account.number)
    capped = _anonymous_sign_in_request(client, account.number)
    assert capped.status_code == 302 and capped.url == CODE  # not a 429 that says "this account exists"
    assert _sms_count(account) == settings.BANKING_OTP_DAILY_CAP
    # The cap is today's (IST): yesterday's codes do not count.
    WithdrawalOtp.objects.filter(account=account).update(created_at=timezone.now() - timedelta(days=1))
    _anonymous_sign_in_request(client, account.number)
    assert _sms_count(account) == settings.BANKING_OTP_DAILY_CAP + 1
