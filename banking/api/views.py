"""The banking API (/api/v1/banking/). Thin: validate, check access, call a service.

Every call that moves money needs an `Idempotency-Key` header (core.idempotency):
the first answer is stored with the change and replayed byte for byte on a retry
(header `Idempotent-Replayed: true`). Input errors (400) and access errors (403/404)
are answered before the key is looked at and are not stored.

Cash at a counter moves the requesting user's own open till: `till_id` in the body
may name it (it must be theirs and open); without it the user's open till is used
(409 till_not_open when they have none). Tills are opened and closed with POST tills/ and tills/{id}/close/.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers as drf_serializers
from rest_framework import status
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Role
from accounts.typed import ascii_int, day_from_text
from core.api.errors import error_body
from core.exceptions import DomainError
from core.idempotency import idempotent_post

from .. import selectors, services, statements
from ..exceptions import NotReversible, TillNotOpen
from ..permissions import (
    access_account_for,
    access_office_for_banking,
    access_payment_for,
    access_reversal_request_for,
    access_till_for,
    offices_served_by,
    require_banking_staff,
)
from . import serializers

_renderer = JSONRenderer()

_IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    str,
    OpenApiParameter.HEADER,
    required=True,
    description="A unique value per operation; a retry with the same key gets the first answer.",
)


def _render(payload: dict) -> bytes:
    return _renderer.render(payload)


def render_domain_error(exc: DomainError) -> tuple[int, bytes]:
    details = exc.details
    if isinstance(exc, TillNotOpen):
        # Say where a till is opened (a counter till session does it too).
        details = {**details, "open_till": reverse("banking_api:tills")}
    return exc.status, _render(error_body(exc.code, exc.message, details))


def money_response(run: Callable[[], tuple[int, dict]]) -> HttpResponse:
    """A money-moving call's answer as bytes; its view's @idempotent_post keeps it."""
    try:
        code, payload = run()
    except DomainError as exc:
        code, body = render_domain_error(exc)
        return HttpResponse(body, status=code, content_type="application/json")
    return HttpResponse(_render(payload), status=code, content_type="application/json")


def _valid(serializer_class, data) -> dict:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def account_payload(account) -> dict:
    customer = account.customer
    return {
        "number": account.number,
        "balance_paise": account.ledger.balance_paise,
        "status": account.status,
        "office_id": account.office_id,
        "opened_at": account.opened_at.isoformat(),
        "nominee_name": account.nominee_name,
        "nominee_relation": account.nominee_relation,
        "posb_account": account.posb_account,
        "customer": {
            "name": customer.name,
            "mobile": customer.mobile,
            "address": customer.address,
            "pin": customer.pin,
            "date_of_birth": customer.date_of_birth.isoformat(),
            "gender": customer.gender,
            "aadhaar": customer.aadhaar_masked,
            "over_cap": customer.over_cap_since is not None,
        },
    }


def movement_payload(movement, **extra) -> dict:
    return {
        "entry_id": movement.entry_id,
        "account_number": movement.account_number,
        "amount_paise": movement.amount_paise,
        "balance_paise": movement.balance_paise,
        "created_at": movement.created_at.isoformat(),
        "till_id": movement.till_id,
        **extra,
    }


class AccountListView(APIView):
    @extend_schema(request=serializers.AccountOpenSerializer, responses={201: OpenApiTypes.OBJECT})
    @idempotent_post("banking.account_list")
    def post(self, request: Request) -> Response:
        """Open an account for a new holder: 201 with the account (balance 0)."""
        require_banking_staff(request.user)
        data = _valid(serializers.AccountOpenSerializer, request.data)
        office_id = data.get("office_id") or request.user.post_office_id
        if office_id is None:
            raise drf_serializers.ValidationError({"office_id": [_("Say which post office opens the account.")]})
        access_office_for_banking(request.user, office_id)
        account = services.customer_account_open(
            customer=dict(data["customer"]),
            office_id=office_id,
            actor=request.user,
            nominee_name=data["nominee_name"],
            nominee_relation=data["nominee_relation"],
            posb_account=data["posb_account"],
        )
        account = access_account_for(request.user, account.number)
        return Response(account_payload(account), status=status.HTTP_201_CREATED)


class AccountDetailView(APIView):
    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request, number: str) -> Response:
        return Response(account_payload(access_account_for(request.user, number)))


class DepositView(APIView):
    @extend_schema(
        request=serializers.CashSerializer, responses={201: OpenApiTypes.OBJECT}, parameters=[_IDEMPOTENCY_KEY]
    )
    @idempotent_post("banking.deposit")
    def post(self, request: Request, number: str) -> HttpResponse:
        account = access_account_for(request.user, number)
        data = _valid(serializers.CashSerializer, request.data)

        def run():
            movement = services.deposit_post(
                account_number=account.number,
                amount_paise=data["amount_paise"],
                till_id=data.get("till_id"),
                actor=request.user,
                memo=data["memo"],
            )
            return 201, movement_payload(movement)

        return money_response(run)


class WithdrawalView(APIView):
    @extend_schema(
        request=serializers.WithdrawalSerializer, responses={201: OpenApiTypes.OBJECT}, parameters=[_IDEMPOTENCY_KEY]
    )
    @idempotent_post("banking.withdrawal")
    def post(self, request: Request, number: str) -> HttpResponse:
        account = access_account_for(request.user, number)
        data = _valid(serializers.WithdrawalSerializer, request.data)

        def run():
            movement = services.withdrawal_post(
                account_number=account.number,
                amount_paise=data["amount_paise"],
                till_id=data.get("till_id"),
                actor=request.user,
                otp=data["otp"] or None,
                memo=data["memo"],
            )
            return 201, movement_payload(movement)

        return money_response(run)


class WithdrawalOtpView(APIView):
    @extend_schema(request=serializers.OtpSendSerializer, responses={201: OpenApiTypes.OBJECT})
    @idempotent_post("banking.withdrawal_otp")
    def post(self, request: Request, number: str) -> Response:
        """Send the holder an OTP for a withdrawal (or transfer) of this amount."""
        account = access_account_for(request.user, number)
        data = _valid(serializers.OtpSendSerializer, request.data)
        sent = services.withdrawal_otp_send(
            account_number=account.number,
            amount_paise=data["amount_paise"],
            actor=request.user,
            purpose=data["purpose"],
        )
        return Response(
            {"sent_to": sent.sent_to, "expires_at": sent.expires_at.isoformat(), "amount_paise": data["amount_paise"]},
            status=status.HTTP_201_CREATED,
        )


class FeeView(APIView):
    @extend_schema(
        request=serializers.FeeSerializer, responses={201: OpenApiTypes.OBJECT}, parameters=[_IDEMPOTENCY_KEY]
    )
    @idempotent_post("banking.fee")
    def post(self, request: Request, number: str) -> HttpResponse:
        account = access_account_for(request.user, number)
        data = _valid(serializers.FeeSerializer, request.data)

        def run():
            movement = services.fee_charge(
                account_number=account.number,
                amount_paise=data["amount_paise"],
                gst_paise=data["gst_paise"],
                actor=request.user,
                memo=data["memo"],
            )
            return 201, movement_payload(movement)

        return money_response(run)


class AccountStatusView(APIView):
    @extend_schema(request=serializers.StatusSerializer, responses={200: OpenApiTypes.OBJECT})
    @idempotent_post("banking.account_status")
    def post(self, request: Request, number: str) -> Response:
        """Freeze, unfreeze or close (postmaster)."""
        account = access_account_for(request.user, number)
        if request.user.role not in (Role.POSTMASTER, Role.ADMINISTRATOR):
            raise PermissionDenied
        data = _valid(serializers.StatusSerializer, request.data)
        services.account_status_change(
            account_number=account.number, new_status=data["status"], reason=data["reason"], actor=request.user
        )
        return Response(account_payload(access_account_for(request.user, number)))


class PosbLinkView(APIView):
    @extend_schema(request=serializers.PosbLinkSerializer, responses={200: OpenApiTypes.OBJECT})
    @idempotent_post("banking.posb_link")
    def post(self, request: Request, number: str) -> Response:
        account = access_account_for(request.user, number)
        data = _valid(serializers.PosbLinkSerializer, request.data)
        services.account_posb_link(account_number=account.number, posb_account=data["posb_account"], actor=request.user)
        return Response(account_payload(access_account_for(request.user, number)))


def _statement_dates(request: Request) -> tuple[date, date]:
    today = timezone.localdate()
    raw_from, raw_to = request.query_params.get("from"), request.query_params.get("to")
    errors = {}
    date_to = day_from_text(raw_to) if raw_to else today
    if date_to is None:
        errors["to"] = [_("Use a date like 2025-10-31.")]
    date_from = day_from_text(raw_from) if raw_from else (date_to or today) - timedelta(days=30)
    if date_from is None:
        errors["from"] = [_("Use a date like 2025-10-01.")]
    if errors:
        raise drf_serializers.ValidationError(errors)
    if date_from > date_to:
        raise drf_serializers.ValidationError({"from": [_("The start date is after the end date.")]})
    return date_from, date_to


class StatementView(APIView):
    # ?format=csv|pdf is this view's own parameter: DRF must not take it for its
    # renderer override (which would answer 404 before the view runs).
    content_negotiation_class = statements.JsonOnlyNegotiation

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request, number: str) -> Response:
        """The passbook with running balance. ?from=YYYY-MM-DD&to=YYYY-MM-DD, Indian dates;
        JSON, or &format=csv|pdf (&lang=hi|en, default the request's language) for the file."""
        account = access_account_for(request.user, number)
        fmt = request.query_params.get("format", "json")
        if fmt not in ("json", "csv", "pdf"):
            raise drf_serializers.ValidationError({"format": [_("Use json, csv or pdf.")]})
        lang = request.query_params.get("lang") or get_language()
        if lang not in statements.LANGS:
            raise drf_serializers.ValidationError({"lang": [_("Use hi or en.")]})
        date_from, date_to = _statement_dates(request)
        if fmt != "json":
            doc = statements.statement_document(
                account_number=account.number, date_from=date_from, date_to=date_to, lang=lang
            )
            return statements.statement_file_response(doc, fmt)
        statement = selectors.statement_for(account_number=account.number, date_from=date_from, date_to=date_to)
        return Response(
            {
                "number": statement.account_number,
                "holder": statement.holder_name,
                "from": statement.date_from.isoformat(),
                "to": statement.date_to.isoformat(),
                "opening_balance_paise": statement.opening_balance_paise,
                "closing_balance_paise": statement.closing_balance_paise,
                "total_debit_paise": statement.total_debit_paise,
                "total_credit_paise": statement.total_credit_paise,
                "rows": [
                    {
                        "entry_id": row.entry_id,
                        "posted_at": row.posted_at.isoformat(),
                        "date": row.day.isoformat(),
                        "kind": row.kind,
                        "description": row.kind_label,
                        "memo": row.memo,
                        "counterparty": row.counterparty,
                        "debit_paise": row.debit_paise,
                        "credit_paise": row.credit_paise,
                        "balance_paise": row.balance_paise,
                    }
                    for row in statement.rows
                ],
            }
        )


class TransferView(APIView):
    @extend_schema(
        request=serializers.TransferSerializer, responses={201: OpenApiTypes.OBJECT}, parameters=[_IDEMPOTENCY_KEY]
    )
    @idempotent_post("banking.transfer")
    def post(self, request: Request) -> HttpResponse:
        data = _valid(serializers.TransferSerializer, request.data)
        payer = access_account_for(request.user, data["from"])

        def run():
            result = services.transfer_post(
                from_number=payer.number,
                to_number=data["to"],
                amount_paise=data["amount_paise"],
                actor=request.user,
                otp=data["otp"] or None,
                memo=data["memo"],
            )
            return 201, {
                "entry_id": result.entry_id,
                "from": result.from_number,
                "to": result.to_number,
                "amount_paise": result.amount_paise,
                "balance_paise": result.from_balance_paise,
                "created_at": result.created_at.isoformat(),
            }

        return money_response(run)


def till_payload(till) -> dict:
    return {
        "till_id": till.pk,
        "office_id": till.office_id,
        "clerk_id": till.clerk_id,
        "status": till.status,
        "balance_paise": selectors.till_balance(till_id=till.pk),
        "opening_paise": till.opening_paise,
        "opened_at": till.opened_at.isoformat(),
        "closed_at": till.closed_at.isoformat() if till.closed_at else None,
    }


class TillListView(APIView):
    @extend_schema(
        request=serializers.TillOpenSerializer, responses={201: OpenApiTypes.OBJECT}, parameters=[_IDEMPOTENCY_KEY]
    )
    @idempotent_post("banking.till_list")
    def post(self, request: Request) -> HttpResponse:
        """Open a till: a clerk their own; a postmaster one for a clerk of their office."""
        require_banking_staff(request.user)
        data = _valid(serializers.TillOpenSerializer, request.data)
        clerk_id = data.get("clerk_id") or request.user.pk
        if clerk_id != request.user.pk and request.user.role not in (Role.POSTMASTER, Role.ADMINISTRATOR):
            raise PermissionDenied
        office_id = request.user.post_office_id
        if office_id is None:
            raise PermissionDenied
        access_office_for_banking(request.user, office_id)

        def run():
            till_id = services.till_open(
                office_id=office_id, clerk_id=clerk_id, opening_paise=data["opening_paise"], actor=request.user
            )
            return 201, till_payload(access_till_for(request.user, till_id))

        return money_response(run)

    @extend_schema(responses={200: OpenApiTypes.OBJECT}, operation_id="banking_till_mine")
    def get(self, request: Request) -> Response:
        """The requesting user's open till (404 when none)."""
        require_banking_staff(request.user)
        till = selectors.open_till_for(clerk_id=request.user.pk)
        if till is None:
            raise TillNotOpen
        return Response(till_payload(till))


class TillDetailView(APIView):
    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request, till_id: int) -> Response:
        return Response(till_payload(access_till_for(request.user, till_id)))


