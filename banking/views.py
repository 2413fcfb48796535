"""The savings pages: the clerk's window (/banking/) and customer self-service (/banking/my/).

Thin, like every view here: check access (banking.permissions for staff, the customer
session of banking.selfservice for holders), read through selectors, write through
services, render.

Every form that moves money (or opens an account) carries `form_key`, drawn with the
form, and runs through core.idempotency's idempotent_form(): a double click or a retry after a
dropped link replays the first answer and posts nothing again. An error is an answer
too (stored with the key, as the API does, so a wrong OTP's count is kept); the form
then comes back with a fresh key for the next attempt.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.typed import ascii_int
from core.exceptions import DomainError
from core.formatting import format_inr, mask_name
from core.idempotency import form_key_after, form_key_new, idempotent_form, sender_of

from . import forms, selectors, services
from .permissions import access_account_for, offices_served_by, require_banking_staff
from .selfservice import (
    PENDING_KEY,
    TRANSFER_KEY,
    client_key,
    customer_page,
    customer_required,
    customer_session,
    sign_in,
    sign_out,
)
from .statements import FORMATS, LANGS, document_rows, statement_document, statement_file_response

RECENT_ROWS = 10


# --- helpers ------------------------------------------------------------------------------------


def _otp_error_text(error: dict) -> str:
    """The error of a money form, with the tries left after a wrong OTP."""
    if error["code"] == "otp_invalid" and "attempts_left" in error.get("details", {}):
        return _("The OTP is not right. %(left)d tries left.") % {"left": error["details"]["attempts_left"]}
    return error["message"]


def _statement_or_file(request: HttpRequest, number: str, template: str, context: dict) -> HttpResponse:
    """The statement page, or with ?format=csv|pdf (and &lang=hi|en) the file."""
    form = forms.StatementForm(request.GET)
    fmt = request.GET.get("format", "html")
    if fmt not in FORMATS:
        fmt = "html"
    lang = request.GET.get("lang") or translation.get_language()
    if lang not in LANGS:
        lang = "en"
    valid = form.is_valid()
    file_error = None
    if valid and fmt != "html":
        doc = statement_document(
            account_number=number, date_from=form.cleaned_data["from"], date_to=form.cleaned_data["to"], lang=lang
        )
        try:
            return statement_file_response(doc, fmt)
        except DomainError as exc:  # too long for one PDF: the page says so
            file_error = str(exc.message)
    doc = None
    if valid:
        doc = statement_document(
            account_number=number,
            date_from=form.cleaned_data["from"],
            date_to=form.cleaned_data["to"],
            lang=translation.get_language() if translation.get_language() in LANGS else "en",
        )
    query = {"from": f"{doc.date_from:%Y-%m-%d}", "to": f"{doc.date_to:%Y-%m-%d}"} if doc else {}
    context.update(
        {
            "form": form,
            "doc": doc,
            "file_error": file_error,
            "query": query,
            "file_links": [
                (_("PDF in Hindi"), urlencode({**query, "format": "pdf", "lang": "hi"})),
                (_("PDF in English"), urlencode({**query, "format": "pdf", "lang": "en"})),
                (_("CSV (Excel)"), urlencode({**query, "format": "csv"})),
            ]
            if doc
            else [],
        }
    )
    return render(request, template, context, status=200 if valid and not file_error else 400)


# --- the clerk's savings pages --------------------------------------------------------------------


def _staff(request: HttpRequest) -> None:
    require_banking_staff(request.user)


def _till_context(request: HttpRequest) -> dict:
    till = selectors.open_till_for(clerk_id=request.user.pk)
    return {"till": till, "till_cash_paise": till.ledger.balance_paise if till else None}


@require_GET
@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Find an account by number or mobile; open a new one."""
    _staff(request)
    form = forms.AccountFindForm(request.GET or None)
    results = None
    if form.is_bound and form.is_valid():
        results = selectors.savings_accounts_search(
            query=form.cleaned_data["q"], office_ids=offices_served_by(request.user)
        )
        if len(results) == 1 and not request.headers.get("HX-Request"):
            return redirect("banking:account", number=results[0].number)
    context = {"form": form, "results": results, "query": request.GET.get("q", ""), **_till_context(request)}
    if request.headers.get("HX-Request"):
        return render(request, "banking/_search_results.html", context)
    return render(request, "banking/home.html", context)


