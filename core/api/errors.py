"""One error shape for the whole API: {"error": {"code", "message", "details"}}.

DRF's own exceptions, Django's Http404/PermissionDenied and our DomainError all come
out the same way, with the message in the request's language (DRF ships no Hindi, so
the messages for its exceptions are ours).
"""

from __future__ import annotations

import math
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core.exceptions import DomainError

# DRF's most common field errors, listed here so `make messages` puts them in our
# catalogue: Django merges catalogues, so DRF's own gettext then finds the Hindi.
DRF_FIELD_MESSAGES = (
    gettext_noop("This field is required."),
    gettext_noop("This field may not be blank."),
    gettext_noop("This field may not be null."),
    gettext_noop("A valid integer is required."),
    gettext_noop("Not a valid string."),
    gettext_noop("Must be a valid boolean."),
    gettext_noop("Invalid input."),
    gettext_noop("Invalid token."),
    gettext_noop("User inactive or deleted."),
)

# Our words for DRF's exceptions, used unless the code that raised one gave its own.
MESSAGES: dict[type[exceptions.APIException], Any] = {
    exceptions.ParseError: gettext_lazy("The request body could not be read. Send valid JSON."),
    exceptions.AuthenticationFailed: gettext_lazy("The sign-in details are not right."),
    exceptions.NotAuthenticated: gettext_lazy("Sign in first: no credentials were sent."),
    exceptions.PermissionDenied: gettext_lazy("You do not have permission to do this."),
    exceptions.NotFound: gettext_lazy("Not found."),
    exceptions.MethodNotAllowed: gettext_lazy("This method is not allowed here."),
    exceptions.NotAcceptable: gettext_lazy("The response format asked for is not available."),
    exceptions.UnsupportedMediaType: gettext_lazy("This content type is not supported. Send JSON."),
}


def error_body(code: str, message: Any, details: Any = None) -> dict:
    return {"error": {"code": code, "message": str(message), "details": details or {}}}


def _drf_code(exc: exceptions.APIException) -> str:
    if isinstance(exc, exceptions.ValidationError):
        return "invalid"
    codes = exc.get_codes()
    return codes if isinstance(codes, str) else exc.default_code


def _message(exc: exceptions.APIException) -> str:
    """A message someone raised on purpose (a string other than DRF's default) is kept;
    DRF's defaults are replaced by ours."""
    if isinstance(exc.detail, str) and not _is_default(exc):
        return str(exc.detail)
    for cls in type(exc).__mro__:
        if cls in MESSAGES:
            return str(MESSAGES[cls])
    return _("The request could not be completed.")


def _is_default(exc: exceptions.APIException) -> bool:
    if isinstance(exc, exceptions.MethodNotAllowed | exceptions.UnsupportedMediaType):
        return True  # DRF formats its default with the method or media type
    return str(exc.detail) == str(exc.default_detail)


def exception_handler(exc: Exception, context: dict) -> Response | None:
    if isinstance(exc, DomainError):
        return Response(error_body(exc.code, exc.message, exc.details), status=exc.status)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # a real bug: Django's 500 handler answers (api_server_error below)
    details: Any = {}
    if isinstance(exc, exceptions.ValidationError):
        message = _("Some of the data sent is not valid.")
        details = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
    elif isinstance(exc, exceptions.Throttled):
        seconds = math.ceil(exc.wait or 1)
        message = _("Too many requests. Try again in %(seconds)d seconds.") % {"seconds": seconds}
        details = {"retry_after_seconds": seconds}
    else:
        message = _message(exc)
        if isinstance(exc, exceptions.MethodNotAllowed):
            details = {"method": context["request"].method}
    response.data = error_body(_drf_code(exc), message, details)
    return response


def api_not_found(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    return JsonResponse(error_body("not_found", _("Not found.")), status=status.HTTP_404_NOT_FOUND)


def api_server_error(request: HttpRequest) -> JsonResponse:
    return JsonResponse(
        error_body("server_error", _("Something went wrong on our side. Please try again.")),
        status=status.HTTP_500_INTERNAL_SERVER_ERROR,
    )
