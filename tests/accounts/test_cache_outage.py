"""accounts.cache and accounts.ratelimit: with Redis unreachable the cache answers from
process memory instead of raising, says so once in the log, and goes back to Redis when
it answers again; limits count per process at a fraction of their allowance meanwhile."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.cache import cache, caches

from accounts import cache as failopen
from accounts.ratelimit import cache_down_limit, local_window, rate_limit_hit
from tests.outages import cache_down


def test_with_redis_down_the_cache_answers_from_memory_and_logs_once(caplog):
    caplog.set_level(logging.WARNING, logger="accounts.cache")
    with cache_down():
        assert cache.get("missing") is None
        assert cache.add("k", 1, timeout=60) is True
        assert cache.incr("k") == 2
        cache.set_many({"a": 1, "b": 2})
        assert cache.get_many(["a", "b", "k"]) == {"a": 1, "b": 2, "k": 2}
        assert failopen.cache_is_down()
        assert failopen.cache_status() == "down"
    assert caplog.text.count("cache unavailable (ConnectionError)") == 1


def test_the_cache_goes_back_to_redis_when_it_answers(caplog):
    caplog.set_level(logging.WARNING, logger="accounts.cache")
    backend = caches["default"]
    assert isinstance(backend, failopen.FailOpenRedisCache), "tests run with Redis"
    cache.set("kept-in-redis", "yes")
    failopen._down_until[backend._location] = 0.0  # it failed a while ago; retry is due
    assert cache.get("kept-in-redis") == "yes"
    assert not failopen.cache_is_down()
    assert backend._location not in failopen._down_until
    assert "cache available again" in caplog.text


def _frozen_clock(monkeypatch):
    # A fixed window must not roll over between the hits of one test.
    monkeypatch.setattr(local_window, "clock", lambda: 1_700_000_010.0)


def test_rate_limit_hit_counts_in_the_shared_cache(monkeypatch):
    _frozen_clock(monkeypatch)
    key = "test-shared-limit"
    assert [rate_limit_hit(key, limit=3, window_seconds=60) for _ in range(5)] == [True, True, True, False, False]


def test_rate_limit_hit_is_stricter_per_process_while_the_cache_is_down(monkeypatch):
    _frozen_clock(monkeypatch)
    assert settings.RATE_LIMIT_CACHE_DOWN_DIVISOR == 4
    with cache_down():
        answers = [rate_limit_hit("test-down-limit", limit=20, window_seconds=60) for _ in range(8)]
    assert cache_down_limit(20) == 5
    assert answers == [True] * 5 + [False] * 3