_OPEN_ERROR_FIELDS = {"date_of_birth", "name", "mobile", "address", "pin", "gender", "aadhaar", "posb_account"}


@require_http_methods(["GET", "POST"])
@login_required
def account_open(request: HttpRequest) -> HttpResponse:
    """Register the customer and open their account (one transaction)."""
    _staff(request)
    office_id = request.user.post_office_id
    if office_id is None:
        raise PermissionDenied
    if request.method == "GET":
        form = forms.AccountOpenForm(initial={"form_key": form_key_new(), "sms_language": "hi"})
        return render(request, "banking/account_open.html", {"form": form})
    form = forms.AccountOpenForm(request.POST)
    if not form.is_valid():
        return render(request, "banking/account_open.html", {"form": form}, status=400)
    data = form.cleaned_data

    def run() -> dict:
        account = services.customer_account_open(
            customer=form.customer(),
            office_id=office_id,
            actor=request.user,
            nominee_name=data["nominee_name"],
            nominee_relation=data["nominee_relation"],
            posb_account=data["posb_account"],
        )
        return {"number": account.number}

    fingerprint = {k: v for k, v in data.items() if k != "form_key"}
    result, error, _replayed = idempotent_form(
        key=data["form_key"], sender=sender_of(request), scope="banking.page.account_open", data=fingerprint, run=run
    )
    if error is None:
        messages.success(
            request, _("Account %(number)s opened for %(name)s.") % {"number": result["number"], "name": data["name"]}
        )
        return redirect("banking:account", number=result["number"])
    # Put the service's complaints beside the fields they are about; a fresh key for the retry.
    placed = False
    if error["code"] == "duplicate_aadhaar":
        form.add_error("aadhaar", error["message"])
        placed = True
    for field, problems in (error.get("details") or {}).items():
        if field in _OPEN_ERROR_FIELDS and field in form.fields:
            for problem in problems if isinstance(problems, list) else [problems]:
                form.add_error(field, str(problem))
            placed = True
    if not placed:
        form.add_error(None, error["message"])
    form.data = form.data.copy()
    form.data["form_key"] = form_key_after(error, data["form_key"])
    return render(request, "banking/account_open.html", {"form": form}, status=error["status"])


def _account_context(request: HttpRequest, account, **extra) -> dict:
    context = {
        "account": account,
        "customer": account.customer,
        "recent": document_rows(
            reversed(selectors.mini_statement_rows(account_number=account.number, count=RECENT_ROWS))
        ),
        "threshold_paise": settings.BANKING_OTP_THRESHOLD_PAISE,
        "deposit_form": forms.DepositForm(initial={"form_key": form_key_new()}),
        "withdrawal_form": forms.WithdrawalForm(initial={"form_key": form_key_new()}),
        **_till_context(request),
    }
    context.update(extra)
    return context


@require_GET
@login_required
def account_detail(request: HttpRequest, number: str) -> HttpResponse:
    account = access_account_for(request.user, number)
    return render(request, "banking/account.html", _account_context(request, account))


def _movement_message(request: HttpRequest, verb: str, result: dict, replayed: bool) -> None:
    # No journal entry number: it is the ledger's internal key, not something a clerk or customer reads.
    values = {"amount": format_inr(result["amount_paise"]), "balance": format_inr(result["balance_paise"])}
    if replayed:
        messages.info(request, _("This was already done; nothing was posted again. Balance %(balance)s.") % values)
    elif verb == "deposit":
        messages.success(request, _("Deposited %(amount)s. Balance %(balance)s.") % values)
    else:
        messages.success(request, _("Paid out %(amount)s. Balance %(balance)s.") % values)


def _movement_payload(movement) -> dict:
    return {
        "entry_id": movement.entry_id,
        "amount_paise": movement.amount_paise,
        "balance_paise": movement.balance_paise,
    }


