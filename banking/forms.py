"""Forms of the savings pages and of customer self-service. They only read and check
input; banking.services validates again and does the work.

Amounts are typed in rupees ("500", "1,250.50") and become integer paise here; a form
that moves money carries `form_key`, the idempotency key drawn with the form.
"""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal, InvalidOperation

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import mobile_validator, pin_validator

from .models import Gender
from .numbers import aadhaar_normalise, account_number_valid

KEY_RE = re.compile(r"^[A-Za-z0-9-]{8,80}$")


class RupeesField(forms.CharField):
    """Rupees as typed ("1,250.50") -> integer paise (125050). More than zero, at most
    two decimals, at most BANKING_MAX_AMOUNT_PAISE."""

    default_error_messages = {
        "invalid": _("Type the amount in rupees, like 500 or 1250.50."),
        "too_small": _("The amount must be more than zero."),
        "too_large": _("The amount is larger than one operation may carry."),
    }

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.update({"inputmode": "decimal", "autocomplete": "off", "spellcheck": "false", "maxlength": "20"})
        return attrs

    def to_python(self, value):
        text = super().to_python(value).replace(",", "").replace("₹", "").strip()
        if text in self.empty_values:
            return None
        if len(text) > 20 or not re.fullmatch(r"[0-9]+(\.[0-9]{1,2})?", text):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        try:
            paise = int(Decimal(text) * 100)
        except InvalidOperation:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None
        if paise <= 0:
            raise forms.ValidationError(self.error_messages["too_small"], code="too_small")
        if paise > settings.BANKING_MAX_AMOUNT_PAISE:
            raise forms.ValidationError(self.error_messages["too_large"], code="too_large")
        return paise


class AccountNumberField(forms.CharField):
    default_error_messages = {
        "invalid": _("This is not a valid account number: it has 12 digits and starts with 1. Check each digit."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 20)
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.update({"inputmode": "numeric", "autocomplete": "off", "spellcheck": "false"})
        return attrs

    def to_python(self, value):
        number = re.sub(r"[\s-]", "", super().to_python(value))
        if number and not account_number_valid(number):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return number


class FormKeyMixin(forms.Form):
    form_key = forms.CharField(widget=forms.HiddenInput, max_length=80)

    def clean_form_key(self):
        key = self.cleaned_data["form_key"]
        if not KEY_RE.match(key):
            raise forms.ValidationError(_("The form has expired. Open it again."))
        return key


# --- the clerk's pages ------------------------------------------------------------------------


class AccountFindForm(forms.Form):
    q = forms.CharField(
        label=_("Account number or mobile"),
        max_length=20,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "off", "autofocus": True, "spellcheck": "false"}
        ),
    )


class AccountOpenForm(FormKeyMixin):
    name = forms.CharField(
        label=_("Customer's full name"), max_length=120, widget=forms.TextInput(attrs={"autofocus": True})
    )
    mobile = forms.CharField(
        label=_("Mobile number"),
        max_length=10,
        validators=[mobile_validator],
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    date_of_birth = forms.DateField(label=_("Date of birth"), widget=forms.DateInput(attrs={"type": "date"}))
    gender = forms.ChoiceField(label=_("Gender"), choices=Gender.choices)
    address = forms.CharField(label=_("Address"), max_length=300)
    pin = forms.CharField(
        label=_("PIN code"),
        max_length=6,
        validators=[pin_validator],
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    aadhaar = forms.CharField(
        label=_("Aadhaar number"),
        max_length=14,
        required=False,
        help_text=_("12 digits. Only the last four are kept; it is never shown in full."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    sms_language = forms.ChoiceField(
        label=_("SMS language"), choices=[("hi", "हिन्दी"), ("en", "English")], initial="hi"
    )
    nominee_name = forms.CharField(label=_("Nominee's name"), max_length=120, required=False)
    nominee_relation = forms.CharField(label=_("Nominee's relation"), max_length=40, required=False)
    posb_account = forms.CharField(
        label=_("Linked POSB account"),
        max_length=20,
        required=False,
        help_text=_("Post Office Savings Bank account that takes the balance above ₹2,00,000 at day end."),
    )

    def clean_date_of_birth(self):
        born = self.cleaned_data["date_of_birth"]
        if born > timezone.localdate() or born.year < 1900:
            raise forms.ValidationError(_("The date of birth is not valid."))
        return born

    def clean_aadhaar(self):
        raw = self.cleaned_data["aadhaar"].strip()
        if raw and aadhaar_normalise(raw) is None:
            raise forms.ValidationError(
                _("An Aadhaar number is 12 digits and its last digit must match (Verhoeff check).")
            )
        return raw

    def clean(self):
        data = super().clean()
        if data.get("nominee_name") and not data.get("nominee_relation"):
            self.add_error("nominee_relation", _("Say how the nominee is related to the customer."))
        return data

    def customer(self) -> dict:
        data = self.cleaned_data
        return {
            key: data[key]
            for key in ("name", "mobile", "address", "pin", "date_of_birth", "gender", "aadhaar", "sms_language")
        }


class DepositForm(FormKeyMixin):
    # The cursor starts here when the clerk opens an account's page.
    amount = RupeesField(label=_("Amount (₹)"), widget=forms.TextInput(attrs={"autofocus": True}))
    memo = forms.CharField(label=_("Note (optional)"), max_length=120, required=False)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "deposit_%s")  # the withdrawal form is on the same page
        super().__init__(*args, **kwargs)


class WithdrawalForm(FormKeyMixin):
    amount = RupeesField(label=_("Amount (₹)"))
    memo = forms.CharField(label=_("Note (optional)"), max_length=120, required=False)
    otp = forms.CharField(
        label=_("Customer's OTP"),
        max_length=6,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "withdrawal_%s")
        super().__init__(*args, **kwargs)


class StatementForm(forms.Form):
    """?from=YYYY-MM-DD&to=YYYY-MM-DD (Indian dates, both included; default the last 30 days)."""

    def __init__(self, data=None, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["from"] = forms.DateField(
            label=_("From date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
        )
        self.fields["to"] = forms.DateField(
            label=_("To date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
        )

    def clean(self):
        data = super().clean()
        date_to = data.get("to") or timezone.localdate()
        date_from = data.get("from") or date_to - timedelta(days=30)
        if date_from > date_to:
            self.add_error("from", _("The start date is after the end date."))
        data["from"], data["to"] = date_from, date_to
        return data


# --- customer self-service --------------------------------------------------------------------


class SignInForm(forms.Form):
    account_number = AccountNumberField(
        label=_("Account number"),
        widget=forms.TextInput(attrs={"autofocus": True, "placeholder": "1XXXXXXXXXXX"}),
    )


def sms_code_field() -> forms.RegexField:
    """The 6-digit code a customer types from an SMS."""
    return forms.RegexField(
        label=_("6-digit code from the SMS"),
        regex=r"^[0-9]{6}$",
        max_length=6,
        error_messages={"invalid": _("The code is the 6 digits in the SMS.")},
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "autofocus": True, "pattern": "[0-9]{6}"}
        ),
    )


class SignInCodeForm(forms.Form):
    code = sms_code_field()


class TransferForm(forms.Form):
    to_account = AccountNumberField(label=_("To account number"))
    amount = RupeesField(label=_("Amount (₹)"))
    note = forms.CharField(label=_("Note (optional)"), max_length=100, required=False)


class TransferConfirmForm(FormKeyMixin):
    otp = sms_code_field()
