"""The counter's API. Views parse and call selectors/services; they change no state."""

from __future__ import annotations

import hashlib

from django.http import HttpResponse
from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.ratelimit import AnonThrottle
from core.idempotency import idempotent_post, json_answer
from counter import selectors, services
from counter.models import Booking, TillClose, TillSession
from counter.permissions import access_booking_for, access_cancel_request_for, access_session_for
from counter.receipts import receipt_pdf
from counter.words import amount_in_words_en, amount_in_words_hi


class TariffAnonThrottle(AnonThrottle):
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


# --- till sessions ----------------------------------------------------------------------------------


def _session_body(session: TillSession) -> dict:
    close = getattr(session, "close", None)
    body = {
        "id": session.pk,
        "till_id": session.till_id,
        "office_id": session.office_id,
        "clerk": session.clerk.username,
        "opened_at": session.opened_at.isoformat(),
        "opening_paise": session.opening_paise,
        "denominations": session.opening_denominations,
        "status": "closed" if close else "open",
    }
    if close:
        body["close"] = _close_body(close)
    return body


def _close_body(close: TillClose) -> dict:
    return {
        "session_id": close.session_id,
        "expected_paise": close.expected_paise,
        "counted_paise": close.counted_paise,
        "difference_paise": close.difference_paise,
        "result": "shortage" if close.difference_paise < 0 else "excess" if close.difference_paise > 0 else "exact",
        "entry_id": close.entry_id,
        "denominations": close.denominations,
        "closed_at": close.closed_at.isoformat(),
    }


class SessionsView(APIView):
    """Open the caller's till: {"denominations": {"500": 2, "100": 5, "coins": 750}}
    (notes by count, coins by total paise)."""

    @extend_schema(request=dict, responses={201: dict})
    @idempotent_post("counter.sessions")
    def post(self, request):
        session = services.till_session_open(clerk=request.user, denominations=request.data.get("denominations"))
        return Response(_session_body(session), status=status.HTTP_201_CREATED)


class SessionDetailView(APIView):
    @extend_schema(responses={200: dict})
    def get(self, request, session_id: int):
        session = access_session_for(request.user, session_id)
        report = selectors.session_report(session_id=session.pk)
        body = _session_body(report.session)
        body.update(
            {
                "bookings": len(report.bookings),
                "articles": report.articles,
                "by_method": report.by_method,
                "refunded_paise": report.refunded_paise,
                "expected_paise": report.expected_paise if report.close is None else report.close.expected_paise,
            }
        )
        return Response(body)


class SessionCloseView(APIView):
    """Count the drawer: {"denominations": {...}} -> expected, counted, difference."""

    @extend_schema(request=dict, responses={200: dict})
    @idempotent_post("counter.session_close")
    def post(self, request, session_id: int):
        session = access_session_for(request.user, session_id)
        close = services.till_session_close(
            session_id=session.pk, denominations=request.data.get("denominations"), actor=request.user
        )
        return Response(_close_body(close))


# --- bookings and receipts ----------------------------------------------------------------------------


def _urls(request, booking: Booking) -> dict:
    rn = booking.receipt_number
    return {
        "receipt_url": request.build_absolute_uri(reverse("counter_api:receipt", args=[rn])),
        "receipt_pdf_url": request.build_absolute_uri(reverse("counter_api:receipt_pdf", args=[rn])),
        "receipt_html_url": request.build_absolute_uri(reverse("counter:receipt", args=[rn])),
    }


def booking_body(request, booking: Booking, articles=None) -> dict:
    articles = articles or booking.articles.all().order_by("position")
    body = {
        "receipt_number": booking.receipt_number,
        "status": booking.status,
        "office_id": booking.office_id,
        "created_at": booking.created_at.isoformat(),
        "articles": [
            {
                "article_number": a.article_number,
                "service": a.service,
                "weight_g": a.weight_g,
                "addons": a.addons,
                "band": a.band,
                "distance_km": float(a.distance_km),
                "recipient_pin": a.recipient_pin,
                "amount_paise": a.amount_paise,
                "addons_paise": a.addons_paise,
                "discount_paise": a.discount_paise,
                "gst_paise": a.gst_paise,
                "total_paise": a.total_paise,
            }
            for a in articles
        ],
        "amount_paise": booking.amount_paise,
        "addons_paise": booking.addons_paise,
        "discount_paise": booking.discount_paise,
        "gst_paise": booking.gst_paise,
        "total_paise": booking.total_paise,
        "amount_in_words": {
            "en": amount_in_words_en(booking.total_paise),
            "hi": amount_in_words_hi(booking.total_paise),
        },
        "payment": {"method": booking.payment_method, "utr": booking.utr or None},
        **_urls(request, booking),
    }
    if booking.payment_method == Booking.Method.UPI:
        body["upi_uri"] = booking.upi_uri
    return body


