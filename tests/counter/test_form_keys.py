"""HTML forms use the API's replay policy (core.idempotency.idempotent_form): the
counter's booking form here, banking's money forms in tests/banking."""

from __future__ import annotations

import pytest
from django.db import connections

from core.idempotency import _advisory_lock_id, key_digest
from counter.models import Booking

from .test_pages import form, window  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db


def test_a_resubmitted_booking_form_shows_the_first_receipt(window, clerk):  # noqa: F811
    first = window.post("/counter/book/", form(key="same-form"))
    again = window.post("/counter/book/", form(key="same-form"))
    assert first.status_code == again.status_code == 302
    assert again["Location"] == first["Location"]
    assert Booking.objects.filter(clerk=clerk).count() == 1


def test_a_changed_form_with_the_same_key_is_refused_clearly(window, clerk):  # noqa: F811
    window.post("/counter/book/", form(key="same-form"))
    changed = window.post("/counter/book/", form(key="same-form", **{"a-0-weight_g": "400"}))
    assert changed.status_code == 422
    assert "This form was already used for something else. Open it again." in changed.content.decode()
    assert Booking.objects.filter(clerk=clerk).count() == 1


def test_a_form_still_in_flight_is_refused(window, clerk):  # noqa: F811
    """Another PostgreSQL connection holds the key, as the first submit still running would."""
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            lock = _advisory_lock_id(key_digest(sender=f"user:{clerk.pk}", key="busy-form"))
            cursor.execute("SELECT pg_advisory_lock(%s)", [lock])
        response = window.post("/counter/book/", form(key="busy-form"))
    finally:
        other.close()
    assert response.status_code == 409
    assert "This form is already being sent." in response.content.decode()
    assert not Booking.objects.exists()
    # The key is kept for the next try (nothing was stored): it then books.
    assert 'value="busy-form"' in response.content.decode()
    assert window.post("/counter/book/", form(key="busy-form")).status_code == 302
