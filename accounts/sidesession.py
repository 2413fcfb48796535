"""A sign-in that is not a staff sign-in: its own session and its own cookie.

Staff sign in with django.contrib.auth (the `sessionid` cookie). People who are not
staff (a citizen by verified mobile, a savings account holder) sign in to a session of
their own, kept apart from it:

- its own cookie, scoped to its own pages (`path`), HttpOnly, SameSite=Lax, Secure like
  the staff cookie. Staff pages never receive it, and signing in or out on one side
  never touches the other;
- stored with Django's session engine, with a fresh key at sign-in (no fixation);
- it holds who is signed in, the sign-in time and the last activity, and ends after
  `idle_seconds` without a request and `absolute_seconds` after sign-in;
- a browser signed in as staff is refused these pages (one person, one role per
  browser: a clerk cannot act as a citizen by accident at the counter's PC).

One SideSession object per kind of sign-in (accounts.citizen.CITIZEN_SESSION); its
`page` and `required` decorators wrap the views.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import wraps
from importlib import import_module

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

WHO_KEY = "who"
SIGNED_IN_AT_KEY = "signed_in_at"
LAST_SEEN_KEY = "last_seen"


class SideSession:
    def __init__(
        self,
        *,
        cookie_name: str,
        path: Callable[[], str],
        signin_url: Callable[[], str],
        idle_seconds: Callable[[], int],
        absolute_seconds: Callable[[], int],
        staff_refused: Callable[[HttpRequest], HttpResponse],
        request_attribute: str,
        keep_on_sign_in: tuple[str, ...] = (),
    ) -> None:
        # Callables, so settings overridden in tests and URLs resolved late are honoured.
        self.cookie_name = cookie_name
        self.path = path
        self.signin_url = signin_url
        self.idle_seconds = idle_seconds
        self.absolute_seconds = absolute_seconds
        self.staff_refused = staff_refused
        self.request_attribute = request_attribute
        self.keep_on_sign_in = keep_on_sign_in
        self._store_attr = f"_side_session_{cookie_name}"
        self._ended_attr = f"_side_session_ended_{cookie_name}"

    # --- the store -----------------------------------------------------------------

    def store(self, request: HttpRequest):
        """This request's session of this kind (loaded once)."""
        store = getattr(request, self._store_attr, None)
        if store is None:
            engine = import_module(settings.SESSION_ENGINE)
            store = engine.SessionStore(session_key=request.COOKIES.get(self.cookie_name))
            setattr(request, self._store_attr, store)
        return store

    def _expired(self, store) -> bool:
        now = time.time()
        last, started = store.get(LAST_SEEN_KEY), store.get(SIGNED_IN_AT_KEY)
        if last is None or started is None:
            return True
        return now - last > self.idle_seconds() or now - started > self.absolute_seconds()

    def signed_in(self, request: HttpRequest):
        """Who is signed in on this request, or None (an expired session is ended here).
        Counts as activity: the idle clock restarts."""
        store = self.store(request)
        who = store.get(WHO_KEY)
        if who is None:
            return None
        if self._expired(store):
            store.flush()
            setattr(request, self._ended_attr, True)
            return None
        store[LAST_SEEN_KEY] = time.time()
        return who

    def ended(self, request: HttpRequest) -> bool:
        """Did this request find its session timed out?"""
        return getattr(request, self._ended_attr, False)

    def sign_in(self, request: HttpRequest, who) -> None:
        store = self.store(request)
        kept = {key: store[key] for key in self.keep_on_sign_in if key in store}
        # A new session key at sign-in (no fixation), and nothing of the anonymous
        # session survives but what we keep.
        store.flush()
        store.update(kept)
        now = time.time()
        store[WHO_KEY] = who
        store[SIGNED_IN_AT_KEY] = now
        store[LAST_SEEN_KEY] = now

    def sign_out(self, request: HttpRequest) -> None:
        self.store(request).flush()

    def save(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        """Save the session and set (or delete) its cookie, as SessionMiddleware does for
        the staff session."""
        store = getattr(request, self._store_attr, None)
        if store is None:
            return response
        path = self.path()
        if store.is_empty():
            if self.cookie_name in request.COOKIES:
                response.delete_cookie(self.cookie_name, path=path, samesite="Lax")
            return response
        if store.modified or store.accessed:
            idle = self.idle_seconds()
            store.set_expiry(idle)
            store.save()
            response.set_cookie(
                self.cookie_name,
                store.session_key,
                max_age=idle,
                path=path,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        response.headers.setdefault("Cache-Control", "no-store")
        return response

    # --- decorators ----------------------------------------------------------------

    def page(self, view: Callable) -> Callable:
        """For the pages that do not need anyone signed in (sign-in): loads and saves
        the session; refuses a browser signed in as staff."""

        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if request.user.is_authenticated:
                return self.staff_refused(request)
            return self.save(request, view(request, *args, **kwargs))

        return wrapper

    def required(self, view: Callable) -> Callable:
        """For the pages of someone signed in: `request.<request_attribute>` is who.
        Without a live session: to the sign-in page (saying why when it timed out)."""

        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if request.user.is_authenticated:
                return self.staff_refused(request)
            who = self.signed_in(request)
            if who is None:
                target = self.signin_url()
                if self.ended(request):
                    target += "?ended=1"
                if request.headers.get("HX-Request"):
                    response = HttpResponse(status=204)
                    response["HX-Redirect"] = target
                    return self.save(request, response)
                return self.save(request, redirect(target))
            setattr(request, self.request_attribute, who)
            return self.save(request, view(request, *args, **kwargs))

        return wrapper