def _booking_key(key: str) -> str:
    """The booking's own once-per-key guard, under the API's: a client's key may have
    up to 255 characters (checked by idempotent()); the booking row keeps its digest."""
    return "api:" + hashlib.sha256(key.encode()).hexdigest()


class BookingsView(APIView):
    """Book articles and take the payment. Needs an Idempotency-Key header: a retry with
    the same key and body returns the first answer byte for byte and books nothing."""

    @extend_schema(
        request=dict,
        responses={201: dict},
        parameters=[OpenApiParameter("Idempotency-Key", str, location=OpenApiParameter.HEADER, required=True)],
    )
    @idempotent_post("counter.bookings")
    def post(self, request):
        data = request.data if isinstance(request.data, dict) else {}
        result = services.booking_create(
            clerk=request.user,
            articles=data.get("articles"),
            payment=data.get("payment") or {},
            idempotency_key=_booking_key(request.headers["Idempotency-Key"]),
        )
        status, body = json_answer(201, booking_body(request, result.booking, result.articles))
        return HttpResponse(body, status=status, content_type="application/json")


class ReceiptView(APIView):
    @extend_schema(responses={200: dict})
    def get(self, request, receipt_number: str):
        return Response(booking_body(request, access_booking_for(request.user, receipt_number)))


class ReceiptPdfView(APIView):
    @extend_schema(responses={(200, "application/pdf"): bytes})
    def get(self, request, receipt_number: str):
        booking = access_booking_for(request.user, receipt_number)
        response = HttpResponse(receipt_pdf(booking), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="{booking.receipt_number}.pdf"'
        return response


class UpiConfirmView(APIView):
    """{"utr": "123456789012"}: the customer's UPI payment arrived."""

    @extend_schema(request=dict, responses={200: dict})
    @idempotent_post("counter.upi_confirm")
    def post(self, request, receipt_number: str):
        booking = access_booking_for(request.user, receipt_number)
        services.booking_upi_confirm(booking_id=booking.pk, utr=str(request.data.get("utr") or ""), actor=request.user)
        return Response(booking_body(request, selectors.booking_by_receipt(receipt_number=booking.receipt_number)))


class UpiCancelView(APIView):
    @extend_schema(request=dict, responses={200: dict})
    @idempotent_post("counter.upi_cancel")
    def post(self, request, receipt_number: str):
        booking = access_booking_for(request.user, receipt_number)
        services.booking_upi_cancel(
            booking_id=booking.pk, reason=str(request.data.get("reason") or ""), actor=request.user
        )
        return Response(booking_body(request, selectors.booking_by_receipt(receipt_number=booking.receipt_number)))


class CancelRequestView(APIView):
    """{"reason": "..."}: ask the postmaster to cancel a paid booking (same day, before dispatch)."""

    @extend_schema(request=dict, responses={201: dict})
    @idempotent_post("counter.cancel_request")
    def post(self, request, receipt_number: str):
        booking = access_booking_for(request.user, receipt_number)
        cancel = services.booking_cancel_request(
            booking_id=booking.pk, reason=str(request.data.get("reason") or ""), actor=request.user
        )
        return Response(
            {"id": cancel.pk, "status": cancel.status, "receipt_number": booking.receipt_number}, status=201
        )


class CancelDecideView(APIView):
    """The postmaster approves (articles cancelled, payment refunded) or rejects."""

    decision = "approve"

    @extend_schema(request=dict, responses={200: dict})
    @idempotent_post("counter.cancel_decide")
    def post(self, request, request_id: int):
        cancel = access_cancel_request_for(request.user, request_id)
        if self.decision == "approve":
            cancel = services.booking_cancel_approve(request_id=cancel.pk, actor=request.user)
        else:
            cancel = services.booking_cancel_reject(
                request_id=cancel.pk, actor=request.user, note=str(request.data.get("note") or "")
            )
        booking = selectors.booking_by_receipt(receipt_number=cancel.booking.receipt_number)
        return Response({"id": cancel.pk, "status": cancel.status, "booking": booking_body(request, booking)})
