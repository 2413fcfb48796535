"""The holder's consent to a debit: a one-time code sent by SMS to the account's mobile.

OWASP ASVS level 2 rules (DOMAIN.md): 6 digits from `secrets`; stored only as a keyed
HMAC with a per-code salt; lives BANKING_OTP_TTL_SECONDS (10 minutes); dead after 5
tries; used once; a resend waits a cooldown and there is a daily cap. A code is
bound to one account, one purpose and one amount. Never log a code.

Codes are per purpose: a new code replaces only the unused code of its own purpose, so
an anonymous sign-in request never cancels the code a clerk just sent for a withdrawal,
and the other way round. The cooldown and the daily cap are per purpose and per
requester (staff at a counter, the signed-in holder, an anonymous sign-in request):
otp_send_limits_check_in_transaction. Everything that decides is in the database.
"""

from __future__ import annotations

import copy
import hmac
import logging
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from .exceptions import OtpCooldown, OtpDailyLimit, OtpExpired, OtpInvalid, OtpRequired
from .models import SavingsAccount, WithdrawalOtp

logger = logging.getLogger(__name__)

OTP_HMAC_SALT = "dakghar.banking.debit_otp"


def otp_code_new() -> str:
    return f"{secrets.randbelow(10**6):06d}"


def otp_hash(code: str, *, salt: str | None = None) -> str:
    salt = salt if salt is not None else secrets.token_hex(8)
    mac = salted_hmac(OTP_HMAC_SALT, f"{salt}:{code}", algorithm="sha256").hexdigest()
    return f"{salt}${mac}"


def otp_matches(code: str, stored: str) -> bool:
    salt, _sep, _mac = stored.partition("$")
    return hmac.compare_digest(otp_hash(code, salt=salt), stored)


def _in_callers_transaction() -> bool:
    """True inside a transaction a caller opened (a booking paying from the account, an
    idempotent API request). The atomic blocks a test case wraps every test in do not
    count: nothing rolls them back while the test runs."""
    conn = transaction.get_connection()
    return any(not getattr(block, "_from_testcase", False) for block in conn.atomic_blocks)


# One statement takes a try: atomic, so concurrent guesses each take their own.
_TRY_TAKE_SQL = (
    f"UPDATE {WithdrawalOtp._meta.db_table} SET attempts = attempts + 1"  # noqa: S608 (names from model metadata)
    " WHERE id = %s AND attempts < %s AND used_at IS NULL AND NOT superseded RETURNING attempts"
)
_ROW_SEEN_SQL = f"SELECT 1 FROM {WithdrawalOtp._meta.db_table} WHERE id = %s"  # noqa: S608 (as above)


def _try_take_on_own_connection(otp_id: int, limit: int) -> int | None | bool:
    """Take the try on a connection of its own, committed at once (autocommit), so
    that no rollback of the caller's transaction can give it back. Returns the tries
    now counted, None when the code has no try left (dead, used or replaced meanwhile),
    or False when this connection cannot see the row at all (it was written in the
    caller's own uncommitted transaction: only tests do that)."""
    main = transaction.get_connection()
    settings_dict = copy.deepcopy(main.settings_dict)
    settings_dict["OPTIONS"].pop("pool", None)  # one short-lived connection, not a second pool
    side = type(main)(settings_dict, alias="banking_otp_tries")
    try:
        with side.cursor() as cursor:
            # Never wait long on a row lock: if the caller's own transaction held this
            # row, waiting would be waiting for ourselves.
            cursor.execute("SET lock_timeout = '5s'")
            cursor.execute(_TRY_TAKE_SQL, [otp_id, limit])
            row = cursor.fetchone()
            if row is not None:
                return row[0]
            cursor.execute(_ROW_SEEN_SQL, [otp_id])
            return None if cursor.fetchone() else False
    finally:
        side.close()


def _try_take(otp_id: int) -> int | None:
    """Count one try of the code before it is compared, committed whatever the caller
    does next; None when no try is left. Counted before the comparison, and by one
    UPDATE, so that however many guesses arrive at once, at most
    BANKING_OTP_MAX_ATTEMPTS of them are ever compared with the code."""
    limit = settings.BANKING_OTP_MAX_ATTEMPTS
    if _in_callers_transaction() and transaction.get_connection().vendor == "postgresql":
        try:
            taken = _try_take_on_own_connection(otp_id, limit)
        except DatabaseError:
            logger.warning("OTP #%s: try not counted on its own connection; counted in the caller's", otp_id)
            taken = False
        if taken is not False:
            return taken
    # Not inside a caller's transaction: autocommit (or a test's own transaction) keeps
    # it. Inside one (SQLite in development, or a row the caller wrote itself): a block
    # of its own, kept when the caller's savepoint rolls back but not its whole transaction.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(_TRY_TAKE_SQL, [otp_id, limit])
        row = cursor.fetchone()
    return row[0] if row is not None else None


