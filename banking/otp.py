"""The holder's consent to a debit: a one-time code sent by SMS to the account's mobile.

OWASP ASVS level 2 rules (DOMAIN.md): 6 digits from `secrets`; stored only as a keyed
HMAC with a per-code salt; lives BANKING_OTP_TTL_SECONDS (10 minutes); dead after 5
wrong tries; used once; a resend waits a cooldown and there is a daily cap. A code is
bound to one account, one purpose and one amount. Never log a code.
"""

from __future__ import annotations

import hmac
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from .exceptions import OtpExpired, OtpInvalid, OtpRequired
from .models import SavingsAccount, WithdrawalOtp

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


def _wrong_key(otp: WithdrawalOtp) -> str:
    # The code's random salt makes the key unique even if ids are reused (a test database).
    return f"banking:otp-wrong:{otp.pk}:{otp.code_hash.partition('$')[0]}"


def _wrong_count(otp: WithdrawalOtp) -> int:
    return int(cache.get(_wrong_key(otp)) or 0)


def _wrong_count_add(otp: WithdrawalOtp) -> int:
    """Count a wrong code in the cache (Redis in production) as well as in the row: the
    cache counts at once, outside any transaction, so the limit holds even when a
    caller rolls back the transaction the row's count was written in."""
    key, ttl = _wrong_key(otp), settings.BANKING_OTP_TTL_SECONDS + 60
    cache.add(key, 0, timeout=ttl)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=ttl)
        return 1


def otp_verify(*, account: SavingsAccount, purpose: str, amount_paise: int, code: str | None) -> int:
    """Check the code for this debit and return the OTP's id (consume it with
    otp_consume_in_transaction in the posting transaction).

    A wrong code is counted twice over: in the row, in a block of its own that is kept
    before the error is raised (it survives the rollback of the caller's savepoint), and
    in the cache (it survives even a caller that rolls back everything).
    """
    if not code:
        raise OtpRequired
    now = timezone.now()
    limit = settings.BANKING_OTP_MAX_ATTEMPTS
    wrong = False
    with transaction.atomic():
        otp = (
            WithdrawalOtp.objects.select_for_update()
            .filter(account=account, purpose=purpose, amount_paise=amount_paise, superseded=False, used_at=None)
            .order_by("-created_at", "-id")
            .first()
        )
        if otp is None:
            raise OtpRequired
        if otp.expires_at <= now or max(otp.attempts, _wrong_count(otp)) >= limit:
            raise OtpExpired
        if not otp_matches(str(code), otp.code_hash):
            counted = _wrong_count_add(otp)
            otp.attempts = max(otp.attempts + 1, counted)
            otp.save(update_fields=["attempts"])
            wrong = True
    if wrong:
        raise OtpInvalid(details={"attempts_left": max(limit - otp.attempts, 0)})
    return otp.pk


def otp_consume_in_transaction(*, otp_id: int) -> None:
    """Mark the code used, once: compare-and-set, so two requests with the same code
    cannot both spend it."""
    now = timezone.now()
    used = WithdrawalOtp.objects.filter(
        pk=otp_id, used_at=None, superseded=False, expires_at__gt=now, attempts__lt=settings.BANKING_OTP_MAX_ATTEMPTS
    ).update(used_at=now)
    if used != 1:
        raise OtpExpired


def otp_window_start(now=None):
    """Midnight IST today, for the daily cap."""
    local = timezone.localtime(now or timezone.now())
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


def otp_ttl() -> timedelta:
    return timedelta(seconds=settings.BANKING_OTP_TTL_SECONDS)
