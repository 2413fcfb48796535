"""Receipts, till sessions and cancellations are reached by sequential numbers: one the
user may not see answers exactly like one that does not exist (issue 8, item 9)."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from accounts.models import Role, User

pytestmark = pytest.mark.django_db
BOOKINGS = "/api/v1/counter/bookings/"


@pytest.fixture
def api(clerk):
    client = APIClient()
    client.force_authenticate(clerk)
    return client


@pytest.fixture
def booking(api):
    assert api.post("/api/v1/counter/sessions/", {"denominations": {}}, format="json").status_code == 201
    person = {"name": "Ram Kumar", "address": "Tilka Manjhi, Bhagalpur", "pin": "812001", "mobile": "9812345610"}
    article = {"service": "speed_post", "weight_g": 40, "sender": person, "recipient": {**person, "pin": "800001"}}
    response = api.post(
        BOOKINGS, {"articles": [article], "payment": {"method": "cash"}}, format="json", HTTP_IDEMPOTENCY_KEY="b-1"
    )
    assert response.status_code == 201, response.content
    return response.json()


@pytest.fixture
def other_clerk(places):
    """A counter clerk at a sub office: not the booking's office."""
    return User.objects.create_user(
        username="sub_office_clerk", password="x", role=Role.COUNTER_CLERK, post_office=places.sub_offices[0]
    )


def missing_number(number: str) -> str:
    prefix, serial = number.rsplit("-", 1)
    return f"{prefix}-{int(serial) + 1000:0{len(serial)}d}"


def strangers(request):
    return [request.getfixturevalue(name) for name in ("other_clerk", "outsider", "postman", "thana_officer")]


@pytest.mark.parametrize("path", ["/api/v1/counter/receipts/{}/", "/api/v1/counter/receipts/{}/pdf/"])
def test_someone_elses_receipt_answers_like_a_missing_one_on_the_api(request, booking, path):
    for user in strangers(request):
        client = APIClient()
        client.force_authenticate(user)
        theirs = client.get(path.format(booking["receipt_number"]))
        missing = client.get(path.format(missing_number(booking["receipt_number"])))
        assert theirs.status_code == missing.status_code == 404, (user.username, theirs.status_code)
        assert theirs.content == missing.content


@pytest.mark.parametrize("path", ["/counter/receipts/{}/", "/counter/receipts/{}/pdf/"])
def test_someone_elses_receipt_page_is_a_404_page(booking, other_clerk, client, path):
    client.force_login(other_clerk)
    assert client.get(path.format(booking["receipt_number"])).status_code == 404
    assert client.get(path.format(missing_number(booking["receipt_number"]))).status_code == 404


def test_someone_elses_till_session_answers_like_a_missing_one(api, other_clerk, booking):
    session_id = _session_id()
    client = APIClient()
    client.force_authenticate(other_clerk)
    theirs = client.get(f"/api/v1/counter/sessions/{session_id}/")
    missing = client.get(f"/api/v1/counter/sessions/{session_id + 1000}/")
    assert theirs.status_code == missing.status_code == 404
    assert theirs.content == missing.content


def _session_id() -> int:
    from counter.models import TillSession

    return TillSession.objects.get().pk


def test_a_cancellation_of_another_office_answers_like_a_missing_one(api, booking, other_clerk, places):
    asked = api.post(f"{BOOKINGS}{booking['receipt_number']}/cancel/", {"reason": "changed mind"}, format="json")
    assert asked.status_code == 201
    stranger = User.objects.create_user(
        username="sub_office_pm", password="x", role=Role.POSTMASTER, post_office=places.sub_offices[0]
    )
    client = APIClient()
    client.force_authenticate(stranger)
    request_id = asked.json()["id"]
    theirs = client.post(f"/api/v1/counter/cancellations/{request_id}/approve/", {}, format="json")
    missing = client.post(f"/api/v1/counter/cancellations/{request_id + 1000}/approve/", {}, format="json")
    assert theirs.status_code == missing.status_code == 404
    assert theirs.content == missing.content
    # A clerk of the booking's own office sees the request but does not decide it.
    assert api.post(f"/api/v1/counter/cancellations/{request_id}/approve/", {}, format="json").status_code == 403