@require_POST
@login_required
def deposit(request: HttpRequest, number: str) -> HttpResponse:
    account = access_account_for(request.user, number)
    form = forms.DepositForm(request.POST)
    if not form.is_valid():
        return render(
            request, "banking/account.html", _account_context(request, account, deposit_form=form), status=400
        )
    data = form.cleaned_data

    def run() -> dict:
        movement = services.deposit_post(
            account_number=account.number,
            amount_paise=data["amount"],
            till_id=None,
            actor=request.user,
            memo=data["memo"],
        )
        return _movement_payload(movement)

    result, error, replayed = idempotent_form(
        key=data["form_key"],
        sender=sender_of(request),
        scope=f"banking.page.deposit:{account.number}",
        data={"amount_paise": data["amount"], "memo": data["memo"]},
        run=run,
    )
    if error is None:
        _movement_message(request, "deposit", result, replayed)
        return redirect("banking:account", number=account.number)
    form = forms.DepositForm(
        initial={"form_key": form_key_after(error, data["form_key"]), "amount": request.POST.get("amount", "")}
    )
    context = _account_context(request, account, deposit_form=form, deposit_error=error["message"])
    return render(request, "banking/account.html", context, status=error["status"])


def _consent_url(number: str, *, amount_paise: int, key: str, memo: str, sent: bool = False) -> str:
    query = {"amount": amount_paise, "key": key}
    if memo:
        query["memo"] = memo
    if sent:
        query["sent"] = "1"
    return reverse("banking:withdrawal_consent", args=[number]) + "?" + urlencode(query)


@require_POST
@login_required
def withdraw(request: HttpRequest, number: str) -> HttpResponse:
    """Cash out. Above the consent threshold without an OTP: to the consent step (send
    the customer a code, then type it in); with the OTP: pay out."""
    account = access_account_for(request.user, number)
    form = forms.WithdrawalForm(request.POST)
    if not form.is_valid():
        return render(
            request, "banking/account.html", _account_context(request, account, withdrawal_form=form), status=400
        )
    data = form.cleaned_data
    needs_otp = data["amount"] > settings.BANKING_OTP_THRESHOLD_PAISE
    if needs_otp and not data["otp"]:
        return redirect(
            _consent_url(account.number, amount_paise=data["amount"], key=data["form_key"], memo=data["memo"])
        )

    def run() -> dict:
        movement = services.withdrawal_post(
            account_number=account.number,
            amount_paise=data["amount"],
            till_id=None,
            actor=request.user,
            otp=data["otp"] or None,
            memo=data["memo"],
        )
        return _movement_payload(movement)

    result, error, replayed = idempotent_form(
        key=data["form_key"],
        sender=sender_of(request),
        scope=f"banking.page.withdrawal:{account.number}",
        data={"amount_paise": data["amount"], "memo": data["memo"], "otp": data["otp"]},
        run=run,
    )
    if error is None:
        _movement_message(request, "withdrawal", result, replayed)
        return redirect("banking:account", number=account.number)
    if needs_otp:
        messages.error(request, _otp_error_text(error))
        return redirect(
            _consent_url(
                account.number,
                amount_paise=data["amount"],
                key=form_key_after(error, data["form_key"]),
                memo=data["memo"],
            )
        )
    form = forms.WithdrawalForm(
        initial={"form_key": form_key_after(error, data["form_key"]), "amount": request.POST.get("amount", "")}
    )
    context = _account_context(request, account, withdrawal_form=form, withdrawal_error=error["message"])
    return render(request, "banking/account.html", context, status=error["status"])


def _consent_request(request: HttpRequest, number: str):
    """The account and (amount, key, memo) of a consent step, from the query or the form;
    None for the parameters when they are missing or malformed."""
    account = access_account_for(request.user, number)
    amount = ascii_int(request.GET.get("amount") or request.POST.get("amount_paise") or "")
    if amount is None:
        return account, None
    key = request.GET.get("key") or request.POST.get("form_key") or ""
    memo = (request.GET.get("memo") or request.POST.get("memo") or "")[:120]
    if not 0 < amount <= settings.BANKING_MAX_AMOUNT_PAISE or not forms.KEY_RE.match(key):
        return account, None
    return account, (amount, key, memo)


@require_GET
@login_required
def withdrawal_consent(request: HttpRequest, number: str) -> HttpResponse:
    """The consent step of a large withdrawal: send the OTP, then type it in."""
    account, params = _consent_request(request, number)
    if params is None:
        return redirect("banking:account", number=account.number)
    amount, key, memo = params
    context = {
        "account": account,
        "customer": account.customer,
        "amount_paise": amount,
        "amount_rupees": _rupees_text(amount),
        "form_key": key,
        "memo": memo,
        "sent": request.GET.get("sent") == "1",
        **_till_context(request),
    }
    return render(request, "banking/withdrawal_consent.html", context)


