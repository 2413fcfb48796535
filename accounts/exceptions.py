"""The project-wide error type.

Every domain raises subclasses of DomainError from its own exceptions.py. One DRF
exception handler (accounts.api.errors) maps them to one JSON shape:
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


class RoleChangeInvalid(DomainError):
    code = "role_change_invalid"
    status = 400
    default_message = _("That role and place do not go together.")


class RoleChangeNotAllowed(DomainError):
    code = "role_change_not_allowed"
    status = 403
    default_message = _("Only an administrator changes roles and places.")


class MobileInvalid(DomainError):
    code = "mobile_invalid"
    status = 400
    default_message = _("Enter a mobile number: 10 digits starting with 6, 7, 8 or 9, or + and the country code.")


class MobileNotReachable(DomainError):
    code = "mobile_not_reachable"
    status = 400
    default_message = _("We can send codes only to Indian mobile numbers (+91).")


class CodeRequired(DomainError):
    code = "code_required"
    status = 400
    default_message = _("No code is waiting for this mobile number. Ask for a new code.")


class CodeInvalid(DomainError):
    code = "code_invalid"
    status = 400
    default_message = _("The code is not right.")


class CodeExpired(DomainError):
    code = "code_expired"
    status = 400
    default_message = _("This code has expired, was already used or was tried too many times. Ask for a new code.")


class CodeCooldown(DomainError):
    code = "code_cooldown"
    status = 429
    default_message = _("A code was sent a moment ago. Please wait a minute before asking for another.")


class CodeDailyLimit(DomainError):
    code = "code_daily_limit"
    status = 429
    default_message = _("Too many codes were sent to this mobile number today. Try again tomorrow.")