class TillCloseView(APIView):
    @extend_schema(
        request=serializers.TillCloseSerializer, responses={200: OpenApiTypes.OBJECT}, parameters=[_IDEMPOTENCY_KEY]
    )
    @idempotent_post("banking.till_close")
    def post(self, request: Request, till_id: int) -> HttpResponse:
        till = access_till_for(request.user, till_id)
        data = _valid(serializers.TillCloseSerializer, request.data)

        def run():
            result = services.till_close(till_id=till.pk, counted_paise=data["counted_paise"], actor=request.user)
            return 200, {
                "till_id": till.pk,
                "expected_paise": result.expected_paise,
                "counted_paise": result.counted_paise,
                "difference_paise": result.difference_paise,
                "entry_id": result.entry_id,
            }

        return money_response(run)


def reversal_payload(request_row) -> dict:
    return {
        "id": request_row.pk,
        "entry_id": request_row.entry_id,
        "status": request_row.status,
        "reason": request_row.reason,
        "requested_by": request_row.requested_by_id,
        "requested_at": request_row.requested_at.isoformat(),
        "decided_by": request_row.decided_by_id,
        "reversal_entry_id": request_row.reversal_entry_id,
        "payment_id": request_row.payment_id,  # set on a request to refund a payment
    }


class ReversalListView(APIView):
    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request) -> Response:
        require_banking_staff(request.user)
        rows = selectors.reversal_requests_pending(office_ids=offices_served_by(request.user))
        return Response({"results": [reversal_payload(r) for r in rows]})

    @extend_schema(request=serializers.ReversalRequestSerializer, responses={201: OpenApiTypes.OBJECT})
    @idempotent_post("banking.reversal_list")
    def post(self, request: Request) -> Response:
        """A clerk asks for an entry to be reversed (a postmaster approves)."""
        require_banking_staff(request.user)
        data = _valid(serializers.ReversalRequestSerializer, request.data)
        entry_office = selectors.entry_office_id(entry_id=data["entry_id"])
        if entry_office is None:
            raise NotReversible
        access_office_for_banking(request.user, entry_office)
        row = services.reversal_request(entry_id=data["entry_id"], reason=data["reason"], actor=request.user)
        return Response(reversal_payload(row), status=status.HTTP_201_CREATED)


