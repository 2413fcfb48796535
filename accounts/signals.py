"""Start the 12-hour session clock at sign-in (see SessionLifetimeMiddleware)."""

from __future__ import annotations

import time

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from .middleware import LOGIN_TIME_KEY


@receiver(user_logged_in, dispatch_uid="accounts_session_started")
def session_started(sender, request, user, **kwargs) -> None:
    # login() has just cycled the session key, so this is a fresh session.
    if request is not None and hasattr(request, "session"):
        request.session[LOGIN_TIME_KEY] = int(time.time())
