"""accounts' errors: role and place changes, citizen sign-in by mobile and code
(subclasses of core's one DomainError)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core.exceptions import DomainError


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