def _rupees_text(paise: int) -> str:
    """Paise as the rupees a form field takes back ("7000.00")."""
    rupees, rest = divmod(paise, 100)
    return f"{rupees}.{rest:02d}"


@require_POST
@login_required
def withdrawal_otp(request: HttpRequest, number: str) -> HttpResponse:
    """Send the customer the consent OTP for this amount (htmx: just the status line)."""
    account, params = _consent_request(request, number)
    if params is None:
        return redirect("banking:account", number=account.number)
    amount, key, memo = params
    status, error, sent = 201, None, None
    try:
        sent = services.withdrawal_otp_send(account_number=account.number, amount_paise=amount, actor=request.user)
    except DomainError as exc:
        status, error = exc.status, str(exc.message)
    if request.headers.get("HX-Request"):
        return render(request, "banking/_otp_status.html", {"sent": sent, "error": error}, status=status)
    if error:
        messages.error(request, error)
    else:
        messages.success(
            request,
            _("OTP sent to %(mobile)s. It is valid until %(time)s.")
            % {"mobile": sent.sent_to, "time": timezone.localtime(sent.expires_at).strftime("%H:%M")},
        )
    return redirect(_consent_url(account.number, amount_paise=amount, key=key, memo=memo, sent=error is None))


@require_GET
@login_required
def statement(request: HttpRequest, number: str) -> HttpResponse:
    """The passbook for a date range: printable page, PDF (Hindi or English), CSV."""
    account = access_account_for(request.user, number)
    return _statement_or_file(request, account.number, "banking/statement.html", {"account": account})


@require_POST
@login_required
def mini_statement(request: HttpRequest, number: str) -> HttpResponse:
    """SMS the last five transactions to the holder's mobile."""
    account = access_account_for(request.user, number)
    lang = request.POST.get("lang") if request.POST.get("lang") in LANGS else None
    return _mini_statement_answer(
        request, account.number, actor=request.user, lang=lang, back=("banking:account", account.number)
    )


def _mini_statement_answer(request: HttpRequest, number: str, *, actor, lang, back) -> HttpResponse:
    status, error, sent = 201, None, None
    try:
        sent = services.mini_statement_send(account_number=number, actor=actor, lang=lang)
    except DomainError as exc:
        status, error = exc.status, str(exc.message)
    text = error or _("Mini-statement sent by SMS to %(mobile)s.") % {"mobile": sent.sent_to}
    if request.headers.get("HX-Request"):
        return render(request, "banking/_status.html", {"text": text, "ok": error is None}, status=status)
    (messages.error if error else messages.success)(request, text)
    name, *args = back
    return redirect(name, *args)


# --- customer self-service --------------------------------------------------------------------------


# Lazy: a dict built at import would hold the language of whichever request loaded it.
_SIGNIN_ERRORS = {
    "otp_required": gettext_lazy("No code is waiting for this account. Ask for a new code."),
    "otp_expired": gettext_lazy("This code has expired or was tried too many times. Ask for a new code."),
}


@require_http_methods(["GET", "POST"])
@customer_page
def my_signin(request: HttpRequest) -> HttpResponse:
    """Step 1: the account number; a code goes by SMS to the account's mobile."""
    store = customer_session(request)
    if request.method == "GET":
        form = forms.SignInForm(initial={"account_number": request.GET.get("account", "")})
        context = {"form": form, "ended": request.GET.get("ended") == "1"}
        return render(request, "banking/my/signin.html", context)
    form = forms.SignInForm(request.POST)
    if not form.is_valid():
        return render(request, "banking/my/signin.html", {"form": form}, status=400)
    number = form.cleaned_data["account_number"]
    try:
        services.selfservice_signin_otp_send(account_number=number, client_key=client_key(request))
    except DomainError as exc:
        # Only this client's own limit (SelfServiceRateLimited), never anything about the
        # account: with no account, or the account's sign-in limits reached, the service
        # sends nothing and we go on to the code page all the same.
        form.add_error("account_number", str(exc.message))
        return render(request, "banking/my/signin.html", {"form": form}, status=exc.status)
    store[PENDING_KEY] = number
    return redirect("banking:my_signin_code")


