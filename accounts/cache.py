"""The Redis cache, failing open: while Redis is unreachable every cache call is served
by a per-process local-memory cache instead of raising into the request.

Why a backend and not a try/except around each throttle: the cache is reached from DRF's
throttles, the banking and self-service limits, django-otp and whatever is written next;
a catch at each call site is the one someone forgets, and one forgotten call answered
every token sign-in with 500. Nothing that decides correctness is kept only in the cache
(wrong-code counts and locks are database rows), so losing its contents for a while only
loosens limits; accounts.ratelimit makes them stricter, per process, while it lasts.

After a failure the backend does not try Redis again for CACHE_RETRY_SECONDS, so one
request per process pays the connection timeout, not every request.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import ReadOnlyError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

# Redis is away (refused, unreachable, too slow) or a replica that cannot write during a
# failover. Any other Redis error is a bug in the caller and is raised.
UNAVAILABLE = (RedisConnectionError, RedisTimeoutError, ReadOnlyError)

# server location -> monotonic time until which Redis is not tried (one per process).
_down_until: dict[str, float] = {}
_lock = threading.Lock()

_GUARDED = ("add", "get", "set", "touch", "delete", "get_many", "has_key", "incr", "set_many", "delete_many", "clear")


class FailOpenRedisCache(RedisCache):
    """django.core.cache.backends.redis.RedisCache whose calls never raise because Redis
    is unreachable: they go to a local-memory cache (same key prefix and version) and log
    a warning once per outage."""

    def __init__(self, server: Any, params: dict) -> None:
        super().__init__(server, params)
        self._location = str(server)
        # LocMemCache keeps its data per name in module state: every thread's instance
        # of this backend shares one fallback store in this process.
        self._fallback = LocMemCache(f"dakghar-fallback:{self._location}", params)

    def is_down(self) -> bool:
        """True while calls are served locally because Redis failed a moment ago."""
        return time.monotonic() < _down_until.get(self._location, 0.0)

    def ping(self) -> None:
        """Ask Redis itself (never the fallback); raises when it does not answer."""
        self._cache.get_client(write=True).ping()
        self._came_back()

    def _went_down(self, exc: Exception) -> None:
        retry = settings.CACHE_RETRY_SECONDS
        with _lock:
            first = self._location not in _down_until
            _down_until[self._location] = time.monotonic() + retry
        if first:
            # The error type only: the location may carry a password.
            logger.warning(
                "cache unavailable (%s): serving from this process's memory, limits stricter; retrying every %s s",
                type(exc).__name__,
                retry,
            )

    def _came_back(self) -> None:
        with _lock:
            was_down = _down_until.pop(self._location, None) is not None
        if was_down:
            logger.warning("cache available again")


def _guarded(name: str):
    redis_method = getattr(RedisCache, name)
    local_method = getattr(LocMemCache, name)

    def method(self: FailOpenRedisCache, *args, **kwargs):
        if self.is_down():
            return local_method(self._fallback, *args, **kwargs)
        try:
            result = redis_method(self, *args, **kwargs)
        except UNAVAILABLE as exc:
            self._went_down(exc)
            return local_method(self._fallback, *args, **kwargs)
        if self._location in _down_until:
            self._came_back()
        return result

    method.__name__ = name
    method.__doc__ = redis_method.__doc__
    return method


for _name in _GUARDED:
    setattr(FailOpenRedisCache, _name, _guarded(_name))


def cache_is_down(alias: str = "default") -> bool:
    """True while the cache `alias` serves from process memory (Redis unreachable)."""
    backend = caches[alias]
    return isinstance(backend, FailOpenRedisCache) and backend.is_down()


def cache_status(alias: str = "default") -> str:
    """'ok' when the cache answers now, else 'down' (for /healthz: asks Redis itself)."""
    backend = caches[alias]
    try:
        if isinstance(backend, FailOpenRedisCache):
            backend.ping()
        else:
            backend.get("dakghar:healthz")
    except Exception as exc:  # any client error means "down"
        logger.warning("healthz: cache check failed: %s", type(exc).__name__)
        return "down"
    return "ok"
