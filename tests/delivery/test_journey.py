"""The article's journey: the transition map, append-only events, bags, beats, returns."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from accounts.models import Role, User
from delivery.exceptions import ArticleNotCancellable, ArticleTransitionRefused, InvalidBooking, WrongOffice
from delivery.models import ArticleStatus, EventType, TrackingEvent
from delivery.selectors import article_get, articles_for_office_today, tracking_events
from delivery.services import (
    TRANSITIONS,
    article_attempt,
    article_cancel,
    article_deliver,
    article_out_for_delivery,
    article_receive,
    article_return,
    bag_dispatch,
    bag_receive,
)

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def sub_postman(places):
    office = places.sub_offices[0]  # Bhagalpur City S.O, 812002
    user, _ = User.objects.get_or_create(
        username="postman_city", defaults={"role": Role.POSTMAN, "post_office": office, "first_name": "Gopal"}
    )
    return user


def types(article) -> list[str]:
    return [e.type for e in tracking_events(article.number)]


def test_booking_makes_the_first_event(book, clerk, places):
    article = book(otp=False)
    assert article.status == ArticleStatus.BOOKED
    [event] = tracking_events(article.number)
    assert (event.type, event.office_id, event.actor_id) == ("booked", places.head_office.pk, clerk.pk)
    assert article_get(article.number.lower()) == article
    assert article in articles_for_office_today(office_id=places.head_office.pk)


def test_booking_checks_its_input(book):
    with pytest.raises(InvalidBooking) as caught:
        book(otp=True, recipient_mobile="")
    assert "recipient.mobile" in caught.value.details
    with pytest.raises(InvalidBooking):
        book(recipient_pin="012345")


def test_a_whole_journey_through_a_bag_to_the_sub_office(book, clerk, places, sub_postman, postmaster):
    city = places.sub_offices[0]
    article = book(otp=False, recipient_pin=city.pin)
    result = bag_dispatch(
        article_numbers=[article.number, "EE473124828IN", "hello"],
        from_office_id=places.head_office.pk,
        to_office_id=city.pk,
        actor=clerk,
    )
    assert [a.number for a in result.bagged] == [article.number]
    assert {r.number for r in result.refused} == {"EE473124828IN", "hello"}
    assert "check digit" in result.refused[0].message
    received = bag_receive(bag=result.bag.number, office_id=city.pk, actor=postmaster)
    assert [a.number for a in received.received] == [article.number]
    article_out_for_delivery(article_number=article.number, postman=sub_postman, actor=sub_postman)
    article_deliver(article_number=article.number, actor=sub_postman, receiver_name="Ram Kumar", signature_png=PNG)
    assert types(article) == ["booked", "dispatched", "received", "out_for_delivery", "delivered"]
    delivered = tracking_events(article.number)[-1]
    assert delivered.receiver_name == "Ram Kumar"
    assert bytes(delivered.proof.signature_png) == PNG


def test_steps_out_of_order_are_refused(book, postman, postmaster, places):
    article = book(otp=False)
    with pytest.raises(ArticleTransitionRefused):
        article_receive(article_number=article.number, office_id=places.head_office.pk, actor=postmaster)
    with pytest.raises(ArticleTransitionRefused):
        article_deliver(article_number=article.number, actor=postmaster, receiver_name="X", signature_png=PNG)
    with pytest.raises(ArticleTransitionRefused):
        article_attempt(article_number=article.number, reason="addressee_absent", actor=postmaster)
    article_out_for_delivery(article_number=article.number, postman=postman, actor=postmaster)
    with pytest.raises(ArticleTransitionRefused):
        article_out_for_delivery(article_number=article.number, postman=postman, actor=postmaster)
    article_deliver(article_number=article.number, actor=postman, receiver_name="Ram", signature_png=PNG)
    with pytest.raises(ArticleTransitionRefused):
        article_attempt(article_number=article.number, reason="refused", actor=postman)
    assert types(article) == ["booked", "out_for_delivery", "delivered"]


def test_the_map_is_the_rule():
    """Every status a step does not list is refused by _transition (one check, as data)."""
    assert TRANSITIONS[EventType.DELIVERED][0] == frozenset({ArticleStatus.OUT_FOR_DELIVERY})
    assert ArticleStatus.DELIVERED not in set().union(*(allowed for allowed, _ in TRANSITIONS.values()))
    assert ArticleStatus.CANCELLED not in set().union(*(allowed for allowed, _ in TRANSITIONS.values()))


def test_a_postman_of_another_office_cannot_take_it_out(book, sub_postman, postmaster):
    article = book(otp=False)
    with pytest.raises(WrongOffice):
        article_out_for_delivery(article_number=article.number, postman=sub_postman, actor=postmaster)


def test_three_counted_attempts_return_it_to_the_sender(book, postman, postmaster, settings):
    settings.DELIVERY_MAX_ATTEMPTS = 3
    article = book(otp=False)
    for reason in ("addressee_absent", "link_down", "premises_locked", "address_not_found"):
        article_out_for_delivery(article_number=article.number, postman=postman, actor=postmaster)
        article_attempt(article_number=article.number, reason=reason, actor=postman)
    article = article_get(article.number)
    assert article.status == ArticleStatus.RETURNED and article.is_return
    assert types(article)[-2:] == ["attempted", "returned"]
    assert types(article).count("attempted") == 4  # link down was not counted
    # On its way back it is delivered to the sender, against a signature.
    article_out_for_delivery(article_number=article.number, postman=postman, actor=postmaster)
    event = article_deliver(article_number=article.number, actor=postman, receiver_name="Sita Devi", signature_png=PNG)
    assert event.receiver_kind == "sender"


def test_the_postmaster_can_return_early(book, postmaster, postman):
    article = book(otp=False)
    article_out_for_delivery(article_number=article.number, postman=postman, actor=postmaster)
    article_attempt(article_number=article.number, reason="refused", actor=postman)
    article_return(article_number=article.number, reason="Refused by addressee", actor=postmaster)
    assert article_get(article.number).status == ArticleStatus.RETURNED


def test_cancel_same_day_before_dispatch_only(book, clerk, postmaster, places):
    article = book(otp=False)
    event = article_cancel(article_number=article.number, reason="Customer changed mind", actor=postmaster)
    assert event.type == EventType.CANCELLED and article_get(article.number).status == "cancelled"
    yesterday = book(otp=False, booked_at=timezone.now() - timedelta(days=1))
    with pytest.raises(ArticleNotCancellable):
        article_cancel(article_number=yesterday.number, reason="late", actor=postmaster)
    sent = book(otp=False)
    bag_dispatch(
        article_numbers=[sent.number],
        from_office_id=places.head_office.pk,
        to_office_id=places.sub_offices[1].pk,
        actor=clerk,
    )
    with pytest.raises(ArticleNotCancellable):
        article_cancel(article_number=sent.number, reason="too late", actor=postmaster)


def test_events_are_append_only(book):
    article = book(otp=False)
    event = TrackingEvent.objects.get(article=article)
    event.note = "changed"
    with pytest.raises(ValidationError):
        event.save()
    with pytest.raises(ValidationError):
        event.delete()
    with pytest.raises(ValidationError):
        TrackingEvent.objects.filter(pk=event.pk).update(note="x")
    with pytest.raises(ValidationError):
        TrackingEvent.objects.filter(pk=event.pk).delete()


def test_the_database_refuses_changes_to_events_too(book):
    article = book(otp=False)
    event = TrackingEvent.objects.get(article=article)
    for sql in (
        "UPDATE delivery_trackingevent SET note = 'x' WHERE id = %s",
        "DELETE FROM delivery_trackingevent WHERE id = %s",
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [event.pk])
    assert TrackingEvent.objects.get(pk=event.pk).note == ""


def test_receiving_only_the_scanned_articles_reports_the_rest_missing(book, clerk, places, postmaster):
    city = places.sub_offices[0]
    first, second = book(otp=False, recipient_pin=city.pin), book(otp=False, recipient_pin=city.pin)
    bag = bag_dispatch(
        article_numbers=[first.number, second.number],
        from_office_id=places.head_office.pk,
        to_office_id=city.pk,
        actor=clerk,
    ).bag
    result = bag_receive(bag=bag.number, office_id=city.pk, actor=postmaster, article_numbers=[first.number.lower()])
    assert [a.number for a in result.received] == [first.number]
    assert [a.number for a in result.missing] == [second.number]
    assert article_get(second.number).status == ArticleStatus.IN_TRANSIT
    # found later, received on its own
    article_receive(article_number=second.number, office_id=city.pk, actor=postmaster)
    assert article_get(second.number).current_office_id == city.pk
