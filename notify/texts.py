"""Template texts: named placeholders in, DLT form and rendered SMS out.

Our texts use named placeholders, `"Your OTP is {otp}"`. The DLT platform knows only
anonymous variables, `"Your OTP is {#var#}"`; that is the form an administrator
registers with the operator, so it is the form we show next to each text.

Rendering is a plain substitution of `{name}` (a Python identifier in braces), not
str.format: a text edited in the admin cannot reach attributes (`{x.__class__}`) and
any other brace is left as it stands.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

PLACEHOLDER_RE = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
DLT_VARIABLE = "{#var#}"


class MissingPlaceholderValue(KeyError):
    """A text names a placeholder the caller gave no value for (a programming error)."""


def placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER_RE.findall(text))


def dlt_form(text: str) -> str:
    """'OTP {otp} for {article}' -> 'OTP {#var#} for {#var#}'."""
    return PLACEHOLDER_RE.sub(DLT_VARIABLE, text)


def render(text: str, context: Mapping[str, object]) -> str:
    missing = placeholders(text) - set(context)
    if missing:
        # Names only, never values: a value may be an OTP.
        raise MissingPlaceholderValue(f"no value for placeholder(s) {sorted(missing)}")
    return PLACEHOLDER_RE.sub(lambda match: str(context[match.group(1)]), text)
