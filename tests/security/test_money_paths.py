"""Every path that crosses from one app into another's money (issue 8, items 1 and 2).

A clerk of another office must not reach a Bhagalpur savings account through the counter
(the booking API, the booking page, the "send code to the customer" page): each is
refused the way a missing account is, nothing is debited or posted and the holder gets
no SMS. Banking's own payment endpoints must not refund or cancel a payment that belongs
to a counter booking: that goes through the counter's cancellation (postmaster approval).
"""

from __future__ import annotations

import re

import pytest

from banking import selectors as banking_selectors
from banking.models import Payment, Posting
from counter.models import Booking
from notify.models import Outbox

from .conftest import booking_articles, new_key, post_json

pytestmark = pytest.mark.django_db

BOOKINGS = "/api/v1/counter/bookings/"
BOOK_PAGE = "/counter/book/"
CODE_PAGE = "/counter/book/account-otp/"
ITEM_1 = "issue 8 item 1: a clerk of another office pays from any savings account through the counter"
ITEM_2 = "issue 8 item 2: banking's payment endpoints bypass the counter's maker-checker"
STRANGERS = ("sub_clerk", "patna_clerk", "patna_postmaster")


def money(world) -> dict:
    """What an attacker would want to move: the holder's balance, every posting, the SMS."""
    return {
        "balance": banking_selectors.balance_of(account_number=world.account),
        "postings": Posting.objects.count(),
        "payments": Payment.objects.count(),
        "sms_to_holder": Outbox.objects.filter(to=world.holder_mobile).count(),
    }


def error_of(response) -> tuple[int, str | None]:
    """(status, error code); the code is None for an answer that is not an error."""
    return response.status_code, (response.json().get("error") or {}).get("code")


def account_booking(number: str, **extra) -> dict:
    return {"articles": booking_articles(), "payment": {"method": "account", "account_number": number, **extra}}


def test_the_holders_own_office_can_pay_from_the_account(world, client_as):
    """The control: the same request from the account's office books and debits."""
    before = money(world)
    response = post_json(client_as("clerk"), BOOKINGS, account_booking(world.account))
    assert response.status_code == 201, response.content
    assert money(world)["balance"] == before["balance"] - response.json()["total_paise"]


@pytest.mark.parametrize("persona", STRANGERS)
def test_another_offices_clerk_cannot_book_on_the_account_by_api(persona, world, client_as, staff):
    client = client_as(persona)
    before = money(world)
    missing = post_json(client, BOOKINGS, account_booking(world.missing_account))
    response = post_json(client, BOOKINGS, account_booking(world.account))
    assert error_of(response) == error_of(missing), "refused as a missing account is"
    assert response.status_code in (403, 404)
    assert money(world) == before
    assert not Booking.objects.filter(clerk=staff[persona]).exists()
    again = post_json(client, BOOKINGS, account_booking(world.account))  # and not on a retry
    assert again.status_code == response.status_code and money(world) == before


def booking_form(number: str, *, parcels: int = 1, weight_g: str = "40") -> dict:
    """The counter's booking form; 35 kg parcels to New Delhi cost ₹3,374.80 each."""
    data = {
        "form_key": new_key("form"),
        "sender_name": "Geeta Devi",
        "sender_address": "Adampur, Bhagalpur",
        "sender_pin": "812001",
        "sender_mobile": "9876500081",
        "payment_method": "account",
        "account_number": number,
    }
    for i in range(parcels):
        data.update(
            {
                f"a-{i}-service": "speed_post_parcel" if int(weight_g) > 5000 else "speed_post",
                f"a-{i}-weight_g": weight_g,
                f"a-{i}-recipient_pin": "110001",
                f"a-{i}-recipient_name": f"Anil Sharma {i}",
                f"a-{i}-recipient_address": "Connaught Place, New Delhi",
                f"a-{i}-recipient_mobile": "9876543210",
                f"a-{i}-addons": ["registration"],
            }
        )
    return data


@pytest.mark.parametrize("persona", STRANGERS)
def test_another_offices_clerk_cannot_book_on_the_account_by_page(persona, world, client_as, staff):
    client = client_as(persona)
    client.post("/counter/till/open/", {"d500": "4", "coins": "0"})  # a real clerk at a real till
    before = money(world)
    missing = client.post(BOOK_PAGE, booking_form(world.missing_account))
    response = client.post(BOOK_PAGE, booking_form(world.account))
    assert response.status_code != 302, "booked"
    assert response.status_code == missing.status_code
    assert money(world) == before
    assert not Booking.objects.filter(clerk=staff[persona]).exists()


def _visible(response, number: str) -> tuple[int, str]:
    """The partial's words with the number typed in blanked out."""
    text = re.sub(r"\s+", " ", response.content.decode()).replace(number, "<number>")
    return response.status_code, text


