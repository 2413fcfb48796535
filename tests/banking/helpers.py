"""Small helpers shared by the banking API tests."""

from __future__ import annotations

import itertools
import json
import re

from notify.models import Outbox

_keys = itertools.count(1)


def new_key() -> str:
    return f"test-key-{next(_keys)}"


def post(client, url: str, body: dict, *, key: str | None = "auto"):
    headers = {}
    if key == "auto":
        key = new_key()
    headers["HTTP_IDEMPOTENCY_KEY"] = key or ""  # "": none (tests/conftest.py)
    return client.post(url, data=json.dumps(body), content_type="application/json", **headers)


def sms_code_to(mobile: str) -> str:
    """The 6-digit code of the last SMS queued to `mobile` (the fake gateway's view)."""
    text = Outbox.objects.filter(to=mobile).latest("id").text
    return re.search(r"\b(\d{6})\b", text).group(1)
