"""SMS gateways. settings.SMS_BACKEND picks one: console (default), file or http.

A backend's send() either returns the gateway's message id or raises SmsGatewayError;
the relay (notify.services) counts the attempt and retries later. The text of an
SmsGatewayError is stored in Outbox.last_error and logged, so it must never contain
the message text (it may carry an OTP).
"""

from __future__ import annotations

import fcntl
import json
import sys
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from http.client import HTTPException
from pathlib import Path
from typing import Protocol
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


@dataclass(frozen=True)
class SmsMessage:
    to: str
    text: str
    template_key: str
    dlt_template_id: str
    sender: str
    lang: str
    reference: str  # our own id for the message ("dakghar-<outbox id>"), the same on every retry


class SmsGatewayError(Exception):
    """The gateway did not take the message. The text is safe to log: no message body."""


class SmsBackend(Protocol):
    name: str

    def send(self, message: SmsMessage) -> str: ...


class ConsoleBackend:
    """Development gateway: prints each message to standard output.

    It prints the body on purpose: the console is this fake gateway's "phone screen",
    the only place a developer can read the OTP they need. It writes to stdout, never
    through logging, so the text cannot end up in log files. Never use it in production.
    """

    name = "console"

    def send(self, message: SmsMessage) -> str:
        out = sys.stdout
        line = (
            f"[SMS console gateway] to={message.to} header={message.sender} template={message.template_key} "
            f"dlt={message.dlt_template_id} lang={message.lang}\n{message.text}\n"
        )
        encoding = getattr(out, "encoding", None) or "utf-8"
        # A terminal that cannot show Devanagari gets escapes instead of a failed send.
        out.write(line.encode(encoding, errors="backslashreplace").decode(encoding))
        out.flush()
        return f"console-{uuid.uuid4().hex}"


class FileBackend:
    """Appends one JSON line per message to settings.SMS_FILE_PATH (tests and demos read it).

    Line: {"to", "text", "template", "lang"}, UTF-8, Devanagari kept as it is.
    """

    name = "file"

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)

    def send(self, message: SmsMessage) -> str:
        line = json.dumps(
            {"to": message.to, "text": message.text, "template": message.template_key, "lang": message.lang},
            ensure_ascii=False,
        )
        data = (line + "\n").encode("utf-8")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with open(self.path, "ab") as handle:
                # Several relays (threads or processes) append to one file: the exclusive
                # lock makes each line one uninterrupted write, so lines never interleave.
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
                try:
                    handle.write(data)
                    handle.flush()
                finally:
                    fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
        except OSError as exc:
            raise SmsGatewayError(f"cannot append to the SMS file: {exc.strerror or type(exc).__name__}") from None
        return f"file-{uuid.uuid4().hex}"


class _RefuseRedirects(urllib.request.HTTPRedirectHandler):
    # urllib would turn a redirected POST into a GET without the body and call it a
    # success; a gateway that redirects is misconfigured, so a 3xx is a failure.
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


class HttpBackend:
    """A generic JSON gateway: POST settings.SMS_HTTP_URL with a bearer token.

    Payload: {"to", "sender", "dlt_template_id", "text", "unicode", "lang", "template",
    "reference"}. `reference` is the same on every retry of one message, and is also
    sent as the Idempotency-Key header, so a gateway that honours it drops the
    duplicate when we retry after a lost answer. A 2xx answer is success (its JSON
    "message_id" or "id", if any, is kept); anything else or no answer within
    settings.SMS_HTTP_TIMEOUT is a failure to retry.
    """

    name = "http"

    def __init__(self, url: str, token: str, timeout: float) -> None:
        if urlsplit(url).scheme not in {"http", "https"}:
            raise ImproperlyConfigured("SMS_HTTP_URL must be an http:// or https:// URL.")
        self.url = url
        self.token = token
        self.timeout = timeout
        self._opener = urllib.request.build_opener(_RefuseRedirects)

    def send(self, message: SmsMessage) -> str:
        payload = {
            "to": message.to,
            "sender": message.sender,
            "dlt_template_id": message.dlt_template_id,
            "text": message.text,
            "unicode": message.lang == "hi",
            "lang": message.lang,
            "template": message.template_key,
            "reference": message.reference,
        }
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "Accept": "application/json",
            "Idempotency-Key": message.reference,
        }
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        request = urllib.request.Request(  # noqa: S310 (scheme checked in __init__)
            self.url, data=json.dumps(payload, ensure_ascii=False).encode("utf-8"), headers=headers, method="POST"
        )
        try:
            with self._opener.open(request, timeout=self.timeout) as response:
                status = response.status
                body = response.read(64 * 1024)
        except urllib.error.HTTPError as exc:
            # Only the status: a gateway's error body may echo the message text.
            exc.close()
            raise SmsGatewayError(f"gateway answered HTTP {exc.code}") from None
        except urllib.error.URLError as exc:
            raise SmsGatewayError(f"gateway unreachable: {_reason(exc.reason)}") from None
        except (TimeoutError, OSError, HTTPException) as exc:
            raise SmsGatewayError(f"gateway unreachable: {_reason(exc)}") from None
        if not 200 <= status < 300:
            raise SmsGatewayError(f"gateway answered HTTP {status}")
        return _message_id(body)


def _reason(reason: object) -> str:
    if isinstance(reason, TimeoutError):
        return "timed out"
    if isinstance(reason, OSError) and reason.strerror:
        return reason.strerror
    return type(reason).__name__ if isinstance(reason, BaseException) else str(reason)[:200]


def _message_id(body: bytes) -> str:
    try:
        answer = json.loads(body or b"{}")
    except ValueError:
        return ""
    if not isinstance(answer, dict):
        return ""
    return str(answer.get("message_id") or answer.get("id") or "")[:100]


def sms_backend() -> SmsBackend:
    """The backend named by settings.SMS_BACKEND (read at each call, so tests can switch it)."""
    name = settings.SMS_BACKEND
    if name == "console":
        return ConsoleBackend()
    if name == "file":
        return FileBackend(settings.SMS_FILE_PATH)
    if name == "http":
        return HttpBackend(settings.SMS_HTTP_URL, settings.SMS_HTTP_TOKEN, settings.SMS_HTTP_TIMEOUT)
    raise ImproperlyConfigured(f"SMS_BACKEND must be console, file or http, not {name!r}.")
