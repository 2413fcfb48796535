"""Session lifetime and the two-factor gate."""

from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

# Set at sign-in (accounts.signals) and checked on every request.
LOGIN_TIME_KEY = "dakghar_login_at"


class SessionLifetimeMiddleware:
    """End a session 12 hours after sign-in, however active it is.

    The 30-minute idle limit is the session's own expiry: SESSION_COOKIE_AGE, renewed on
    every request (SESSION_SAVE_EVERY_REQUEST), so a session nobody touched for 30
    minutes is gone from the store. This adds the absolute limit on top.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            started = request.session.get(LOGIN_TIME_KEY)
            if started is None:
                # A session from before this key existed (or a test's force_login):
                # the clock starts now.
                request.session[LOGIN_TIME_KEY] = int(time.time())
            elif time.time() - started > settings.SESSION_ABSOLUTE_SECONDS:
                logout(request)
        return self.get_response(request)


class TwoFactorRequiredMiddleware:
    """Officers and administrators who have a password but no verified second factor
    may only reach the two-factor pages, sign-out, the language switch and static
    files. Pages send them to the code form (keeping where they were going); the API
    answers 403 in the error shape."""

    ALLOWED_PREFIXES = ("/static/", "/i18n/", "/healthz")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self._open_paths: frozenset[str] | None = None

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and user.needs_two_factor
            and not user.is_verified()
            and not request.path.startswith(self.ALLOWED_PREFIXES)
            and request.path not in self.open_paths()
        ):
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {
                        "error": {
                            "code": "two_factor_required",
                            "message": _("Two-factor verification is required."),
                            "details": {},
                        }
                    },
                    status=403,
                )
            target = reverse("accounts:two_factor")
            if request.method == "GET":
                target += "?" + urlencode({"next": request.get_full_path()})
            return redirect(target)
        return self.get_response(request)

    def open_paths(self) -> frozenset[str]:
        # Resolved on first use, not at start-up: the URLconf may not be loaded yet.
        if self._open_paths is None:
            self._open_paths = frozenset(
                reverse(name) for name in ("accounts:two_factor", "accounts:two_factor_enrol", "accounts:logout")
            )
        return self._open_paths
