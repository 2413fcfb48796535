"""The counter's pages. Thin: they check access, call selectors/services, render.

The clerk's window is one page: with no open till it asks for the opening count;
with one it is the booking form (keyboard only: Tab through the fields, Enter books).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.models import Role
from accounts.permissions import require_role
from accounts.typed import ascii_int, day_from_text
from banking import exceptions as banking_exceptions
from banking import selectors as banking_selectors
from banking import services as banking_services
from core.exceptions import DomainError
from core.formatting import format_inr
from core.idempotency import form_error, form_fields, form_key_after, form_key_new, idempotent_form, sender_of

from . import forms, selectors, services
from .exceptions import BadInput
from .models import NOTE_DENOMINATIONS, Booking
from .permissions import (
    COUNTER_ROLES,
    access_booking_for,
    access_cancel_request_for,
    access_session_for,
)
from .receipts import receipt_context, receipt_pdf


def _counter_staff(request: HttpRequest) -> None:
    require_role(request.user, *COUNTER_ROLES)
    if not request.user.post_office_id:
        raise PermissionDenied


def _booking_form_context(request: HttpRequest, *, data=None, errors=None, error=None, form_key=None) -> dict:
    data = data if data is not None else {}
    count = forms.article_count(data) if data else 1
    return {
        "session": selectors.open_session_for(clerk_id=request.user.pk),
        "form_key": form_key or form_key_new(),
        "data": data,
        "errors": errors or {},
        "error": error,
        "article_indexes": range(count),
        "service_choices": forms.SERVICE_CHOICES,
        "addon_choices": forms.ADDON_CHOICES,
        "discount_choices": forms.DISCOUNT_CHOICES,
        "denominations": NOTE_DENOMINATIONS,
        "recent": selectors.bookings_recent(clerk_id=request.user.pk, limit=8),
        "office": request.user.post_office,
    }


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The counter clerk's window: open the till, then book."""
    _counter_staff(request)
    return render(request, "counter/home.html", _booking_form_context(request))


@require_POST
@login_required
def till_open(request: HttpRequest) -> HttpResponse:
    _counter_staff(request)
    try:
        services.till_session_open(clerk=request.user, denominations=forms.denominations_from_post(request.POST))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Till opened."))
    return redirect("counter:home")


@login_required
def till_close(request: HttpRequest) -> HttpResponse:
    """Count the drawer by denomination and close the till."""
    _counter_staff(request)
    session = selectors.open_session_for(clerk_id=request.user.pk)
    if session is None:
        messages.info(request, _("Your till is not open."))
        return redirect("counter:home")
    error = None
    if request.method == "POST":
        try:
            services.till_session_close(
                session_id=session.pk, denominations=forms.denominations_from_post(request.POST), actor=request.user
            )
        except DomainError as exc:
            error = exc.message
        else:
            messages.success(request, _("Till closed. Your day report is below."))
            return redirect("counter:session_report", session_id=session.pk)
    return render(
        request,
        "counter/till_close.html",
        {"session": session, "denominations": NOTE_DENOMINATIONS, "error": error, "data": request.POST},
    )


@require_GET
@login_required
def session_report(request: HttpRequest, session_id: int) -> HttpResponse:
    """A clerk's day at the till: printable."""
    session = access_session_for(request.user, session_id)
    report = selectors.session_report(session_id=session.pk)
    return render(request, "counter/session_report.html", {"report": report})


@require_POST
@login_required
def book(request: HttpRequest) -> HttpResponse:
    """Book the form's articles and take the payment; then show the receipt."""
    _counter_staff(request)
    articles, payment = forms.booking_payload(request.POST)
    form_key = request.POST.get("form_key", "")

    def run() -> dict:
        result = services.booking_create(
            clerk=request.user, articles=articles, payment=payment, idempotency_key=form_key
        )
        return {"receipt_number": result.booking.receipt_number}

    # One replay policy with the API (core.idempotency): a re-submitted form shows the
    # first booking, the same key with other articles is refused, one in flight too.
    outcome = idempotent_form(
        key=form_key, sender=sender_of(request), scope="counter.page.booking", data=form_fields(request.POST), run=run
    )
    if outcome.error is not None:
        exc = form_error(outcome.error)
        errors, error = forms.error_fields(exc), exc.message
        if exc.code in CONSENT_ERRORS:
            error = errors["account_otp"] = _consent_error_text(request, exc, articles, payment)
        next_key = form_key_after(outcome.error, form_key) if form_key else None
        context = _booking_form_context(request, data=request.POST, errors=errors, error=error, form_key=next_key)
        return render(request, "counter/home.html", context, status=exc.status if exc.status in (400, 409) else 422)
    url = reverse("counter:receipt", args=[outcome.result["receipt_number"]])
    return redirect(url + "?new=1")


