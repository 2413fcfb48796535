"""Sign-in, two-factor, role homes, health and error pages."""

from __future__ import annotations

import logging
from urllib.parse import urlencode

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django_otp import login as otp_login

from core.api.errors import api_not_found, api_server_error, error_body

from . import services
from .cache import cache_status
from .forms import LoginForm, OTPTokenForm
from .models import Role

logger = logging.getLogger(__name__)

# Where each role starts after signing in (URL names, so accounts imports no domain app).
ROLE_HOME = {
    Role.COUNTER_CLERK: "counter:home",
    Role.POSTMASTER: "counter:office_home",
    Role.POSTMAN: "delivery:postman_home",
    Role.THANA_OFFICER: "verification:home",
    Role.SP_OFFICER: "verification:home",
    Role.DM_OFFICER: "verification:home",
    Role.CALL_CENTRE_OPERATOR: "doorstep:home",
    Role.FIELD_STAFF: "doorstep:field_home",
    Role.ADMINISTRATOR: "admin:index",
    Role.CITIZEN: "landing",
}


def _safe_next(request: HttpRequest) -> str:
    """The ?next= (or posted next) target if it stays on this site, else ''."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


def landing(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/landing.html")


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_success_url(self) -> str:
        target = self.get_redirect_url()
        # A fresh sign-in is never verified yet: officers go on to their code.
        if self.request.user.needs_two_factor:
            url = reverse("accounts:two_factor")
            return f"{url}?{urlencode({'next': target})}" if target else url
        return target or reverse("accounts:home")


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Send each role to its own start page."""
    return redirect(ROLE_HOME.get(request.user.role, "landing"))


@never_cache
@login_required
def two_factor(request: HttpRequest) -> HttpResponse:
    """Ask for the authenticator (or a recovery) code; enrol first if there is none."""
    user = request.user
    next_url = _safe_next(request)
    if not services.user_has_confirmed_device(user=user):
        enrol = reverse("accounts:two_factor_enrol")
        return redirect(f"{enrol}?{urlencode({'next': next_url})}" if next_url else enrol)
    if user.is_verified():
        return redirect(next_url or "accounts:home")
    form = OTPTokenForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        otp_login(request, form.device)
        return redirect(next_url or "accounts:home")
    return render(request, "accounts/two_factor.html", {"form": form, "next": next_url})


@never_cache
@login_required
def two_factor_enrol(request: HttpRequest) -> HttpResponse:
    """Show a QR code for an authenticator app; confirm it with one code; then show
    recovery codes once."""
    user = request.user
    next_url = _safe_next(request)
    if services.user_has_confirmed_device(user=user):
        return redirect("accounts:two_factor")
    device = services.totp_device_pending(user=user)
    form = OTPTokenForm(user, request.POST or None, devices=[device])
    if request.method == "POST" and form.is_valid():
        recovery_codes = services.totp_device_confirm(device=device)
        otp_login(request, device)
        messages.success(request, _("Two-factor sign-in is set up."))
        return render(
            request,
            "accounts/recovery_codes.html",
            {"codes": recovery_codes, "next": next_url or reverse("accounts:home")},
        )
    svg = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8).to_string(
        encoding="unicode"
    )
    return render(
        request,
        "accounts/two_factor_enrol.html",
        {"form": form, "qr_svg": svg, "secret": services.totp_secret_base32(device=device), "next": next_url},
    )


def admin_login(request: HttpRequest) -> HttpResponse:
    """The admin's sign-in link leads to ours (one page with lockout and two-factor).
    Someone already signed in who lands here is not admin staff: refuse, rather than
    bounce between the two login pages."""
    if request.user.is_authenticated:
        raise PermissionDenied
    url = reverse("accounts:login")
    query = request.META.get("QUERY_STRING", "")
    return redirect(f"{url}?{query}" if query else url)


def lockout_response(request: HttpRequest, credentials: dict | None = None, *args, **kwargs) -> HttpResponse:
    """django-axes calls this (AXES_LOCKOUT_CALLABLE) when it refuses a sign-in: the pair
    of username and address is locked, or the username is being slowed down because it
    fails from many addresses (accounts.lockout). The API gets the error shape, pages the
    lockout page; 429 either way, with Retry-After."""
    spread_wait = getattr(request, "axes_spread_wait", None)
    if spread_wait:
        seconds = int(spread_wait)
        code, details = "signin_slowed", {"retry_after_seconds": seconds}
        message = _("Many failed sign-ins for this username from other places. Please wait a minute and try again.")
    else:
        minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
        seconds = minutes * 60
        code, details = "locked_out", {"retry_after_minutes": minutes}
        message = _(
            "Too many failed sign-ins from this connection. This account is locked here for %(minutes)d minutes."
        ) % {"minutes": minutes}
    if request.path.startswith("/api/"):
        response = JsonResponse(error_body(code, message, details), status=429)
    else:
        response = render(request, "accounts/locked_out.html", {"message": message}, status=429)
    response["Retry-After"] = str(seconds)
    return response


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 while the database answers. The broker and the cache are reported but do not
    fail the check: SMS and jobs wait in the database while the broker is away, and the
    cache fails open to per-process memory (accounts.cache)."""
    database = "ok"
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any driver error means "not ok"
        logger.warning("healthz: database check failed: %s", exc)
        database = "unavailable"
    ok = database == "ok"
    response = JsonResponse(
        {
            "status": "ok" if ok else "unavailable",
            "database": database,
            "broker": services.broker_status(),
            "cache": cache_status(),
        },
        status=200 if ok else 503,
    )
    response["Cache-Control"] = "no-store"
    return response


# Error handlers (config.urls handler400/403/404/500). Under /api/ they answer in the
# one error shape; elsewhere with a page in the visitor's language.


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse(error_body("bad_request", _("The request could not be understood.")), status=400)
    return TemplateResponse(request, "400.html", status=400).render()


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse(
            error_body("permission_denied", _("You do not have permission to perform this action.")), status=403
        )
    return TemplateResponse(request, "403.html", status=403).render()


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if request.path.startswith("/api/"):
        return api_not_found(request, exception)
    return TemplateResponse(request, "404.html", status=404).render()


def server_error(request: HttpRequest) -> HttpResponse:
    if request.path.startswith("/api/"):
        return api_server_error(request)
    # No request context: the failure may be in a context processor or the session.
    return HttpResponse(loader.get_template("500.html").render(), status=500)
