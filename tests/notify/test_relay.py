"""The relay: every committed message is sent exactly once, even with relays racing."""

from __future__ import annotations

import threading
import uuid
from collections import Counter
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone

from notify.models import Outbox
from notify.services import sms_queue, sms_relay_once

from .conftest import MOBILE

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_relays_at_once_send_each_of_200_messages_exactly_once(sms_file):
    with transaction.atomic():
        for n in range(200):
            sms_queue(to=MOBILE, template_key="notify.test", context={"n": str(n)}, lang="en")

    start = threading.Barrier(2)
    sent_by: dict[str, int] = {}
    errors: list[BaseException] = []

    def relay(name: str) -> None:
        try:
            start.wait(timeout=10)
            total = 0
            # Small batches so the two relays claim many times, side by side.
            while sent := sms_relay_once(batch=7):
                total += sent
            sent_by[name] = total
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=relay, args=(name,)) for name in ("relay-a", "relay-b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    assert sms_file.count_by_text() == Counter({f"Dakghar test message {n}": 1 for n in range(200)})
    assert sum(sent_by.values()) == 200
    assert Outbox.objects.filter(sent_at=None).count() == 0
    assert Outbox.objects.filter(claim_token__isnull=False).count() == 0


def test_relay_inside_a_transaction_is_refused(sms_file):
    with transaction.atomic():
        sms_queue(to=MOBILE, template_key="notify.test", context={"n": "1"})
        # The gateway call must not happen inside anyone's transaction.
        with pytest.raises(RuntimeError, match="durable"):
            sms_relay_once()
    assert sms_file.lines() == []


def _claimed_by_another_relay(row: Outbox, *, lease_ends_in: timedelta) -> None:
    Outbox.objects.filter(pk=row.pk).update(claim_token=uuid.uuid4(), claimed_until=timezone.now() + lease_ends_in)


def test_a_message_another_relay_is_sending_is_left_alone(sms_file):
    with transaction.atomic():
        row = sms_queue(to=MOBILE, template_key="notify.test", context={"n": "1"})
    _claimed_by_another_relay(row, lease_ends_in=timedelta(minutes=2))

    assert sms_relay_once() == 0
    assert sms_file.lines() == []


def test_a_message_whose_relay_died_is_sent_once_its_lease_ends(sms_file):
    with transaction.atomic():
        row = sms_queue(to=MOBILE, template_key="notify.test", context={"n": "1"}, lang="en")
    _claimed_by_another_relay(row, lease_ends_in=-timedelta(seconds=1))

    assert sms_relay_once() == 1
    assert sms_file.texts() == ["Dakghar test message 1"]
