"""Paying a booking from the customer's savings account above the consent threshold.

The clerk presses "Send code to the customer" on the booking form; the amount is what the
booking will charge, worked out on the server; the customer reads the code out from the
SMS (here: the file gateway after the relay); the booking takes it. A wrong code or a
code sent before the articles changed books nothing.
"""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.conf import settings as django_settings

from banking import selectors as banking_selectors
from banking import services as banking
from counter.models import Booking, TillSession
from notify.models import Outbox
from tests.delivery.conftest import use_sms_file

# The relay refuses to run inside a transaction, and the code only goes out after commit.
pytestmark = pytest.mark.django_db(transaction=True)

MOBILE = "9876500051"
SEND = "/counter/book/account-otp/"
# Two 35 kg Speed Post parcels from Bhagalpur to New Delhi: ₹3,374.80 each with
# registration, together above the ₹5,000 that needs the holder's consent.
HEAVY_TOTAL = "₹6,749.60"


def parcel(i: int, weight_g: str = "35000") -> dict:
    return {
        f"a-{i}-service": "speed_post_parcel",
        f"a-{i}-weight_g": weight_g,
        f"a-{i}-recipient_pin": "110001",
        f"a-{i}-recipient_name": f"Anil Sharma {i}",
        f"a-{i}-recipient_address": "Connaught Place, New Delhi",
        f"a-{i}-recipient_mobile": "9876543210",
        f"a-{i}-addons": ["registration"],
        f"a-{i}-discount": "",
    }


def booking_form(number: str, *, key: str = "consent-form-1", **extra) -> dict:
    data = {
        "form_key": key,
        "sender_name": "Geeta Devi",
        "sender_address": "Adampur, Bhagalpur",
        "sender_pin": "812001",
        "sender_mobile": MOBILE,
        **parcel(0),
        **parcel(1),
        "payment_method": "account",
        "account_number": number,
    }
    data.update(extra)
    return data


@pytest.fixture
def sms_file(settings, tmp_path):
    return use_sms_file(settings, tmp_path)


@pytest.fixture
def window(clerk, login):
    client = login(clerk)
    assert client.post("/counter/till/open/", {"d500": "4", "coins": "0"}).status_code == 302
    return client


@pytest.fixture
def account(clerk, window) -> str:
    """Geeta Devi's account with ₹10,000, deposited at the clerk's open till."""
    holder = banking.customer_create(
        name="Geeta Devi",
        mobile=MOBILE,
        address="Adampur, Bhagalpur",
        pin="812001",
        date_of_birth=date(1985, 5, 1),
        gender="female",
        office_id=clerk.post_office_id,
        actor=clerk,
    )
    number = banking.account_open(customer_id=holder.pk, office_id=clerk.post_office_id, actor=clerk).number
    till_id = TillSession.objects.get(clerk=clerk).till_id
    banking.deposit_post(account_number=number, amount_paise=10_000_00, till_id=till_id, actor=clerk)
    return number


def next_key(response) -> str:
    """The form key the page drew for the next try (a refused form's key is spent)."""
    return re.search(r'name="form_key" value="([^"]+)"', response.content.decode()).group(1)


def code_sent(sms_file, amount: str = HEAVY_TOTAL) -> str:
    """The latest payment code the customer's phone received, for `amount`."""
    texts = [m["text"] for m in sms_file.relay() if m["to"] == MOBILE and m["template"] == "banking.payment_otp"]
    assert texts, "no payment OTP SMS"
    assert amount in texts[-1]
    return re.search(r"(?<!\d)(\d{6})(?!\d)", texts[-1]).group(1)  # in the customer's SMS language


def payment_codes_queued() -> int:
    return Outbox.objects.filter(template__key="banking.payment_otp").count()


def test_the_booking_form_has_the_send_button(window):
    page = window.get("/counter/").content.decode()
    assert re.search(r'<button type="button"[^>]*id="account-otp-send"[^>]*hx-post="/counter/book/account-otp/"', page)
    assert ">Send code to the customer</button>" in page


def test_send_read_out_book_paid(window, account, sms_file):
    sent = window.post(SEND, booking_form(account))
    assert sent.status_code == 200
    assert f"Code for {HEAVY_TOTAL} sent to 98XXXXXX51, valid 10 minutes." in sent.content.decode()
    code = code_sent(sms_file)

    response = window.post("/counter/book/", booking_form(account, account_otp=code))
    assert response.status_code == 302, response.content.decode()[:2000]
    booking = Booking.objects.get()
    assert booking.status == Booking.Status.PAID and booking.payment_method == "account"
    assert booking.total_paise == 6_749_60  # what the code was sent for is what was charged
    assert booking.articles.count() == 2
    assert banking_selectors.balance_of(account_number=account) == 10_000_00 - 6_749_60


