"""Booking at the window: articles, S10 numbers, payment, idempotency, UPI, cancellation."""

from __future__ import annotations

import pytest
from django.db import connection
from django.utils import timezone

from counter import services
from counter.exceptions import BadInput, CancelNotAllowed, TillNotOpen
from counter.models import Booking, BookingEvent, CancelRequest, TillClose
from delivery import selectors as delivery_selectors

pytestmark = pytest.mark.django_db

FLOAT = {"500": 4, "100": 10, "coins": 5000}  # Rs 3,050


def article(**overrides):
    item = {
        "service": "speed_post_document",
        "weight_g": 40,
        "addons": ["registration"],
        "sender": {"name": "Ram Kumar", "address": "Tilka Manjhi, Bhagalpur", "pin": "812001", "mobile": "9812345610"},
        "recipient": {"name": "Sita Devi", "address": "Fraser Road, Patna", "pin": "800001", "mobile": "9876543210"},
    }
    item.update(overrides)
    return item


def s10_valid(number: str) -> bool:
    weights = [8, 6, 4, 2, 3, 5, 9, 7]
    digits = [int(c) for c in number[2:10]]
    check = 11 - sum(w * d for w, d in zip(weights, digits, strict=True)) % 11
    check = {10: 0, 11: 5}.get(check, check)
    return len(number) == 13 and number.endswith("IN") and int(number[10]) == check


@pytest.fixture
def till(clerk):
    return services.till_session_open(clerk=clerk, denominations=FLOAT)


def test_cash_booking_of_two_articles_on_one_receipt(clerk, till):
    result = services.booking_create(
        clerk=clerk,
        articles=[
            article(),
            article(weight_g=300, addons=["otp"], recipient={**article()["recipient"], "pin": "812002"}),
        ],
        payment={"method": "cash"},
        idempotency_key="k-1",
    )
    booking = result.booking
    assert not result.replayed
    assert booking.status == Booking.Status.PAID
    assert booking.receipt_number.startswith("R812001-")
    numbers = [a.article_number for a in booking.articles.all()]
    assert len(numbers) == 2 and all(n.startswith("EE") and s10_valid(n) for n in numbers)
    for number in numbers:
        events = delivery_selectors.tracking_events(number)
        assert [e.type for e in events] == ["booked"]
    # 40 g to Patna + registration: 4700 + 500, GST 936 -> 6136; 300 g local + OTP: 2800 + 500, GST 594 -> 3894
    assert [a.total_paise for a in booking.articles.all()] == [6136, 3894]
    assert booking.total_paise == 6136 + 3894
    report = services.selectors.session_report(session_id=till.pk)
    assert report.expected_paise == 305000 + booking.total_paise


def test_the_same_key_never_books_twice(clerk, till):
    first = services.booking_create(
        clerk=clerk, articles=[article()], payment={"method": "cash"}, idempotency_key="same"
    )
    again = services.booking_create(
        clerk=clerk, articles=[article()], payment={"method": "cash"}, idempotency_key="same"
    )
    assert again.replayed and again.booking.pk == first.booking.pk
    assert Booking.objects.filter(clerk=clerk).count() == 1


def test_cash_needs_an_open_till(clerk):
    with pytest.raises(TillNotOpen):
        services.booking_create(clerk=clerk, articles=[article()], payment={"method": "cash"}, idempotency_key="x")


def test_otp_delivery_needs_the_recipients_mobile(clerk, till):
    item = article(addons=["otp"], recipient={"name": "Sita", "address": "Patna", "pin": "800001"})
    with pytest.raises(BadInput) as caught:
        services.booking_create(clerk=clerk, articles=[item], payment={"method": "cash"}, idempotency_key="m")
    assert "articles[0].recipient.mobile" in caught.value.details
    assert not Booking.objects.exists()


def test_upi_waits_for_the_utr_then_is_paid(clerk):
    booking = services.booking_create(
        clerk=clerk, articles=[article()], payment={"method": "upi"}, idempotency_key="u"
    ).booking
    assert booking.status == Booking.Status.AWAITING_PAYMENT
    assert booking.upi_uri.startswith("upi://pay?") and f"tr={booking.receipt_number}" in booking.upi_uri
    assert "am=61.36" in booking.upi_uri
    services.booking_upi_confirm(booking_id=booking.pk, utr="123456789012", actor=clerk)
    booking.refresh_from_db()
    assert booking.status == Booking.Status.PAID


def test_upi_not_paid_voids_the_articles(clerk):
    booking = services.booking_create(
        clerk=clerk, articles=[article()], payment={"method": "upi"}, idempotency_key="v"
    ).booking
    services.booking_upi_cancel(booking_id=booking.pk, reason="customer left", actor=clerk)
    booking.refresh_from_db()
    assert booking.status == Booking.Status.VOID
    assert delivery_selectors.article_get(booking.articles.get().article_number).status == "cancelled"


