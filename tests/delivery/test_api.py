"""The delivery API: idempotent replays, error shapes, permissions, bags; public tracking."""

from __future__ import annotations

import threading
import uuid

import pytest
from django.db import connection
from django.test import Client

from core.idempotency import key_digest
from core.models import IdempotencyKey
from delivery.models import ArticleStatus, EventType, TrackingEvent
from delivery.services import article_out_for_delivery

API = "/api/v1/delivery/articles"


def post(client, url, data=None, key=None):
    """A POST as a phone sends it: with a fresh Idempotency-Key unless one is given
    (key="" sends none)."""
    key = uuid.uuid4().hex if key is None else key
    return client.post(url, data or {}, content_type="application/json", HTTP_IDEMPOTENCY_KEY=key)


@pytest.mark.django_db
def test_an_offline_attempt_replayed_makes_one_event_and_the_same_answer(book, postman, postmaster, login):
    article = book(otp=False)
    article_out_for_delivery(article_number=article.number, postman=postman, actor=postmaster)
    client = login(postman)
    body = {"reason": "premises_locked", "occurred_at": "2030-01-01T10:00:00+05:30"}
    first = post(client, f"{API}/{article.number}/attempt/", body, key="phone-3f2a-0001")
    second = post(client, f"{API}/{article.number}/attempt/", body, key="phone-3f2a-0001")
    assert first.status_code == second.status_code == 200
    assert first.json() == second.json()
    assert second["Idempotent-Replayed"] == "true"
    assert TrackingEvent.objects.filter(article=article, type=EventType.ATTEMPTED).count() == 1
    assert TrackingEvent.objects.get(article=article, type=EventType.ATTEMPTED).idempotency_key == key_digest(
        sender=f"user:{postman.pk}", key="phone-3f2a-0001"
    )
    # The same key for a different request is refused, not replayed.
    other = post(client, f"{API}/{article.number}/attempt/", {"reason": "refused"}, key="phone-3f2a-0001")
    assert other.status_code == 422
    assert other.json()["error"]["code"] == "idempotency_key_reused"


@pytest.mark.django_db
def test_keys_are_any_printable_ascii_and_belong_to_their_sender(book, postman, postmaster, login, clerk):
    article = book(otp=False)
    article_out_for_delivery(article_number=article.number, postman=postman, actor=postmaster)
    client = login(postman)
    assert post(client, f"{API}/{article.number}/attempt/", {"reason": "refused"}, key="k1").status_code == 200
    bad = post(client, f"{API}/{article.number}/attempt/", {"reason": "refused"}, key="x" * 256)
    assert bad.status_code == 400
    assert bad.json()["error"]["code"] == "idempotency_key_invalid"
    missing = post(client, f"{API}/{article.number}/attempt/", {"reason": "refused"}, key="")
    assert missing.status_code == 400
    assert missing.json()["error"]["code"] == "idempotency_key_required"
    # Another user's identical key is a different key: not a replay of the postman's answer.
    other = post(login(postmaster), f"{API}/{article.number}/attempt/", {"reason": "refused"}, key="k1")
    assert "Idempotent-Replayed" not in other


@pytest.mark.django_db
def test_a_replayed_wrong_code_is_not_counted_twice(book, postman, postmaster, login):
    article = book(otp=True)
    article_out_for_delivery(article_number=article.number, postman=postman, actor=postmaster)
    client = login(postman)
    answers = [
        post(client, f"{API}/{article.number}/deliver/", {"otp": "000000"}, key="wrong-code-key-1") for _ in range(3)
    ]
    # (000000 could be the real code once in a million runs; then all three are 200.)
    assert len({a.status_code for a in answers}) == 1
    if answers[0].status_code == 422:
        assert [a.json()["error"]["details"]["attempts_left"] for a in answers] == [4, 4, 4]