def test_a_wrong_code_books_nothing_and_says_how_many_tries_are_left(window, account, sms_file):
    window.post(SEND, booking_form(account))
    code = code_sent(sms_file)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"

    response = window.post("/counter/book/", booking_form(account, account_otp=wrong))
    assert response.status_code == 422
    page = response.content.decode()
    assert "The OTP is not right. 4 tries left." in page
    assert re.search(r'id="account_otp"[^>]*aria-invalid="true"', page)
    assert f'value="{account}"' in page and 'value="Anil Sharma 1"' in page  # the form is kept
    assert not Booking.objects.exists()
    assert banking_selectors.balance_of(account_number=account) == 10_000_00

    # The right code still works on the same form: the failed attempt spent nothing.
    right = booking_form(account, key=next_key(response), account_otp=code)
    assert window.post("/counter/book/", right).status_code == 302
    assert Booking.objects.get().status == Booking.Status.PAID


def test_a_code_sent_before_the_articles_changed_is_refused(window, account, sms_file):
    window.post(SEND, booking_form(account))
    code = code_sent(sms_file)
    # The second parcel is weighed again at 30 kg after the code went out; the page
    # still carries what the code was sent for.
    changed = booking_form(account, account_otp=code, account_otp_for_paise="674960", **parcel(1, "30000"))

    response = window.post("/counter/book/", changed)
    assert response.status_code == 422
    page = response.content.decode()
    new_total = re.search(r"the booking is now (₹[\d,]+\.\d\d)\.", page).group(1)
    assert new_total != HEAVY_TOTAL
    assert f"The articles changed after the code was sent: the code is for {HEAVY_TOTAL}" in page
    assert "Send a new code to the customer." in page
    assert not Booking.objects.exists()
    assert banking_selectors.balance_of(account_number=account) == 10_000_00

    # Without the page's note of the amount (no JavaScript), the refusal still says why.
    del changed["account_otp_for_paise"]
    changed["form_key"] = next_key(response)
    page = window.post("/counter/book/", changed).content.decode()
    assert f"No code is waiting for this account and this amount ({new_total})." in page
    assert not Booking.objects.exists()


def test_a_booking_above_the_threshold_without_a_code_says_to_send_one(window, account):
    response = window.post("/counter/book/", booking_form(account))
    assert response.status_code == 422
    assert f"Paying {HEAVY_TOTAL} from the account needs the customer&#x27;s consent" in response.content.decode()
    assert not Booking.objects.exists()


def test_send_refusals_are_plain_and_send_nothing(window, account, settings):
    light = {k: v for k, v in booking_form(account, **parcel(0, "40")).items() if not k.startswith("a-1-")}

    cases = [
        (booking_form(""), 400, "Type the customer&#x27;s account number first."),
        (booking_form("100000000019"), 404, "There is no savings account with that number."),
        (light, 200, "No code needed:"),
        (booking_form(account, **{"a-1-weight_g": ""}), 400, "Article 2: "),
    ]
    for data, status, text in cases:
        response = window.post(SEND, data)
        assert response.status_code == status, text
        assert text in response.content.decode()
    assert payment_codes_queued() == 0

    assert window.post(SEND, booking_form(account)).status_code == 200
    again = window.post(SEND, booking_form(account))
    assert again.status_code == 429
    assert "Please wait a minute before sending another." in again.content.decode()
    assert 'role="alert"' in again.content.decode()

    settings.BANKING_OTP_RESEND_SECONDS = 0
    settings.BANKING_OTP_DAILY_CAP = 1
    capped = window.post(SEND, booking_form(account))
    assert capped.status_code == 429
    assert "Too many OTPs were sent for this account today." in capped.content.decode()
    assert payment_codes_queued() == 1


def test_no_code_for_more_than_the_account_holds_or_without_a_mobile(window, account, clerk):
    from banking.models import Customer, SavingsAccount

    till_id = TillSession.objects.get(clerk=clerk).till_id
    banking.withdrawal_post(account_number=account, amount_paise=5_000_00, till_id=till_id, actor=clerk)
    short = window.post(SEND, booking_form(account))
    assert "The account does not have enough balance for this." in short.content.decode()

    banking.deposit_post(account_number=account, amount_paise=5_000_00, till_id=till_id, actor=clerk)
    # An old record imported without a usable mobile (the form cannot save one).
    Customer.objects.filter(pk=SavingsAccount.objects.get(number=account).customer_id).update(mobile="")
    response = window.post(SEND, booking_form(account))
    assert response.status_code == 422
    assert "The account has no valid mobile number to send the code to." in response.content.decode()
    assert payment_codes_queued() == 0


def test_the_answer_is_in_hindi_for_a_hindi_page(window, account):
    window.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "hi"
    page = window.post(SEND, booking_form(account)).content.decode()
    assert "98XXXXXX51" in page and "कोड" in page and "Code for" not in page


def test_only_counter_staff_send_codes(login, postman, account):
    assert login(postman).post(SEND, booking_form(account)).status_code == 403
    assert payment_codes_queued() == 0
