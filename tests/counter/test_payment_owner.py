"""A booking's payment moves only with its booking (issue 8, item 2).

Banking's payment endpoints (refund, UPI cancel, UPI confirm) refuse a payment that a
counter booking owns, with 409 payment_owned naming where to do it; the counter's own
flows (a cancellation the postmaster approves, the booking's UPI cancel) still work.
"""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps as django_apps
from rest_framework.test import APIClient

from banking import services as banking
from banking.exceptions import MakerCheckerViolation, PaymentOwned
from banking.models import Payment, ReversalRequest
from counter import services
from counter.models import Booking
from tests.counter.test_booking_service import FLOAT, article

pytestmark = pytest.mark.django_db


def _api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _key(name: str) -> dict:
    return {"HTTP_IDEMPOTENCY_KEY": name}


@pytest.fixture
def till(clerk):
    return services.till_session_open(clerk=clerk, denominations=FLOAT)


@pytest.fixture
def cash_booking(clerk, till) -> Booking:
    return services.booking_create(
        clerk=clerk, articles=[article()], payment={"method": "cash"}, idempotency_key="own-cash"
    ).booking


@pytest.fixture
def upi_booking(clerk) -> Booking:
    return services.booking_create(
        clerk=clerk, articles=[article()], payment={"method": "upi"}, idempotency_key="own-upi"
    ).booking


def test_a_clerk_cannot_refund_their_own_booking_through_banking(clerk, postmaster, till, cash_booking):
    drawer = banking.till_balance(till_id=till.till_id)
    for user in (clerk, postmaster):
        response = _api(user).post(
            f"/api/v1/banking/payments/{cash_booking.payment_id}/refund/",
            {"reason": "customer changed mind"},
            format="json",
            **_key(f"refund-{user.pk}"),
        )
        assert response.status_code == 409, response.content
        error = response.json()["error"]
        assert error["code"] == "payment_owned"
        assert f"counter booking {cash_booking.receipt_number}" in error["message"]
        assert "cancel the booking at the counter" in error["message"]
    assert banking.till_balance(till_id=till.till_id) == drawer  # no cash left the till
    assert Payment.objects.get(pk=cash_booking.payment_id).status == "completed"
    assert Booking.objects.get(pk=cash_booking.pk).status == Booking.Status.PAID
    assert not ReversalRequest.objects.exists()


def test_banking_will_not_cancel_or_confirm_a_bookings_upi_payment(clerk, upi_booking):
    payment_url = f"/api/v1/banking/payments/{upi_booking.payment_id}"
    cancel = _api(clerk).post(f"{payment_url}/upi-cancel/", {"reason": "left"}, format="json")
    confirm = _api(clerk).post(f"{payment_url}/upi-confirm/", {"utr": "512345678901"}, format="json", **_key("c-1"))
    for response in (cancel, confirm):
        assert response.status_code == 409, response.content
        assert response.json()["error"]["code"] == "payment_owned"
    assert Payment.objects.get(pk=upi_booking.payment_id).status == "pending"
    assert Booking.objects.get(pk=upi_booking.pk).status == Booking.Status.AWAITING_PAYMENT


def test_the_bookings_upi_cancel_and_confirm_through_the_counter_still_work(clerk):
    cancelled = services.booking_create(
        clerk=clerk, articles=[article()], payment={"method": "upi"}, idempotency_key="upi-a"
    ).booking
    response = _api(clerk).post(
        f"/api/v1/counter/bookings/{cancelled.receipt_number}/upi/cancel/", {"reason": "left"}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == Booking.Status.VOID
    assert Payment.objects.get(pk=cancelled.payment_id).status == "cancelled"

    paid = services.booking_create(
        clerk=clerk, articles=[article()], payment={"method": "upi"}, idempotency_key="upi-b"
    ).booking
    response = _api(clerk).post(
        f"/api/v1/counter/bookings/{paid.receipt_number}/upi/confirm/", {"utr": "512345678902"}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == Booking.Status.PAID
    assert Payment.objects.get(pk=paid.payment_id).status == "completed"


def test_the_counters_cancellation_refunds_after_the_postmasters_approval(clerk, postmaster, till, cash_booking):
    drawer = banking.till_balance(till_id=till.till_id)
    asked = _api(clerk).post(
        f"/api/v1/counter/bookings/{cash_booking.receipt_number}/cancel/", {"reason": "wrong PIN"}, format="json"
    )
    assert asked.status_code == 201, asked.content
    assert banking.till_balance(till_id=till.till_id) == drawer  # asking moves nothing
    assert _api(clerk).post(f"/api/v1/counter/cancellations/{asked.json()['id']}/approve/").status_code == 403

    approved = _api(postmaster).post(f"/api/v1/counter/cancellations/{asked.json()['id']}/approve/")
    assert approved.status_code == 200, approved.content
    assert approved.json()["booking"]["status"] == Booking.Status.CANCELLED
    assert Payment.objects.get(pk=cash_booking.payment_id).status == "refunded"
    assert banking.till_balance(till_id=till.till_id) == drawer - cash_booking.total_paise
    assert banking.ledger_check_run().ok


def test_banking_holds_the_maker_checker_rule_for_an_owners_refund(clerk, postmaster, cash_booking):
    refund = {"payment_id": cash_booking.payment_id, "reason": "wrong PIN"}
    with pytest.raises(MakerCheckerViolation):  # the maker approving their own request
        banking.payment_refund(**refund, actor=postmaster, owner="counter_booking", requested_by_id=postmaster.pk)
    with pytest.raises(MakerCheckerViolation):  # a clerk is no checker
        banking.payment_refund(**refund, actor=clerk, owner="counter_booking", requested_by_id=postmaster.pk)
    with pytest.raises(PaymentOwned):  # another owner's flow
        banking.payment_refund(**refund, actor=postmaster, owner="doorstep_visit", requested_by_id=clerk.pk)
    with pytest.raises(PaymentOwned):  # banking's own request for a refund
        banking.payment_refund_request(**refund, actor=clerk)
    assert Payment.objects.get(pk=cash_booking.payment_id).status == "completed"


def test_payments_taken_before_the_owner_mark_are_marked_as_the_bookings(cash_booking, upi_booking):
    Payment.objects.update(owner="")
    backfill = importlib.import_module("counter.migrations.0007_booking_payments_owned")
    backfill.bookings_own_their_payments(django_apps, None)
    assert set(Payment.objects.values_list("owner", flat=True)) == {"counter_booking"}
