"""Fixtures for notify: the file gateway, a fake HTTP gateway, and a queue helper."""

from __future__ import annotations

import json
import socket
import threading
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.db import transaction

from notify.services import sms_queue
from notify.testing import SmsFile

MOBILE = "9812345610"


@pytest.fixture
def sms_file(settings, tmp_path) -> SmsFile:
    settings.SMS_BACKEND = "file"
    settings.SMS_FILE_PATH = str(tmp_path / "sms.jsonl")
    return SmsFile(tmp_path / "sms.jsonl")


def queue_test_sms(n: int | str, *, to: str = MOBILE, lang: str | None = None, secret: bool = False):
    """Queue notify's own test template in a transaction of its own (committed on return)."""
    with transaction.atomic():
        return sms_queue(to=to, template_key="notify.test", context={"n": str(n)}, lang=lang, secret=secret)


def free_port() -> int:
    """A local TCP port with nothing listening on it."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class FakeGateway:
    """A tiny HTTP SMS gateway in a thread. Set `status` (and `delay`) to change its answer."""

    status: int = 200
    delay: float = 0.0
    requests: list[dict] = field(default_factory=list)
    url: str = ""

    def delivered(self) -> Counter:
        """How many times each message reference was accepted (2xx)."""
        return Counter(r["json"]["reference"] for r in self.requests if 200 <= r["status"] < 300)


@pytest.fixture
def fake_gateway(settings):
    gateway = FakeGateway()
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            with lock:
                status, delay = gateway.status, gateway.delay
                gateway.requests.append(
                    {"path": self.path, "headers": dict(self.headers), "json": json.loads(body), "status": status}
                )
                number = len(gateway.requests)
            if delay:
                threading.Event().wait(delay)
            answer = json.dumps({"message_id": f"gw-{number}"} if status < 300 else {"error": "down"}).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (timeout test)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    gateway.url = f"http://127.0.0.1:{server.server_address[1]}/sms/send"
    settings.SMS_BACKEND = "http"
    settings.SMS_HTTP_URL = gateway.url
    settings.SMS_HTTP_TOKEN = "gateway-token-for-tests"
    settings.SMS_HTTP_TIMEOUT = 2.0
    yield gateway
    server.shutdown()
    server.server_close()
