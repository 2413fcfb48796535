from __future__ import annotations

import re

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _
from django_otp import devices_for_user
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

TOTP_CODE = re.compile(r"^[0-9]{6}\Z")


class LoginForm(AuthenticationForm):
    """Django's form (it passes the request to authenticate(), which django-axes needs)."""

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].widget.attrs.update({"autocomplete": "username", "autofocus": True})
        self.fields["password"].widget.attrs.update({"autocomplete": "current-password"})


class OTPTokenForm(forms.Form):
    """A six-digit authenticator code or an eight-character recovery code."""

    token = forms.CharField(
        label=_("Code"),
        max_length=16,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "off", "spellcheck": "false", "autofocus": True}
        ),
    )

    def __init__(self, user, data=None, devices=None) -> None:
        super().__init__(data)
        self.user = user
        self.devices = devices
        self.device = None

    def _candidates(self, token: str) -> list:
        """Only the devices that could issue a code of this shape: a recovery code
        typed here must not count as a wrong authenticator code (django-otp throttles
        a device after each failure), and the other way round."""
        if self.devices is not None:
            return list(self.devices)
        kind = TOTPDevice if TOTP_CODE.match(token) else StaticDevice
        return [d for d in devices_for_user(self.user, confirmed=True) if isinstance(d, kind)]

    def clean_token(self) -> str:
        token = self.cleaned_data["token"].replace(" ", "").replace("-", "").strip().lower()
        throttled = False
        for device in self._candidates(token):
            allowed, _info = device.verify_is_allowed()
            if not allowed:
                throttled = True
                continue
            if device.verify_token(token):
                self.device = device
                return token
        if throttled:
            raise forms.ValidationError(_("Too many wrong codes. Wait a little and try again."))
        raise forms.ValidationError(_("That code is not right. Check the time on your phone and try again."))