# --- the customer's consent code for a payment from a savings account --------------------------

# Banking's purpose for a debit that pays for something at the window.
PAYMENT_CONSENT = banking_services.ConsentPurpose.PAYMENT
CONSENT_ERRORS = frozenset({"otp_required", "otp_invalid", "otp_expired"})


def _article_error_text(exc: DomainError) -> str:
    """A booking check's message, naming the article it is about (as the price preview does)."""
    article = (exc.details or {}).get("article")
    return f"{_('Article')} {article + 1}: {exc.message}" if isinstance(article, int) else str(exc.message)


def _consent_error_text(request: HttpRequest, exc: DomainError, articles: list, payment: dict) -> str:
    """Banking's consent errors in the words of the booking form. Banking binds a code to
    one amount, so a code sent before the articles changed is simply "not waiting" for
    the new total: say that, with both figures when the form knows what it was sent for."""
    if exc.code == "otp_invalid" and "attempts_left" in (exc.details or {}):
        return _("The OTP is not right. %(left)d tries left.") % {"left": exc.details["attempts_left"]}
    if exc.code != "otp_required":
        return str(exc.message)
    try:  # the booking got as far as its payment, so its articles price; but never fail here
        total = services.booking_total_quote(clerk=request.user, articles=articles)
    except DomainError:
        return str(exc.message)
    sent_for = ascii_int(request.POST.get("account_otp_for_paise", ""))
    if sent_for is not None and sent_for != total:
        return _(
            "The articles changed after the code was sent: the code is for %(sent)s, the booking is now %(total)s. "
            "Send a new code to the customer."
        ) % {"sent": format_inr(sent_for), "total": format_inr(total)}
    if payment.get("otp"):
        return _(
            "No code is waiting for this account and this amount (%(total)s). If the articles changed after the code "
            "was sent, send a new code to the customer."
        ) % {"total": format_inr(total)}
    return _(
        "Paying %(total)s from the account needs the customer's consent: send the code to the customer "
        "and type the code they read out."
    ) % {"total": format_inr(total)}


def _otp_send_error_text(exc: DomainError) -> str:
    if exc.code == "invalid_mobile":
        return _("The account has no valid mobile number to send the code to. Correct the customer's mobile first.")
    return _article_error_text(exc)