@require_http_methods(["GET", "POST"])
@customer_page
def my_signin_code(request: HttpRequest) -> HttpResponse:
    """Step 2: the 6-digit code. Five wrong tries kill the code."""
    store = customer_session(request)
    number = store.get(PENDING_KEY)
    if number is None:
        return redirect("banking:my_signin")
    context = {"masked": "XX" + number[-4:], "number": number, "minutes": settings.BANKING_OTP_TTL_SECONDS // 60}
    if request.method == "GET":
        return render(request, "banking/my/signin_code.html", {**context, "form": forms.SignInCodeForm()})
    form = forms.SignInCodeForm(request.POST)
    if not form.is_valid():
        return render(request, "banking/my/signin_code.html", {**context, "form": form}, status=400)
    try:
        account_number = services.selfservice_signin_verify(account_number=number, code=form.cleaned_data["code"])
    except DomainError as exc:
        if exc.code == "otp_invalid":
            text = _("The code is not right. %(left)d tries left.") % {"left": exc.details.get("attempts_left", 0)}
        else:
            text = str(_SIGNIN_ERRORS.get(exc.code, exc.message))
        form.data = form.data.copy()
        form.data["code"] = ""  # type it again, not after the wrong one
        form.add_error("code", text)
        return render(request, "banking/my/signin_code.html", {**context, "form": form}, status=exc.status)
    sign_in(request, account_number)
    return redirect("banking:my_home")


@require_POST
@customer_page
def my_signout(request: HttpRequest) -> HttpResponse:
    sign_out(request)
    messages.info(request, _("You have signed out."))
    return redirect("banking:my_signin")


def _my_context(request: HttpRequest, **extra) -> dict:
    brief = selectors.account_brief(account_number=request.customer_account)
    context = {
        "brief": brief,
        "idle_minutes": settings.BANKING_SELFSERVICE_IDLE_SECONDS // 60,
        "now": timezone.now(),
    }
    context.update(extra)
    return context


@require_GET
@customer_required
def my_home(request: HttpRequest) -> HttpResponse:
    recent = document_rows(reversed(selectors.mini_statement_rows(account_number=request.customer_account, count=5)))
    return render(request, "banking/my/home.html", _my_context(request, recent=recent))


@require_GET
@customer_required
def my_balance(request: HttpRequest) -> HttpResponse:
    """htmx partial: the balance read again."""
    return render(request, "banking/my/_balance.html", _my_context(request))


@require_GET
@customer_required
def my_statement(request: HttpRequest) -> HttpResponse:
    return _statement_or_file(request, request.customer_account, "banking/my/statement.html", _my_context(request))


@require_POST
@customer_required
def my_mini_statement(request: HttpRequest) -> HttpResponse:
    return _mini_statement_answer(request, request.customer_account, actor=None, lang=None, back=("banking:my_home",))


@require_http_methods(["GET", "POST"])
@customer_required
def my_transfer(request: HttpRequest) -> HttpResponse:
    """Step 1 of a transfer: payee and amount. Checked, then a code goes to the holder."""
    number = request.customer_account
    if request.method == "GET":
        return render(request, "banking/my/transfer.html", _my_context(request, form=forms.TransferForm()))
    form = forms.TransferForm(request.POST)
    brief = selectors.account_brief(account_number=number)
    if form.is_valid():
        data = form.cleaned_data
        payee = selectors.account_brief(account_number=data["to_account"])
        if data["to_account"] == number:
            form.add_error("to_account", _("That is your own account. Give the account you are sending to."))
        elif payee is None:
            form.add_error("to_account", _("There is no savings account with that number."))
        elif payee.status != "active":
            form.add_error("to_account", _("The account you are sending to cannot take money now."))
        elif data["amount"] > brief.balance_paise:
            form.add_error(
                "amount",
                _("Your balance is %(balance)s: not enough for this.") % {"balance": format_inr(brief.balance_paise)},
            )
    if not form.is_valid():
        return render(request, "banking/my/transfer.html", _my_context(request, form=form), status=400)
    try:
        sent = services.withdrawal_otp_send(
            account_number=number, amount_paise=data["amount"], actor=None, purpose="transfer"
        )
    except DomainError as exc:
        form.add_error(None, str(exc.message))
        return render(request, "banking/my/transfer.html", _my_context(request, form=form), status=exc.status)
    customer_session(request)[TRANSFER_KEY] = {
        "to": data["to_account"],
        "payee": mask_name(payee.holder_name),
        "amount_paise": data["amount"],
        "note": data["note"],
        "form_key": form_key_new(),
        "sent_to": sent.sent_to,
        "expires_at": sent.expires_at.isoformat(),
        "done": None,
    }
    return redirect("banking:my_transfer_confirm")


def _pending_transfer(request: HttpRequest) -> dict | None:
    return customer_session(request).get(TRANSFER_KEY)


@require_http_methods(["GET", "POST"])
@customer_required
def my_transfer_confirm(request: HttpRequest) -> HttpResponse:
    """Step 2: the code from the SMS; then the money moves, once."""
    number = request.customer_account
    pending = _pending_transfer(request)
    if pending is None:
        return redirect("banking:my_transfer")
    if pending["done"] and request.method == "GET":
        return redirect("banking:my_transfer_done")
    expires = timezone.localtime(datetime.fromisoformat(pending["expires_at"])).strftime("%H:%M")
    context = _my_context(request, pending=pending, expires=expires)
    if request.method == "GET":
        form = forms.TransferConfirmForm(initial={"form_key": pending["form_key"]})
        return render(request, "banking/my/transfer_confirm.html", {**context, "form": form})
    form = forms.TransferConfirmForm(request.POST)
    if not form.is_valid():
        form.data = form.data.copy()
        form.data["form_key"] = pending["form_key"]
        return render(request, "banking/my/transfer_confirm.html", {**context, "form": form}, status=400)
    otp = form.cleaned_data["otp"]

    def run() -> dict:
        result = services.selfservice_transfer_post(
            from_number=number,
            to_number=pending["to"],
            amount_paise=pending["amount_paise"],
            otp=otp,
            memo=pending["note"],
        )
        return {
            "entry_id": result.entry_id,
            "amount_paise": result.amount_paise,
            "balance_paise": result.from_balance_paise,
            "at": result.created_at.isoformat(),
        }

    result, error, replayed = idempotent_form(
        key=form.cleaned_data["form_key"],
        sender=f"selfservice:{number}",
        scope=f"banking.selfservice.transfer:{number}",
        data={"to": pending["to"], "amount_paise": pending["amount_paise"], "note": pending["note"], "otp": otp},
        run=run,
    )
    store = customer_session(request)
    if error is None:
        store[TRANSFER_KEY] = {**pending, "done": {**result, "replayed": replayed}}
        return redirect("banking:my_transfer_done")
    store[TRANSFER_KEY] = {**pending, "form_key": form_key_after(error, form.cleaned_data["form_key"])}
    form.data = form.data.copy()
    form.data.update({"form_key": store[TRANSFER_KEY]["form_key"], "otp": ""})
    form.add_error("otp" if error["code"].startswith("otp_") else None, _otp_error_text(error))
    context["pending"] = store[TRANSFER_KEY]
    return render(
        request, "banking/my/transfer_confirm.html", {**context, "form": form, "error": error}, status=error["status"]
    )


@require_POST
@customer_required
def my_transfer_resend(request: HttpRequest) -> HttpResponse:
    """A new code for the transfer waiting (the old one expired or was tried too often)."""
    pending = _pending_transfer(request)
    if pending is None or pending["done"]:
        return redirect("banking:my_transfer")
    try:
        sent = services.withdrawal_otp_send(
            account_number=request.customer_account,
            amount_paise=pending["amount_paise"],
            actor=None,
            purpose="transfer",
        )
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        customer_session(request)[TRANSFER_KEY] = {
            **pending,
            "sent_to": sent.sent_to,
            "expires_at": sent.expires_at.isoformat(),
            "form_key": form_key_new(),
        }
        messages.success(request, _("A new code was sent to %(mobile)s.") % {"mobile": sent.sent_to})
    return redirect("banking:my_transfer_confirm")


@require_GET
@customer_required
def my_transfer_done(request: HttpRequest) -> HttpResponse:
    pending = _pending_transfer(request)
    if pending is None or not pending["done"]:
        return redirect("banking:my_transfer")
    done = pending["done"]
    at = datetime.fromisoformat(done["at"])
    return render(request, "banking/my/transfer_done.html", _my_context(request, pending=pending, done=done, at=at))
