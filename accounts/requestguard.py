"""Requests no view can serve, answered before any of them runs (first middleware).

- a URL over 4 KB: 414; a header over 8 KB: 431. gunicorn would refuse them itself with
  a bare HTML page (gunicorn.conf.py raises its limits a little so these answers are
  ours: the error shape on the API, a bilingual page elsewhere);
- a NUL character in the path, the query string or a form field: 400. PostgreSQL cannot
  store it in text, so it would fail at the first query as a 500. (JSON bodies are
  checked by accounts.api.parsers, where they are parsed.)
- a client that goes away in the middle of its body (UnreadablePostError): 400, logged
  as a warning, not as a server error: nothing on our side went wrong.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse, UnreadablePostError
from django.utils import translation
from django.utils.html import format_html
from django.utils.translation import gettext as _

from core.api.errors import error_body

logger = logging.getLogger(__name__)

MAX_URL_BYTES = 4096
MAX_HEADER_BYTES = 8192
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _refusal(request: HttpRequest, status: int, code: str, message: Callable[[], str]) -> HttpResponse:
    """The error shape in the request's language on the API; elsewhere a small page in
    Hindi and English (LocaleMiddleware has not run yet: a long cookie may be the fault)."""
    if request.path.startswith("/api/"):
        return JsonResponse(error_body(code, message()), status=status)
    with translation.override("hi"):
        hindi = message()
    with translation.override("en"):
        english = message()
    page = format_html(
        '<!doctype html><html lang="hi"><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1"><title>{}</title>'
        '<p>{}</p><p lang="en">{}</p><p><a href="/">Dakghar</a></p></html>',
        status,
        hindi,
        english,
    )
    return HttpResponse(page, status=status, content_type="text/html; charset=utf-8")


def _too_long_url() -> str:
    return _("This address is too long (over 4 KB). Shorten it and try again.")


def _too_long_header() -> str:
    return _("A header of this request is too long (over 8 KB). Clear this site's cookies and try again.")


def _nul() -> str:
    return _("Null characters are not allowed.")


def _unreadable() -> str:
    return _("The request body did not arrive whole. Send it again.")


def _has_nul(data) -> bool:
    return any("\x00" in key or any("\x00" in v for v in values) for key, values in data.lists())


class RequestGuardMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        meta = request.META
        if len(meta.get("PATH_INFO", "")) + len(meta.get("QUERY_STRING", "")) > MAX_URL_BYTES:
            return _refusal(request, 414, "uri_too_long", _too_long_url)
        for name, value in meta.items():
            if (name.startswith("HTTP_") or name in ("CONTENT_TYPE", "CONTENT_LENGTH")) and (
                isinstance(value, str) and len(value) > MAX_HEADER_BYTES
            ):
                return _refusal(request, 431, "header_too_large", _too_long_header)
        if "\x00" in request.path or _has_nul(request.GET):
            return _refusal(request, 400, "null_character", _nul)
        if request.method == "POST" and request.content_type in FORM_TYPES:
            try:
                if _has_nul(request.POST):
                    return _refusal(request, 400, "null_character", _nul)
            except UnreadablePostError as exc:
                return self.process_exception(request, exc)
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, UnreadablePostError):
            logger.warning("request body unreadable (client gone?): %s %s: %s", request.method, request.path, exception)
            return _refusal(request, 400, "body_unreadable", _unreadable)
        return None
