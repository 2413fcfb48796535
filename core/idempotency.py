"""Idempotency keys with Stripe's rules, for every POST that moves money, books,
delivers or submits a form (API and HTML alike):

    answer = idempotent(key=..., sender=sender_of(request), scope="banking.withdrawal",
                        data=request.data, run=lambda: (201, body_bytes))

- Missing key: IdempotencyKeyMissing (400); a key is 1 to 255 printable ASCII characters.
- First request with a key: `run()` executes and its answer (status + exact bytes) is
  stored in the SAME transaction as the change it made: both commit or neither does,
  so a crash never leaves a change without its answer (a retry simply runs again).
- Same key, same request: the stored answer, byte for byte; nothing runs.
- Same key, another request (other body or endpoint): IdempotencyKeyReused (422).
- Same key while the first is still running: IdempotencyInProgress (409). On PostgreSQL
  a transaction-level advisory lock on the key's digest is tried (never waited for);
  once the first commits, its row is visible and a retry gets the replay. On SQLite
  (embedded mode) transactions are IMMEDIATE, so two requests never overlap.
- A DomainError raised by `run` (insufficient funds, a wrong code) is an answer too and
  is stored and replayed like a success, as Stripe replays a decline; except 400 (the
  request itself was wrong: nothing started), 409 and 429 (a passing state: a till not
  yet open, a cooldown), which are returned and not stored, so a retry runs again.
  `run` does its writes inside services (their own atomic blocks), so such an error
  rolls back the service's work while this transaction stays usable.
- A key belongs to its sender (`sender_of`: the signed-in user, else the session).

Keys are kept IDEMPOTENCY_HOURS (at least 24, default 48); a beat task purges older ones.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import json
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from datetime import timedelta
from typing import Any, NamedTuple

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from .api.errors import error_body
from .exceptions import (
    DomainError,
    IdempotencyInProgress,
    IdempotencyKeyInvalid,
    IdempotencyKeyMissing,
    IdempotencyKeyReused,
)
from .models import IdempotencyKey

KEY_MAX_LENGTH = 255
# Answers that depend on the request being malformed or on a passing state are not kept.
NOT_STORED_STATUSES = frozenset({400, 409, 429})
PURGE_BATCH = 1000


class IdempotentResponse(NamedTuple):
    status: int
    body: bytes
    replayed: bool


class ServedKey(NamedTuple):
    key: str  # as the client sent it (kept on the rows it made, for the auditor)
    digest: str  # unique across senders (for rows that must be written once per key)


# The key of the request being served, for rows that record it (journal entries,
# tracking events). Empty outside idempotent().
_served: ContextVar[ServedKey | None] = ContextVar("core_idempotency_served", default=None)


def served_key() -> ServedKey | None:
    return _served.get()


def key_check(key: str | None) -> str:
    if key is None or key == "":
        raise IdempotencyKeyMissing
    if len(key) > KEY_MAX_LENGTH or not key.isascii() or not key.isprintable():
        raise IdempotencyKeyInvalid
    return key


def sender_of(request: HttpRequest) -> str:
    """Whom a key belongs to: the signed-in user, else the browser's session."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    session = request.session
    if session.session_key is None:
        session.save()
    return f"session:{session.session_key}"


def key_digest(*, sender: str, key: str) -> str:
    return hashlib.sha256(f"{sender}\n{key}".encode()).hexdigest()


def request_fingerprint(*, scope: str, data: Any) -> str:
    """What the request asked for: its scope (endpoint and object) and its parsed body,
    keys sorted so whitespace and order do not count. Keyed with SECRET_KEY: a body may
    hold a one-time code, and an unkeyed hash of it could be reversed by trying 10^6."""
    if hasattr(data, "lists"):  # a QueryDict: every value of every field
        data = dict(data.lists())
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hmac.new(settings.SECRET_KEY.encode(), f"{scope}\n{canonical}".encode(), hashlib.sha256).hexdigest()


def json_answer(status: int, payload: Any) -> tuple[int, bytes]:
    return status, json.dumps(payload, ensure_ascii=False, separators=(",", ":"), default=str).encode()


def render_error(exc: DomainError) -> tuple[int, bytes]:
    return json_answer(exc.status, error_body(exc.code, exc.message, exc.details))


def _advisory_lock_id(digest: str) -> int:
    return int.from_bytes(bytes.fromhex(digest[:16]), "big", signed=True)


