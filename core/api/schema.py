"""The OpenAPI schema documents the error answers too, not only the successes.

Every operation lists the 4xx it can give, each with the one error shape of
core.api.errors; a code a view documents itself is left as it is.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import serializers


class ApiErrorSerializer(serializers.Serializer):
    code = serializers.CharField(help_text=_("A stable, machine-readable code, e.g. invalid, not_found, throttled."))
    message = serializers.CharField(help_text=_("For people, in the request's language."))
    details = serializers.DictField(
        child=serializers.JSONField(), help_text=_("More about the error: for invalid data, the field paths.")
    )


class ApiErrorBodySerializer(serializers.Serializer):
    error = ApiErrorSerializer()


DESCRIPTIONS = {
    400: _("The request is not valid: a field, the body, a parameter or a header."),
    401: _("No sign-in, or one that is wrong or expired."),
    403: _("Signed in, but not allowed to do this."),
    404: _("Not found, or not yours to see (the same answer)."),
    409: _("Not possible in the current state; retry when it has changed."),
    413: _("The request body is too large."),
    415: _("The body is not JSON."),
    422: _("Refused: the data is well formed but cannot be accepted (e.g. an Idempotency-Key reused)."),
    429: _("Too many requests; details.retry_after_seconds says when to retry."),
}
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    str,
    OpenApiParameter.HEADER,
    required=True,
    description=_(
        "A fresh key per operation (1-255 printable ASCII characters): a retry with the same key and body "
        "returns the first answer; the same key with another body is refused (422)."
    ),
)


class ErrorAwareAutoSchema(AutoSchema):
    def get_override_parameters(self):
        # Every handler behind core.idempotency.idempotent_post needs the header; a view
        # that declares it itself (extend_schema) comes after this and wins.
        handler = getattr(self.view, self.method.lower(), None)
        keyed = hasattr(handler, "idempotency_scope")
        return [IDEMPOTENCY_KEY, *super().get_override_parameters()] if keyed else super().get_override_parameters()

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        for status in self._error_statuses():
            code = str(status)
            if code not in responses:
                answer = OpenApiResponse(ApiErrorBodySerializer, description=str(DESCRIPTIONS[status]))
                responses[code] = self._get_response_for_code(answer, code, direction=direction)
        return responses

    def _error_statuses(self) -> list[int]:
        # Every operation: a NUL or an impossible value in the path or query (400), a bad
        # token even where no sign-in is needed (401), an officer's session without its
        # second factor (403, the staff two-factor middleware).
        statuses = [400, 401, 403]
        if "{" in self.path or self.method in WRITE_METHODS:
            statuses.append(404)
        if self.method in WRITE_METHODS:
            statuses += [409, 413, 415, 422]
        if self.method in WRITE_METHODS or self.view.get_throttles():
            statuses.append(429)
        return sorted(statuses)
