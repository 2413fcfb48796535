"""The counter's errors. Messages are lazy translations (Hindi and English)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core.exceptions import Conflict, DomainError, InvalidTransition, NotFound


class CounterError(DomainError):
    code = "counter_error"


class BadInput(CounterError):
    """Input a person can correct: shown beside the form, 400 through the API."""

    code = "invalid"
    status = 400


class UnknownService(BadInput):
    code = "unknown_service"
    default_message = _("That service is not offered at the counter.")


class BadWeight(BadInput):
    code = "bad_weight"
    default_message = _("The weight must be a whole number of grams above zero.")


class WeightOverLimit(BadInput):
    code = "weight_over_limit"
    default_message = _("The article is heavier than this service accepts.")


class BadPin(BadInput):
    code = "bad_pin"
    default_message = _("A PIN code is six digits and does not start with 0.")


class UnknownPin(BadInput):
    code = "unknown_pin"
    default_message = _("This PIN code is not in the PIN directory.")


class PinNotLocated(BadInput):
    code = "pin_not_located"
    default_message = _("The PIN directory has no location for this PIN code, so the distance is unknown.")


class UnknownAddon(BadInput):
    code = "unknown_addon"
    default_message = _("That add-on is not offered.")


class UnknownDiscount(BadInput):
    code = "unknown_discount"
    default_message = _("That discount is not offered.")


class NoTariff(CounterError):
    code = "no_tariff"
    status = 422
    default_message = _("No tariff is in force for this service, weight and distance on that date.")


class TillNotOpen(CounterError):
    code = "till_not_open"
    status = 409
    default_message = _("Open your till before taking cash.")


class TillAlreadyOpen(Conflict):
    code = "till_already_open"
    default_message = _("You already have an open till.")


class BookingNotFound(NotFound):
    code = "booking_not_found"
    default_message = _("No such receipt.")


class CancelNotAllowed(InvalidTransition):
    code = "cancel_not_allowed"
    default_message = _("This booking can no longer be cancelled.")


class IdempotencyKeyRequired(BadInput):
    code = "idempotency_key_required"
    default_message = _("An Idempotency-Key header is required.")