@require_POST
@login_required
def account_otp_send(request: HttpRequest) -> HttpResponse:
    """htmx partial: send the account holder the consent code for what the booking form will
    charge. The amount is worked out here from the form, by the booking's own code path
    (never taken from the page), and banking binds the code to it."""
    _counter_staff(request)
    articles, payment = forms.booking_payload(request.POST)
    number = payment["account_number"]
    context: dict = {"minutes": max(settings.BANKING_OTP_TTL_SECONDS // 60, 1)}
    status = 200
    try:
        if not number:
            raise BadInput(_("Type the customer's account number first."))
        total = services.booking_total_quote(clerk=request.user, articles=articles)
        # Only an account the clerk may act on (banking's rule): any other answers as a
        # number with no account, so the page tells an outsider nothing about it.
        account = banking_selectors.account_for(actor=request.user, account_number=number)
        if account is None:
            raise banking_exceptions.AccountNotFound
        if account.status != "active":
            raise banking_exceptions.AccountNotActive
        if total <= settings.BANKING_OTP_THRESHOLD_PAISE:
            context.update(not_needed=True, total=total, threshold=settings.BANKING_OTP_THRESHOLD_PAISE)
        elif account.ledger.balance_paise < total:
            raise banking_exceptions.InsufficientFunds  # a code the booking could never use: don't send it
        else:
            context.update(
                total=total,
                sent=banking_services.withdrawal_otp_send(
                    account_number=number, amount_paise=total, actor=request.user, purpose=PAYMENT_CONSENT
                ),
            )
    except DomainError as exc:
        status, context["error"] = exc.status, _otp_send_error_text(exc)
    return render(request, "counter/_account_otp.html", context, status=status)


@require_GET
@login_required
def article_block(request: HttpRequest) -> HttpResponse:
    """htmx partial: the fields of one more article."""
    _counter_staff(request)
    typed = ascii_int(request.GET.get("index", "1"), max_digits=3)
    index = 1 if typed is None else min(typed, forms.MAX_FORM_ARTICLES - 1)
    return render(
        request,
        "counter/_article.html",
        {
            "i": index,
            "data": {},
            "errors": {},
            "service_choices": forms.SERVICE_CHOICES,
            "addon_choices": forms.ADDON_CHOICES,
            "discount_choices": forms.DISCOUNT_CHOICES,
            "removable": True,
        },
    )


@require_POST
@login_required
def quote_preview(request: HttpRequest) -> HttpResponse:
    """htmx partial: the price of what the form holds so far. A POST of the price fields
    only, so no customer's name, address or mobile is ever in a URL (or an access log)."""
    _counter_staff(request)
    articles, _payment = forms.booking_payload(forms.price_fields(request.POST))
    rows, error = [], None
    office = request.user.post_office
    for i, item in enumerate(articles):
        if not (item["weight_g"] and item["recipient"]["pin"]):
            continue
        try:
            quote = selectors.tariff_quote(
                service=item["service"],
                weight_g=item["weight_g"],
                origin_pin=office.pin,
                dest_pin=item["recipient"]["pin"],
                addons=item["addons"],
                discount=item["discount"],
            )
        except DomainError as exc:
            error = f"{_('Article')} {i + 1}: {exc.message}"
            continue
        rows.append((i + 1, quote))
    total = sum(q.total_paise for _i, q in rows)
    return render(request, "counter/_quote.html", {"rows": rows, "total": total, "error": error})


@require_GET
@login_required
def pin_lookup(request: HttpRequest) -> HttpResponse:
    """htmx partial: the town of the PIN being typed. Reads `pin`, or else the first
    parameter whose name ends in "pin" (the form field that triggered the request)."""
    _counter_staff(request)
    value = request.GET.get("pin")
    if value is None:
        value = next((v for k, v in request.GET.items() if k.endswith("pin")), "")
    value = value.strip()
    info, error = None, None
    if len(value) == 6:
        try:
            info = selectors.pin_info(pin=value)
        except DomainError as exc:
            error = exc.message
    return render(request, "counter/_pin_town.html", {"info": info, "error": error, "typed": value})


# --- receipts and payments -------------------------------------------------------------------------


@require_GET
@login_required
def receipt(request: HttpRequest, receipt_number: str) -> HttpResponse:
    booking = access_booking_for(request.user, receipt_number)
    context = receipt_context(booking)
    context["is_new"] = request.GET.get("new") == "1"
    context["cancel_pending"] = booking.cancel_requests.filter(status="pending").exists()
    context["can_request_cancel"] = (
        booking.status == Booking.Status.PAID
        and timezone.localdate(booking.created_at) == timezone.localdate()
        and not context["cancel_pending"]
    )
    return render(request, "counter/receipt.html", context)


@require_GET
@login_required
def receipt_pdf_view(request: HttpRequest, receipt_number: str) -> HttpResponse:
    booking = access_booking_for(request.user, receipt_number)
    response = HttpResponse(receipt_pdf(booking), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{booking.receipt_number}.pdf"'
    return response


def _booking_action(request: HttpRequest, receipt_number: str, action) -> HttpResponse:
    booking = access_booking_for(request.user, receipt_number)
    try:
        action(booking)
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("counter:receipt", receipt_number=booking.receipt_number)


@require_POST
@login_required
def upi_confirm(request: HttpRequest, receipt_number: str) -> HttpResponse:
    def run(booking):
        services.booking_upi_confirm(booking_id=booking.pk, utr=request.POST.get("utr", ""), actor=request.user)
        messages.success(request, _("UPI payment confirmed."))

    return _booking_action(request, receipt_number, run)


@require_POST
@login_required
def upi_cancel(request: HttpRequest, receipt_number: str) -> HttpResponse:
    def run(booking):
        services.booking_upi_cancel(booking_id=booking.pk, reason=request.POST.get("reason", ""), actor=request.user)
        messages.warning(request, _("UPI payment cancelled; the articles are cancelled."))

    return _booking_action(request, receipt_number, run)


@require_POST
@login_required
def cancel_request(request: HttpRequest, receipt_number: str) -> HttpResponse:
    def run(booking):
        services.booking_cancel_request(
            booking_id=booking.pk, reason=request.POST.get("reason", ""), actor=request.user
        )
        messages.success(request, _("Cancellation sent to the postmaster for approval."))

    return _booking_action(request, receipt_number, run)


@require_GET
@login_required
def upi_list(request: HttpRequest) -> HttpResponse:
    """UPI payments waiting for their UTR, and the day's reconciliation list."""
    _counter_staff(request)
    office_id = request.user.post_office_id
    day = day_from_text(request.GET.get("day")) or timezone.localdate()
    return render(
        request,
        "counter/upi.html",
        {
            "awaiting": selectors.bookings_awaiting_upi(office_id=office_id),
            "recon": banking_selectors.upi_reconciliation(office_id=office_id, day=day),
            "day": day,
        },
    )


# --- the postmaster -------------------------------------------------------------------------------


@login_required
def office_home(request: HttpRequest) -> HttpResponse:
    """The postmaster's view of every counter of the office and the office day."""
    require_role(request.user, Role.POSTMASTER)
    office_id = request.user.post_office_id
    today = timezone.localdate()
    return render(
        request,
        "counter/office_home.html",
        {
            "day": selectors.office_day_report(office_id=office_id, day=today),
            "awaiting": selectors.bookings_awaiting_upi(office_id=office_id),
            "ledger_check": banking_selectors.ledger_check_latest(),
            "office": request.user.post_office,
        },
    )


def _confirmed(request: HttpRequest) -> bool:
    """An irreversible action runs only on its second POST, from the confirmation page
    (a plain form: works without JavaScript and by keyboard alone)."""
    return request.POST.get("confirm") == "1"


@require_POST
@login_required
def cancel_decide(request: HttpRequest, request_id: int) -> HttpResponse:
    cancel = access_cancel_request_for(request.user, request_id)
    approve = request.POST.get("decision") == "approve"
    if approve and not _confirmed(request):
        return render(
            request,
            "counter/confirm.html",
            {
                "title": _("Approve the cancellation and refund?"),
                "message": _(
                    "Receipt %(receipt)s: its articles are cancelled and %(amount)s is refunded. This cannot be undone."
                )
                % {"receipt": cancel.booking.receipt_number, "amount": format_inr(cancel.booking.total_paise)},
                "detail": cancel.reason,
                "action": reverse("counter:cancel_decide", args=[cancel.pk]),
                "fields": {"decision": "approve"},
                "confirm_label": _("Approve and refund"),
                "back_url": reverse("counter:office_home"),
            },
        )
    try:
        if approve:
            services.booking_cancel_approve(request_id=cancel.pk, actor=request.user)
            messages.success(request, _("Cancellation approved and refunded."))
        else:
            services.booking_cancel_reject(request_id=cancel.pk, actor=request.user, note=request.POST.get("note", ""))
            messages.info(request, _("Cancellation rejected."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("counter:office_home")


@require_POST
@login_required
def office_day_close(request: HttpRequest) -> HttpResponse:
    require_role(request.user, Role.POSTMASTER)
    if not _confirmed(request):
        day = selectors.office_day_summary(office_id=request.user.post_office_id, day=timezone.localdate())
        return render(
            request,
            "counter/confirm.html",
            {
                "title": _("Close the office day?"),
                "message": _(
                    "The day's figures are frozen as they are now. No till opens and nothing is booked, paid or "
                    "refunded at the counter until tomorrow. This cannot be undone."
                ),
                "day": day,
                "action": reverse("counter:office_day_close"),
                "fields": {},
                "confirm_label": _("Close the office day"),
                "back_url": reverse("counter:office_home"),
            },
        )
    try:
        services.office_day_close(office_id=request.user.post_office_id, day=timezone.localdate(), actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The office day is closed."))
    return redirect("counter:office_report")


@require_GET
@login_required
def office_report(request: HttpRequest) -> HttpResponse:
    """The office's day report: printable."""
    require_role(request.user, Role.POSTMASTER)
    day = day_from_text(request.GET.get("day")) or timezone.localdate()
    summary = selectors.office_day_report(office_id=request.user.post_office_id, day=day)
    return render(request, "counter/office_report.html", {"day": summary, "office": request.user.post_office})
