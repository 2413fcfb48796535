"""The holder's consent for large debits: an SMS OTP, hashed, 10 minutes, 5 tries, used once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from banking import selectors, services
from banking.exceptions import OtpCooldown, OtpExpired, OtpInvalid, OtpRequired
from banking.models import WithdrawalOtp
from notify.models import Outbox

from .helpers import post, sms_code_to

pytestmark = pytest.mark.django_db

BIG = 6_000_00  # above the ₹5,000 threshold


def _send(account, clerk, amount=BIG, purpose="withdrawal"):
    services.withdrawal_otp_send(account_number=account.number, amount_paise=amount, actor=clerk, purpose=purpose)
    return sms_code_to(account.customer.mobile)


def _withdraw(account, clerk, till_id, otp, amount=BIG):
    return services.withdrawal_post(
        account_number=account.number, amount_paise=amount, till_id=till_id, actor=clerk, otp=otp
    )


def test_small_withdrawals_need_no_otp_and_large_ones_do(open_account, clerk, till_id):
    account = open_account(20_000_00)
    services.withdrawal_post(account_number=account.number, amount_paise=5_000_00, till_id=till_id, actor=clerk)
    with pytest.raises(OtpRequired):
        _withdraw(account, clerk, till_id, None)
    assert selectors.balance_of(account_number=account.number) == 15_000_00


def test_the_right_code_lets_one_withdrawal_through_once(open_account, clerk, till_id):
    account = open_account(20_000_00)
    code = _send(account, clerk)
    movement = _withdraw(account, clerk, till_id, code)
    assert movement.balance_paise == 14_000_00
    with pytest.raises(OtpRequired):  # used: no live code is left
        _withdraw(account, clerk, till_id, code)
    assert selectors.balance_of(account_number=account.number) == 14_000_00


def test_the_code_is_bound_to_the_amount(open_account, clerk, till_id):
    account = open_account(20_000_00)
    code = _send(account, clerk, amount=BIG)
    with pytest.raises(OtpRequired):
        _withdraw(account, clerk, till_id, code, amount=BIG + 1)


def test_five_wrong_tries_kill_the_code_and_they_are_counted_despite_the_error(open_account, clerk, till_id):
    account = open_account(20_000_00)
    code = _send(account, clerk)
    wrong = "000000" if code != "000000" else "111111"
    for left in (4, 3, 2, 1, 0):
        with pytest.raises(OtpInvalid) as caught:
            _withdraw(account, clerk, till_id, wrong)
        assert caught.value.details["attempts_left"] == left
    with pytest.raises(OtpExpired):
        _withdraw(account, clerk, till_id, code)  # even the right code is dead now
    assert WithdrawalOtp.objects.get(account=account).attempts == 5
    assert selectors.balance_of(account_number=account.number) == 20_000_00


def test_the_code_expires_after_ten_minutes(open_account, clerk, till_id):
    account = open_account(20_000_00)
    code = _send(account, clerk)
    WithdrawalOtp.objects.filter(account=account).update(expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(OtpExpired):
        _withdraw(account, clerk, till_id, code)
    otp = WithdrawalOtp.objects.get(account=account)
    assert otp.expires_at - otp.created_at <= timedelta(minutes=10)


def test_no_plaintext_code_in_the_database_and_the_sms_is_secret(open_account, clerk):
    account = open_account(20_000_00)
    code = _send(account, clerk)
    otp = WithdrawalOtp.objects.get(account=account)
    assert code not in otp.code_hash
    assert len(otp.code_hash) > 40
    message = Outbox.objects.filter(to=account.customer.mobile).latest("id")
    assert message.secret is True
    assert message.lang == "hi"


def test_resend_waits_a_minute_and_replaces_the_old_code(open_account, clerk, till_id):
    account = open_account(20_000_00)
    first = _send(account, clerk)
    with pytest.raises(OtpCooldown):
        _send(account, clerk)
    WithdrawalOtp.objects.filter(account=account).update(created_at=timezone.now() - timedelta(minutes=2))
    second = _send(account, clerk)
    if first != second:
        with pytest.raises((OtpInvalid, OtpRequired)):
            _withdraw(account, clerk, till_id, first)
    assert _withdraw(account, clerk, till_id, second).balance_paise == 14_000_00


def test_transfers_above_the_threshold_need_the_payers_consent(open_account, clerk):
    payer = open_account(20_000_00)
    payee = open_account()
    with pytest.raises(OtpRequired):
        services.transfer_post(from_number=payer.number, to_number=payee.number, amount_paise=BIG, actor=clerk)
    code = _send(payer, clerk, purpose="transfer")
    services.transfer_post(from_number=payer.number, to_number=payee.number, amount_paise=BIG, actor=clerk, otp=code)
    assert selectors.balance_of(account_number=payee.number) == BIG


def test_the_api_flow_send_then_withdraw(login, clerk, till_id, open_account):
    client = login(clerk)
    account = open_account(20_000_00)
    url = f"/api/v1/banking/accounts/{account.number}/withdrawals/"
    refused = post(client, url, {"amount_paise": BIG})
    assert refused.status_code == 422 and refused.json()["error"]["code"] == "otp_required"
    sent = post(client, f"/api/v1/banking/accounts/{account.number}/withdrawal-otp/", {"amount_paise": BIG})
    assert sent.status_code == 201
    assert sent.json()["sent_to"].endswith(account.customer.mobile[-2:])
    assert account.customer.mobile not in sent.content.decode()
    ok = post(client, url, {"amount_paise": BIG, "otp": sms_code_to(account.customer.mobile)})
    assert ok.status_code == 201, ok.content
    assert ok.json()["balance_paise"] == 14_000_00


def test_the_code_never_reaches_a_log(open_account, clerk, till_id, caplog):
    account = open_account(20_000_00)
    with caplog.at_level("DEBUG"):
        code = _send(account, clerk)
        _withdraw(account, clerk, till_id, code)
    assert code not in caplog.text


@pytest.mark.django_db(transaction=True)  # a real outermost transaction, not a savepoint in the test's
def test_wrong_codes_count_even_when_the_caller_rolls_everything_back(open_account, clerk, till_id):
    from django.db import transaction

    account = open_account(20_000_00)
    code = _send(account, clerk)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        with pytest.raises(OtpInvalid), transaction.atomic():  # e.g. a booking that wraps the payment
            _withdraw(account, clerk, till_id, wrong)
    with pytest.raises(OtpExpired):
        _withdraw(account, clerk, till_id, code)
