"""The API's JSON parser: every body we take is a JSON object of plain data.

DRF's own parser lets through what no view of ours can use and then fails deep inside a
view or in PostgreSQL: a top-level list or number (`request.data.get` breaks), nesting so
deep that the decoder recurses out of stack (RecursionError), and the NUL character,
which PostgreSQL cannot store in text. Here each is one 400 in the error shape, before
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
        nul_at = _check(data)
        if nul_at is not None:
            raise exceptions.ValidationError({nul_at or "non_field_errors": [NUL_MESSAGE]})
        return data


def _check(data: Any) -> str | None:
    """Walk the parsed body without recursion: raise ParseError past MAX_DEPTH; return
    the dotted path of the first string (or key) holding a NUL, or None."""
    stack: list[tuple[Any, str, int]] = [(data, "", 1)]
    while stack:
        value, path, depth = stack.pop()
        if isinstance(value, dict | list):
            if depth > MAX_DEPTH:
                raise exceptions.ParseError(_("The request body is nested too deeply."))
            items = value.items() if isinstance(value, dict) else enumerate(value)
            for key, item in items:
                if isinstance(key, str) and "\x00" in key:
                    return path or "non_field_errors"
                child = f"{path}[{key}]" if isinstance(key, int) else (f"{path}.{key}" if path else key)
                stack.append((item, child, depth + 1))
        elif isinstance(value, str) and "\x00" in value:
            return path
    return None
