"""Many guesses at one code at the same moment: each try is taken by one UPDATE before
the comparison, so however many arrive together, at most five are ever compared, inside
a caller's transaction (each on its own short connection) or not."""

from __future__ import annotations

import pytest
from django.db import transaction

from banking import selectors, services
from banking.exceptions import OtpExpired, OtpInvalid
from banking.models import WithdrawalOtp
from tests.banking.helpers import sms_code_to
from tests.banking.test_concurrency import _threads

pytestmark = pytest.mark.django_db(transaction=True)

BIG = 6_000_00


@pytest.mark.parametrize("inside_a_transaction", [False, True], ids=["own", "in-caller-transaction"])
def test_twelve_simultaneous_wrong_guesses_get_five_tries(open_account, clerk, till_id, inside_a_transaction):
    account = open_account(20_000_00)
    services.withdrawal_otp_send(account_number=account.number, amount_paise=BIG, actor=clerk)
    code = sms_code_to(account.customer.mobile)
    wrong = f"{(int(code) + 1) % 10**6:06d}"

    def guess(_i):
        def withdraw():
            return services.withdrawal_post(
                account_number=account.number, amount_paise=BIG, till_id=till_id, actor=clerk, otp=wrong
            )

        if inside_a_transaction:
            with transaction.atomic():
                return withdraw()
        return withdraw()

    results = _threads(12, guess)  # 12, not more: each holds two connections here
    assert sum(isinstance(r, OtpInvalid) for r in results) == 5, results
    assert sum(isinstance(r, OtpExpired) for r in results) == 7, results
    assert WithdrawalOtp.objects.get(account=account).attempts == 5
    assert selectors.balance_of(account_number=account.number) == 20_000_00
