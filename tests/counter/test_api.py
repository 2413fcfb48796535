"""The counter's API shapes (issue 4, item 8)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from rest_framework.test import APIClient

from counter.models import Booking

pytestmark = pytest.mark.django_db
BOOKINGS = "/api/v1/counter/bookings/"


@pytest.fixture
def api(clerk):
    client = APIClient()
    client.force_authenticate(clerk)
    return client


@pytest.fixture
def session(api):
    response = api.post(
        "/api/v1/counter/sessions/", {"denominations": {"500": 2, "100": 5, "coins": 750}}, format="json"
    )
    assert response.status_code == 201, response.content
    return response.json()


def body(**payment):
    return {
        "articles": [
            {
                "service": "speed_post",
                "weight_g": 40,
                "addons": ["otp", "registration"],
                "sender": {
                    "name": "Ram Kumar",
                    "address": "Tilka Manjhi, Bhagalpur",
                    "pin": "812001",
                    "mobile": "9812345610",
                },
                "recipient": {
                    "name": "Sita Devi",
                    "address": "Fraser Road, Patna",
                    "pin": "800001",
                    "mobile": "9876543210",
                },
            }
        ],
        "payment": payment or {"method": "cash"},
    }


def test_session_open_and_close_arithmetic(api, session):
    assert session["opening_paise"] == 2 * 50000 + 5 * 10000 + 750
    booked = api.post(BOOKINGS, body(), format="json", HTTP_IDEMPOTENCY_KEY="close-1")
    assert booked.status_code == 201
    total = booked.json()["total_paise"]
    assert total == 6726
    # counted: the float plus Rs 67 in notes and coins -> 26 paise short
    response = api.post(
        f"/api/v1/counter/sessions/{session['id']}/close/",
        {"denominations": {"500": 2, "100": 5, "50": 1, "10": 1, "coins": 750 + 700}},
        format="json",
    )
    assert response.status_code == 200, response.content
    close = response.json()
    assert close["expected_paise"] == session["opening_paise"] + total
    assert close["counted_paise"] == session["opening_paise"] + 6700
    assert close["difference_paise"] == -26
    assert close["result"] == "shortage"
    again = api.post(f"/api/v1/counter/sessions/{session['id']}/close/", {"denominations": {}}, format="json")
    assert again.status_code == 409


def test_a_second_open_till_is_refused(api, session):
    response = api.post("/api/v1/counter/sessions/", {"denominations": {}}, format="json")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "till_already_open"


@pytest.mark.parametrize("denominations", [{"2000": 1}, {"500": -1}, {"500": "x"}, {"100": 1.5}, "lots"])
def test_bad_denominations(api, denominations):
    response = api.post("/api/v1/counter/sessions/", {"denominations": denominations}, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "bad_denominations"


def test_booking_shape_and_s10(api, session):
    response = api.post(BOOKINGS, body(), format="json", HTTP_IDEMPOTENCY_KEY="shape-1")
    assert response.status_code == 201, response.content
    data = response.json()
    assert set(data) >= {"receipt_number", "articles", "total_paise", "receipt_url"}
    number = data["articles"][0]["article_number"]
    assert number.startswith("EE") and number.endswith("IN") and len(number) == 13
    assert data["articles"][0]["total_paise"] == 6726
    assert "upi_uri" not in data
    receipt = api.get(data["receipt_url"])
    assert receipt.status_code == 200 and receipt.json()["receipt_number"] == data["receipt_number"]


def test_retry_returns_the_same_receipt_and_books_nothing(api, session):
    first = api.post(BOOKINGS, body(), format="json", HTTP_IDEMPOTENCY_KEY="retry-1")
    second = api.post(BOOKINGS, body(), format="json", HTTP_IDEMPOTENCY_KEY="retry-1")
    assert second.status_code == 201
    assert second.content == first.content
    assert second["Idempotent-Replayed"] == "true"
    assert Booking.objects.count() == 1
    other = api.post(BOOKINGS, body(method="upi"), format="json", HTTP_IDEMPOTENCY_KEY="retry-1")
    assert other.status_code == 422


def test_booking_needs_an_idempotency_key(api, session):
    response = api.post(BOOKINGS, body(), format="json", HTTP_IDEMPOTENCY_KEY="")
    assert response.status_code == 400
    assert Booking.objects.count() == 0


def test_bad_booking_is_400_and_not_stored(api, session):
    bad = body()
    bad["articles"][0]["weight_g"] = 0
    response = api.post(BOOKINGS, bad, format="json", HTTP_IDEMPOTENCY_KEY="bad-1")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "bad_weight"
    fixed = api.post(BOOKINGS, body(), format="json", HTTP_IDEMPOTENCY_KEY="bad-1")
    assert fixed.status_code == 201


def test_upi_booking_gives_the_uri_and_confirms_with_the_utr(api):
    response = api.post(BOOKINGS, body(method="upi"), format="json", HTTP_IDEMPOTENCY_KEY="upi-1")
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["status"] == "awaiting_payment"
    uri = data["upi_uri"]
    assert (
        uri.startswith("upi://pay?") and "am=67.26" in uri and f"tr={data['receipt_number']}" in uri and "cu=INR" in uri
    )
    bad = api.post(f"{BOOKINGS}{data['receipt_number']}/upi/confirm/", {"utr": "12345"}, format="json")
    assert bad.status_code in (400, 422)
    ok = api.post(f"{BOOKINGS}{data['receipt_number']}/upi/confirm/", {"utr": "123456789012"}, format="json")
    assert ok.status_code == 200 and ok.json()["status"] == "paid" and ok.json()["payment"]["utr"] == "123456789012"


def test_receipt_pdf(api, session):
    data = api.post(BOOKINGS, body(), format="json", HTTP_IDEMPOTENCY_KEY="pdf-1").json()
    response = api.get(data["receipt_pdf_url"])
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_receipts_of_another_office_are_hidden(api, session, outsider):
    data = api.post(BOOKINGS, body(), format="json", HTTP_IDEMPOTENCY_KEY="hide-1").json()
    stranger = APIClient()
    stranger.force_authenticate(outsider)
    assert stranger.get(data["receipt_url"]).status_code == 404  # as if there were none (issue 8)


def test_cancel_request_and_postmaster_approval(api, session, postmaster):
    booked = api.post(BOOKINGS, body(), format="json", HTTP_IDEMPOTENCY_KEY="cancel-1")
    assert booked.status_code == 201, booked.content
    data = booked.json()
    asked = api.post(f"{BOOKINGS}{data['receipt_number']}/cancel/", {"reason": "sender changed mind"}, format="json")
    assert asked.status_code == 201
    pm = APIClient()
    pm.force_authenticate(postmaster)
    own = api.post(f"/api/v1/counter/cancellations/{asked.json()['id']}/approve/", {}, format="json")
    assert own.status_code == 403  # a clerk cannot approve
    approved = pm.post(f"/api/v1/counter/cancellations/{asked.json()['id']}/approve/", {}, format="json")
    assert approved.status_code == 200, approved.content
    assert approved.json()["status"] == "approved"
    assert approved.json()["booking"]["status"] == "cancelled"
    session_now = api.get(f"/api/v1/counter/sessions/{session['id']}/").json()
    assert session_now["expected_paise"] == session["opening_paise"]  # refunded out of the till


@pytest.mark.django_db(transaction=True)
def test_concurrent_duplicates_book_once(clerk):
    from counter import services

    services.till_session_open(clerk=clerk, denominations={})
    results, errors = [], []

    def post():
        try:
            client = APIClient()
            client.force_authenticate(clerk)
            results.append(client.post(BOOKINGS, body(), format="json", HTTP_IDEMPOTENCY_KEY="race-1"))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=post) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert Booking.objects.count() == 1
    statuses = sorted(r.status_code for r in results)
    assert set(statuses) <= {201, 409}
    receipts = {r.json()["receipt_number"] for r in results if r.status_code == 201}
    assert len(receipts) == 1


@pytest.mark.parametrize("length", [77, 200, 255])
def test_a_long_idempotency_key_books_once(api, session, length):
    key = "k" * length
    first = api.post(BOOKINGS, body(), format="json", HTTP_IDEMPOTENCY_KEY=key)
    assert first.status_code == 201, first.content
    again = api.post(BOOKINGS, body(), format="json", HTTP_IDEMPOTENCY_KEY=key)
    assert again.content == first.content and again["Idempotent-Replayed"] == "true"
    assert Booking.objects.count() == 1


@pytest.mark.parametrize("key", ["k" * 256, "ключ", "tab\tkey"])
def test_an_idempotency_key_over_255_or_not_printable_ascii_is_refused(api, session, key):
    response = api.post(BOOKINGS, body(), format="json", HTTP_IDEMPOTENCY_KEY=key)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "idempotency_key_invalid"
    assert Booking.objects.count() == 0
