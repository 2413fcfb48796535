"""Input shapes of the banking API. They validate only; services do the work."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.api.fields import IdField

from ..models import Gender, SavingsAccount


@extend_schema_field(OpenApiTypes.INT)
class PaiseField(serializers.Field):
    """A JSON integer of paise: not a string, float or boolean; within the limits."""

    default_error_messages = {
        "invalid": _("An amount is a whole number of paise (a JSON integer, not text or a decimal)."),
        "range": _("The amount must be between %(low)s and %(high)s paise."),
    }

    def __init__(self, *, allow_zero: bool = False, **kwargs) -> None:
        self.allow_zero = allow_zero
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if type(data) is not int:
            self.fail("invalid")
        low = 0 if self.allow_zero else 1
        if not low <= data <= settings.BANKING_MAX_AMOUNT_PAISE:
            self.fail("range", low=low, high=settings.BANKING_MAX_AMOUNT_PAISE)
        return data

    def to_representation(self, value):
        return value


class CustomerInSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    mobile = serializers.RegexField(r"^[6-9][0-9]{9}$", max_length=10)
    address = serializers.CharField(max_length=300)
    pin = serializers.RegexField(r"^[1-9][0-9]{5}$", max_length=6)
    date_of_birth = serializers.DateField()
    gender = serializers.ChoiceField(choices=Gender.choices)
    aadhaar = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    sms_language = serializers.ChoiceField(choices=[("hi", "hi"), ("en", "en")], required=False, default="hi")


class AccountOpenSerializer(serializers.Serializer):
    customer = CustomerInSerializer()
    office_id = IdField(required=False)
    nominee_name = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")
    nominee_relation = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    posb_account = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")


class CashSerializer(serializers.Serializer):
    amount_paise = PaiseField()
    till_id = IdField(required=False)
    memo = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class WithdrawalSerializer(CashSerializer):
    otp = serializers.RegexField(r"^[0-9]{6}$", required=False, allow_blank=True, default="")


class OtpSendSerializer(serializers.Serializer):
    amount_paise = PaiseField()
    purpose = serializers.ChoiceField(choices=["withdrawal", "transfer"], required=False, default="withdrawal")


class FeeSerializer(serializers.Serializer):
    amount_paise = PaiseField()
    gst_paise = PaiseField(allow_zero=True, required=False, default=0)
    memo = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class TransferSerializer(serializers.Serializer):
    # "from" is a Python keyword: declared below.
    to = serializers.CharField(max_length=12)
    amount_paise = PaiseField()
    otp = serializers.RegexField(r"^[0-9]{6}$", required=False, allow_blank=True, default="")
    memo = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


TransferSerializer._declared_fields["from"] = serializers.CharField(max_length=12)


class StatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=SavingsAccount.Status.choices)
    reason = serializers.CharField(max_length=300)


class PosbLinkSerializer(serializers.Serializer):
    posb_account = serializers.CharField(max_length=20)


class TillOpenSerializer(serializers.Serializer):
    opening_paise = PaiseField(allow_zero=True)
    clerk_id = IdField(required=False)


class TillCloseSerializer(serializers.Serializer):
    counted_paise = PaiseField(allow_zero=True)


class ReversalRequestSerializer(serializers.Serializer):
    entry_id = IdField()
    reason = serializers.CharField(max_length=300)


class ReversalDecisionSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class UtrSerializer(serializers.Serializer):
    utr = serializers.RegexField(r"^[0-9]{12}$")


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300)


class StatementQuerySerializer(serializers.Serializer):
    # "from"/"to" in the query string; see the view.
    format = serializers.ChoiceField(choices=["json"], required=False, default="json")
