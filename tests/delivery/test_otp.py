"""OTP hand-over: the whole life of a code, through the API as the postman's phone uses it."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

import pytest
from django.db import connection, connections
from django.test import Client

from delivery.clock import IST
from delivery.exceptions import OtpExpired, OtpResendCooldown, OtpSendLimit
from delivery.models import Article, DeliveryOtp, EventType, OtpStatus, TrackingEvent
from delivery.services import article_deliver, article_otp_resend, article_out_for_delivery

pytestmark = pytest.mark.django_db(transaction=True)


def _out(client, number, **headers):
    return client.post(
        f"/api/v1/delivery/articles/{number}/out-for-delivery/", {}, content_type="application/json", headers=headers
    )


def _deliver(client, number, code, **headers):
    return client.post(
        f"/api/v1/delivery/articles/{number}/deliver/", {"otp": code}, content_type="application/json", headers=headers
    )


def _wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def test_otp_lifecycle_wrong_codes_lockout_resend_delivery_second_use(book, postman, login, sms_file):
    article = book(otp=True)
    client = login(postman)
    taken = _out(client, article.number)
    assert taken.status_code == 200, taken.content
    assert taken.json()["otp_sent"] is True
    first = sms_file.latest_code(article.number)
    assert first not in taken.content.decode()

    # Four wrong codes: 422 with the tries left.
    for left in (4, 3, 2, 1):
        answer = _deliver(client, article.number, _wrong(first))
        assert answer.status_code == 422
        assert answer.json()["error"]["code"] == "otp_invalid"
        assert answer.json()["error"]["details"]["attempts_left"] == left
    # The fifth kills the code; after that even the right one is refused with 423.
    fifth = _deliver(client, article.number, _wrong(first))
    assert fifth.status_code == 422 and fifth.json()["error"]["details"]["attempts_left"] == 0
    locked = _deliver(client, article.number, first)
    assert locked.status_code == 423
    assert locked.json()["error"]["code"] == "otp_locked"
    assert first not in locked.content.decode()

    # Resend (the first send was just now, so move it back past the cooldown).
    DeliveryOtp.objects.filter(article=article).update(created_at=datetime.now(IST) - timedelta(seconds=61))
    resent = client.post(f"/api/v1/delivery/articles/{article.number}/resend-otp/")
    assert resent.status_code == 200, resent.content
    assert resent.json()["sends_left_today"] == 1
    second = sms_file.latest_code(article.number)
    assert len(sms_file.codes_for(article.number)) == 2
    # A second resend within 60 s is refused.
    too_soon = client.post(f"/api/v1/delivery/articles/{article.number}/resend-otp/")
    assert too_soon.status_code == 429
    assert too_soon.json()["error"]["code"] == "otp_resend_cooldown"

    if second != first:  # the old code, replaced, no longer works
        assert _deliver(client, article.number, first).status_code == 422
    done = _deliver(client, article.number, second)
    assert done.status_code == 200, done.content
    assert done.json()["status"] == "delivered"
    assert second not in done.content.decode()

    # Single use: the same code again is refused (the article is delivered).
    again = _deliver(client, article.number, second)
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "invalid_transition"
    assert TrackingEvent.objects.filter(article=article, type=EventType.DELIVERED).count() == 1
    assert DeliveryOtp.objects.get(article=article, status=OtpStatus.USED)


def test_a_code_expires_at_the_end_of_the_ist_day(book, postman, postmaster, sms_file):
    article = book(otp=True)
    evening = datetime(2030, 3, 14, 23, 50, tzinfo=IST)
    article_out_for_delivery(article_number=article.number, postman=postman, actor=postmaster, at=evening)
    code = sms_file.latest_code(article.number)
    with pytest.raises(OtpExpired):
        article_deliver(article_number=article.number, actor=postman, otp=code, at=evening + timedelta(minutes=15))
    # Same day it would have worked:
    event = article_deliver(article_number=article.number, actor=postman, otp=code, at=evening + timedelta(minutes=9))
    assert event.type == EventType.DELIVERED


def test_resend_cooldown_and_three_sends_a_day(book, postman, postmaster, sms_file):
    article = book(otp=True)
    morning = datetime(2030, 3, 14, 9, 0, tzinfo=IST)
    article_out_for_delivery(article_number=article.number, postman=postman, actor=postmaster, at=morning)
    with pytest.raises(OtpResendCooldown) as caught:
        article_otp_resend(article_number=article.number, actor=postman, at=morning + timedelta(seconds=59))
    assert caught.value.details["retry_after_seconds"] >= 1
    second = article_otp_resend(article_number=article.number, actor=postman, at=morning + timedelta(seconds=61))
    assert second.sends_left_today == 1
    third = article_otp_resend(article_number=article.number, actor=postman, at=morning + timedelta(minutes=5))
    assert third.sends_left_today == 0
    with pytest.raises(OtpSendLimit):
        article_otp_resend(article_number=article.number, actor=postman, at=morning + timedelta(hours=3))
    assert len(sms_file.codes_for(article.number)) == 3
    # Each send replaced the one before: exactly one live code.
    assert DeliveryOtp.objects.filter(article=article, status=OtpStatus.ACTIVE).count() == 1
    # The next day the cap starts again.
    next_day = article_otp_resend(article_number=article.number, actor=postman, at=morning + timedelta(days=1))
    assert next_day.sends_left_today == 2


def test_ten_simultaneous_right_codes_deliver_once(book, postman, postmaster, sms_file):
    article = book(otp=True)
    article_out_for_delivery(article_number=article.number, postman=postman, actor=postmaster)
    code = sms_file.latest_code(article.number)
    barrier = threading.Barrier(10)
    results: list[int] = []
    lock = threading.Lock()

    def hand_over():
        client = Client()
        client.force_login(postman)
        try:
            barrier.wait()
            status = _deliver(client, article.number, code).status_code
            with lock:
                results.append(status)
        finally:
            connection.close()

    threads = [threading.Thread(target=hand_over) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [200] + [409] * 9
    assert TrackingEvent.objects.filter(article=article, type=EventType.DELIVERED).count() == 1
    assert Article.objects.get(pk=article.pk).status == "delivered"


def _all_text(cursor) -> list[tuple[str, str, str]]:
    """Every value of every text-like column (char, text, json) of every table."""
    cursor.execute(
        """
        SELECT table_name, column_name FROM information_schema.columns
        WHERE table_schema = 'public'
          AND data_type IN ('character varying', 'text', 'json', 'jsonb', 'character')
        """
    )
    values = []
    for table, column in cursor.fetchall():
        cursor.execute(f'SELECT "{column}"::text FROM "{table}" WHERE "{column}" IS NOT NULL')  # noqa: S608
        values.extend((table, column, row[0]) for row in cursor.fetchall())
    return values


def test_no_table_holds_the_code_after_the_hand_over(book, postman, login, sms_file):
    with connections["default"].cursor() as cursor:
        before = set(_all_text(cursor))
    article = book(otp=True)
    client = login(postman)
    assert _out(client, article.number, **{"Idempotency-Key": "out-key-0001"}).status_code == 200
    code = sms_file.latest_code(article.number)  # the relay has sent it: the outbox is blanked
    assert _deliver(client, article.number, _wrong(code), **{"Idempotency-Key": "wrong-key-0001"}).status_code == 422
    assert _deliver(client, article.number, code, **{"Idempotency-Key": "right-key-0001"}).status_code == 200
    with connections["default"].cursor() as cursor:
        hits = [hit for hit in _all_text(cursor) if code in hit[2] and hit not in before]
    assert hits == []
    # and the hash is not the code either: only bytes
    otp = DeliveryOtp.objects.get(article=article)
    assert isinstance(bytes(otp.code_hash), bytes) and len(bytes(otp.code_hash)) == 32
