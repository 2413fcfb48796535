"""Test helper for every app: read what the `file` SMS gateway "delivered".

    settings.SMS_BACKEND = "file"; settings.SMS_FILE_PATH = str(tmp_path / "sms.jsonl")
    sms = SmsFile(tmp_path / "sms.jsonl")
    ... sms.relay() -> every line so far, after sending what is due

The line format is notify's contract (notify.backends.FileBackend):
{"to", "text", "template", "lang"}, one JSON object per line, UTF-8.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from .services import sms_relay_once


class SmsFile:
    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)

    def lines(self) -> list[dict]:
        if not self.path.exists():
            return []
        return [json.loads(line) for line in self.path.read_text(encoding="utf-8").splitlines()]

    def texts(self) -> list[str]:
        return [line["text"] for line in self.lines()]

    def count_by_text(self) -> Counter:
        return Counter(self.texts())

    def relay(self) -> list[dict]:
        """Send everything that is due (as `manage.py sms_relay --once` does), then read every line."""
        while sms_relay_once():
            pass
        return self.lines()