_LOCK_AND_LOOKUP = (
    "SELECT pg_try_advisory_xact_lock(%s), r.scope, r.fingerprint, r.response_status, r.response_body "
    "FROM (SELECT 1) AS one LEFT JOIN {table} r ON r.digest = %s"
)


def _lock_and_lookup_sql() -> str:
    # The table's name comes from the model, never from input.
    return _LOCK_AND_LOOKUP.format(table=connection.ops.quote_name(IdempotencyKey._meta.db_table))


def _lock_and_lookup(digest: str) -> IdempotencyKey | None:
    """Take the key's advisory lock and read its stored answer, in one round trip.

    The lookup sees the database as of the start of the statement, just before the lock
    is taken: a first request that commits in between is missed here, runs nothing twice
    all the same (our insert then fails on the primary key and everything rolls back)
    and is replayed by idempotent()."""
    if connection.vendor != "postgresql":
        return IdempotencyKey.objects.filter(digest=digest).first()
    with connection.cursor() as cursor:
        cursor.execute(_lock_and_lookup_sql(), [_advisory_lock_id(digest), digest])
        locked, scope, fingerprint, status, body = cursor.fetchone()
    if not locked:
        raise IdempotencyInProgress
    if scope is None:
        return None
    return IdempotencyKey(
        digest=digest, scope=scope, fingerprint=fingerprint, response_status=status, response_body=body
    )


def _replay(record: IdempotencyKey, fingerprint: str) -> IdempotentResponse:
    if record.fingerprint != fingerprint:
        raise IdempotencyKeyReused
    return IdempotentResponse(record.response_status, bytes(record.response_body), True)


def idempotent(
    *,
    key: str | None,
    sender: str,
    scope: str,
    data: Any,
    run: Callable[[], tuple[int, bytes]],
) -> IdempotentResponse:
    """Run `run` at most once per (sender, key); see the module docstring. Raises the
    key's own errors (missing, invalid, reused, in progress) as DomainErrors. A
    non-domain exception from `run` (a 404, a validation error) rolls back and stores
    nothing: it propagates to the caller's error handler."""
    key = key_check(key)
    digest = key_digest(sender=sender, key=key)
    fingerprint = request_fingerprint(scope=scope, data=data)
    try:
        with transaction.atomic():
            record = _lock_and_lookup(digest)
            if record is not None:
                return _replay(record, fingerprint)
            token = _served.set(ServedKey(key, digest))
            try:
                status, body = run()
            except DomainError as exc:
                status, body = render_error(exc)
            finally:
                _served.reset(token)
            if status in NOT_STORED_STATUSES:
                return IdempotentResponse(status, body, False)
            IdempotencyKey.objects.create(
                digest=digest, scope=scope[:100], fingerprint=fingerprint, response_status=status, response_body=body
            )
    except IntegrityError:
        # Lost the race described in _lock_and_lookup: our whole transaction (the change
        # too) has rolled back; answer with the first request's stored answer.
        record = IdempotencyKey.objects.filter(digest=digest).first()
        if record is None:
            raise
        return _replay(record, fingerprint)
    return IdempotentResponse(status, body, False)


def idempotency_purge(*, older_than: timedelta | None = None, batch_size: int = PURGE_BATCH) -> int:
    """Delete keys older than the retention (default IDEMPOTENCY_HOURS), `batch_size`
    rows per statement so that a large backlog never holds one long lock."""
    age = older_than if older_than is not None else timedelta(hours=settings.IDEMPOTENCY_HOURS)
    if age < timedelta(hours=24):
        raise ValueError("idempotency keys are kept at least 24 hours")
    cutoff = timezone.now() - age
    deleted = 0
    while True:
        batch = list(IdempotencyKey.objects.filter(created_at__lt=cutoff).values_list("digest", flat=True)[:batch_size])
        if not batch:
            return deleted
        with transaction.atomic():
            deleted += IdempotencyKey.objects.filter(digest__in=batch).delete()[0]


# --- HTML forms ----------------------------------------------------------------------------------
# A form carries its key in a hidden field drawn with the form (`form_key`); a double
# click or a retry after a dropped link replays the first outcome and changes nothing.

