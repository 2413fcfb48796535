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
  decline). Without it the error propagates and nothing is stored.
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
from django.db import connection, transaction
from django.utils import timezone

from accounts.exceptions import DomainError

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
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [_advisory_lock_id(user_id, key)])
                if not cursor.fetchone()[0]:
                    raise IdempotencyInProgress
        record = (
            IdempotencyRecord.objects.filter(user_id=user_id, key=key)
            .only("scope", "fingerprint", "response_status", "response_body")
            .first()
        )
        if record is not None:
            if record.scope != scope or record.fingerprint != fingerprint:
                raise IdempotencyKeyReused
            return IdempotentResponse(record.response_status, bytes(record.response_body), True)
        token = current_idempotency_key.set(key)
        try:
            status, body = run()
        except DomainError as exc:
            if render_error is None:
                raise
            status, body = render_error(exc)
        finally:
            current_idempotency_key.reset(token)
        IdempotencyRecord.objects.create(
            user_id=user_id,
            key=key,
            scope=scope,
            fingerprint=fingerprint,
            response_status=status,
            response_body=body,
        )
    return IdempotentResponse(status, body, False)


def idempotency_purge(*, older_than: timedelta | None = None) -> int:
    """Delete records older than the retention (default BANKING_IDEMPOTENCY_HOURS)."""
    age = older_than if older_than is not None else timedelta(hours=settings.BANKING_IDEMPOTENCY_HOURS)
    if age < timedelta(hours=24):
        raise ValueError("idempotency records are kept at least 24 hours")
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=timezone.now() - age).delete()
    return deleted
