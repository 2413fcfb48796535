"""Celery entry point for the SMS relay. Beat runs it every 5 s (config/settings.py,
"sms-relay-sweep"); sms_queue also kicks it after each commit that queued messages."""

from __future__ import annotations

import time

from celery import shared_task

from .services import sms_relay_once

# One run stops after this long even if more is due, so a backlog does not pin a
# worker: the next kick or sweep carries on.
RUN_SECONDS = 60


@shared_task(name="notify.tasks.sms_relay", ignore_result=True)
def sms_relay(batch: int = 50) -> int:
    """Send due messages, batch after batch while batches come back full. Returns how many were sent."""
    total = 0
    stop_at = time.monotonic() + RUN_SECONDS
    while True:
        sent = sms_relay_once(batch=batch)
        total += sent
        if sent < batch or time.monotonic() > stop_at:
            return total
