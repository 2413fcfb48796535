"""notify's errors.

Only a wrong mobile number is the caller's user's fault (a DomainError with a message
a person can read). The others are programming errors in the calling code and are
plain exceptions: an unknown template key, a missing placeholder value, sms_queue
outside a transaction (django.db.transaction.TransactionManagementError).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core.exceptions import DomainError

from .texts import MissingPlaceholderValue

__all__ = ["InvalidMobileNumber", "MissingPlaceholderValue", "UnknownSmsTemplate"]


class InvalidMobileNumber(DomainError):
    code = "invalid_mobile"
    status = 422
    default_message = _("A mobile number is ten digits starting with 6, 7, 8 or 9.")


class UnknownSmsTemplate(LookupError):
    """No SmsTemplate row and no registered spec for this key."""
