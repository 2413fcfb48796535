"""Citizen sign-in: a verified mobile, signed in by a one-time code (accounts.citizen_codes),
in a session and cookie of its own (accounts.sidesession), apart from staff sign-in.

The cookie `dakghar_citizen` is scoped to /citizen/: the citizen pages of every app
live under that path. CITIZEN_SESSION_IDLE_SECONDS (30 minutes) without a request ends
the session, and CITIZEN_SESSION_ABSOLUTE_SECONDS (8 hours) after sign-in in any case.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from .models import Citizen
from .sidesession import SideSession

PENDING_KEY = "pending_mobile"  # the number a sign-in code was sent to


def _staff_refused(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/citizen/staff_refused.html", status=403)


CITIZEN_SESSION = SideSession(
    cookie_name="dakghar_citizen",
    path=lambda: reverse("citizen:home"),
    signin_url=lambda: reverse("citizen:signin"),
    idle_seconds=lambda: int(getattr(settings, "CITIZEN_SESSION_IDLE_SECONDS", 1800)),
    absolute_seconds=lambda: int(getattr(settings, "CITIZEN_SESSION_ABSOLUTE_SECONDS", 8 * 3600)),
    staff_refused=_staff_refused,
    request_attribute="citizen_id",
)
citizen_page = CITIZEN_SESSION.page
citizen_required = CITIZEN_SESSION.required


def signed_in_citizen(request: HttpRequest) -> Citizen | None:
    """The citizen signed in on this request (inside a citizen_required view)."""
    citizen_id = getattr(request, "citizen_id", None)
    return None if citizen_id is None else Citizen.objects.filter(pk=citizen_id, verified_at__isnull=False).first()
