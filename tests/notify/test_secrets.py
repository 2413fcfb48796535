"""An OTP reaches the phone and nowhere else: not the outbox once sent, never a log."""

from __future__ import annotations

import logging

import pytest
from django.db import connection

from notify.models import Outbox
from notify.services import sms_relay_once

from .conftest import MOBILE, queue_test_sms

pytestmark = pytest.mark.django_db(transaction=True)

OTP = "482913"


def _outbox_table_as_text() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM notify_outbox")
        return repr(cursor.fetchall())


def test_secret_is_delivered_then_blanked_and_never_logged(sms_file, caplog):
    caplog.set_level(logging.DEBUG)
    row = queue_test_sms(OTP, secret=True)
    plain = queue_test_sms("777", lang="en")
    assert OTP in _outbox_table_as_text()  # until it is sent, the relay needs it

    assert sms_relay_once() == 2

    assert sms_file.texts() == [f"डाकघर परीक्षण संदेश {OTP}", "Dakghar test message 777"]
    assert OTP not in _outbox_table_as_text()
    row.refresh_from_db()
    assert row.text == "डाकघर परीक्षण संदेश {#var#}"
    plain.refresh_from_db()
    assert plain.text == "Dakghar test message 777"  # only secret rows are blanked
    assert caplog.records, "the relay logs what it does"
    for record in caplog.records:
        assert OTP not in record.getMessage() and OTP not in repr(record.args)
        assert MOBILE not in record.getMessage()  # numbers are masked in logs


def test_secret_given_up_on_a_broken_gateway_is_blanked_and_not_logged(settings, caplog):
    caplog.set_level(logging.DEBUG)
    settings.SMS_BACKEND = "file"
    settings.SMS_FILE_PATH = "/proc/no-such-dir/sms.jsonl"  # cannot be written
    settings.SMS_MAX_ATTEMPTS = 1
    queue_test_sms(OTP, secret=True)

    assert sms_relay_once() == 0

    row = Outbox.objects.get()
    assert row.status == Outbox.Status.FAILED
    assert row.last_error.startswith("cannot append to the SMS file")
    assert OTP not in _outbox_table_as_text()
    assert OTP not in caplog.text


def test_console_gateway_shows_the_message_on_its_screen_not_in_the_logs(settings, capsys, caplog):
    caplog.set_level(logging.DEBUG)
    settings.SMS_BACKEND = "console"
    queue_test_sms(OTP, secret=True)

    assert sms_relay_once() == 1

    screen = capsys.readouterr().out
    assert f"डाकघर परीक्षण संदेश {OTP}" in screen and MOBILE in screen
    assert OTP not in caplog.text
