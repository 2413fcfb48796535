"""Beat entry points for core's mechanisms."""

from __future__ import annotations

from celery import shared_task

from .idempotency import idempotency_purge as _idempotency_purge


@shared_task(name="core.tasks.idempotency_purge")
def idempotency_purge() -> int:
    """Hourly: forget idempotency keys past their retention."""
    return _idempotency_purge()
