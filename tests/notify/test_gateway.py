"""The HTTP gateway: outages are retried with back-off; nothing is lost or doubled."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db.models import F
from django.db.models.functions import Now

from notify.models import Outbox
from notify.services import sms_relay_once

from .conftest import MOBILE, free_port, queue_test_sms

pytestmark = pytest.mark.django_db(transaction=True)


def _time_passes() -> None:
    """The clock moves on until every waiting message is due (instead of sleeping for minutes)."""
    Outbox.objects.filter(sent_at=None, failed_at=None).update(next_attempt_at=Now())


def _waits() -> list[timedelta]:
    """How long each pending message still waits, by the database clock."""
    rows = Outbox.objects.filter(sent_at=None, failed_at=None).annotate(wait=F("next_attempt_at") - Now())
    return [row.wait for row in rows.order_by("pk")]


def test_gateway_down_then_up_retries_with_back_off_and_sends_each_once(fake_gateway, settings):
    settings.SMS_RETRY_BASE_SECONDS = 30
    rows = [queue_test_sms(n) for n in range(3)]

    fake_gateway.status = 500
    assert sms_relay_once() == 0
    assert len(fake_gateway.requests) == 3
    assert [row.attempts for row in Outbox.objects.order_by("pk")] == [1, 1, 1]
    assert set(Outbox.objects.values_list("last_error", flat=True)) == {"gateway answered HTTP 500"}
    assert all(timedelta(seconds=25) < wait <= timedelta(seconds=30) for wait in _waits())

    # Backing off: an immediate second run does not hammer the gateway.
    assert sms_relay_once() == 0
    assert len(fake_gateway.requests) == 3

    _time_passes()
    assert sms_relay_once() == 0
    assert [row.attempts for row in Outbox.objects.order_by("pk")] == [2, 2, 2]
    assert all(timedelta(seconds=55) < wait <= timedelta(seconds=60) for wait in _waits())  # doubled

    fake_gateway.status = 200
    _time_passes()
    assert sms_relay_once() == 3

    assert len(fake_gateway.requests) == 9
    assert fake_gateway.delivered() == {f"dakghar-{row.pk}": 1 for row in rows}
    for row in Outbox.objects.order_by("pk"):
        assert row.sent_at is not None and row.attempts == 2 and row.last_error == ""
        assert row.gateway_message_id.startswith("gw-")
    assert sms_relay_once() == 0
    assert len(fake_gateway.requests) == 9


def test_gateway_receives_header_dlt_id_token_and_the_hindi_text(fake_gateway):
    row = queue_test_sms(11)

    assert sms_relay_once() == 1

    (request,) = fake_gateway.requests
    assert request["path"] == "/sms/send"
    assert request["headers"]["Authorization"] == "Bearer gateway-token-for-tests"
    assert request["headers"]["Idempotency-Key"] == f"dakghar-{row.pk}"
    assert request["json"] == {
        "to": MOBILE,
        "sender": "INPOST",
        "dlt_template_id": "1107000000000000001",
        "text": "डाकघर परीक्षण संदेश 11",
        "unicode": True,
        "lang": "hi",
        "template": "notify.test",
        "reference": f"dakghar-{row.pk}",
    }


def test_gateway_that_does_not_answer_in_time_is_a_failure(fake_gateway, settings):
    settings.SMS_HTTP_TIMEOUT = 0.3
    fake_gateway.delay = 1.0
    queue_test_sms(1)

    assert sms_relay_once() == 0

    row = Outbox.objects.get()
    assert (row.attempts, row.sent_at) == (1, None)
    assert row.last_error == "gateway unreachable: timed out"


def test_gateway_refusing_connections_is_a_failure(settings, fake_gateway):
    settings.SMS_HTTP_URL = f"http://127.0.0.1:{free_port()}/sms"
    queue_test_sms(1)

    assert sms_relay_once() == 0

    row = Outbox.objects.get()
    assert row.attempts == 1
    assert row.last_error == "gateway unreachable: Connection refused"


def test_a_batch_stops_after_three_failures_in_a_row_and_gives_the_rest_back(fake_gateway):
    for n in range(5):
        queue_test_sms(n)
    fake_gateway.status = 503

    assert sms_relay_once() == 0

    assert len(fake_gateway.requests) == 3
    assert sorted(Outbox.objects.values_list("attempts", flat=True)) == [0, 0, 1, 1, 1]
    # The two untried ones are not held by a lease: due at once, for the next run.
    assert Outbox.objects.filter(attempts=0, claimed_until=None, claim_token=None).count() == 2
    fake_gateway.status = 200
    assert sms_relay_once() == 2


def test_after_max_attempts_the_message_is_failed_kept_and_its_secret_blanked(fake_gateway, settings):
    settings.SMS_MAX_ATTEMPTS = 2
    fake_gateway.status = 500
    queue_test_sms("482913", secret=True)

    sms_relay_once()
    _time_passes()
    sms_relay_once()

    row = Outbox.objects.get()
    assert row.status == Outbox.Status.FAILED
    assert (row.attempts, row.sent_at) == (2, None)
    assert row.text == "डाकघर परीक्षण संदेश {#var#}"
    # Given up means given up: no further attempts.
    _time_passes()
    fake_gateway.status = 200
    assert sms_relay_once() == 0
    assert len(fake_gateway.requests) == 2


def test_a_redirect_is_a_failure_not_a_silent_get(fake_gateway):
    fake_gateway.status = 302
    queue_test_sms(1)

    assert sms_relay_once() == 0
    assert Outbox.objects.get().last_error == "gateway answered HTTP 302"
