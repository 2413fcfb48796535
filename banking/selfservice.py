"""Customer self-service ("net banking"): who is signed in, and for how long.

An account holder is not a staff User and never becomes one. Their sign-in lives in a
session of its own, separate from staff sign-in:

- its own cookie, `dakghar_customer`, scoped to the self-service pages (path
  /banking/my/), HttpOnly, SameSite=Lax, Secure like the staff cookie. Staff pages never
  receive it, and signing in or out on one side never touches the other;
- stored with Django's session engine (a fresh key at sign-in: no fixation);
- it holds the signed-in account number, the sign-in time and the last activity. It
  ends after BANKING_SELFSERVICE_IDLE_SECONDS (10 minutes) without a request, and
  BANKING_SELFSERVICE_ABSOLUTE_SECONDS (1 hour) after sign-in, whatever the activity;
- a browser that is signed in as staff is refused self-service (and vice versa a
  customer session gives no staff page: those need a staff User). One person, one role
  per browser: a clerk cannot act as a customer by accident at the counter's PC.

The sign-in itself is account number + a 6-digit code sent by SMS to the account's
mobile (banking.services.selfservice_signin_otp_send / selfservice_signin_verify).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import wraps
from importlib import import_module

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from accounts.net import client_ip

COOKIE_NAME = "dakghar_customer"
ACCOUNT_KEY = "account"
SIGNED_IN_AT_KEY = "signed_in_at"
LAST_SEEN_KEY = "last_seen"
PENDING_KEY = "pending_account"  # the number a sign-in code was asked for
TRANSFER_KEY = "transfer"  # the transfer waiting for its OTP


def cookie_path() -> str:
    return reverse("banking:my_home")


def _store_class():
    return import_module(settings.SESSION_ENGINE).SessionStore


def customer_session(request: HttpRequest):
    """The customer session of this request (loaded once)."""
    store = getattr(request, "_customer_session", None)
    if store is None:
        store = _store_class()(session_key=request.COOKIES.get(COOKIE_NAME))
        request._customer_session = store
    return store


def _expired(store) -> bool:
    now = time.time()
    last = store.get(LAST_SEEN_KEY)
    started = store.get(SIGNED_IN_AT_KEY)
    if last is None or started is None:
        return True
    return (
        now - last > settings.BANKING_SELFSERVICE_IDLE_SECONDS
        or now - started > settings.BANKING_SELFSERVICE_ABSOLUTE_SECONDS
    )


def signed_in_account(request: HttpRequest) -> str | None:
    """The account number signed in on this request, or None (an expired session is
    ended here). Counts as activity: the idle clock restarts."""
    store = customer_session(request)
    number = store.get(ACCOUNT_KEY)
    if number is None:
        return None
    if _expired(store):
        store.flush()
        request._customer_session_ended = True
        return None
    store[LAST_SEEN_KEY] = time.time()
    return number


def sign_in(request: HttpRequest, account_number: str) -> None:
    store = customer_session(request)
    store.cycle_key()  # a new session key at sign-in (session fixation)
    for key in (PENDING_KEY, TRANSFER_KEY):
        store.pop(key, None)
    now = time.time()
    store[ACCOUNT_KEY] = account_number
    store[SIGNED_IN_AT_KEY] = now
    store[LAST_SEEN_KEY] = now


def sign_out(request: HttpRequest) -> None:
    customer_session(request).flush()


def _save(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """Save the customer session and set (or delete) its cookie, as SessionMiddleware
    does for the staff session."""
    store = getattr(request, "_customer_session", None)
    if store is None:
        return response
    path = cookie_path()
    if store.is_empty():
        if COOKIE_NAME in request.COOKIES:
            response.delete_cookie(COOKIE_NAME, path=path, samesite="Lax")
        return response
    if store.modified or store.accessed:
        store.set_expiry(settings.BANKING_SELFSERVICE_IDLE_SECONDS)
        store.save()
        response.set_cookie(
            COOKIE_NAME,
            store.session_key,
            max_age=settings.BANKING_SELFSERVICE_IDLE_SECONDS,
            path=path,
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
            samesite="Lax",
        )
    response.headers.setdefault("Cache-Control", "no-store")
    return response


def _staff_refused(request: HttpRequest) -> HttpResponse:
    return render(request, "banking/my/staff_refused.html", status=403)


def customer_page(view: Callable) -> Callable:
    """For the self-service pages that do not need a signed-in customer (sign-in):
    loads and saves the customer session; refuses a browser signed in as staff."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.user.is_authenticated:
            return _staff_refused(request)
        return _save(request, view(request, *args, **kwargs))

    return wrapper


def customer_required(view: Callable) -> Callable:
    """For the pages of a signed-in customer: `request.customer_account` is the account
    number. Without a live customer session: to the sign-in page (saying why when the
    session timed out). Never reached with a staff sign-in."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.user.is_authenticated:
            return _staff_refused(request)
        number = signed_in_account(request)
        if number is None:
            target = reverse("banking:my_signin")
            if getattr(request, "_customer_session_ended", False):
                target += "?ended=1"
            if request.headers.get("HX-Request"):
                response = HttpResponse(status=204)
                response["HX-Redirect"] = target
                return _save(request, response)
            return _save(request, redirect(target))
        request.customer_account = number
        return _save(request, view(request, *args, **kwargs))

    return wrapper


def client_key(request: HttpRequest) -> str:
    """What the per-client rate limit counts: the client address (accounts.net.client_ip,
    the one reading of PROXY_COUNT that the throttles and django-axes use too)."""
    return client_ip(request) or "unknown"
