"""Sign-in, two-factor, role homes, health and error pages."""

from __future__ import annotations

import logging

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django_otp import login as otp_login

from . import services
from .api.errors import api_not_found, api_server_error
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


def landing(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/landing.html")


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_success_url(self) -> str:
        if self.request.user.needs_two_factor:
            return reverse("accounts:two_factor")
        return self.get_redirect_url() or reverse("accounts:home")


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Send each role to its own start page."""
    return redirect(ROLE_HOME.get(request.user.role, "landing"))


@never_cache
@login_required
def two_factor(request: HttpRequest) -> HttpResponse:
    """Ask for the authenticator (or a recovery) code; enrol first if there is none."""
    user = request.user
    if not services.user_has_confirmed_device(user=user):
        return redirect("accounts:two_factor_enrol")
    if user.is_verified():
        return redirect("accounts:home")
    form = OTPTokenForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        otp_login(request, form.device)
        return redirect("accounts:home")
    return render(request, "accounts/two_factor.html", {"form": form})


@never_cache
@login_required
def two_factor_enrol(request: HttpRequest) -> HttpResponse:
    """Show a QR code for an authenticator app; confirm it with one code; then show
    recovery codes once."""
    user = request.user
    if services.user_has_confirmed_device(user=user):
        return redirect("accounts:two_factor")
    device = services.totp_device_pending(user=user)
    form = OTPTokenForm(user, request.POST or None, devices=[device])
    if request.method == "POST" and form.is_valid():
        recovery_codes = services.totp_device_confirm(device=device)
        otp_login(request, device)
        messages.success(request, _("Two-factor sign-in is set up."))
        return render(request, "accounts/recovery_codes.html", {"codes": recovery_codes})
    svg = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8).to_string(
        encoding="unicode"
    )
    return render(
        request,
        "accounts/two_factor_enrol.html",
        {"form": form, "qr_svg": svg, "secret": services.totp_secret_base32(device=device)},
    )


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 while the database answers; the broker is reported but does not fail the
    check (SMS and jobs wait in the database while it is away)."""
    database = "ok"
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any driver error means "not ok"
        logger.warning("healthz: database check failed: %s", exc)
        database = "unavailable"
    broker = services.broker_status()
    ok = database == "ok"
    return JsonResponse(
        {"status": "ok" if ok else "unavailable", "database": database, "broker": broker},
        status=200 if ok else 503,
    )


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if request.path.startswith("/api/"):
        return api_not_found(request, exception)
    return TemplateResponse(request, "404.html", status=404).render()


def server_error(request: HttpRequest) -> HttpResponse:
    if request.path.startswith("/api/"):
        return api_server_error(request)
    # No template context processors here: the failure may be in one of them.
    return render(request, "500.html", status=500)
