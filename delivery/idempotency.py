"""Idempotency-Key for delivery's POSTs (the postman's phone replays after a link failure).

The first answer to a keyed request is stored in ApiReplay in the same transaction as
the change, and a request with the same key gets that answer again, changing nothing.
The key is also written on the TrackingEvent the change makes (unique), so even a
caller that bypasses this module cannot write the same event twice.
Keys follow Stripe's rule (any printable ASCII, up to 255 characters) and belong to the
user who sends them: what is stored is a digest of (user, key), so two phones that
happen to pick the same key never meet, and any key fits the 64-character columns.
Errors are answers too: a wrong OTP replayed is not counted twice.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core.api.errors import error_body
from core.exceptions import DomainError

from .exceptions import IdempotencyKeyReused
from .models import ApiReplay

KEY_MAX_LENGTH = 255


class InvalidIdempotencyKey(DomainError):
    code = "invalid_idempotency_key"
    status = 400
    default_message = _("The Idempotency-Key must be 1 to 255 printable ASCII characters.")


def _fingerprint(endpoint: str, payload: Any) -> str:
    # Keyed, because a deliver request's body holds an OTP: an unkeyed hash of it
    # could be reversed by trying the 10^6 codes.
    text = endpoint + "\n" + json.dumps(payload, sort_keys=True, default=str)
    return hmac.new(settings.SECRET_KEY.encode(), text.encode(), hashlib.sha256).hexdigest()


def _answer(call: Callable[[str | None], tuple[int, dict]], key: str | None) -> tuple[int, dict]:
    try:
        return call(key)
    except DomainError as exc:
        return exc.status, error_body(exc.code, exc.message, exc.details)


def _replay(record: ApiReplay, *, actor: User, endpoint: str, fingerprint: str) -> tuple[int, dict, bool]:
    if record.actor_id != actor.pk or record.endpoint != endpoint or record.fingerprint != fingerprint:
        exc = IdempotencyKeyReused()
        return exc.status, error_body(exc.code, exc.message, exc.details), False
    return record.status_code, record.body, True


def stored_key(*, actor: User, key: str) -> str:
    """What is kept for a client's key: a digest of (user, key), 64 hex characters."""
    return hashlib.sha256(f"{actor.pk}:{key}".encode()).hexdigest()


def idempotent(
    *,
    key: str | None,
    actor: User,
    endpoint: str,
    payload: Any,
    call: Callable[[str | None], tuple[int, dict]],
) -> tuple[int, dict, bool]:
    """Run `call(key)` once per key; returns (status, body, replayed).

    `call` makes the change through a service (passing the key on to the event) and
    returns the answer; a DomainError it raises becomes the stored error answer.
    """
    if not key:
        return (*_answer(call, None), False)
    if len(key) > KEY_MAX_LENGTH or not key.isascii() or not key.isprintable():
        exc = InvalidIdempotencyKey()
        return exc.status, error_body(exc.code, exc.message), False
    key = stored_key(actor=actor, key=key)
    fingerprint = _fingerprint(endpoint, payload)
    existing = ApiReplay.objects.filter(key=key).first()
    if existing is not None:
        return _replay(existing, actor=actor, endpoint=endpoint, fingerprint=fingerprint)
    with transaction.atomic():
        try:
            # Claim the key first. A twin request running at the same moment blocks
            # here on the unique index until we commit, then fails and replays our
            # answer instead of making the change a second time.
            with transaction.atomic():
                record = ApiReplay.objects.create(key=key, actor=actor, endpoint=endpoint, fingerprint=fingerprint)
        except IntegrityError:
            record = None
        if record is not None:
            status, body = _answer(call, key)
            record.status_code = status
            record.body = body
            record.save(update_fields=["status_code", "body"])
            return status, body, False
    return _replay(ApiReplay.objects.get(key=key), actor=actor, endpoint=endpoint, fingerprint=fingerprint)
