"""A broker outage delays messages and loses none."""

from __future__ import annotations

import logging
import time
from contextlib import contextmanager

import pytest
from celery import signals
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.db import connection, transaction

from accounts.models import User
from config.celery import app as celery_app
from notify.models import Outbox
from notify.services import sms_queue
from notify.tasks import sms_relay
from tests.outages import broker_at

from .conftest import MOBILE, free_port

pytestmark = pytest.mark.django_db(transaction=True)


def _close_db_connection(**kwargs) -> None:
    # The embedded worker runs tasks in its own thread with its own connection.
    connection.close()


@contextmanager
def celery_worker():
    """A real Celery worker (solo pool, in a thread) consuming from the test Redis."""
    celery_app.conf.worker_hijack_root_logger = False  # keep pytest's log capture
    signals.task_postrun.connect(_close_db_connection, weak=False)
    try:
        with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=30) as worker:
            yield worker
    finally:
        signals.task_postrun.disconnect(_close_db_connection)


def _wait_for(predicate, *, timeout: float = 20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(0.1)
    return predicate()


def test_redis_down_business_commits_promptly_and_the_sweep_sends_later(sms_file, caplog):
    assert settings.CELERY_BROKER_URL.startswith("redis://"), "this test needs the real Redis broker"
    caplog.set_level(logging.WARNING, logger="notify")

    with broker_at(f"redis://127.0.0.1:{free_port()}/1"):
        started = time.monotonic()
        with transaction.atomic():
            User.objects.create(username="booked-while-redis-down")
            for n in range(3):
                sms_queue(to=MOBILE, template_key="notify.test", context={"n": str(n)}, lang="en")
        elapsed = time.monotonic() - started
        # A later booking while Redis is still down does not even try the broker.
        with transaction.atomic():
            sms_queue(to=MOBILE, template_key="notify.test", context={"n": "3"}, lang="en")

    # The business change committed, promptly, and the messages wait in the outbox.
    assert elapsed < 1.5, f"commit took {elapsed:.2f}s with the broker down"
    assert User.objects.filter(username="booked-while-redis-down").exists()
    assert Outbox.objects.filter(sent_at=None, failed_at=None).count() == 4
    assert sms_file.lines() == []
    warnings = [r for r in caplog.records if r.name == "notify.services" and r.levelno == logging.WARNING]
    assert len(warnings) == 1  # one kick per transaction, then kicks pause a while
    assert "broker unavailable" in warnings[0].getMessage()
    assert "Dakghar test message" not in caplog.text

    # Redis is back: the beat sweep's message reaches a real worker, which sends them.
    celery_app.control.purge()
    with celery_worker():
        sms_relay.apply_async()  # exactly what beat's "sms-relay-sweep" publishes every 5 s
        lines = _wait_for(lambda: len(sms_file.lines()) == 4 and sms_file.lines())

    assert sorted(line["text"] for line in lines) == [f"Dakghar test message {n}" for n in range(4)]
    assert Outbox.objects.filter(sent_at=None).count() == 0


def test_with_redis_up_the_commit_itself_gets_the_message_sent(sms_file):
    celery_app.control.purge()
    with celery_worker():
        with transaction.atomic():
            sms_queue(to=MOBILE, template_key="notify.test", context={"n": "kicked"}, lang="en")
        # No sweep needed: the kick after commit makes the worker send it.
        lines = _wait_for(sms_file.lines)

    assert [line["text"] for line in lines] == ["Dakghar test message kicked"]
