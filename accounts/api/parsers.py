"""The API's JSON parser: every body we take is a JSON object of plain data.

DRF's own parser lets through what no view of ours can use and then fails deep inside a
view or in PostgreSQL: a top-level list or number (`request.data.get` breaks), nesting so
deep that the decoder recurses out of stack (RecursionError), and text PostgreSQL cannot
store (the NUL character; a lone surrogate such as "\\ud800", valid JSON but no UTF-8). Here each is one 400 in the error shape, before
any view runs.
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.parsers import JSONParser

# Our deepest body is a booking (articles -> article -> sender -> field): 4 levels.
MAX_DEPTH = 16
NUL_MESSAGE = _("Null characters are not allowed.")  # Django's own words (its form fields say it)
SURROGATE_MESSAGE = _("This text is not valid Unicode.")


class BodyTooLarge(exceptions.APIException):
    status_code = 413
    default_code = "body_too_large"
    default_detail = _("The request body is too large.")


class JSONObjectParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None) -> dict:
        parser_context = parser_context or {}
        encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
        # DRF reads the stream itself, past Django's DATA_UPLOAD_MAX_MEMORY_SIZE: apply it here.
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        raw = stream.read(limit + 1) if limit is not None else stream.read()
        if limit is not None and len(raw) > limit:
            raise BodyTooLarge
        try:
            data = json.loads(raw.decode(encoding))
        except RecursionError:
            raise exceptions.ParseError(_("The request body is nested too deeply.")) from None
        except ValueError:  # bad JSON and bad bytes (UnicodeDecodeError is a ValueError)
            raise exceptions.ParseError() from None
        if not isinstance(data, dict):
            raise exceptions.ParseError(_('The request body must be a JSON object, like {"name": "value"}.'))
        bad = _check(data)
        if bad is not None:
            path, message = bad
            raise exceptions.ValidationError({path or "non_field_errors": [message]})
        return data


def _unstorable(text: str) -> Any:
    """Why PostgreSQL would refuse this text, or None: a NUL, or a lone surrogate
    ("\\ud800" is valid JSON but no UTF-8)."""
    if "\x00" in text:
        return NUL_MESSAGE
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return SURROGATE_MESSAGE
    return None


def _check(data: Any) -> tuple[str, Any] | None:
    """Walk the parsed body without recursion: raise ParseError past MAX_DEPTH; return
    (dotted path, message) of the first string or key PostgreSQL could not store."""
    stack: list[tuple[Any, str, int]] = [(data, "", 1)]
    while stack:
        value, path, depth = stack.pop()
        if isinstance(value, dict | list):
            if depth > MAX_DEPTH:
                raise exceptions.ParseError(_("The request body is nested too deeply."))
            items = value.items() if isinstance(value, dict) else enumerate(value)
            for key, item in items:
                if isinstance(key, str) and (message := _unstorable(key)):
                    return path, message
                child = f"{path}[{key}]" if isinstance(key, int) else (f"{path}.{key}" if path else key)
                stack.append((item, child, depth + 1))
        elif isinstance(value, str) and (message := _unstorable(value)):
            return path, message
    return None
