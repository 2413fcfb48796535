"""Session lifetime and the two-factor gate."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

LOGIN_TIME_KEY = "dakghar_login_at"


class SessionLifetimeMiddleware:
    """End a session 12 hours after login, however active it is.

    The 30-minute idle limit is the session cookie age, renewed on every request
    (SESSION_SAVE_EVERY_REQUEST); this adds the absolute limit on top.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            started = request.session.get(LOGIN_TIME_KEY)
            if started is None:
                request.session[LOGIN_TIME_KEY] = int(time.time())
            elif time.time() - started > settings.SESSION_ABSOLUTE_SECONDS:
                logout(request)
        return self.get_response(request)


class TwoFactorRequiredMiddleware:
    """Officers and administrators who have a password but no verified second factor
    may only reach the two-factor pages, logout and static files."""

    ALLOWED_PREFIXES = ("/static/", "/i18n/", "/healthz")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and user.needs_two_factor
            and not user.is_verified()
            and not request.path.startswith(self.ALLOWED_PREFIXES)
            and request.path not in self._open_paths()
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
            return redirect("accounts:two_factor")
        return self.get_response(request)

    @staticmethod
    def _open_paths() -> set[str]:
        return {
            reverse("accounts:two_factor"),
            reverse("accounts:two_factor_enrol"),
            reverse("accounts:logout"),
        }
