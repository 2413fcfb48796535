"""Weights, note counts and codes at the counter: ASCII digits only, a bounded number
of them; anything else is a clear 400 that changes nothing (issue 8, item 8)."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from counter.models import Booking, TillSession

pytestmark = pytest.mark.django_db
TARIFF = "/api/v1/counter/tariff/"
SESSIONS = "/api/v1/counter/sessions/"
BOOKINGS = "/api/v1/counter/bookings/"
NOT_ASCII = ["²", "4²", "٣", "३", "४०", "１２", "9" * 4000]  # a 5,000-digit one in a URL is a 414


@pytest.fixture
def api(clerk):
    client = APIClient(raise_request_exception=False)
    client.force_authenticate(clerk)
    return client


def tariff(client, weight):
    return client.get(
        TARIFF, {"service": "speed_post", "weight_g": weight, "origin_pin": "812001", "dest_pin": "800001"}
    )


@pytest.mark.parametrize("weight", NOT_ASCII)
def test_a_weight_in_other_digits_is_refused_by_the_tariff(api, weight):
    response = tariff(api, weight)
    assert response.status_code == 400, response.content[:200]
    assert response.json()["error"]["code"] == "bad_weight"


def article(weight):
    person = {"name": "Ram Kumar", "address": "Tilka Manjhi, Bhagalpur", "pin": "812001", "mobile": "9812345610"}
    return {"service": "speed_post", "weight_g": weight, "sender": person, "recipient": {**person, "pin": "800001"}}


@pytest.mark.parametrize("weight", [*NOT_ASCII, "9" * 5000, 10**30, -40, 40.5, True])
def test_a_booking_with_such_a_weight_is_400_and_books_nothing(api, weight):
    api.post(SESSIONS, {"denominations": {}}, format="json")
    body = {"articles": [article(weight)], "payment": {"method": "cash"}}
    response = api.post(BOOKINGS, body, format="json", HTTP_IDEMPOTENCY_KEY="w-1")
    assert response.status_code == 400, response.content[:200]
    assert response.json()["error"]["code"] == "bad_weight"
    assert not Booking.objects.exists()


def test_the_booking_page_refuses_such_a_weight(client, clerk):
    client.force_login(clerk)
    client.post("/counter/till/open/", {"d500": "1"})
    person = {"name": "Ram Kumar", "address": "Tilka Manjhi", "pin": "812001", "mobile": "9812345610"}
    form = {f"sender_{k}": v for k, v in person.items()}
    form.update({f"a-0-recipient_{k}": v for k, v in {**person, "pin": "800001"}.items()})
    form.update({"a-0-service": "speed_post", "a-0-weight_g": "٣", "payment_method": "cash", "form_key": "k" * 32})
    response = client.post("/counter/book/", form)
    assert response.status_code in (200, 400)
    assert not Booking.objects.exists()


@pytest.mark.parametrize("count", ["²", "٣", "३", "9" * 5000])
def test_note_counts_in_other_digits_are_refused(api, count):
    response = api.post(SESSIONS, {"denominations": {"500": count}}, format="json")
    assert response.status_code == 400, response.content[:200]
    assert response.json()["error"]["code"] == "bad_denominations"
    assert not TillSession.objects.exists()


@pytest.mark.parametrize("coins", ["٣", "३٠.٥٠", "3.٥"])
def test_coins_typed_in_other_digits_on_the_till_page_open_nothing(client, clerk, coins):
    client.force_login(clerk)
    response = client.post("/counter/till/open/", {"coins": coins})
    assert response.status_code < 500
    assert not TillSession.objects.exists()


def test_a_utr_in_other_digits_is_refused(api):
    api.post(SESSIONS, {"denominations": {}}, format="json")
    booked = api.post(
        BOOKINGS, {"articles": [article(40)], "payment": {"method": "upi"}}, format="json", HTTP_IDEMPOTENCY_KEY="u-1"
    )
    assert booked.status_code == 201, booked.content
    number = booked.json()["receipt_number"]
    for utr in ["١٢٣٤٥٦٧٨٩٠١٢", "12345678901²"]:
        response = api.post(f"{BOOKINGS}{number}/upi/confirm/", {"utr": utr}, format="json")
        assert response.status_code in (400, 422), response.content
    assert Booking.objects.get(receipt_number=number).status == Booking.Status.AWAITING_PAYMENT


@pytest.mark.parametrize("addons", [1, 1.5, True, 10**30])
def test_addons_that_are_not_a_list_are_400(api, addons):
    api.post(SESSIONS, {"denominations": {}}, format="json")
    body = {"articles": [{**article(40), "addons": addons}], "payment": {"method": "cash"}}
    response = api.post(BOOKINGS, body, format="json", HTTP_IDEMPOTENCY_KEY="a-1")
    assert response.status_code == 400, response.content[:200]
    assert response.json()["error"]["code"] == "unknown_addon"
    assert not Booking.objects.exists()