class ReversalApproveView(APIView):
    @extend_schema(request=None, responses={200: OpenApiTypes.OBJECT}, parameters=[_IDEMPOTENCY_KEY])
    @idempotent_post("banking.reversal_approve")
    def post(self, request: Request, request_id: int) -> HttpResponse:
        row = access_reversal_request_for(request.user, request_id)

        def run():
            return 200, reversal_payload(services.reversal_approve(request_id=row.pk, actor=request.user))

        return money_response(run)


class ReversalRejectView(APIView):
    @extend_schema(request=serializers.ReversalDecisionSerializer, responses={200: OpenApiTypes.OBJECT})
    @idempotent_post("banking.reversal_reject")
    def post(self, request: Request, request_id: int) -> Response:
        row = access_reversal_request_for(request.user, request_id)
        data = _valid(serializers.ReversalDecisionSerializer, request.data)
        return Response(
            reversal_payload(services.reversal_reject(request_id=row.pk, actor=request.user, note=data["note"]))
        )


def payment_payload(payment) -> dict:
    return {
        "id": payment.pk,
        "office_id": payment.office_id,
        "method": payment.method,
        "status": payment.status,
        "reference": payment.reference,
        "total_paise": payment.total_paise,
        "gst_paise": payment.gst_paise,
        "upi_uri": payment.upi_uri,
        "utr": payment.utr,
        "entry_id": payment.entry_id,
        "refund_entry_id": payment.refund_entry_id,
    }


