"""Counting limits in the cache, with a stricter in-process limit when the cache is down.

Only for limits that slow a client down (sign-in codes asked for from one address).
Anything that decides whether money moves or whether an account holder gets an SMS is
counted in the database instead (banking.otp, WithdrawalOtp rows, MiniStatementSend rows).

With Redis unreachable a cache call raises; a limit must then neither answer 500 nor
let everything through. Each process counts on its own instead, allowing a quarter of
the configured limit (at least 1): with several web processes the total stays near the
configured one, and no single process can be walked through. A warning is logged, at
most once a minute per process, so an outage is seen without flooding the log.

(Issue 8: the lead may fold this into the shared "cache down" limiter in accounts/;
the name says what it is: local_fallback_*.)
"""

from __future__ import annotations

import logging
import threading
import time

from django.core.cache import cache

logger = logging.getLogger(__name__)

LOCAL_FALLBACK_SHARE = 4  # a process allows limit // 4 while the cache is down
_WARN_EVERY_SECONDS = 60

_lock = threading.Lock()
_local_counts: dict[str, int] = {}
_last_warning = 0.0


def local_fallback_reset() -> None:
    """Forget the in-process counts (tests)."""
    global _last_warning
    with _lock:
        _local_counts.clear()
        _last_warning = 0.0


def local_fallback_limit(limit: int) -> int:
    return max(limit // LOCAL_FALLBACK_SHARE, 1)


def _warn_cache_down(exc: Exception) -> None:
    global _last_warning
    now = time.monotonic()
    with _lock:
        if now - _last_warning < _WARN_EVERY_SECONDS:
            return
        _last_warning = now
    logger.warning(
        "cache unreachable (%s): rate limits are counted per process, at a stricter limit", type(exc).__name__
    )


def _local_incr(key: str) -> int:
    with _lock:
        # Keys carry their window (an hour number): drop the other windows' counts.
        window = key.rsplit(":", 1)[-1]
        for old in [k for k in _local_counts if not k.endswith(":" + window)]:
            del _local_counts[old]
        _local_counts[key] = _local_counts.get(key, 0) + 1
        return _local_counts[key]


def window_count_incr(key: str, *, limit: int, timeout: int) -> tuple[int, int]:
    """Add one to the count under `key` (its last ":"-separated part names the window,
    e.g. the clock hour) and return (count, the limit that applies now): `limit` when
    the cache answered, the stricter in-process limit when it did not."""
    try:
        cache.add(key, 0, timeout=timeout)
        try:
            return cache.incr(key), limit
        except ValueError:  # expired between add and incr: start again
            cache.set(key, 1, timeout=timeout)
            return 1, limit
    except Exception as exc:  # whatever the cache backend raises when it is down
        _warn_cache_down(exc)
        return _local_incr(key), local_fallback_limit(limit)
