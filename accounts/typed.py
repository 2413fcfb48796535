"""Numbers and dates as people type them: ASCII digits only.

Python's own readers are generous in ways a post office cannot be: str.isdigit(), int()
and Decimal() take the digits of every script and superscripts ("٣".isdigit() and
int("٣") == 3; "²".isdigit() is True but int("²") raises), and int() refuses a string
of more than 4,300 digits with an exception. A weight, an amount in paise, a PIN, an
account number, a UTR, an id or a code is read through these functions, which take
0-9 and nothing else, and a bounded number of them.
"""

from __future__ import annotations

import re
from datetime import date

# A PostgreSQL bigint holds any 18-digit number.
MAX_DIGITS = 18
_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def is_ascii_digits(text: str) -> bool:
    """'123' -> True; '', '12a', '١٢٣', '²' -> False."""
    return text.isascii() and text.isdigit()


def ascii_int(value: object, *, max_digits: int = MAX_DIGITS) -> int | None:
    """A non-negative whole number typed as ASCII digits (or given as a JSON integer),
    with at most `max_digits` digits; None for anything else (signs, spaces inside,
    other scripts' digits, booleans, floats, too many digits)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 0 <= value < 10**max_digits else None
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not is_ascii_digits(text) or len(text) > max_digits:
        return None
    return int(text)


def day_from_text(value: str | None) -> date | None:
    """'2025-10-31' -> date(2025, 10, 31); None for any other shape or an impossible
    day ('2025-13-01', '2025-02-30')."""
    if not value or not _ISO_DAY.fullmatch(value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None