def _payment_for(request: Request, payment_id: int):
    return access_payment_for(request.user, payment_id)


class UpiConfirmView(APIView):
    @extend_schema(
        request=serializers.UtrSerializer, responses={200: OpenApiTypes.OBJECT}, parameters=[_IDEMPOTENCY_KEY]
    )
    @idempotent_post("banking.upi_confirm")
    def post(self, request: Request, payment_id: int) -> HttpResponse:
        payment = _payment_for(request, payment_id)
        data = _valid(serializers.UtrSerializer, request.data)

        def run():
            return 200, payment_payload(
                services.upi_payment_confirm(payment_id=payment.pk, utr=data["utr"], actor=request.user)
            )

        return money_response(run)


class UpiCancelView(APIView):
    @extend_schema(request=serializers.ReasonSerializer, responses={200: OpenApiTypes.OBJECT})
    @idempotent_post("banking.upi_cancel")
    def post(self, request: Request, payment_id: int) -> Response:
        payment = _payment_for(request, payment_id)
        data = _valid(serializers.ReasonSerializer, request.data)
        return Response(
            payment_payload(
                services.upi_payment_cancel(payment_id=payment.pk, actor=request.user, reason=data["reason"])
            )
        )


class PaymentRefundView(APIView):
    @extend_schema(
        request=serializers.ReasonSerializer, responses={202: OpenApiTypes.OBJECT}, parameters=[_IDEMPOTENCY_KEY]
    )
    @idempotent_post("banking.payment_refund")
    def post(self, request: Request, payment_id: int) -> HttpResponse:
        """Ask for a refund (maker-checker): 202 with a pending request that a postmaster,
        not the asker, approves at reversals/{id}/approve/; nothing moves until then.
        A payment that belongs to a booking (or a fee, a visit) is refunded through its
        owner's flow: 409 payment_owned."""
        payment = _payment_for(request, payment_id)
        data = _valid(serializers.ReasonSerializer, request.data)

        def run():
            return 202, reversal_payload(
                services.payment_refund_request(payment_id=payment.pk, reason=data["reason"], actor=request.user)
            )

        return money_response(run)


