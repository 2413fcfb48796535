"""manage.py sms_relay, for operators."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import translation

from notify.models import Outbox

from .conftest import queue_test_sms

pytestmark = pytest.mark.django_db(transaction=True)


def test_sms_relay_once_sends_what_is_due_and_says_how_many(sms_file):
    for n in range(3):
        queue_test_sms(n, lang="en")
    out = StringIO()

    with translation.override("en"):
        call_command("sms_relay", "--once", stdout=out)

    assert out.getvalue().strip() == "3 messages sent."
    assert sorted(sms_file.texts()) == [f"Dakghar test message {n}" for n in range(3)]
    assert Outbox.objects.filter(sent_at=None).count() == 0


def test_sms_relay_once_drains_more_than_one_batch(sms_file):
    for n in range(5):
        queue_test_sms(n)
    out = StringIO()

    with translation.override("en"):
        call_command("sms_relay", "--once", "--batch", "2", stdout=out)

    assert out.getvalue().strip() == "5 messages sent."
    assert len(sms_file.lines()) == 5


def test_sms_relay_once_with_nothing_due(sms_file):
    out = StringIO()
    with translation.override("en"):
        call_command("sms_relay", "--once", stdout=out)
    assert out.getvalue().strip() == "0 messages sent."


def test_sms_relay_speaks_hindi_to_a_hindi_operator(sms_file):
    queue_test_sms(1)
    out = StringIO()
    with translation.override("hi"):
        call_command("sms_relay", "--once", stdout=out)
    assert out.getvalue().strip() == "1 संदेश भेजा गया।"


def test_sms_relay_without_once_keeps_sending_until_stopped(sms_file, settings):
    """The operator's long-running relay, as a real process, stopped with SIGTERM."""
    queue_test_sms(1, lang="en")
    database = settings.DATABASES["default"]  # the test database, by now
    user = database["USER"] + (f":{database['PASSWORD']}" if database["PASSWORD"] else "")
    env = os.environ | {
        "DATABASE_URL": f"postgres://{user}@{database['HOST']}:{database['PORT']}/{database['NAME']}",
        "SMS_BACKEND": "file",
        "SMS_FILE_PATH": str(sms_file.path),
    }
    relay = subprocess.Popen(
        [sys.executable, "manage.py", "sms_relay", "--interval", "0.2"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert _wait_for(lambda: len(sms_file.lines()) == 1)
        queue_test_sms(2, lang="en")  # queued while it runs: picked up on its next round
        assert _wait_for(lambda: len(sms_file.lines()) == 2)
        relay.send_signal(signal.SIGTERM)
        out, _err = relay.communicate(timeout=20)
    finally:
        if relay.poll() is None:
            relay.kill()

    assert relay.returncode == 0
    assert sms_file.texts() == ["Dakghar test message 1", "Dakghar test message 2"]
    assert out.splitlines()[-2:] == ["Stopped.", "2 messages sent."]


def _wait_for(predicate, timeout: float = 20.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return bool(predicate())
