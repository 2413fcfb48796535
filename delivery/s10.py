"""UPU S10 article numbers: `XX NNNNNNNN C IN`.

XX is the service indicator, NNNNNNNN the serial, C the check digit and IN the
country. The check digit (DOMAIN.md): weights 8,6,4,2,3,5,9,7 on the serial digits,
S = weighted sum, C = 11 - (S mod 11), with 10 -> 0 and 11 -> 5.

Serials come from a database sequence per service indicator (see s10_issue), never
from a "last number" row that every booking would have to lock.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.typed import is_ascii_digits

from .exceptions import InvalidArticleNumber, SerialsExhausted

WEIGHTS = (8, 6, 4, 2, 3, 5, 9, 7)
COUNTRY = "IN"
SERIALS_PER_CYCLE = 99_999_999  # serials 00000001..99999999; 00000000 is never issued
# UPU: a serial must not be reused within 12 months; 24 are recommended, and we keep 24.
REUSE_AFTER = timedelta(days=730)

# The service indicators this office issues, with what they mean. A PostgreSQL
# sequence exists for each (migration 0002); adding one here needs a migration too.
SERVICE_INDICATORS: dict[str, object] = {
    "EE": _("Speed Post document"),
    "EP": _("Speed Post parcel"),
    "CP": _("Parcel"),
}

_NUMBER_RE = re.compile(r"^([A-Z]{2})([0-9]{8})([0-9])([A-Z]{2})$")  # ASCII digits: \d takes any script's
_STRIP_RE = re.compile(r"[\s\-.]")


def s10_check_digit(serial: str | int) -> int:
    """The check digit of an 8-digit serial: '47312482' -> 9, '00000000' -> 5."""
    digits = f"{serial:08d}" if isinstance(serial, int) else serial
    if len(digits) != 8 or not is_ascii_digits(digits):
        raise ValueError("an S10 serial is exactly eight digits")
    total = sum(int(d) * w for d, w in zip(digits, WEIGHTS, strict=True))
    check = 11 - total % 11
    return {10: 0, 11: 5}.get(check, check)


def s10_compose(service_indicator: str, serial: int) -> str:
    """'EE', 47312482 -> 'EE473124829IN'."""
    digits = f"{serial:08d}"
    return f"{service_indicator}{digits}{s10_check_digit(digits)}{COUNTRY}"


def s10_validate(number: str) -> str:
    """Normalise a typed or scanned number (spaces, hyphens, case) and check it.

    Returns the 13-character upper-case number or raises InvalidArticleNumber whose
    message (Hindi or English, the request's language) says what is wrong and whose
    details carry a machine-readable `reason`: format, country or check_digit.
    """
    raw = number if isinstance(number, str) else ""
    value = _STRIP_RE.sub("", raw).upper()
    match = _NUMBER_RE.match(value)
    if not match:
        raise InvalidArticleNumber(
            _(
                "“%(number)s” is not an article number. An article number has 13 characters: two letters, "
                "eight digits, a check digit and IN (for example EE123456785IN)."
            )
            % {"number": raw.strip()[:20]},
            details={"number": raw.strip()[:20], "reason": "format"},
        )
    _indicator, serial, check, country = match.groups()
    if country != COUNTRY:
        raise InvalidArticleNumber(
            _("%(number)s is not an Indian article number: it must end in IN.") % {"number": value},
            details={"number": value, "reason": "country"},
        )
    if int(check) != s10_check_digit(serial):
        raise InvalidArticleNumber(
            _(
                "%(number)s has a wrong check digit: one of its digits was probably mistyped. "
                "Check the number on the article or the receipt."
            )
            % {"number": value},
            details={"number": value, "reason": "check_digit"},
        )
    return value


def s10_display(number: str) -> str:
    """'EE473124829IN' -> 'EE 47312482 9 IN' (how it is printed for people)."""
    return f"{number[:2]} {number[2:10]} {number[10]} {number[11:]}"


@dataclass(frozen=True)
class IssuedNumber:
    number: str
    service_indicator: str
    serial: int
    cycle: int


def sequence_name(service_indicator: str) -> str:
    return f"delivery_s10_{service_indicator.lower()}"


def _next_value(service_indicator: str) -> int:
    """The next value of the indicator's counter: 1, 2, 3, ... forever, never repeated."""
    if connection.vendor == "postgresql":
        # nextval() is outside transactions: a rolled-back booking leaves a gap, never
        # a duplicate, and two bookings never wait for each other (no hot row).
        with connection.cursor() as cursor:
            cursor.execute("SELECT nextval(%s)", [sequence_name(service_indicator)])
            return int(cursor.fetchone()[0])
    # SQLite has no sequences. The embedded mode's transactions are IMMEDIATE (one
    # writer at a time), so a row per indicator bumped inside the same transaction is
    # safe there; it would serialise bookings on PostgreSQL, which is why it is only
    # the fallback.
    from .models import S10Counter

    with transaction.atomic():
        updated = S10Counter.objects.filter(service_indicator=service_indicator).update(last_value=F("last_value") + 1)
        if not updated:
            S10Counter.objects.create(service_indicator=service_indicator, last_value=1)
            return 1
        return S10Counter.objects.values_list("last_value", flat=True).get(service_indicator=service_indicator)


def s10_issue(*, service_indicator: str, at: datetime | None = None) -> IssuedNumber:
    """Issue a new article number for the indicator.

    The counter runs 1, 2, 3, ...; the serial is that value folded into
    1..99999999 and `cycle` counts the folds. A serial is reused (cycle >= 1) only
    when the article that held it in the previous cycle was booked at least
    24 months earlier; otherwise SerialsExhausted is raised and no number is issued.
    (At 10,000 bookings a day one cycle lasts 27 years, so this guard is for safety,
    not for daily life.)
    """
    from .models import Article

    if service_indicator not in SERVICE_INDICATORS:
        raise ValueError(f"unknown service indicator {service_indicator!r}")
    value = _next_value(service_indicator)
    cycle, rest = divmod(value - 1, SERIALS_PER_CYCLE)
    serial = rest + 1
    number = s10_compose(service_indicator, serial)
    if cycle:
        now = at or timezone.now()
        if Article.objects.filter(number=number, cycle=cycle - 1, booked_at__gt=now - REUSE_AFTER).exists():
            raise SerialsExhausted(details={"service_indicator": service_indicator})
    return IssuedNumber(number=number, service_indicator=service_indicator, serial=serial, cycle=cycle)