@pytest.mark.django_db(transaction=True)
def test_the_same_key_sent_twice_at_once_makes_one_event(book, postman, postmaster):
    article = book(otp=False)
    article_out_for_delivery(article_number=article.number, postman=postman, actor=postmaster)
    barrier = threading.Barrier(4)
    statuses: list[int] = []

    def send():
        client = Client()
        client.force_login(postman)
        try:
            barrier.wait()
            statuses.append(
                post(client, f"{API}/{article.number}/attempt/", {"reason": "refused"}, key="twin-key-0001").status_code
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # One runs; a twin that arrives while it runs is told to retry (409), one after it gets the replay.
    assert 200 in statuses and set(statuses) <= {200, 409}, statuses
    assert TrackingEvent.objects.filter(article=article, type=EventType.ATTEMPTED).count() == 1
    assert (
        IdempotencyKey.objects.filter(digest=key_digest(sender=f"user:{postman.pk}", key="twin-key-0001")).count() == 1
    )


@pytest.mark.django_db
def test_out_of_order_is_409_with_the_error_shape(book, postman, postmaster, login):
    article = book(otp=False)
    client = login(postmaster)
    answer = post(client, f"{API}/{article.number}/events/", {"type": "received"})
    assert answer.status_code == 409
    error = answer.json()["error"]
    assert error["code"] == "invalid_transition" and error["details"]["status"] == "booked"
    assert error["message"]


@pytest.mark.django_db
def test_out_for_delivery_by_the_postmaster_names_the_postman(book, postman, postmaster, login):
    article = book(otp=False)
    client = login(postmaster)
    missing = post(client, f"{API}/{article.number}/out-for-delivery/")
    assert missing.status_code == 400 and missing.json()["error"]["code"] == "invalid_postman"
    answer = post(client, f"{API}/{article.number}/out-for-delivery/", {"postman": postman.username})
    assert answer.status_code == 200
    assert answer.json()["status"] == "out_for_delivery"
    assert answer.json()["postman"]["id"] == postman.pk


@pytest.mark.django_db
def test_events_endpoint_runs_the_journey(book, clerk, places, login, postmaster):
    article = book(otp=False)
    city = places.sub_offices[0]
    client = login(clerk)
    sent = post(
        client, f"{API}/{article.number}/events/", {"type": "dispatched", "to_office": city.pk}, key="disp-key-0001"
    )
    assert sent.status_code == 201, sent.content
    assert sent.json()["status"] == ArticleStatus.IN_TRANSIT
    assert sent.json()["event"]["to_office"]["id"] == city.pk
    timeline = client.get(f"{API}/{article.number}/events/")
    assert [e["type"] for e in timeline.json()["events"]] == ["booked", "dispatched"]


@pytest.mark.django_db
def test_bags_api_lists_bad_numbers_and_bags_good_ones(book, clerk, places, login):
    good = book(otp=False)
    client = login(clerk)
    answer = post(
        client,
        "/api/v1/delivery/bags/",
        {"to_office": places.sub_offices[0].pk, "articles": [good.number, "EE473124828IN"]},
    )
    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert body["bagged"] == [good.number]
    assert body["refused"][0]["number"] == "EE473124828IN"
    manifest = client.get(f"/api/v1/delivery/bags/{body['bag']}/")
    assert manifest.json()["articles"] == [{"article_number": good.number, "received": False}]


@pytest.mark.django_db
def test_strangers_and_other_beats_are_kept_out(book, outsider, postman, postmaster, login, places):
    article = book(otp=False)
    # One 404 for not-yours and none (issue 8): the outsider does not learn the number is taken.
    assert login(outsider).post(f"{API}/{article.number}/attempt/", {"reason": "refused"}).status_code == 404


@pytest.mark.django_db
def test_unknown_and_mistyped_numbers(login, postmaster):
    client = login(postmaster)
    assert client.get(f"{API}/EE473124829IN/").status_code == 404
    bad = client.get(f"{API}/EE473124828IN/")
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "invalid_article_number"


# --- public tracking -----------------------------------------------------------------


@pytest.mark.django_db
def test_public_tracking_masks_the_addressee(book, postman, postmaster, client):
    article = book(otp=True)
    article_out_for_delivery(article_number=article.number, postman=postman, actor=postmaster)
    answer = client.get(f"/api/v1/track/{article.number}/")
    assert answer.status_code == 200
    body = answer.json()
    assert body["recipient"] == {"name": "R** K****", "mobile": "98XXXXXX10", "pin": "812001"}
    assert [e["type"] for e in body["events"]] == ["booked", "out_for_delivery"]
    assert body["events"][0]["office"] == "Bhagalpur H.O"
    assert body["events"][0]["at"].endswith("+05:30")
    text = answer.content.decode()
    for secret in ("Ram Kumar", "9812345610", "Sita", "Tilka", postman.first_name, postman.username):
        assert secret not in text


@pytest.mark.django_db
def test_public_tracking_in_hindi_names_offices_in_hindi(book, client):
    article = book(otp=False)
    body = client.get(f"/api/v1/track/{article.number}/", headers={"Accept-Language": "hi"}).json()
    assert body["events"][0]["office"] == "भागलपुर प्रधान डाकघर"


@pytest.mark.django_db
def test_public_tracking_wrong_check_digit_is_a_clear_400(client):
    answer = client.get("/api/v1/track/EE473124828IN/")
    assert answer.status_code == 400
    error = answer.json()["error"]
    assert error["code"] == "invalid_article_number"
    assert error["details"]["reason"] == "check_digit"
    assert "check digit" in error["message"]


@pytest.mark.django_db
def test_public_tracking_is_rate_limited(client, settings):
    rate = int(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["track"].split("/")[0])
    statuses = [client.get("/api/v1/track/EE473124829IN/").status_code for _ in range(rate + 1)]
    assert statuses[:rate] == [404] * rate
    assert statuses[rate] == 429
    # the page shares the budget
    page = client.get("/track/", {"n": "EE473124829IN"})
    assert page.status_code == 429
