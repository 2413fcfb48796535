"""article_book writes its article and first event with plain statements: the rows must
be exactly what the model says, and refusals must write nothing."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from delivery.exceptions import InvalidBooking
from delivery.models import Article, ArticleStatus, TrackingEvent
from delivery.services import article_book

pytestmark = pytest.mark.django_db

PERSON = {"name": "Sita Devi", "address": "12 Station Road, Bhagalpur", "pin": "812002", "mobile": "9876543210"}


def book(office_id, clerk, *, pin="812001", addons=frozenset({"otp"})):
    return article_book(
        service_indicator="EP",
        origin_office_id=office_id,
        sender=PERSON,
        recipient={**PERSON, "name": "Ram Kumar", "pin": pin},
        weight_g=750,
        addons=addons,
        notify_sender_on_delivery=False,
        actor=clerk,
    )


def test_the_returned_article_is_the_stored_row(places, clerk):
    with CaptureQueriesContext(connection) as queries:
        article = book(places.head_office.pk, clerk)
    stored = Article.objects.get(pk=article.pk)
    for field in Article._meta.concrete_fields:
        assert getattr(article, field.attname) == getattr(stored, field.attname), field.name
    assert stored.status == ArticleStatus.BOOKED and stored.otp_required and not stored.registration
    assert stored.origin_office_id == stored.current_office_id == places.head_office.pk
    assert stored.destination_office_id == places.head_office.pk  # 812001 is the H.O's own PIN
    [event] = TrackingEvent.objects.filter(article=stored)
    assert (event.type, event.status_after, event.office_id, event.actor_id) == (
        "booked",
        "booked",
        places.head_office.pk,
        clerk.pk,
    )
    assert event.occurred_at == stored.booked_at and event.recorded_at is not None
    # The S10 number, then the article with its event: two statements on PostgreSQL.
    assert len(queries.captured_queries) == 2


def test_a_pin_without_a_delivery_office_leaves_the_destination_empty(places, clerk):
    assert book(places.head_office.pk, clerk, pin="695001").destination_office_id is None


def test_an_unknown_origin_office_writes_nothing(places, clerk):
    before = (Article.objects.count(), TrackingEvent.objects.count())
    for office_id in (10**9, "not a number", None):
        with pytest.raises(InvalidBooking) as caught:
            book(office_id, clerk)
        assert "origin_office_id" in caught.value.details
    assert (Article.objects.count(), TrackingEvent.objects.count()) == before