def _office_param(request: Request) -> int:
    office_id = ascii_int(request.query_params.get("office_id") or request.user.post_office_id)
    if office_id is None:
        raise drf_serializers.ValidationError({"office_id": [_("Say which post office.")]})
    access_office_for_banking(request.user, office_id)
    return office_id


class UpiPendingView(APIView):
    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request) -> Response:
        office_id = _office_param(request)
        return Response({"results": [payment_payload(p) for p in selectors.upi_pending(office_id=office_id)]})


class UpiReconciliationView(APIView):
    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request) -> Response:
        office_id = _office_param(request)
        raw_day = request.query_params.get("day")
        day = day_from_text(raw_day) if raw_day else timezone.localdate()
        if day is None:
            raise drf_serializers.ValidationError({"day": [_("Use a date like 2025-10-31.")]})
        rec = selectors.upi_reconciliation(office_id=office_id, day=day)
        return Response(
            {
                "office_id": rec.office_id,
                "day": rec.day.isoformat(),
                "confirmed": [{**row, "confirmed_at": row["confirmed_at"].isoformat()} for row in rec.confirmed],
                "confirmed_total_paise": rec.confirmed_total_paise,
                "pending_count": rec.pending_count,
                "pending_total_paise": rec.pending_total_paise,
                "cancelled_count": rec.cancelled_count,
                "refunded_total_paise": rec.refunded_total_paise,
                "clearing_balance_paise": rec.clearing_balance_paise,
            }
        )


class LedgerCheckLatestView(APIView):
    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request) -> Response:
        require_banking_staff(request.user)
        run = selectors.ledger_check_latest()
        if run is None:
            return Response({"ok": None, "finished_at": None, "problems": []})
        return Response(
            {
                "ok": run.ok,
                "finished_at": run.finished_at.isoformat(),
                "entries_checked": run.entries_checked,
                "accounts_checked": run.accounts_checked,
                "problems": run.problems[:100],
            }
        )
