"""Sign-in lockout (django-axes, database handler) and the slow-down for a username that
fails from many addresses.

Lockout is per pair of username and client address (AXES_LOCKOUT_PARAMETERS): five wrong
passwords from one address lock that username there for 30 minutes, and nowhere else,
so a stranger cannot lock a clerk out of the counter.

The slow-down covers what the pair alone lets through: guessing one username's password
from many addresses, five guesses each. When more than AXES_SPREAD_ADDRESSES distinct
addresses have failed for a username within the cool-off time, an attempt for it from
an address that has never signed in as it (no axes AccessLog row) is refused with 429
"try again in a minute" unless the username's last failure is at least
AXES_SPREAD_INTERVAL_SECONDS old: all such addresses together get one guess a minute.
An address the owner has signed in from before (the counter's PC, the postman's phone)
is never slowed. A refused attempt checks no password and records no failure. Both
rules read axes' own tables (AccessAttempt, AccessLog): nothing lives in the cache.
"""

from __future__ import annotations

import math
from datetime import datetime

from axes.handlers.database import AxesDatabaseHandler
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt, AccessLog
from django.conf import settings
from django.db.models import Max
from django.http import HttpRequest
from django.utils import timezone

from .net import client_ip


def spread_wait_seconds(*, username: str | None, ip_address: str, now: datetime) -> int:
    """Seconds an attempt for `username` from `ip_address` must wait (0: go ahead)."""
    if not username:
        return 0
    recent = AccessAttempt.objects.filter(username=username, attempt_time__gte=now - settings.AXES_COOLOFF_TIME)
    if recent.values("ip_address").distinct().count() <= settings.AXES_SPREAD_ADDRESSES:
        return 0
    if ip_address and AccessLog.objects.filter(username=username, ip_address=ip_address).exists():
        return 0  # the owner has signed in from here: never slowed
    last = recent.aggregate(last=Max("attempt_time"))["last"]
    if last is None:
        return 0
    wait = settings.AXES_SPREAD_INTERVAL_SECONDS - (now - last).total_seconds()
    return math.ceil(wait) if wait > 0 else 0


class LockoutHandler(AxesDatabaseHandler):
    """axes' database handler plus the slow-down above (AXES_HANDLER)."""

    def is_locked(self, request, credentials: dict | None = None) -> bool:
        if super().is_locked(request, credentials):
            return True
        wait = spread_wait_seconds(
            username=get_client_username(request, credentials),
            ip_address=request.axes_ip_address or "",
            now=getattr(request, "axes_attempt_time", None) or timezone.now(),
        )
        if wait:
            # accounts.views.lockout_response answers "try again in a minute" for this.
            request.axes_spread_wait = wait
            return True
        return False


def token_signin_recorded(request: HttpRequest, *, username: str) -> None:
    """What axes does on a page sign-in (user_logged_in), for a token sign-in: note the
    address as one the owner uses (AccessLog) and clear this pair's failures. Done here
    rather than by sending user_logged_in, which would start a session for an API call."""
    ip_address = client_ip(request)
    AccessLog.objects.create(
        username=username,
        ip_address=ip_address or None,
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:255],
        http_accept=request.META.get("HTTP_ACCEPT", "")[:1025],
        path_info=request.path[:255],
    )
    if ip_address:
        AxesProxyHandler.reset_attempts(ip_address=ip_address, username=username)
