"""Idempotency keys with Stripe's semantics, for every API call that moves money.

    result = idempotent(key=..., user_id=..., scope="banking.withdrawal",
                        fingerprint=request_fingerprint(...), run=lambda: (201, body_bytes),
                        render_error=render_domain_error)

- First request with a key: `run()` executes and its answer (status + exact bytes) is
  stored in the SAME transaction as the change it made: both commit or neither does,
  so a crash can never leave money moved without its answer, or an answer without the
  money (a retry after a crash simply runs again).
- Same key, same request again: the stored answer is returned byte for byte; nothing runs.
- Same key, different request (other body or endpoint): IdempotencyKeyReused (422).
- Same key while the first is still running: IdempotencyInProgress (409). On
  PostgreSQL a transaction-level advisory lock on (user, key) is taken with
  pg_try_advisory_xact_lock: the second request does not wait, it is told to retry.
  Once the first commits, its row is visible and a retry gets the replay.
- A DomainError raised by `run` (say insufficient funds) is an answer too: with
  `render_error` it is stored and replayed like a success (as Stripe replays a
  decline), except 409 and 429 answers, which depend on a passing state (a till not
  yet open, a cooldown): those are returned and not stored, so a retry runs again.
  Without `render_error` the error propagates and nothing is stored.
  `run` must do its writes inside services (their own atomic blocks), so that such an
  error rolls back the service's work while this transaction stays usable.

Records are kept for BANKING_IDEMPOTENCY_HOURS (at least 24); a beat job purges older ones.
On SQLite (embedded mode) transactions are IMMEDIATE, so two requests never overlap.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any, NamedTuple

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from core.exceptions import DomainError

from .exceptions import IdempotencyInProgress, IdempotencyKeyInvalid, IdempotencyKeyMissing, IdempotencyKeyReused
from .ledger import current_idempotency_key
from .models import IdempotencyRecord


class IdempotentResponse(NamedTuple):
    status: int
    body: bytes
    replayed: bool


def idempotency_key_check(key: str | None) -> str:
    if key is None or key == "":
        raise IdempotencyKeyMissing
    if len(key) > 255 or not key.isprintable() or not key.isascii():
        raise IdempotencyKeyInvalid
    return key


def request_fingerprint(*, scope: str, data: Any) -> str:
    """A hash of what the request asked for: its scope (endpoint and object) and its
    parsed body, with keys sorted, so whitespace or key order do not count."""
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(f"{scope}\n{canonical}".encode()).hexdigest()


def _advisory_lock_id(user_id: int, key: str) -> int:
    digest = hashlib.sha256(f"dakghar.idempotency:{user_id}:{key}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


# Answers that depend on a passing state (a conflict, a rate limit) are not stored: a
# retry with the same key runs again once the state has changed (Stripe does not save
# a request that conflicted either).
NOT_STORED_STATUSES = frozenset({409, 429})

_LOCK_AND_LOOKUP = (
    "SELECT pg_try_advisory_xact_lock(%s), r.scope, r.fingerprint, r.response_status, r.response_body "
    "FROM (SELECT 1) AS one LEFT JOIN banking_idempotencyrecord r ON r.user_id = %s AND r.key = %s"
)


def _lock_and_lookup(user_id: int, key: str) -> IdempotencyRecord | None:
    """Take the (user, key) advisory lock and read the stored answer, in one round trip.

    The lookup sees the database as of the start of the statement, just before the lock
    is taken: a first request that commits in between is missed here, runs nothing
    twice all the same (our insert then fails on the unique (user, key) and everything
    rolls back) and is replayed by idempotent()."""
    if connection.vendor != "postgresql":
        return IdempotencyRecord.objects.filter(user_id=user_id, key=key).first()
    with connection.cursor() as cursor:
        cursor.execute(_LOCK_AND_LOOKUP, [_advisory_lock_id(user_id, key), user_id, key])
        locked, scope, fingerprint, status, body = cursor.fetchone()
    if not locked:
        raise IdempotencyInProgress
    if scope is None:
        return None
    return IdempotencyRecord(
        user_id=user_id, key=key, scope=scope, fingerprint=fingerprint, response_status=status, response_body=body
    )


def _record_insert(user_id: int, key: str, scope: str, fingerprint: str, status: int, body: bytes) -> None:
    """Plain INSERT (no ORM compile: this runs on every money-moving request)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO banking_idempotencyrecord"
            " (user_id, key, scope, fingerprint, response_status, response_body, created_at)"
            " VALUES (%s, %s, %s, %s, %s, %s, %s)",
            [user_id, key, scope, fingerprint, status, body, timezone.now()],
        )


def _replay(record: IdempotencyRecord, scope: str, fingerprint: str) -> IdempotentResponse:
    if record.scope != scope or record.fingerprint != fingerprint:
        raise IdempotencyKeyReused
    return IdempotentResponse(record.response_status, bytes(record.response_body), True)


def idempotent(
    *,
    key: str,
    user_id: int,
    scope: str,
    fingerprint: str,
    run: Callable[[], tuple[int, bytes]],
    render_error: Callable[[DomainError], tuple[int, bytes]] | None = None,
) -> IdempotentResponse:
    """Run `run` at most once per (user, key); see the module docstring."""
    idempotency_key_check(key)
    try:
        with transaction.atomic():
            record = _lock_and_lookup(user_id, key)
            if record is not None:
                return _replay(record, scope, fingerprint)
            token = current_idempotency_key.set(key)
            try:
                status, body = run()
            except DomainError as exc:
                if render_error is None:
                    raise
                status, body = render_error(exc)
            finally:
                current_idempotency_key.reset(token)
            if status in NOT_STORED_STATUSES:
                return IdempotentResponse(status, body, False)
            _record_insert(user_id, key, scope, fingerprint, status, body)
    except IntegrityError:
        # Lost the race described in _lock_and_lookup: our whole transaction (the money
        # too) has rolled back; answer with the first request's stored answer.
        record = IdempotencyRecord.objects.filter(user_id=user_id, key=key).first()
        if record is None:
            raise
        return _replay(record, scope, fingerprint)
    return IdempotentResponse(status, body, False)


def idempotency_purge(*, older_than: timedelta | None = None) -> int:
    """Delete records older than the retention (default BANKING_IDEMPOTENCY_HOURS)."""
    age = older_than if older_than is not None else timedelta(hours=settings.BANKING_IDEMPOTENCY_HOURS)
    if age < timedelta(hours=24):
        raise ValueError("idempotency records are kept at least 24 hours")
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=timezone.now() - age).delete()
    return deleted
