from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _
from django_otp import devices_for_user


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
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )

    def __init__(self, user, data=None, devices=None) -> None:
        super().__init__(data)
        self.user = user
        self.devices = devices
        self.device = None

    def clean_token(self) -> str:
        token = self.cleaned_data["token"].replace(" ", "").strip()
        devices = self.devices if self.devices is not None else list(devices_for_user(self.user, confirmed=True))
        for device in devices:
            # django-otp throttles each device after wrong codes (ThrottlingMixin).
            allowed, _info = device.verify_is_allowed() if hasattr(device, "verify_is_allowed") else (True, None)
            if not allowed:
                raise forms.ValidationError(_("Too many wrong codes. Wait a little and try again."))
            if device.verify_token(token):
                self.device = device
                return token
        raise forms.ValidationError(_("That code is not right. Check the time on your phone and try again."))