def otp_verify(*, account: SavingsAccount, purpose: str, amount_paise: int, code: str | None) -> int:
    """Check the code for this debit and return the OTP's id (spend it with
    otp_consume_in_transaction in the posting transaction).

    Every try counts, right or wrong, and is counted in the database before the code is
    compared, committed at once even when called inside the caller's transaction (on a
    short connection of its own) and even when that transaction rolls back: a wrong code
    raises OtpInvalid and its try stays counted. After BANKING_OTP_MAX_ATTEMPTS tries the
    code is dead (OtpExpired). Nothing here uses the cache.
    """
    if not code:
        raise OtpRequired
    limit = settings.BANKING_OTP_MAX_ATTEMPTS
    otp = (
        WithdrawalOtp.objects.filter(
            account=account, purpose=purpose, amount_paise=amount_paise, superseded=False, used_at=None
        )
        .order_by("-created_at", "-id")
        .only("id", "code_hash", "expires_at", "attempts")
        .first()
    )
    if otp is None:
        raise OtpRequired
    if otp.expires_at <= timezone.now() or otp.attempts >= limit:
        raise OtpExpired
    tries = _try_take(otp.pk)
    if tries is None:
        raise OtpExpired
    if not otp_matches(str(code), otp.code_hash):
        raise OtpInvalid(details={"attempts_left": max(limit - tries, 0)})
    return otp.pk


def otp_consume_in_transaction(*, otp_id: int) -> None:
    """Mark the code used, once: compare-and-set, so two requests with the same code
    cannot both spend it. The try that found the code right is already counted, so a
    code is good up to and including its last try."""
    now = timezone.now()
    used = WithdrawalOtp.objects.filter(
        pk=otp_id, used_at=None, superseded=False, expires_at__gt=now, attempts__lte=settings.BANKING_OTP_MAX_ATTEMPTS
    ).update(used_at=now)
    if used != 1:
        raise OtpExpired


def _sends(account: SavingsAccount, purpose: str, *, staff: bool):
    """The codes of this purpose sent to the account by this kind of requester: staff
    (sent_by is the clerk) or not (the signed-in holder; for sign-in, anyone)."""
    return WithdrawalOtp.objects.filter(account=account, purpose=purpose, sent_by__isnull=not staff)


def otp_send_limits_check_in_transaction(*, account: SavingsAccount, purpose: str, staff: bool, now: datetime) -> None:
    """Raise OtpCooldown (a code of this purpose went less than BANKING_OTP_RESEND_SECONDS
    ago) or OtpDailyLimit (BANKING_OTP_DAILY_CAP of them today, IST), counting only this
    purpose and this kind of requester: sign-in requests, which anyone can make, never
    use up the codes a clerk sends, nor the other way round. The caller holds the
    account's row lock, so two senders cannot both pass."""
    rows = _sends(account, purpose, staff=staff)
    last = rows.order_by("-created_at").values_list("created_at", flat=True).first()
    if last is not None and now - last < timedelta(seconds=settings.BANKING_OTP_RESEND_SECONDS):
        raise OtpCooldown
    if rows.filter(created_at__gte=otp_window_start(now)).count() >= settings.BANKING_OTP_DAILY_CAP:
        raise OtpDailyLimit


def otp_signin_send_allowed_in_transaction(*, account: SavingsAccount, now: datetime) -> bool:
    """May an anonymous request send this account's holder a sign-in code now? Over the
    cooldown, the daily cap, or BANKING_SELFSERVICE_SIGNIN_SENDS_PER_ACCOUNT_HOUR in the
    last hour (whoever asked, from wherever: counted in the database), no. The caller
    answers the same either way and sends nothing, so a flood reaches the holder's phone
    as at most that many SMS an hour and tells the sender nothing."""
    try:
        otp_send_limits_check_in_transaction(
            account=account, purpose=WithdrawalOtp.Purpose.SIGNIN, staff=False, now=now
        )
    except (OtpCooldown, OtpDailyLimit):
        return False
    last_hour = _sends(account, WithdrawalOtp.Purpose.SIGNIN, staff=False).filter(
        created_at__gt=now - timedelta(hours=1)
    )
    return last_hour.count() < settings.BANKING_SELFSERVICE_SIGNIN_SENDS_PER_ACCOUNT_HOUR


def otp_supersede_in_transaction(*, account: SavingsAccount, purpose: str) -> None:
    """A new code replaces the unused codes of its own purpose only."""
    WithdrawalOtp.objects.filter(account=account, purpose=purpose, used_at=None, superseded=False).update(
        superseded=True
    )


def otp_window_start(now=None):
    """Midnight IST today, for the daily cap."""
    local = timezone.localtime(now or timezone.now())
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


def otp_ttl() -> timedelta:
    return timedelta(seconds=settings.BANKING_OTP_TTL_SECONDS)
