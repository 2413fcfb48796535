from __future__ import annotations

from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import services
from accounts.forms import OTPTokenForm
from accounts.lockout import token_signin_recorded
from accounts.ratelimit import ScopedThrottle
from core.exceptions import DomainError


class InvalidCredentials(DomainError):
    code = "invalid_credentials"
    status = 401
    default_message = _("The username or password is not right.")


class OtpRequired(DomainError):
    code = "otp_required"
    status = 401
    default_message = _("This account needs the six-digit code from its authenticator app.")


class OtpInvalid(DomainError):
    code = "otp_invalid"
    status = 401
    default_message = _("That code is not right.")


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(trim_whitespace=False)
    otp = serializers.CharField(required=False, allow_blank=True)


class TokenView(APIView):
    """Exchange username + password (+ authenticator code for officers) for a token."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [ScopedThrottle]
    throttle_scope = "token"

    @extend_schema(
        request=TokenRequestSerializer,
        responses={
            200: inline_serializer("TokenResponse", {"token": serializers.CharField(), "role": serializers.CharField()})
        },
    )
    def post(self, request):
        data = TokenRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        # Passing the request lets django-axes count failures and lock the username.
        user = authenticate(
            request._request, username=data.validated_data["username"], password=data.validated_data["password"]
        )
        if user is None:
            raise InvalidCredentials
        if user.needs_two_factor:
            otp = data.validated_data.get("otp") or ""
            if not otp:
                raise OtpRequired
            form = OTPTokenForm(user, {"token": otp})
            if not form.is_valid():
                raise OtpInvalid
        token_signin_recorded(request._request, username=data.validated_data["username"])
        return Response({"token": services.api_token_issue(user=user), "role": user.role}, status=status.HTTP_200_OK)


class MeView(APIView):
    """Who the token (or session) belongs to: a phone app shows this after sign-in."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        responses={
            200: inline_serializer(
                "Me",
                {
                    "username": serializers.CharField(),
                    "name": serializers.CharField(),
                    "role": serializers.CharField(),
                    "place": serializers.CharField(allow_null=True),
                    "language": serializers.CharField(),
                },
            )
        }
    )
    def get(self, request):
        user = request.user
        return Response(
            {
                "username": user.username,
                "name": user.get_full_name(),
                "role": user.role,
                "place": str(user.place) if user.place is not None else None,
                "language": user.preferred_language,
            }
        )
