"""The real case of a caller that rolls everything back: a counter booking paid from the
holder's account. The payment (and its code check) runs inside the booking's
transaction, and a wrong code rolls the whole booking back; the wrong try must stay
counted all the same, with the cache up or unreachable (issue 8, item 5)."""

from __future__ import annotations

import pytest

from banking import selectors as banking_selectors
from banking.models import WithdrawalOtp
from counter.models import Booking
from tests.banking.test_otp_cache_down import DEAD_CACHE
from tests.counter import test_account_consent as consent
from tests.counter.test_account_consent import SEND, booking_form, code_sent, next_key

# The consent tests' fixtures: the clerk's window with an open till, Geeta Devi's account, the SMS file.
window, account, sms_file = consent.window, consent.account, consent.sms_file

# The relay refuses to run inside a transaction, and the code only goes out after commit.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("cache_state", ["cache up", "cache down"])
def test_five_wrong_codes_on_bookings_kill_the_code_though_every_booking_rolled_back(
    window, account, sms_file, settings, cache_state
):
    if cache_state == "cache down":
        settings.CACHES = DEAD_CACHE
    sent = window.post(SEND, booking_form(account))
    assert sent.status_code == 200, sent.content.decode()[-1500:]
    code = code_sent(sms_file)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    key = "consent-form-1"
    for left in (4, 3, 2, 1):
        refused = window.post("/counter/book/", booking_form(account, key=key, account_otp=wrong))
        assert refused.status_code == 422
        assert f"{left} tries left" in refused.content.decode()
        key = next_key(refused)  # each try is a new submit of the re-drawn form
    fifth = window.post("/counter/book/", booking_form(account, key=key, account_otp=wrong))
    assert WithdrawalOtp.objects.get(purpose="payment").attempts == 5
    # The right code, too late.
    dead = window.post("/counter/book/", booking_form(account, key=next_key(fifth), account_otp=code))
    assert dead.status_code == 422
    assert not Booking.objects.exists()
    assert banking_selectors.balance_of(account_number=account) == 10_000_00
