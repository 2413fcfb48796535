"""Writes and small checks for people and places."""

from __future__ import annotations

import base64
import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_otp import devices_for_user
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from .models import User

RECOVERY_CODE_COUNT = 10


def user_has_confirmed_device(*, user: User) -> bool:
    return any(True for _ in devices_for_user(user, confirmed=True))


def totp_device_pending(*, user: User) -> TOTPDevice:
    """The user's unconfirmed authenticator device, created on first visit to enrolment
    (so reloading the page keeps the same QR code)."""
    device, _created = TOTPDevice.objects.get_or_create(user=user, confirmed=False, defaults={"name": "authenticator"})
    return device


def totp_secret_base32(*, device: TOTPDevice) -> str:
    """The key to type into an authenticator app by hand when the QR cannot be scanned,
    in groups of four letters (the apps ignore the spaces)."""
    key = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


@transaction.atomic
def totp_device_confirm(*, device: TOTPDevice) -> list[str]:
    """Confirm the authenticator and issue fresh recovery codes (shown once)."""
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    static, _created = StaticDevice.objects.get_or_create(
        user=device.user, name="recovery", defaults={"confirmed": True}
    )
    static.token_set.all().delete()
    codes = [secrets.token_hex(4) for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=static, token=code) for code in codes])
    return codes


@transaction.atomic
def user_two_factor_reset(*, user: User) -> int:
    """Remove every authenticator and recovery code of a user (lost phone). At the next
    sign-in they enrol again. Returns how many devices were removed."""
    removed = 0
    for model in (TOTPDevice, StaticDevice):
        devices = model.objects.filter(user=user)
        removed += devices.count()
        devices.delete()  # a StaticDevice takes its recovery codes with it
    # Their API tokens were issued on the strength of the old device: end them too.
    Token.objects.filter(user=user).delete()
    return removed


def api_token_issue(*, user: User) -> str:
    """A token for the API; an expired one is replaced (see ExpiringTokenAuthentication)."""
    with transaction.atomic():
        token = Token.objects.select_for_update().filter(user=user).first()
        if token is not None and timezone.now() - token.created > settings.API_TOKEN_TTL:
            token.delete()
            token = None
        if token is None:
            token = Token.objects.create(user=user)
    return token.key


def broker_status() -> str:
    """'ok' when the Celery broker accepts a connection within a second, else 'unavailable'."""
    from celery import current_app

    try:
        with current_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=1)
    except Exception:
        return "unavailable"
    return "ok"


def channel_user(*, username: str, label: str) -> User:
    """An inactive user with no usable password that stands for a channel rather than a
    person (customer self-service, a batch job), for records that need a user: audit rows,
    idempotency keys. Created on first use; it can never sign in."""
    user, created = User.objects.get_or_create(
        username=username, defaults={"is_active": False, "first_name": label, "role": "citizen"}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user
