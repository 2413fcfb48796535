"""Delivery's errors. Each is a DomainError: the API handler turns it into
{"error": {"code", "message", "details"}} with `status`, and pages show `message`."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core.exceptions import Conflict, DomainError, InvalidTransition, NotFound


class InvalidArticleNumber(DomainError):
    code = "invalid_article_number"
    status = 400
    default_message = _(
        "That is not a valid article number. It has 13 characters: two letters, eight digits, "
        "a check digit and IN (for example EE123456785IN)."
    )


class ArticleNotFound(NotFound):
    code = "article_not_found"
    default_message = _("No article has that number.")


class InvalidBooking(DomainError):
    code = "invalid_booking"
    status = 400
    default_message = _("The booking details are not valid.")


class ArticleTransitionRefused(InvalidTransition):
    """The status map does not allow this step from the article's current status."""

    code = "invalid_transition"
    default_message = _("That step is not allowed for this article now.")


class ArticleNotCancellable(Conflict):
    code = "not_cancellable"
    default_message = _("Only an article booked today and not yet dispatched can be cancelled.")


class WrongOffice(Conflict):
    code = "wrong_office"
    default_message = _("This article is not at your office.")


class NotYourBeat(Conflict):
    code = "not_your_beat"
    default_message = _("This article is not on your beat.")


class InvalidPostman(DomainError):
    code = "invalid_postman"
    status = 400
    default_message = _("Choose a postman of this office.")


class InvalidEvent(DomainError):
    code = "invalid_event"
    status = 400
    default_message = _("The event details are not valid.")


class OtpInvalid(DomainError):
    code = "otp_invalid"
    status = 422
    default_message = _("That code is not right.")


class OtpLocked(DomainError):
    code = "otp_locked"
    status = 423
    default_message = _("This code can no longer be used (too many wrong tries). Send a new code or record an attempt.")


class OtpExpired(DomainError):
    code = "otp_expired"
    status = 423
    default_message = _("The code was for an earlier day. Send a new code.")


class OtpMissing(DomainError):
    code = "otp_missing"
    status = 423
    default_message = _("No code has been sent for this article today. Send a code.")


class OtpNotRequired(DomainError):
    code = "otp_not_required"
    status = 400
    default_message = _("This article is delivered against a signature, not a code.")


class OtpResendCooldown(DomainError):
    code = "otp_resend_cooldown"
    status = 429
    default_message = _("A code was sent less than a minute ago. Wait before sending again.")


class OtpSendLimit(DomainError):
    code = "otp_send_limit"
    status = 429
    default_message = _("The code has already been sent three times today for this article.")


class SignatureRequired(DomainError):
    code = "signature_required"
    status = 400
    default_message = _("Write the receiver's name and get their signature.")


class SerialsExhausted(Conflict):
    code = "serials_exhausted"
    default_message = _("No article number can be issued for this service now. Tell the administrator.")


class BagNotFound(NotFound):
    code = "bag_not_found"
    default_message = _("No bag has that number.")


class BagAlreadyReceived(Conflict):
    code = "bag_already_received"
    default_message = _("This bag has already been received.")
