"""Check digits: Verhoeff (Aadhaar's, and our savings account numbers').

Verhoeff catches every single-digit error and every swap of two neighbouring digits,
which Luhn does not (it misses 09 <-> 90). Pure functions, no Django.

Savings account number: 12 digits = "1" + a 10-digit serial + a Verhoeff check digit.
- the serial comes from a database sequence (AccountSerial's auto-increment key), never
  from a "last number" row;
- the leading "1" keeps the width fixed and means an account number can never be
  mistaken for an Aadhaar number (Aadhaar never starts with 0 or 1).
"""

from __future__ import annotations

import re

_D = (
    (0, 1, 2, 3, 4, 5, 6, 7, 8, 9),
    (1, 2, 3, 4, 0, 6, 7, 8, 9, 5),
    (2, 3, 4, 0, 1, 7, 8, 9, 5, 6),
    (3, 4, 0, 1, 2, 8, 9, 5, 6, 7),
    (4, 0, 1, 2, 3, 9, 5, 6, 7, 8),
    (5, 9, 8, 7, 6, 0, 4, 3, 2, 1),
    (6, 5, 9, 8, 7, 1, 0, 4, 3, 2),
    (7, 6, 5, 9, 8, 2, 1, 0, 4, 3),
    (8, 7, 6, 5, 9, 3, 2, 1, 0, 4),
    (9, 8, 7, 6, 5, 4, 3, 2, 1, 0),
)
_P = (
    (0, 1, 2, 3, 4, 5, 6, 7, 8, 9),
    (1, 5, 7, 6, 2, 8, 3, 0, 9, 4),
    (5, 8, 0, 3, 7, 9, 6, 1, 4, 2),
    (8, 9, 1, 6, 0, 4, 3, 5, 2, 7),
    (9, 4, 5, 3, 1, 2, 6, 8, 7, 0),
    (4, 2, 8, 6, 5, 7, 3, 9, 0, 1),
    (2, 7, 9, 3, 8, 0, 6, 4, 1, 5),
    (7, 0, 4, 6, 9, 1, 3, 2, 5, 8),
)
_INV = (0, 4, 3, 2, 1, 5, 6, 7, 8, 9)

ACCOUNT_NUMBER_RE = re.compile(r"^1[0-9]{11}\Z")
ACCOUNT_SERIAL_MAX = 10**10 - 1


def verhoeff_check_digit(digits: str) -> int:
    """The digit to append to `digits` so that the whole number validates."""
    c = 0
    for i, ch in enumerate(reversed(digits)):
        c = _D[c][_P[(i + 1) % 8][int(ch)]]
    return _INV[c]


def verhoeff_valid(number: str) -> bool:
    if not number.isdigit() or not number.isascii():
        return False
    c = 0
    for i, ch in enumerate(reversed(number)):
        c = _D[c][_P[i % 8][int(ch)]]
    return c == 0


def aadhaar_normalise(raw: str) -> str | None:
    """'2345 6789 0124' -> '234567890124' when it is a well-formed Aadhaar, else None.

    Twelve digits, not starting with 0 or 1, last digit a Verhoeff check digit."""
    digits = re.sub(r"[\s-]", "", raw or "")
    if len(digits) != 12 or not digits.isdigit() or not digits.isascii() or digits[0] in "01":
        return None
    return digits if verhoeff_valid(digits) else None


def aadhaar_mask(last_four: str) -> str:
    return f"XXXX-XXXX-{last_four}" if last_four else ""


def account_number_from_serial(serial: int) -> str:
    if not 0 < serial <= ACCOUNT_SERIAL_MAX:
        raise ValueError("account serial out of range")
    body = f"1{serial:010d}"
    return body + str(verhoeff_check_digit(body))


def account_number_valid(number: str) -> bool:
    return bool(ACCOUNT_NUMBER_RE.match(number or "")) and verhoeff_valid(number)
