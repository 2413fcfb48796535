"""One-time codes sent to a citizen's mobile (sign-in; later, other purposes).

The rules are banking.otp's (OWASP ASVS level 2): 6 digits from `secrets`; kept only as
a keyed HMAC with a salt of its own; lives CITIZEN_CODE_TTL_SECONDS (10 minutes); dead
after CITIZEN_CODE_MAX_ATTEMPTS (5) tries, each counted in the database before the
code is compared and kept even when the caller rolls back; used once (compare-and-set);
a new code waits CITIZEN_CODE_RESEND_SECONDS (60) after the last and at most
CITIZEN_CODE_DAILY_CAP go to one mobile a day, per purpose. Never log a code.

Kept in this one module so it can move to core's one-time code primitive whole.
"""

from __future__ import annotations

import copy
import hmac
import logging
import re
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from . import outgoing_sms
from .exceptions import (
    CodeCooldown,
    CodeDailyLimit,
    CodeExpired,
    CodeInvalid,
    CodeRequired,
    MobileInvalid,
    MobileNotReachable,
)
from .models import Citizen, CitizenCode, e164_validator

logger = logging.getLogger(__name__)

HMAC_SALT = "dakghar.accounts.citizen_code"
SMS_TEMPLATE = {CitizenCode.Purpose.SIGNIN: "accounts.citizen_signin"}


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def ttl_seconds() -> int:
    return _setting("CITIZEN_CODE_TTL_SECONDS", 600)


def max_attempts() -> int:
    return _setting("CITIZEN_CODE_MAX_ATTEMPTS", 5)


# --- mobile numbers ----------------------------------------------------------------------

_INDIAN = re.compile(r"^(?:\+?91|0)?([6-9][0-9]{9})$")


def mobile_normalise(raw: str) -> str:
    """A mobile as typed ("98765 43210", "+91-98765-43210", "09876543210") in E.164
    ("+919876543210"). Ten digits mean India. Raises MobileInvalid."""
    text = re.sub(r"[\s\-().]", "", str(raw or ""))
    indian = _INDIAN.match(text)
    if indian:
        return "+91" + indian.group(1)
    if text.startswith("+") and not text.startswith("+91"):  # +91 is India: matched above or wrong
        try:
            e164_validator(text)
        except Exception:
            raise MobileInvalid from None
        return text
    raise MobileInvalid


def _sms_number(mobile: str) -> str:
    """The 10 digits our SMS gateway takes; only Indian numbers can get a code."""
    if not mobile.startswith("+91") or len(mobile) != 13:
        raise MobileNotReachable
    return mobile[3:]


# --- the code ----------------------------------------------------------------------------


def code_new() -> str:
    return f"{secrets.randbelow(10**6):06d}"


def code_hash(code: str, *, salt: str | None = None) -> str:
    salt = salt if salt is not None else secrets.token_hex(8)
    mac = salted_hmac(HMAC_SALT, f"{salt}:{code}", algorithm="sha256").hexdigest()
    return f"{salt}${mac}"


def code_matches(code: str, stored: str) -> bool:
    salt, _sep, _mac = stored.partition("$")
    return hmac.compare_digest(code_hash(code, salt=salt), stored)


def _window_start(now: datetime) -> datetime:
    """Midnight IST today, for the daily cap."""
    return timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)