@pytest.mark.parametrize(
    ("persona", "form"),
    [
        (p, f)
        for p in STRANGERS
        # below the consent threshold; above it and within the balance; above the balance
        for f in ({"parcels": 1}, {"parcels": 2, "weight_g": "35000"}, {"parcels": 6, "weight_g": "35000"})
    ],
    ids=lambda v: v if isinstance(v, str) else f"{v['parcels']}x{v.get('weight_g', '40')}g",
)
def test_the_code_page_tells_a_stranger_nothing_about_the_account(persona, form, world, client_as):
    """Exists? active? balance below a total? The answer is the one a missing account gets."""
    client = client_as(persona)
    before = money(world)
    theirs = _visible(client.post(CODE_PAGE, booking_form(world.account, **form)), world.account)
    missing = _visible(client.post(CODE_PAGE, booking_form(world.missing_account, **form)), world.missing_account)
    assert theirs == missing
    assert money(world) == before, "no code sent to the holder"


def test_the_code_page_sends_the_holder_a_code_for_their_own_office(world, client_as):
    """The control: the account's own clerk gets the code sent."""
    response = client_as("clerk").post(CODE_PAGE, booking_form(world.account, parcels=2, weight_g="35000"))
    assert response.status_code == 200
    assert "sent to 98XXXXXX81" in response.content.decode()
    assert Outbox.objects.filter(to=world.holder_mobile, template__key="banking.payment_otp").count() == 1


def _booking(client, payment: dict) -> Booking:
    response = post_json(client, BOOKINGS, {"articles": booking_articles(), "payment": payment})
    assert response.status_code == 201, response.content
    return Booking.objects.get(receipt_number=response.json()["receipt_number"])


def _payment_state(booking: Booking, world) -> tuple:
    booking.refresh_from_db()
    payment = Payment.objects.get(pk=booking.payment_id)
    return (
        booking.status,
        payment.status,
        payment.refund_entry_id,
        banking_selectors.till_balance(till_id=world.till_id),
        money(world),
    )


@pytest.mark.parametrize("method", ["cash", "account"])
@pytest.mark.parametrize("persona", ["clerk", "postmaster"])
def test_a_bookings_payment_is_not_refunded_through_banking(persona, method, world, client_as):
    """The clerk who took it, or the postmaster: banking refuses; the counter's
    cancellation (asked by one, approved by another) is the way."""
    payment = {"method": "cash"} if method == "cash" else {"method": "account", "account_number": world.account}
    booking = _booking(client_as("clerk"), payment)
    before = _payment_state(booking, world)
    response = post_json(
        client_as(persona), f"/api/v1/banking/payments/{booking.payment_id}/refund/", {"reason": "customer left"}
    )
    assert 400 <= response.status_code < 500, response.content
    assert "error" in response.json()
    assert _payment_state(booking, world) == before
    assert booking.status == Booking.Status.PAID


@pytest.mark.parametrize("persona", ["clerk", "postmaster"])
def test_a_bookings_upi_payment_is_not_cancelled_through_banking(persona, world, client_as):
    booking = _booking(client_as("clerk"), {"method": "upi"})
    before = _payment_state(booking, world)
    response = post_json(
        client_as(persona), f"/api/v1/banking/payments/{booking.payment_id}/upi-cancel/", {"reason": "gone"}, key=None
    )
    assert 400 <= response.status_code < 500, response.content
    assert "error" in response.json()
    assert _payment_state(booking, world) == before
    assert booking.status == Booking.Status.AWAITING_PAYMENT


def test_the_counter_cancellation_is_the_way_to_refund(world, client_as):
    """The control: asked by the clerk, approved by the postmaster, the cash goes back once."""
    booking = _booking(client_as("clerk"), {"method": "cash"})
    till_before = banking_selectors.till_balance(till_id=world.till_id)
    asked = post_json(
        client_as("clerk"), f"/api/v1/counter/bookings/{booking.receipt_number}/cancel/", {"reason": "wrong PIN"}
    )
    assert asked.status_code == 201, asked.content
    approved = post_json(client_as("postmaster"), f"/api/v1/counter/cancellations/{asked.json()['id']}/approve/", {})
    assert approved.status_code == 200, approved.content
    assert banking_selectors.till_balance(till_id=world.till_id) == till_before - booking.total_paise
    assert Payment.objects.get(pk=booking.payment_id).status == "refunded"


def test_confirming_a_bookings_upi_payment_through_banking_does_not_split_them(world, client_as):
    """Either banking refuses, or the booking is paid with it: never money taken for a
    booking that still waits for its payment (and can then be cancelled unpaid)."""
    booking = _booking(client_as("clerk"), {"method": "upi"})
    response = post_json(
        client_as("clerk"), f"/api/v1/banking/payments/{booking.payment_id}/upi-confirm/", {"utr": "123456789012"}
    )
    assert response.status_code < 500
    booking.refresh_from_db()
    payment = Payment.objects.get(pk=booking.payment_id)
    assert (payment.status, booking.status) in {
        ("pending", Booking.Status.AWAITING_PAYMENT),
        ("completed", Booking.Status.PAID),
    }, (payment.status, booking.status)
