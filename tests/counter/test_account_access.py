"""Paying from a savings account at the window obeys banking's access rule (issue 8, item 1).

A clerk of an office that does not serve the account (the banking API refuses them the
account) cannot book against it, by the API or the page, and the "send code to the
customer" page tells them nothing about it: every answer is the one a number with no
account gets. The rule is checked by banking's services themselves (payment_take,
withdrawal_otp_send), so a caller that forgets cannot skip it.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from rest_framework.test import APIClient

from accounts.models import Role, User
from banking import selectors as banking_selectors
from banking import services as banking
from banking.exceptions import AccountNotFound
from banking.models import Payment, WithdrawalOtp
from counter.models import Booking
from delivery.s10 import sequence_name
from notify.models import Outbox
from tests.counter.test_account_consent import booking_form, parcel

pytestmark = pytest.mark.django_db

BOOKINGS = "/api/v1/counter/bookings/"
SEND = "/counter/book/account-otp/"
MISSING = "100000000019"  # well formed (check digit right), no account has it


@pytest.fixture
def patna_clerk(places) -> User:
    """A counter clerk of Patna G.P.O.: another district, another head office."""
    return User.objects.create(username="patna_clerk", role=Role.COUNTER_CLERK, post_office=places.patna_gpo)


@pytest.fixture
def sub_office_clerk(places) -> User:
    """A clerk of a Bhagalpur sub office: it does not serve its head office's accounts."""
    return User.objects.create(username="nathnagar_clerk", role=Role.COUNTER_CLERK, post_office=places.sub_offices[2])


@pytest.fixture
def till_id(clerk) -> int:
    return banking.till_open(office_id=clerk.post_office_id, clerk_id=clerk.pk, opening_paise=0, actor=clerk)


def _account(clerk, till_id, *, office_id: int, paise: int = 10_000_00, mobile: str = "9876500071") -> str:
    holder = banking.customer_create(
        name="Geeta Devi",
        mobile=mobile,
        address="Adampur, Bhagalpur",
        pin="812001",
        date_of_birth=date(1985, 5, 1),
        gender="female",
        office_id=office_id,
        actor=clerk,
    )
    number = banking.account_open(customer_id=holder.pk, office_id=office_id, actor=clerk).number
    banking.deposit_post(account_number=number, amount_paise=paise, till_id=till_id, actor=clerk)
    return number


@pytest.fixture
def account(clerk, till_id) -> str:
    """A Bhagalpur H.O account holding ₹10,000."""
    return _account(clerk, till_id, office_id=clerk.post_office_id)


def _api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _api_body(number: str) -> dict:
    return {
        "articles": [
            {
                "service": "speed_post",
                "weight_g": 40,
                "addons": ["registration"],
                "sender": {"name": "Ram Kumar", "address": "Tilka Manjhi, Bhagalpur", "pin": "812001"},
                "recipient": {"name": "Sita Devi", "address": "Fraser Road, Patna", "pin": "800001"},
            }
        ],
        "payment": {"method": "account", "account_number": number},
    }


def _light_form(number: str, key: str) -> dict:
    """One 40 g Speed Post document: well under the consent threshold, so no code is asked."""
    form = booking_form(number, key=key, **parcel(0, "40"))
    return {k: v for k, v in form.items() if not k.startswith("a-1-")}


def _sequences() -> tuple:
    """Where the receipt and S10 counters stand (nextval is never rolled back)."""
    with connection.cursor() as cursor:
        values = []
        for name in ("counter_receipt_seq", sequence_name("EE"), sequence_name("EP")):
            cursor.execute(f"SELECT last_value, is_called FROM {name}")  # noqa: S608 (our own names)
            values.append(cursor.fetchone())
    return tuple(values)


def test_an_outsider_clerk_cannot_book_against_the_account_by_the_api(patna_clerk, account):
    # another office's account is answered like a missing one (issue 9: one 404)
    assert _api(patna_clerk).get(f"/api/v1/banking/accounts/{account}/").status_code == 404
    missing = _api(patna_clerk).post(BOOKINGS, _api_body(MISSING), format="json", HTTP_IDEMPOTENCY_KEY="m-1")
    before = _sequences()

    response = _api(patna_clerk).post(BOOKINGS, _api_body(account), format="json", HTTP_IDEMPOTENCY_KEY="o-1")

    assert response.status_code == missing.status_code == 404
    assert response.json() == missing.json()
    assert response.json()["error"]["code"] == "account_not_found"
    assert banking_selectors.balance_of(account_number=account) == 10_000_00
    assert not Booking.objects.exists() and not Payment.objects.exists()
    assert _sequences() == before  # no receipt or S10 number drawn for it


