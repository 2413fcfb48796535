"""manage.py sms_relay [--once] [--batch N] [--interval SECONDS]

For operators: send due SMS from the outbox without a Celery worker, or once by hand
after an outage. Without --once it keeps going until stopped (Ctrl-C or SIGTERM); a
stop request lets the batch in hand finish, so no message is left half-recorded.
"""

from __future__ import annotations

import signal
import threading

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from notify.services import sms_relay_once


class Command(BaseCommand):
    help = "Send the SMS that are due in the outbox."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="Send what is due now, then stop.")
        parser.add_argument("--batch", type=int, default=50, help="Messages claimed at a time (default 50).")
        parser.add_argument(
            "--interval", type=float, default=2.0, help="Seconds to wait when nothing is due (default 2)."
        )

    def handle(self, *args, once: bool, batch: int, interval: float, **options) -> None:
        if batch < 1:
            self.stderr.write(_("--batch must be at least 1."))
            return
        if once:
            total = 0
            while (sent := sms_relay_once(batch=batch)) == batch:
                total += sent
            self.stdout.write(self._sent(total + sent))
            return
        self._loop(batch=batch, interval=interval)

    def _loop(self, *, batch: int, interval: float) -> None:
        stop = threading.Event()

        def request_stop(signum, frame) -> None:
            stop.set()

        previous = {sig: signal.signal(sig, request_stop) for sig in (signal.SIGINT, signal.SIGTERM)}
        total = 0
        try:
            while not stop.is_set():
                sent = sms_relay_once(batch=batch)
                total += sent
                if sent:
                    self.stdout.write(self._sent(sent))
                if sent < batch:
                    stop.wait(interval)
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        self.stdout.write(_("Stopped."))
        self.stdout.write(self._sent(total))

    @staticmethod
    def _sent(count: int) -> str:
        return ngettext("%(count)d message sent.", "%(count)d messages sent.", count) % {"count": count}
