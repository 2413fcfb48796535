"""Banking's errors. The API handler turns each into {"error": {"code", "message", "details"}}."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core.exceptions import DomainError, InvalidTransition, NotFound


class BankingError(DomainError):
    code = "banking_error"
    default_message = _("The banking request could not be completed.")


class InvalidAmount(BankingError):
    code = "invalid_amount"
    default_message = _("The amount must be a whole number of paise, more than zero and within the limit.")


class InsufficientFunds(BankingError):
    code = "insufficient_funds"
    default_message = _("The account does not have enough balance for this.")


class TillShort(BankingError):
    code = "till_short"
    default_message = _("The till does not hold enough cash for this.")


class AccountNotFound(NotFound):
    code = "account_not_found"
    default_message = _("There is no savings account with that number.")


class AccountNotActive(BankingError):
    code = "account_not_active"
    status = 409
    default_message = _("The account is frozen or closed.")


class OverCap(BankingError):
    code = "over_balance_cap"
    status = 409
    default_message = _(
        "The holder is above the ₹2,00,000 end-of-day limit and has no linked POSB account: "
        "no credit is taken until a POSB account is linked."
    )


class SameAccount(BankingError):
    code = "same_account"
    default_message = _("A transfer needs two different accounts.")


class InvalidCustomer(BankingError):
    code = "invalid_customer"
    status = 400
    default_message = _("Some of the customer's details are not valid.")


class DuplicateAadhaar(BankingError):
    code = "duplicate_aadhaar"
    status = 409
    default_message = _("A customer with this Aadhaar number is already registered.")


class TillNotOpen(BankingError):
    code = "till_not_open"
    status = 409
    default_message = _("Open your till before taking or paying out cash.")


class OfficeDayClosed(BankingError):
    code = "office_day_closed"
    status = 409
    default_message = _("The office day is closed: no till opens and no cash moves through a till until tomorrow.")


class TillsStillOpen(BankingError):
    code = "tills_still_open"
    status = 409
    default_message = _("Every till of the office must be closed first.")


class TillAlreadyOpen(BankingError):
    code = "till_already_open"
    status = 409
    default_message = _("This clerk already has an open till.")


class OtpRequired(BankingError):
    code = "otp_required"
    default_message = _(
        "This amount needs the customer's consent: send an OTP to their mobile and enter the code they receive."
    )


class OtpInvalid(BankingError):
    code = "otp_invalid"
    default_message = _("The OTP is not right.")


class OtpExpired(BankingError):
    code = "otp_expired"
    default_message = _("The OTP has expired, was already used or was tried too many times. Send a new one.")


class OtpCooldown(BankingError):
    code = "otp_cooldown"
    status = 429
    default_message = _("An OTP was sent a moment ago. Please wait a minute before sending another.")


class OtpDailyLimit(BankingError):
    code = "otp_daily_limit"
    status = 429
    default_message = _("Too many OTPs were sent for this account today.")


class NotReversible(BankingError):
    code = "not_reversible"
    status = 409
    default_message = _("This entry cannot be reversed.")


class MakerCheckerViolation(BankingError):
    code = "maker_checker"
    status = 403
    default_message = _("The person who asked for a reversal cannot approve it.")


class ReversalInvalidTransition(InvalidTransition):
    code = "reversal_invalid_transition"
    default_message = _("This reversal request has already been decided.")


class PaymentInvalidTransition(InvalidTransition):
    code = "payment_invalid_transition"
    default_message = _("This step is not allowed for the payment in its current status.")


class PaymentOwned(BankingError):
    """A payment that belongs to a booking (or a fee, a visit) is refunded, cancelled or
    confirmed only through that owner's own flow, which keeps the owner in step."""

    code = "payment_owned"
    status = 409
    default_message = _(
        "This payment belongs to something sold at the counter: refund or cancel it there, not from banking."
    )


class InvalidPayment(BankingError):
    code = "invalid_payment"
    status = 400
    default_message = _("The payment details are not valid.")


class InvalidUtr(BankingError):
    code = "invalid_utr"
    default_message = _("A UTR is the 12-digit reference of the UPI payment.")


class DuplicateUtr(BankingError):
    code = "duplicate_utr"
    status = 409
    default_message = _("This UTR has already confirmed another payment.")


class UnbalancedEntry(BankingError):
    code = "unbalanced_entry"
    status = 500
    default_message = _("A ledger entry did not balance; nothing was posted.")


class TillClerkInvalid(BankingError):
    code = "till_clerk_invalid"
    status = 400
    default_message = _("A till belongs to a counter clerk or postmaster of the same office.")


class PaymentDuplicate(BankingError):
    code = "payment_duplicate"
    status = 409
    default_message = _("This reference has already been paid.")


class InvalidStatusChange(InvalidTransition):
    code = "account_invalid_transition"
    default_message = _("The account cannot move to that status from its current one.")


class AccountNotEmpty(BankingError):
    code = "account_not_empty"
    status = 409
    default_message = _("An account can be closed only when its balance is zero.")


class InvalidPosbAccount(BankingError):
    code = "invalid_posb_account"
    status = 400
    default_message = _("A POSB account number is 6 to 20 letters and digits.")


# --- customer self-service and mini-statements (banking.selfservice, the savings pages) ---


class AccountNumberInvalid(BankingError):
    code = "account_number_invalid"
    status = 400
    default_message = _("This is not a valid account number: it has 12 digits and starts with 1. Check each digit.")


class SelfServiceRateLimited(BankingError):
    code = "selfservice_rate_limited"
    status = 429
    default_message = _("Too many codes were asked for from this connection. Please try again in an hour.")


class MiniStatementCooldown(BankingError):
    code = "mini_statement_cooldown"
    status = 429
    default_message = _("A mini-statement was sent to this account a moment ago. Please wait a minute.")


class MiniStatementDailyLimit(BankingError):
    code = "mini_statement_daily_limit"
    status = 429
    default_message = _("Enough mini-statements were sent to this account today. Try again tomorrow.")


class StatementTooLong(BankingError):
    code = "statement_too_long"
    status = 400
    default_message = _(
        "This period has too many transactions for one PDF. Choose a shorter period, or download the CSV."
    )
