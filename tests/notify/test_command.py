"""manage.py sms_relay, for operators."""

from __future__ import annotations

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
