"""The project-wide error type.

Every domain raises subclasses of DomainError from its own exceptions.py. One DRF
exception handler (core.api.errors) maps them to one JSON shape:
    {"error": {"code": ..., "message": ..., "details": ...}}
and HTML views show `message` to the user. Messages are lazy translations, so they
come out in the language of the request that shows them.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    code: str = "domain_error"
    status: int = 422
    default_message: Any = _("The request could not be completed.")

    def __init__(self, message: Any = None, *, details: dict[str, Any] | None = None) -> None:
        self.message = message if message is not None else self.default_message
        self.details = details or {}
        super().__init__(str(self.message))


class NotFound(DomainError):
    code = "not_found"
    status = 404
    default_message = _("Not found.")


class Conflict(DomainError):
    code = "conflict"
    status = 409
    default_message = _("The request conflicts with the current state.")


class InvalidTransition(DomainError):
    code = "invalid_transition"
    status = 409
    default_message = _("That step is not allowed from the current status.")


# --- idempotency keys (core.idempotency) ---------------------------------------------------------


class IdempotencyKeyMissing(DomainError):
    code = "idempotency_key_required"
    status = 400
    default_message = _("This request changes data: send an Idempotency-Key header (a unique value per operation).")


class IdempotencyKeyInvalid(DomainError):
    code = "idempotency_key_invalid"
    status = 400
    default_message = _("The Idempotency-Key must be 1 to 255 printable ASCII characters.")


class IdempotencyKeyReused(DomainError):
    code = "idempotency_key_reused"
    status = 422
    default_message = _("This Idempotency-Key was already used for a different request.")


class IdempotencyInProgress(Conflict):
    code = "idempotency_in_progress"
    default_message = _("A request with this Idempotency-Key is still being processed. Retry in a moment.")