def test_a_sub_office_clerk_cannot_book_against_a_head_office_account(sub_office_clerk, account):
    response = _api(sub_office_clerk).post(BOOKINGS, _api_body(account), format="json", HTTP_IDEMPOTENCY_KEY="s-1")
    assert response.status_code == 404 and response.json()["error"]["code"] == "account_not_found"
    assert banking_selectors.balance_of(account_number=account) == 10_000_00
    assert not Booking.objects.exists()


def test_the_clerk_of_the_accounts_office_and_of_its_head_office_still_book(clerk, till_id, places, account):
    response = _api(clerk).post(BOOKINGS, _api_body(account), format="json", HTTP_IDEMPOTENCY_KEY="ok-1")
    assert response.status_code == 201, response.content
    assert banking_selectors.balance_of(account_number=account) == 10_000_00 - response.json()["total_paise"]

    # An account of a Bhagalpur sub office: its head office's clerk serves it.
    sub_account = _account(clerk, till_id, office_id=places.sub_offices[0].pk, mobile="9876500072")
    response = _api(clerk).post(BOOKINGS, _api_body(sub_account), format="json", HTTP_IDEMPOTENCY_KEY="ok-2")
    assert response.status_code == 201, response.content


def test_an_outsider_clerk_cannot_book_against_the_account_on_the_page(patna_clerk, login, account):
    window = login(patna_clerk)
    assert window.post("/counter/till/open/", {"d500": "1", "coins": "0"}).status_code == 302
    missing = window.post("/counter/book/", _light_form(MISSING, "page-m"))
    before = _sequences()

    response = window.post("/counter/book/", _light_form(account, "page-o"))

    assert response.status_code == missing.status_code == 422
    assert "There is no savings account with that number." in response.content.decode()
    assert banking_selectors.balance_of(account_number=account) == 10_000_00
    assert not Booking.objects.exists() and not Payment.objects.exists()
    assert _sequences() == before


def _code_page_answer(client, data: dict) -> tuple[int, str]:
    response = client.post(SEND, data)
    return response.status_code, response.content.decode()


def test_the_code_page_tells_an_outsider_nothing_about_the_account(patna_clerk, clerk, till_id, login, account):
    frozen = _account(clerk, till_id, office_id=clerk.post_office_id, mobile="9876500073")
    banking.account_status_change(account_number=frozen, new_status="frozen", reason="test", actor=clerk)
    poor = _account(clerk, till_id, office_id=clerk.post_office_id, paise=1_00, mobile="9876500074")
    window = login(patna_clerk)

    missing_heavy = _code_page_answer(window, booking_form(MISSING))
    assert missing_heavy[0] == 404 and "There is no savings account with that number." in missing_heavy[1]
    # Active, frozen, too poor for the total, or below the threshold (no code needed):
    # always the answer a number with no account gets.
    for number in (account, frozen, poor):
        assert _code_page_answer(window, booking_form(number)) == missing_heavy
    assert _code_page_answer(window, _light_form(account, "k")) == _code_page_answer(window, _light_form(MISSING, "k"))
    assert not WithdrawalOtp.objects.exists()
    assert not Outbox.objects.filter(template__key="banking.payment_otp").exists()


def test_the_code_page_still_sends_for_the_accounts_own_clerk(clerk, login, account):
    status, page = _code_page_answer(login(clerk), booking_form(account))
    assert status == 200 and "sent to 98XXXXXX71" in page
    assert Outbox.objects.filter(template__key="banking.payment_otp").count() == 1


def test_banking_services_check_the_actor_themselves(patna_clerk, clerk, account):
    """The rule holds for any caller of the payment rail, not only the counter's views."""
    payment = {
        "office_id": patna_clerk.post_office_id,
        "method": "account",
        "lines": [("service_income", 100_00)],
        "gst_paise": 0,
        "reference": "VISIT-OUT",
        "account_number": account,
    }
    for actor in (patna_clerk, None):
        with pytest.raises(AccountNotFound):
            banking.payment_take(**payment, actor=actor)
        with pytest.raises(AccountNotFound):
            banking.withdrawal_otp_send(account_number=account, amount_paise=6_000_00, actor=actor, purpose="payment")
    with pytest.raises(AccountNotFound):
        banking.withdrawal_otp_send(account_number=account, amount_paise=6_000_00, actor=patna_clerk)
    assert banking_selectors.balance_of(account_number=account) == 10_000_00
    assert not Payment.objects.exists() and not WithdrawalOtp.objects.exists()

    paid = banking.payment_take(**{**payment, "office_id": clerk.post_office_id}, actor=clerk)
    assert paid.status == "completed"
    assert banking_selectors.balance_of(account_number=account) == 10_000_00 - 100_00
