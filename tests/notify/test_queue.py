"""sms_queue: the message belongs to the caller's transaction."""

from __future__ import annotations

import pytest
from django.db import transaction

from accounts.models import User
from notify.exceptions import InvalidMobileNumber, MissingPlaceholderValue, UnknownSmsTemplate
from notify.models import Outbox, SmsTemplate
from notify.services import sms_queue, sms_relay_once, sms_templates_create_missing

from .conftest import MOBILE, queue_test_sms

pytestmark = pytest.mark.django_db(transaction=True)


class Boom(Exception):
    pass


def test_rolled_back_change_leaves_no_message(sms_file):
    with pytest.raises(Boom), transaction.atomic():
        User.objects.create(username="rolled-back-citizen")
        sms_queue(to=MOBILE, template_key="notify.test", context={"n": "1"})
        raise Boom

    assert not User.objects.filter(username="rolled-back-citizen").exists()
    assert Outbox.objects.count() == 0
    assert sms_relay_once() == 0
    assert sms_file.lines() == []


def test_committed_message_is_sent_by_the_relay(sms_file):
    with transaction.atomic():
        User.objects.create(username="committed-citizen")
        row = sms_queue(to=MOBILE, template_key="notify.test", context={"n": "42"}, lang="en")

    assert sms_relay_once() == 1

    assert sms_file.lines() == [
        {"to": MOBILE, "text": "Dakghar test message 42", "template": "notify.test", "lang": "en"}
    ]
    row.refresh_from_db()
    assert row.sent_at is not None and row.attempts == 0 and row.gateway_message_id
    # Sent once, never again.
    assert sms_relay_once() == 0
    assert len(sms_file.lines()) == 1


def test_message_rolled_back_with_a_savepoint_only(sms_file):
    with transaction.atomic():
        sms_queue(to=MOBILE, template_key="notify.test", context={"n": "kept"}, lang="en")
        with pytest.raises(Boom), transaction.atomic():
            sms_queue(to=MOBILE, template_key="notify.test", context={"n": "dropped"}, lang="en")
            raise Boom

    assert sms_relay_once() == 1
    assert sms_file.texts() == ["Dakghar test message kept"]


def test_queue_outside_a_transaction_is_refused():
    with pytest.raises(transaction.TransactionManagementError, match=r"transaction\.atomic"):
        sms_queue(to=MOBILE, template_key="notify.test", context={"n": "1"})
    assert Outbox.objects.count() == 0


def test_hindi_by_default_english_when_asked_devanagari_intact(sms_file):
    queue_test_sms(7)
    queue_test_sms(8, lang="en")

    assert sms_relay_once() == 2

    assert [(line["lang"], line["text"]) for line in sms_file.lines()] == [
        ("hi", "डाकघर परीक्षण संदेश 7"),
        ("en", "Dakghar test message 8"),
    ]
    # The file holds real UTF-8 Devanagari, not \u escapes.
    raw = sms_file.path.read_bytes()
    assert "डाकघर परीक्षण संदेश 7".encode() in raw
    assert b"\\u" not in raw


def test_wrong_number_is_refused_with_a_readable_error():
    with transaction.atomic():
        for bad in ("981234561", "98123456100", "5812345610", "+919812345610", "98123 45610"):
            with pytest.raises(InvalidMobileNumber) as caught:
                sms_queue(to=bad, template_key="notify.test", context={"n": "1"})
            assert caught.value.code == "invalid_mobile"
    assert Outbox.objects.count() == 0


def test_missing_value_and_unknown_template_are_programming_errors():
    with transaction.atomic():
        with pytest.raises(MissingPlaceholderValue, match=r"\['n'\]"):
            sms_queue(to=MOBILE, template_key="notify.test", context={})
        with pytest.raises(UnknownSmsTemplate):
            sms_queue(to=MOBILE, template_key="notify.no-such-template", context={})
        with pytest.raises(ValueError, match="language"):
            sms_queue(to=MOBILE, template_key="notify.test", context={"n": "1"}, lang="ta")


def test_template_row_is_created_on_first_use_if_post_migrate_has_not(sms_file):
    SmsTemplate.objects.filter(key="notify.test").delete()

    queue_test_sms(1, lang="en")

    template = SmsTemplate.objects.get(key="notify.test")
    assert template.dlt_template_id == "1107000000000000001"
    assert template.dlt_text("en") == "Dakghar test message {#var#}"
    assert template.dlt_text("hi") == "डाकघर परीक्षण संदेश {#var#}"
    assert sms_relay_once() == 1


def test_post_migrate_creates_missing_rows_and_keeps_administrators_edits():
    SmsTemplate.objects.filter(key="notify.test").update(text_en="Edited by the administrator {n}", sender="DKGHAR")

    assert sms_templates_create_missing() == 0
    edited = SmsTemplate.objects.get(key="notify.test")
    assert (edited.text_en, edited.sender) == ("Edited by the administrator {n}", "DKGHAR")

    edited.delete()
    assert sms_templates_create_missing() == 1
    assert SmsTemplate.objects.get(key="notify.test").text_en == "Dakghar test message {n}"


def test_administrators_edit_is_what_gets_sent_with_its_own_header(sms_file):
    SmsTemplate.objects.filter(key="notify.test").update(text_en="Edited test {n}", sender="DKGHAR")

    row = queue_test_sms(3, lang="en")
    sms_relay_once()

    assert sms_file.texts() == ["Edited test 3"]
    assert row.sender == "DKGHAR"


def test_inactive_template_records_the_message_but_does_not_send_it(sms_file):
    SmsTemplate.objects.filter(key="notify.test").update(active=False)

    row = queue_test_sms(5, secret=True)

    assert sms_relay_once() == 0
    assert sms_file.lines() == []
    row.refresh_from_db()
    assert row.status == Outbox.Status.FAILED
    assert row.last_error == "template inactive"
    assert "5" not in row.text
