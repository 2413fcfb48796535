"""booking_create writes its rows with plain statements (accounts.rawsql): what it returns
must be what is stored, a key still books once under concurrency, and one booking stays
within its statement budget."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from banking import selectors as banking_selectors
from counter import services
from counter.models import Booking, BookingArticle, BookingEvent

from .test_booking_service import FLOAT, article

pytestmark = pytest.mark.django_db


def test_what_booking_create_returns_is_what_is_stored(clerk):
    services.till_session_open(clerk=clerk, denominations=FLOAT)
    result = services.booking_create(
        clerk=clerk,
        articles=[article(), article(weight_g=1200, addons=[], discount="student")],
        payment={"method": "cash"},
        idempotency_key="rows-1",
        fingerprint="f" * 64,
    )
    stored = Booking.objects.get(pk=result.booking.pk)
    for field in Booking._meta.concrete_fields:
        assert getattr(result.booking, field.attname) == getattr(stored, field.attname), field.name
    assert stored.payment_id is not None and stored.request_fingerprint == "f" * 64
    rows = list(BookingArticle.objects.filter(booking=stored).order_by("position"))
    assert [a.pk for a in result.articles] == [a.pk for a in rows]
    for returned, row in zip(result.articles, rows, strict=True):
        for field in BookingArticle._meta.concrete_fields:
            assert getattr(returned, field.attname) == getattr(row, field.attname), field.name
    [event] = BookingEvent.objects.filter(booking=stored)
    assert (event.old_status, event.new_status, event.actor_id) == ("", "paid", clerk.pk)


def test_a_retry_after_the_till_closed_returns_the_first_booking(clerk):
    session = services.till_session_open(clerk=clerk, denominations=FLOAT)
    first = services.booking_create(clerk=clerk, articles=[article()], payment={"method": "cash"}, idempotency_key="k")
    services.till_session_close(session_id=session.pk, denominations=FLOAT, actor=clerk)
    again = services.booking_create(clerk=clerk, articles=[article()], payment={"method": "cash"}, idempotency_key="k")
    assert again.replayed and again.booking.pk == first.booking.pk


@pytest.mark.django_db(transaction=True)
def test_one_cash_booking_through_the_api_stays_within_its_statement_budget(clerk):
    """As in production: its own transaction, the per-process caches warm."""
    services.till_session_open(clerk=clerk, denominations=FLOAT)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=clerk).key}")
    body = {"articles": [article()], "payment": {"method": "cash"}}
    client.post("/api/v1/counter/bookings/", body, format="json", HTTP_IDEMPOTENCY_KEY="warm")
    with CaptureQueriesContext(connection) as queries:
        response = client.post("/api/v1/counter/bookings/", body, format="json", HTTP_IDEMPOTENCY_KEY="budget")
    assert response.status_code == 201, response.content
    # Token; BEGIN, key lock + stored answer; booking key + open till session; SAVEPOINT,
    # receipt number, booking; S10 number, article + its event; booked article; SAVEPOINT,
    # till lock, entry + postings + till balance, payment + its event, RELEASE; booking's
    # payment + its event, RELEASE; idempotency record, COMMIT. Was 35.
    assert len(queries.captured_queries) <= 19, "\n".join(q["sql"][:120] for q in queries.captured_queries)


@pytest.mark.django_db(transaction=True)
def test_concurrent_submits_of_one_form_book_once(clerk):
    """The service's own guard (the HTML form's key; the API has an advisory lock in
    front): the unique (clerk, key) claim makes the others wait, then answer with the
    first booking."""
    services.till_session_open(clerk=clerk, denominations=FLOAT)
    till_before = banking_selectors.open_till_for(clerk_id=clerk.pk).ledger.balance_paise
    results, errors = [], []
    start = threading.Barrier(6)

    def submit():
        try:
            start.wait()
            results.append(
                services.booking_create(
                    clerk=clerk, articles=[article()], payment={"method": "cash"}, idempotency_key="double-click"
                )
            )
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert Booking.objects.filter(clerk=clerk).count() == 1
    booking = Booking.objects.get(clerk=clerk)
    assert {r.booking.pk for r in results} == {booking.pk}
    assert sum(not r.replayed for r in results) == 1
    assert BookingArticle.objects.filter(booking=booking).count() == 1
    till_after = banking_selectors.open_till_for(clerk_id=clerk.pk).ledger.balance_paise
    assert till_after - till_before == booking.total_paise
