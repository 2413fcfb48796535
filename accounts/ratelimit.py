"""Rate limits that count per client address (accounts.net.client_ip) in the shared cache,
and fall back to a stricter per-process count while the cache is down.

The fallback: each process counts in its own fixed window at the normal limit divided
by RATE_LIMIT_CACHE_DOWN_DIVISOR (at least 1). With W web processes a client gets at
most W/divisor of its normal allowance during an outage, instead of a 500 or no limit.

- DRF: use ScopedThrottle / AnonThrottle (never DRF's own classes: their get_ident trusts
  any X-Forwarded-For). tests/accounts/test_client_address.py checks every API view.
- Anything else: `allowed = rate_limit_hit(key, limit=..., window_seconds=...)`.
"""

from __future__ import annotations

import logging
import math
import threading
import time

from django.conf import settings
from django.core.cache import cache
from rest_framework.throttling import AnonRateThrottle, ScopedRateThrottle

from .cache import cache_is_down
from .net import client_ip

logger = logging.getLogger(__name__)


class LocalWindow:
    """A per-process fixed-window counter: at most `limit` hits per key in each window of
    `window_seconds`. Small and exact enough for a stop-gap; not shared between processes."""

    _MAX_KEYS = 50_000  # an outage with many clients must not grow memory without bound

    def __init__(self, clock=time.time) -> None:
        self.clock = clock
        self._counts: dict[str, tuple[int, int]] = {}  # key -> (window number, hits)
        self._lock = threading.Lock()

    def hit(self, key: str, *, limit: int, window_seconds: int) -> tuple[bool, float]:
        """Count one hit; (allowed, seconds until the window ends)."""
        now = self.clock()
        window = int(now // window_seconds)
        left = (window + 1) * window_seconds - now
        with self._lock:
            seen_window, hits = self._counts.get(key, (window, 0))
            if seen_window != window:
                hits = 0
            if hits >= limit:
                return False, left
            if len(self._counts) >= self._MAX_KEYS and key not in self._counts:
                self._counts = {k: v for k, v in self._counts.items() if v[0] == window}
            self._counts[key] = (window, hits + 1)
        return True, left

    def clear(self) -> None:
        with self._lock:
            self._counts.clear()


local_window = LocalWindow()


def cache_down_limit(limit: int) -> int:
    """The allowance per process while the shared cache is down."""
    return max(1, limit // settings.RATE_LIMIT_CACHE_DOWN_DIVISOR)


def _local_hit(key: str, *, limit: int, window_seconds: int) -> tuple[bool, float]:
    allowed, left = local_window.hit(key, limit=cache_down_limit(limit), window_seconds=window_seconds)
    if not allowed:
        logger.info("rate limit (cache down, per process): %s refused", key.split(":", 1)[0])
    return allowed, left


def rate_limit_hit(key: str, *, limit: int, window_seconds: int) -> bool:
    """Count one event under `key` (a fixed window of `window_seconds`); False once more
    than `limit` happened in the window. Shared by every process through the cache;
    while the cache is down, counted per process at cache_down_limit(limit)."""
    if not cache_is_down():
        window = int(local_window.clock() // window_seconds)
        shared_key = f"ratelimit:{key}:{window}"
        cache.add(shared_key, 0, timeout=window_seconds + 5)
        try:
            count = cache.incr(shared_key)
        except ValueError:  # expired between add and incr
            cache.set(shared_key, 1, timeout=window_seconds + 5)
            count = 1
        if not cache_is_down():  # the calls above may have found it down
            return count <= limit
    return _local_hit(key, limit=limit, window_seconds=window_seconds)[0]


class ClientThrottleMixin:
    """For DRF SimpleRateThrottle subclasses: the client is accounts.net.client_ip, and
    while the cache is down a stricter per-process window applies as well."""

    _local_wait: float | None = None

    def get_ident(self, request) -> str:
        return client_ip(request)

    def allow_request(self, request, view) -> bool:
        self._local_wait = None
        allowed = super().allow_request(request, view)  # type: ignore[misc]
        if not allowed or not cache_is_down() or getattr(self, "key", None) is None or self.rate is None:  # type: ignore[attr-defined]
            return allowed
        ok, left = _local_hit(self.key, limit=self.num_requests, window_seconds=self.duration)  # type: ignore[attr-defined]
        if not ok:
            self._local_wait = left
        return ok

    def wait(self) -> float | None:
        if self._local_wait is not None:
            return math.ceil(self._local_wait)
        return super().wait()  # type: ignore[misc]


class ScopedThrottle(ClientThrottleMixin, ScopedRateThrottle):
    """DRF's ScopedRateThrottle (view.throttle_scope), counted per client address."""


class AnonThrottle(ClientThrottleMixin, AnonRateThrottle):
    """DRF's AnonRateThrottle (anonymous callers only), counted per client address."""
