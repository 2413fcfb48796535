"""Delivery fixtures: booking helpers, the SMS file gateway, reading a code from it."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.core.cache import cache

from delivery.models import Article
from delivery.services import article_book
from notify.services import sms_relay_once

ADDRESSEE_MOBILE = "9812345610"
SENDER_MOBILE = "9876543210"
OTP_RE = re.compile(r"OTP (\d{6})")


@pytest.fixture(autouse=True)
def _fresh_throttles():
    """Throttle counters live in the (Redis) cache: start each test with none."""
    cache.clear()
    yield
    cache.clear()


class SmsFile:
    """What the `file` SMS gateway wrote: one JSON object per line."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def lines(self) -> list[dict]:
        if not self.path.exists():
            return []
        return [json.loads(line) for line in self.path.read_text(encoding="utf-8").splitlines()]

    def relay(self) -> list[dict]:
        """Run the relay (as `manage.py sms_relay --once` does) and return every line."""
        while sms_relay_once():
            pass
        return self.lines()

    def codes_for(self, number: str) -> list[str]:
        """The OTPs sent for an article, oldest first."""
        return [
            m.group(1) for line in self.relay() if number in line["text"] for m in [OTP_RE.search(line["text"])] if m
        ]

    def latest_code(self, number: str) -> str:
        codes = self.codes_for(number)
        assert codes, f"no OTP SMS for {number}"
        return codes[-1]


def use_sms_file(settings, tmp_path) -> SmsFile:
    settings.SMS_BACKEND = "file"
    settings.SMS_FILE_PATH = str(tmp_path / "sms.jsonl")
    return SmsFile(tmp_path / "sms.jsonl")


@pytest.fixture
def sms_file(settings, tmp_path) -> SmsFile:
    return use_sms_file(settings, tmp_path)


def booker(places, clerk):
    """book(otp=True, ...) -> a booked Article at the Bhagalpur H.O for a local addressee."""

    def _book(
        *,
        otp: bool = True,
        registration: bool = False,
        notify_sender: bool = False,
        office=None,
        recipient_pin: str = "812001",
        recipient_mobile: str = ADDRESSEE_MOBILE,
        service_indicator: str = "EE",
        booked_at=None,
    ) -> Article:
        addons = set()
        if otp:
            addons.add("otp")
        if registration:
            addons.add("registration")
        return article_book(
            service_indicator=service_indicator,
            origin_office_id=(office or places.head_office).pk,
            sender={
                "name": "Sita Devi",
                "address": "12 Station Road, Bhagalpur",
                "pin": "812002",
                "mobile": SENDER_MOBILE,
            },
            recipient={
                "name": "Ram Kumar",
                "address": "45 Tilka Manjhi Chowk, Bhagalpur",
                "pin": recipient_pin,
                "mobile": recipient_mobile,
            },
            weight_g=120,
            addons=addons,
            notify_sender_on_delivery=notify_sender,
            actor=clerk,
            booked_at=booked_at,
        )

    return _book


@pytest.fixture
def book(places, clerk):
    return booker(places, clerk)