def test_cancel_needs_the_postmaster_and_refunds_the_till(clerk, postmaster, till):
    booking = services.booking_create(
        clerk=clerk, articles=[article()], payment={"method": "cash"}, idempotency_key="c"
    ).booking
    with pytest.raises(BadInput):
        services.booking_cancel_request(booking_id=booking.pk, reason=" ", actor=clerk)
    request = services.booking_cancel_request(booking_id=booking.pk, reason="wrong address", actor=clerk)
    with pytest.raises(CancelNotAllowed):
        services.booking_cancel_request(booking_id=booking.pk, reason="again", actor=clerk)
    with pytest.raises(services.MakerChecker):
        services.booking_cancel_approve(request_id=request.pk, actor=clerk)
    services.booking_cancel_approve(request_id=request.pk, actor=postmaster)
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED
    assert CancelRequest.objects.get().status == "approved"
    assert delivery_selectors.article_get(booking.articles.get().article_number).status == "cancelled"
    assert services.selectors.session_report(session_id=till.pk).expected_paise == 305000  # refunded from the till
    assert list(BookingEvent.objects.filter(booking=booking).values_list("new_status", flat=True)) == [
        "paid",
        "cancelled",
    ]


def test_till_close_posts_the_shortage_and_is_immutable(clerk, till):
    services.booking_create(clerk=clerk, articles=[article()], payment={"method": "cash"}, idempotency_key="t")
    # expected: 3050.00 + 61.36 = 3111.36; counted 3111.00 -> 36 paise short
    close = services.till_session_close(
        session_id=till.pk, denominations={"500": 6, "100": 1, "10": 1, "coins": 100}, actor=clerk
    )
    assert (close.expected_paise, close.counted_paise, close.difference_paise) == (311136, 311100, -36)
    assert close.entry_id is not None
    with pytest.raises(TillNotOpen):
        services.till_session_close(session_id=till.pk, denominations={}, actor=clerk)
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        close.save()
    if connection.vendor == "postgresql":
        from django.db import DatabaseError, transaction

        with pytest.raises(DatabaseError), transaction.atomic():
            TillClose.objects.filter(pk=close.pk).update(counted_paise=0)


def _funded_account(clerk, till, paise: int) -> str:
    from datetime import date

    from banking import services as banking

    holder = banking.customer_create(
        name="Geeta Devi",
        mobile="9812300001",
        address="Adampur, Bhagalpur",
        pin="812001",
        date_of_birth=date(1985, 5, 1),
        gender="female",
        office_id=clerk.post_office_id,
        actor=clerk,
    )
    account = banking.account_open(customer_id=holder.pk, office_id=clerk.post_office_id, actor=clerk)
    if paise:
        banking.deposit_post(account_number=account.number, amount_paise=paise, till_id=till.till_id, actor=clerk)
    return account.number


def test_paying_from_a_savings_account(clerk, till):
    from banking import selectors as banking_selectors

    number = _funded_account(clerk, till, 100_00)
    booking = services.booking_create(
        clerk=clerk,
        articles=[article()],
        payment={"method": "account", "account_number": number},
        idempotency_key="acct",
    ).booking
    assert booking.status == Booking.Status.PAID
    assert banking_selectors.balance_of(account_number=number) == 100_00 - 6136


def test_a_short_account_books_nothing(clerk, till):
    from core.exceptions import DomainError

    number = _funded_account(clerk, till, 10_00)
    with pytest.raises(DomainError) as caught:
        services.booking_create(
            clerk=clerk,
            articles=[article()],
            payment={"method": "account", "account_number": number},
            idempotency_key="short",
        )
    assert caught.value.code == "insufficient_funds"
    assert not Booking.objects.exists()  # nor an article: the whole booking rolled back


def test_the_postmaster_closes_the_office_day_once_every_till_is_closed(clerk, postmaster, till):
    services.booking_create(clerk=clerk, articles=[article()], payment={"method": "cash"}, idempotency_key="d")
    with pytest.raises(services.TillsStillOpen):
        services.office_day_close(office_id=clerk.post_office_id, day=timezone.localdate(), actor=postmaster)
    services.till_session_close(
        session_id=till.pk, denominations={"500": 6, "100": 1, "10": 1, "coins": 136}, actor=clerk
    )
    day = services.office_day_close(office_id=clerk.post_office_id, day=timezone.localdate(), actor=postmaster)
    assert day.summary["bookings"] == 1 and day.summary["total_paise"] == 6136
    assert day.summary["tills"][0]["difference_paise"] == 0
    with pytest.raises(services.OfficeDayAlreadyClosed):
        services.office_day_close(office_id=clerk.post_office_id, day=timezone.localdate(), actor=postmaster)
