"""The citizen sign-in pages: mobile number, then the code from the SMS."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.exceptions import DomainError

from . import citizen_codes
from .citizen import CITIZEN_SESSION, PENDING_KEY, citizen_page, citizen_required, signed_in_citizen
from .net import client_ip
from .ratelimit import rate_limit_hit


class MobileForm(forms.Form):
    mobile = forms.CharField(
        label=_("Mobile number"),
        max_length=20,
        widget=forms.TextInput(
            attrs={"autofocus": True, "inputmode": "tel", "autocomplete": "tel", "placeholder": "98765 43210"}
        ),
    )

    def clean_mobile(self) -> str:
        try:
            return citizen_codes.mobile_normalise(self.cleaned_data["mobile"])
        except DomainError as error:
            raise forms.ValidationError(str(error.message)) from None


class CodeForm(forms.Form):
    code = forms.RegexField(
        label=_("6-digit code from the SMS"),
        regex=r"^[0-9]{6}$",
        max_length=6,
        error_messages={"invalid": _("The code is the 6 digits in the SMS.")},
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "autofocus": True, "pattern": "[0-9]{6}"}
        ),
    )


def _client_may_send(request: HttpRequest) -> bool:
    """A brake on one client asking codes for many numbers; the per-number limits are
    in the database (citizen_codes.code_send)."""
    digest = salted_hmac("dakghar.citizen.client", client_ip(request) or "unknown", algorithm="sha256").hexdigest()
    limit = int(getattr(settings, "CITIZEN_CODE_SENDS_PER_CLIENT_HOUR", 20))
    return rate_limit_hit(f"citizen-sends:{digest[:32]}", limit=limit, window_seconds=3600)


def _masked(mobile: str) -> str:
    """'+919812345610' -> '+91 98XXXXXX10': enough for its owner to recognise."""
    if mobile.startswith("+91") and len(mobile) == 13:
        return f"+91 {mobile[3:5]}XXXXXX{mobile[-2:]}"
    return mobile[:-4] + "XXXX"


@require_http_methods(["GET", "POST"])
@citizen_page
def signin(request: HttpRequest) -> HttpResponse:
    """Step 1: the mobile number; a code goes to it by SMS."""
    if request.method == "GET":
        context = {"form": MobileForm(), "ended": request.GET.get("ended") == "1"}
        return render(request, "accounts/citizen/signin.html", context)
    form = MobileForm(request.POST)
    if not form.is_valid():
        return render(request, "accounts/citizen/signin.html", {"form": form}, status=400)
    mobile = form.cleaned_data["mobile"]
    if not _client_may_send(request):
        form.add_error("mobile", gettext("Too many codes were asked from this device. Try again in an hour."))
        return render(request, "accounts/citizen/signin.html", {"form": form}, status=429)
    try:
        citizen_codes.code_send(mobile=mobile, lang=request.LANGUAGE_CODE)
    except DomainError as error:
        if error.code != "code_cooldown" or CITIZEN_SESSION.store(request).get(PENDING_KEY) != mobile:
            form.add_error("mobile", str(error.message))
            return render(request, "accounts/citizen/signin.html", {"form": form}, status=error.status)
        messages.info(request, error.message)  # asked again at once: the last code still works
    CITIZEN_SESSION.store(request)[PENDING_KEY] = mobile
    return redirect("citizen:signin_code")


@require_http_methods(["GET", "POST"])
@citizen_page
def signin_code(request: HttpRequest) -> HttpResponse:
    """Step 2: the code. Five wrong tries kill it."""
    store = CITIZEN_SESSION.store(request)
    mobile = store.get(PENDING_KEY)
    if mobile is None:
        return redirect("citizen:signin")
    context = {"masked": _masked(mobile), "mobile": mobile, "minutes": citizen_codes.ttl_seconds() // 60}
    if request.method == "GET":
        return render(request, "accounts/citizen/signin_code.html", {**context, "form": CodeForm()})
    form = CodeForm(request.POST)
    if not form.is_valid():
        return render(request, "accounts/citizen/signin_code.html", {**context, "form": form}, status=400)
    try:
        citizen = citizen_codes.code_verify(mobile=mobile, code=form.cleaned_data["code"])
    except DomainError as error:
        if error.code == "code_invalid":
            left = error.details.get("attempts_left", 0)
            text = gettext("The code is not right. %(left)d tries left.") % {"left": left}
        else:
            text = str(error.message)
        form.data = form.data.copy()
        form.data["code"] = ""  # typed again, not after the wrong one
        form.add_error("code", text)
        return render(request, "accounts/citizen/signin_code.html", {**context, "form": form}, status=error.status)
    CITIZEN_SESSION.sign_in(request, citizen.pk)
    return redirect("citizen:home")


@require_GET
@citizen_required
def home(request: HttpRequest) -> HttpResponse:
    citizen = signed_in_citizen(request)
    if citizen is None:  # removed meanwhile
        CITIZEN_SESSION.sign_out(request)
        return redirect("citizen:signin")
    return render(request, "accounts/citizen/home.html", {"citizen": citizen, "masked": _masked(citizen.mobile)})


@require_POST
@citizen_page
def signout(request: HttpRequest) -> HttpResponse:
    CITIZEN_SESSION.sign_out(request)
    messages.info(request, gettext("You have signed out."))
    return redirect("citizen:signin")