# The API's words for these speak of headers; a person at a form reads these instead.
FORM_KEY_MESSAGES = {
    "idempotency_in_progress": gettext_lazy(
        "This form is already being sent. Wait a moment, then look at the recent transactions before sending it again."
    ),
    "idempotency_key_reused": gettext_lazy("This form was already used for something else. Open it again."),
    "idempotency_key_required": gettext_lazy("The form has expired. Open it again."),
    "idempotency_key_invalid": gettext_lazy("The form has expired. Open it again."),
}


class FormOutcome(NamedTuple):
    result: dict | None  # what `run` returned (now, or the first time)
    error: dict | None  # {"code", "message", "details", "status"}
    replayed: bool


def form_key_new() -> str:
    """The key a form carries from the moment it is drawn."""
    return uuid.uuid4().hex


def idempotent_form(*, key: str, sender: str, scope: str, data: Any, run: Callable[[], dict]) -> FormOutcome:
    """Run `run` once per form key, with the API's replay policy. `data` is what the
    form asked for (its fields without the key and the CSRF token)."""
    try:
        answer = idempotent(key=key, sender=sender, scope=scope, data=data, run=lambda: json_answer(201, run()))
    except DomainError as exc:  # in progress (409), key reused (422), key missing (400)
        message = str(FORM_KEY_MESSAGES.get(exc.code, exc.message))
        return FormOutcome(
            None, {"code": exc.code, "message": message, "details": exc.details, "status": exc.status}, False
        )
    body = json.loads(answer.body)
    if "error" in body:
        return FormOutcome(None, {**body["error"], "status": answer.status}, answer.replayed)
    return FormOutcome(body, None, answer.replayed)


def form_key_after(error: dict, key: str) -> str:
    """The form key for the next try after an error. An error stored as the key's answer
    (a wrong code, insufficient funds) ends that key: a fresh one. One not stored (a
    passing state: the till not open yet, the first submit still running, a cooldown)
    keeps it, so the next try replays the first answer if there was one."""
    return key if error["status"] in NOT_STORED_STATUSES else form_key_new()


def form_fields(post: Any, *, without: tuple[str, ...] = ("form_key", "csrfmiddlewaretoken")) -> dict:
    """A submitted form's fields for its fingerprint (every value of every field)."""
    fields = dict(post.lists()) if hasattr(post, "lists") else dict(post)
    return {name: value for name, value in fields.items() if name not in without}


def form_error(error: dict) -> DomainError:
    """A form outcome's error as a DomainError again (code, status, message, details),
    for views that place an exception's details beside their fields."""
    exc = DomainError(error["message"], details=error.get("details") or {})
    exc.code = error["code"]
    exc.status = error["status"]
    return exc


# --- API views -----------------------------------------------------------------------------------


def _answer_of(response: HttpResponse) -> tuple[int, bytes]:
    """A view's answer as (status, bytes): a DRF Response is rendered as JSON here,
    so that the stored bytes are the ones sent."""
    if not getattr(response, "_is_rendered", True):
        from rest_framework.renderers import JSONRenderer

        return response.status_code, JSONRenderer().render(response.data)
    return response.status_code, bytes(response.content)


def keyed_response(answer: IdempotentResponse) -> HttpResponse:
    response = HttpResponse(answer.body, status=answer.status, content_type="application/json")
    if answer.replayed:
        response["Idempotent-Replayed"] = "true"
    return response


def idempotent_post(scope: str) -> Callable:
    """Decorate an API view's `post`: the whole handler (lookups, checks, the change)
    runs at most once per (sender, Idempotency-Key) and its answer is replayed. The key
    is checked before anything else, so a request without one is refused (400) before
    it can learn whether an object exists. The scope is `scope` plus the URL's path,
    so one key cannot replay another object's or another route's answer."""

    def decorate(handler: Callable) -> Callable:
        @functools.wraps(handler)
        def wrapper(view: Any, request: Any, *args: Any, **kwargs: Any) -> HttpResponse:
            key = key_check(request.headers.get("Idempotency-Key"))
            answer = idempotent(
                key=key,
                sender=sender_of(request),
                scope=f"{scope}:{request.path}",
                data=request.data,
                run=lambda: _answer_of(handler(view, request, *args, **kwargs)),
            )
            return keyed_response(answer)

        wrapper.idempotency_scope = scope  # type: ignore[attr-defined]  (read by the route walk test)
        return wrapper

    return decorate


def served_digest() -> str:
    """The digest of the key being served (unique across senders); only inside idempotent()."""
    served = _served.get()
    if served is None:
        raise RuntimeError("served_digest() is only available inside idempotent()")
    return served.digest