def code_send(*, mobile: str, purpose: str = CitizenCode.Purpose.SIGNIN, lang: str = "hi") -> Citizen:
    """Send a new code to `mobile` (as typed) and return its Citizen (created, not yet
    verified, on first use). The SMS is an outbox row in the same transaction. Raises
    MobileInvalid, MobileNotReachable, CodeCooldown or CodeDailyLimit (nothing sent)."""
    mobile = mobile_normalise(mobile)
    to = _sms_number(mobile)
    now = timezone.now()
    with transaction.atomic():
        citizen, _created = Citizen.objects.get_or_create(mobile=mobile, defaults={"preferred_language": lang})
        # The citizen's row lock: two requests at once cannot both pass the limits.
        citizen = Citizen.objects.select_for_update().get(pk=citizen.pk)
        sent = CitizenCode.objects.filter(citizen=citizen, purpose=purpose)
        last = sent.order_by("-created_at").values_list("created_at", flat=True).first()
        if last is not None and now - last < timedelta(seconds=_setting("CITIZEN_CODE_RESEND_SECONDS", 60)):
            raise CodeCooldown
        if sent.filter(created_at__gte=_window_start(now)).count() >= _setting("CITIZEN_CODE_DAILY_CAP", 10):
            raise CodeDailyLimit
        # A new code replaces the unused codes of its own purpose only.
        sent.filter(used_at=None, superseded=False).update(superseded=True)
        code = code_new()
        CitizenCode.objects.create(
            citizen=citizen,
            purpose=purpose,
            code_hash=code_hash(code),
            expires_at=now + timedelta(seconds=ttl_seconds()),
        )
        outgoing_sms.sms_send(
            to=to,
            template_key=SMS_TEMPLATE[purpose],
            context={"otp": code, "minutes": str(ttl_seconds() // 60)},
            lang=lang if lang in ("hi", "en") else "hi",
            secret=True,
        )
    return citizen


# A try is one statement: concurrent guesses each take their own, and never more than
# the limit are compared. Names from the model's metadata.
_TABLE = CitizenCode._meta.db_table
_TRY_TAKE_SQL = (
    f"UPDATE {_TABLE} SET attempts = attempts + 1"  # noqa: S608 (names from model metadata)
    " WHERE id = %s AND attempts < %s AND used_at IS NULL AND NOT superseded RETURNING attempts"
)
_ROW_SEEN_SQL = f"SELECT 1 FROM {_TABLE} WHERE id = %s"  # noqa: S608 (as above)


def _in_callers_transaction() -> bool:
    """Inside a transaction a caller opened (not the blocks a test case wraps tests in)."""
    conn = transaction.get_connection()
    return any(not getattr(block, "_from_testcase", False) for block in conn.atomic_blocks)


def _try_take_on_own_connection(code_id: int, limit: int) -> int | None | bool:
    """Take the try on a short connection of its own, committed at once, so no rollback
    of the caller's transaction gives it back. The tries now counted; None when no try
    is left; False when this connection cannot see the row (the caller wrote it in its
    own uncommitted transaction: only tests do that)."""
    main = transaction.get_connection()
    settings_dict = copy.deepcopy(main.settings_dict)
    settings_dict["OPTIONS"].pop("pool", None)
    side = type(main)(settings_dict, alias="citizen_code_tries")
    try:
        with side.cursor() as cursor:
            cursor.execute("SET lock_timeout = '5s'")  # the caller may hold this row
            cursor.execute(_TRY_TAKE_SQL, [code_id, limit])
            row = cursor.fetchone()
            if row is not None:
                return row[0]
            cursor.execute(_ROW_SEEN_SQL, [code_id])
            return None if cursor.fetchone() else False
    finally:
        side.close()


def _try_take(code_id: int) -> int | None:
    limit = max_attempts()
    if _in_callers_transaction() and transaction.get_connection().vendor == "postgresql":
        try:
            taken = _try_take_on_own_connection(code_id, limit)
        except DatabaseError:
            logger.warning("citizen code #%s: try not counted on its own connection; counted in the caller's", code_id)
            taken = False
        if taken is not False:
            return taken
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(_TRY_TAKE_SQL, [code_id, limit])
        row = cursor.fetchone()
    return row[0] if row is not None else None


def code_verify(*, mobile: str, code: str, purpose: str = CitizenCode.Purpose.SIGNIN) -> Citizen:
    """Check and spend the code sent to `mobile`; the Citizen, now verified. Raises
    MobileInvalid, CodeRequired (no code waiting), CodeExpired (too old, used, or out
    of tries) or CodeInvalid (details: attempts_left; the try stays counted)."""
    mobile = mobile_normalise(mobile)
    if not code:
        raise CodeRequired
    found = (
        CitizenCode.objects.filter(citizen__mobile=mobile, purpose=purpose, superseded=False, used_at=None)
        .order_by("-created_at", "-id")
        .only("id", "citizen_id", "code_hash", "expires_at", "attempts")
        .first()
    )
    if found is None:
        raise CodeRequired
    limit = max_attempts()
    if found.expires_at <= timezone.now() or found.attempts >= limit:
        raise CodeExpired
    tries = _try_take(found.pk)
    if tries is None:
        raise CodeExpired
    if not code_matches(str(code), found.code_hash):
        raise CodeInvalid(details={"attempts_left": max(limit - tries, 0)})
    now = timezone.now()
    with transaction.atomic():
        # Compare-and-set: of two requests with the same right code, one spends it.
        spent = CitizenCode.objects.filter(
            pk=found.pk, used_at=None, superseded=False, expires_at__gt=now, attempts__lte=limit
        ).update(used_at=now)
        if spent != 1:
            raise CodeExpired
        Citizen.objects.filter(pk=found.citizen_id, verified_at=None).update(verified_at=now)
    return Citizen.objects.get(pk=found.citizen_id)
