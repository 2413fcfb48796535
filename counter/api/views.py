"""The counter's API. Views parse and call selectors/services; they change no state."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from counter import selectors


class TariffAnonThrottle(AnonRateThrottle):
    scope = "counter_tariff_anon"


class TariffView(APIView):
    """The price of one article. The tariff is public, like India Post's own
    calculator: anyone may ask (anonymous callers are rate-limited)."""

    permission_classes = [AllowAny]
    throttle_classes = [TariffAnonThrottle]

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "service", str, description="speed_post (= speed_post_document), speed_post_parcel, parcel"
            ),
            OpenApiParameter("weight_g", int),
            OpenApiParameter("origin_pin", str),
            OpenApiParameter("dest_pin", str),
            OpenApiParameter("addons", str, description="comma-separated: registration, otp"),
            OpenApiParameter("discount", str, required=False, description="student or bulk_new"),
        ],
        responses={200: dict},
    )
    def get(self, request):
        params = request.query_params
        quote = selectors.tariff_quote(
            service=params.get("service"),
            weight_g=params.get("weight_g"),
            origin_pin=params.get("origin_pin"),
            dest_pin=params.get("dest_pin"),
            addons=params.get("addons", ""),
            discount=params.get("discount") or None,
        )
        return Response(quote.as_dict())
