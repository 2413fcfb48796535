"""Make Redis unreachable for a test: as the cache, as the Celery broker, or both.

Points the settings at a local port where nothing listens (connections are refused at
once), the way a stopped Redis looks to the app."""

from __future__ import annotations

import socket
from contextlib import contextmanager

from django.test import override_settings
from kombu import pools

from accounts.ratelimit import local_window
from config.celery import app as celery_app


def free_port() -> int:
    """A local TCP port with nothing listening on it."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _use_broker(url: str) -> None:
    # The app reads Django settings with namespace "CELERY": the key is CELERY_BROKER_URL.
    celery_app.conf["CELERY_BROKER_URL"] = url
    # Celery's app pool is kombu's process-wide pool for the broker URL: closing it alone
    # leaves a closed pool in kombu's registry that the next publish would pick up again
    # ("Acquire on closed pool"). Reset kombu's registry and drop the app's references.
    pools.reset()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@contextmanager
def broker_at(url: str):
    real = celery_app.conf.broker_url
    _use_broker(url)
    try:
        yield
    finally:
        _use_broker(real)


@contextmanager
def broker_down():
    with broker_at(f"redis://127.0.0.1:{free_port()}/1"):
        yield


@contextmanager
def cache_down():
    """The default cache, as configured, pointed at a dead port."""
    from django.conf import settings

    dead = {**settings.CACHES["default"], "LOCATION": f"redis://127.0.0.1:{free_port()}/0"}
    local_window.clear()
    try:
        with override_settings(CACHES={"default": dead}):
            yield
    finally:
        local_window.clear()
