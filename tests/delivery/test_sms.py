"""What the addressee and the sender receive, read from the `file` SMS gateway after the relay."""

from __future__ import annotations

import pytest

from delivery.services import article_deliver, article_out_for_delivery
from notify.models import Outbox

from .conftest import ADDRESSEE_MOBILE, SENDER_MOBILE

pytestmark = pytest.mark.django_db(transaction=True)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_out_for_delivery_sends_the_code_in_hindi_and_the_outbox_forgets_it(book, postman, postmaster, sms_file):
    article = book(otp=True)
    article_out_for_delivery(article_number=article.number, postman=postman, actor=postmaster)
    [line] = sms_file.relay()
    assert line["to"] == ADDRESSEE_MOBILE
    assert line["template"] == "delivery.otp"
    assert line["lang"] == "hi"
    assert article.number in line["text"] and "डाकिया" in line["text"]
    code = sms_file.latest_code(article.number)
    stored = Outbox.objects.get(template__key="delivery.otp")
    assert code not in stored.text and "{#var#}" in stored.text


def test_without_otp_the_addressee_is_told_it_is_coming_and_the_sender_that_it_arrived(
    book, postman, postmaster, sms_file
):
    article = book(otp=False, notify_sender=True)
    article_out_for_delivery(article_number=article.number, postman=postman, actor=postmaster)
    article_deliver(article_number=article.number, actor=postman, receiver_name="Ram Kumar", signature_png=PNG)
    lines = sms_file.relay()
    assert [(line["to"], line["template"]) for line in lines] == [
        (ADDRESSEE_MOBILE, "delivery.out_for_delivery"),
        (SENDER_MOBILE, "delivery.delivered_to_sender"),
    ]
    assert "OTP" not in lines[0]["text"]
    assert article.number in lines[1]["text"]


def test_no_sender_sms_unless_asked(book, postman, postmaster, sms_file):
    article = book(otp=False, notify_sender=False)
    article_out_for_delivery(article_number=article.number, postman=postman, actor=postmaster)
    article_deliver(article_number=article.number, actor=postman, receiver_name="Ram Kumar", signature_png=PNG)
    assert [line["template"] for line in sms_file.relay()] == ["delivery.out_for_delivery"]
