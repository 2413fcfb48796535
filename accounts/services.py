"""Writes and small checks for people and places."""

from __future__ import annotations

import base64
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp import devices_for_user
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from .exceptions import RoleChangeInvalid, RoleChangeNotAllowed
from .models import PLACE_FIELDS, District, PoliceStation, PostOffice, Role, RoleChange, ServiceCentre, User

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


def _place_snapshot(user: User) -> tuple[dict[str, int], str]:
    ids = {field: getattr(user, f"{field}_id") for field in PLACE_FIELDS if getattr(user, f"{field}_id")}
    place = user.place
    return ids, (str(place) if place is not None else "")[:200]


def user_role_change(
    *,
    user: User | int,
    role: str,
    post_office: PostOffice | None = None,
    police_station: PoliceStation | None = None,
    district: District | None = None,
    service_centre: ServiceCentre | None = None,
    actor: User,
    reason: str,
) -> User:
    """Give `user` a role and its place (the one place field the role is scoped by; the
    others are cleared). The only way to change a role or a place: it locks the user's
    row, so two administrators changing one user cannot both read the old role, and
    writes a RoleChange row (old and new role and place, actor, time, reason). Nothing
    changes, and no row is written, when role and place are already these. Raises
    RoleChangeNotAllowed (the actor is not an administrator) or RoleChangeInvalid (the
    place does not fit the role, or no reason)."""
    if not (actor.is_superuser or actor.role == Role.ADMINISTRATOR) or not actor.is_active:
        raise RoleChangeNotAllowed
    reason = (reason or "").strip()
    if not reason:
        raise RoleChangeInvalid(_("Say why the role or place changes."), details={"reason": [_("Required.")]})
    if role not in Role.values:
        raise RoleChangeInvalid(details={"role": [_("Not a role.")]})
    places = {
        "post_office": post_office,
        "police_station": police_station,
        "district": district,
        "service_centre": service_centre,
    }
    user_id = user if isinstance(user, int) else user.pk
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user_id)
        old_role = locked.role
        old_place, old_label = _place_snapshot(locked)
        locked.role = role
        for field, value in places.items():
            setattr(locked, field, value)
        try:
            locked.clean()
        except ValidationError as error:
            raise RoleChangeInvalid(details=error.message_dict) from None
        new_place, new_label = _place_snapshot(locked)
        if (old_role, old_place) == (role, new_place):
            return locked
        locked.save(update_fields=["role", *PLACE_FIELDS])
        RoleChange.objects.create(
            user=locked,
            old_role=old_role,
            new_role=role,
            old_place=old_place,
            new_place=new_place,
            old_place_label=old_label,
            new_place_label=new_label,
            actor=actor,
            reason=reason[:300],
        )
        # API tokens were issued for the old role: the next call signs in afresh.
        Token.objects.filter(user=locked).delete()
    if not isinstance(user, int):
        # The caller's object now says what the database says (and forgets the offices
        # it served: accounts.selectors keeps them on the object).
        for field in ("role", *(f"{f}_id" for f in PLACE_FIELDS)):
            setattr(user, field, getattr(locked, field))
        for field in PLACE_FIELDS:
            descriptor = User._meta.get_field(field)
            if descriptor.is_cached(user):
                descriptor.delete_cached_value(user)
        user.__dict__.pop("_accounts_offices_served", None)
    return locked
