"""Every write of banking: the money rail the whole project moves money through.

Rules every function here keeps:
- keyword-only arguments, amounts in integer paise, `actor` the User acting (or None
  for the system: beat jobs);
- one transaction.atomic() each; rows are locked in a fixed order (a till row first,
  then ledger rows by primary key, inside the posting engine) so that concurrent
  operations cannot deadlock;
- a balance never goes below zero (banking.ledger: conditional UPDATE + CHECK);
- money moves only as a balanced, append-only journal entry (banking.ledger);
- SMS go through notify.sms_queue inside the same transaction.

Other apps also get `till_balance` (a read the counter needs beside till_close).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from urllib.parse import quote, urlencode

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import rawsql
from accounts.models import PostOffice, Role
from core.formatting import format_inr
from notify.services import sms_queue

from . import selectors
from .dayclose import office_day_cash_close_in_transaction, office_day_open_check
from .exceptions import (
    AccountNotActive,
    AccountNotEmpty,
    AccountNotFound,
    DuplicateAadhaar,
    DuplicateUtr,
    InvalidCustomer,
    InvalidPayment,
    InvalidPosbAccount,
    InvalidStatusChange,
    InvalidUtr,
    MakerCheckerViolation,
    NotReversible,
    OfficeDayClosed,
    OverCap,
    PaymentDuplicate,
    PaymentInvalidTransition,
    PaymentOwned,
    ReversalInvalidTransition,
    SameAccount,
    TillAlreadyOpen,
    TillClerkInvalid,
    TillNotOpen,
)
from .ledger import Line, amount_check, entry_post_in_transaction, internal_account, internal_accounts
from .models import (
    AccountSerial,
    AccountStatusChange,
    CapBreach,
    Customer,
    JournalEntry,
    LedgerAccount,
    LedgerCheckRun,
    MiniStatementSend,
    Payment,
    PaymentEvent,
    Posting,
    ReversalRequest,
    SavingsAccount,
    SweepRecord,
    Till,
    WithdrawalOtp,
)
from .numbers import aadhaar_normalise, account_number_from_serial, account_number_valid
from .otp import (
    otp_code_new,
    otp_consume_in_transaction,
    otp_hash,
    otp_send_limits_check_in_transaction,
    otp_signin_send_allowed_in_transaction,
    otp_supersede_in_transaction,
    otp_ttl,
    otp_verify,
    otp_window_start,
)
from .selectors import till_balance

# What a customer's consent code is for (the purpose argument of the consent services);
# other apps name purposes through this, never through the model.
ConsentPurpose = WithdrawalOtp.Purpose

__all__ = [
    "ConsentPurpose",
    "Movement",
    "OtpSent",
    "SweepReport",
    "TillCloseResult",
    "TransferResult",
    "account_open",
    "account_posb_link",
    "account_status_change",
    "customer_account_open",
    "customer_create",
    "deposit_post",
    "fee_charge",
    "ledger_check_run",
    "office_day_cash_close_in_transaction",
    "payment_refund",
    "payment_refund_request",
    "payment_take",
    "posb_sweep_run",
    "reversal_approve",
    "reversal_reject",
    "reversal_request",
    "till_balance",
    "till_close",
    "till_open",
    "transfer_post",
    "upi_intent_uri",
    "upi_payment_cancel",
    "upi_payment_confirm",
    "withdrawal_otp_send",
    "withdrawal_post",
]

User = get_user_model()
Kind = LedgerAccount.Kind


# --- results -------------------------------------------------------------------------


@dataclass(frozen=True)
class Movement:
    """What a deposit, withdrawal or fee did to one account."""

    entry_id: int
    account_number: str
    amount_paise: int
    balance_paise: int
    created_at: datetime
    till_id: int | None = None  # the till the cash went through, for cash operations


@dataclass(frozen=True)
class TransferResult:
    entry_id: int
    from_number: str
    to_number: str
    amount_paise: int
    from_balance_paise: int
    to_balance_paise: int
    created_at: datetime


@dataclass(frozen=True)
class TillCloseResult:
    expected_paise: int
    counted_paise: int
    difference_paise: int  # counted - expected: negative is a shortage, positive an excess
    entry_id: int | None  # None when there was nothing to post (an empty till counted empty)


@dataclass(frozen=True)
class OtpSent:
    otp_id: int
    expires_at: datetime
    sent_to: str  # the masked mobile, for the clerk to read out


@dataclass(frozen=True)
class SweepReport:
    day: date
    holders_over_cap: int
    swept_entries: int
    swept_paise: int
    breaches: int


def _actor_id(actor) -> int | None:
    return actor.pk if actor is not None else None


# --- customers and accounts -----------------------------------------------------------


def aadhaar_hash(number: str) -> str:
    """Keyed HMAC-SHA256 of a normalised Aadhaar number (AADHAAR_HASH_KEY, else derived
    from SECRET_KEY). Lets us refuse a second registration without keeping the number."""
    key = settings.BANKING_AADHAAR_HASH_KEY or None
    return salted_hmac("dakghar.banking.aadhaar", number, secret=key, algorithm="sha256").hexdigest()


def customer_create(
    *,
    name: str,
    mobile: str,
    address: str,
    pin: str,
    date_of_birth: date,
    gender: str,
    office_id: int,
    actor,
    aadhaar: str = "",
    sms_language: str = "hi",
) -> Customer:
    """Register an account holder. The Aadhaar number (optional) is checked with its
    Verhoeff digit and kept only as its last four digits and a keyed hash."""
    customer = Customer(
        name=(name or "").strip(),
        mobile=(mobile or "").strip(),
        address=(address or "").strip(),
        pin=(pin or "").strip(),
        date_of_birth=date_of_birth,
        gender=gender,
        sms_language=sms_language,
        office_id=office_id,
        created_by_id=_actor_id(actor),
    )
    errors: dict[str, list[str]] = {}
    try:
        customer.clean_fields(exclude=["office", "created_by", "aadhaar_hash", "aadhaar_last_four", "over_cap_since"])
    except ValidationError as exc:
        errors.update({field: [str(m) for m in messages] for field, messages in exc.message_dict.items()})
    if isinstance(date_of_birth, date) and not date(1900, 1, 1) <= date_of_birth <= timezone.localdate():
        errors.setdefault("date_of_birth", []).append(_("The date of birth is not valid."))
    if aadhaar:
        normalised = aadhaar_normalise(aadhaar)
        if normalised is None:
            errors.setdefault("aadhaar", []).append(
                _("An Aadhaar number is 12 digits and its last digit must match (Verhoeff check).")
            )
        else:
            customer.aadhaar_last_four = normalised[-4:]
            customer.aadhaar_hash = aadhaar_hash(normalised)
    if errors:
        raise InvalidCustomer(details=errors)
    try:
        with transaction.atomic():
            customer.save()
    except IntegrityError:
        if customer.aadhaar_hash and Customer.objects.filter(aadhaar_hash=customer.aadhaar_hash).exists():
            raise DuplicateAadhaar from None
        raise
    return customer


_POSB_RE = re.compile(r"^[A-Za-z0-9]{6,20}\Z")


def _posb_check(posb_account: str) -> str:
    posb_account = (posb_account or "").strip().upper()
    if posb_account and not _POSB_RE.match(posb_account):
        raise InvalidPosbAccount
    return posb_account


def account_open(
    *,
    customer_id: int,
    office_id: int,
    actor,
    nominee_name: str = "",
    nominee_relation: str = "",
    posb_account: str = "",
) -> SavingsAccount:
    """Open a savings account with a zero balance. Its number comes from a database
    sequence plus a Verhoeff check digit (banking.numbers)."""
    posb_account = _posb_check(posb_account)
    with transaction.atomic():
        if not PostOffice.objects.filter(pk=office_id).exists():
            raise InvalidCustomer(details={"office_id": ["unknown"]})
        serial = AccountSerial.objects.create()
        ledger = LedgerAccount.objects.create(kind=Kind.CUSTOMER, office_id=office_id, balance_paise=0)
        account = SavingsAccount.objects.create(
            number=account_number_from_serial(serial.pk),
            customer_id=customer_id,
            office_id=office_id,
            ledger=ledger,
            nominee_name=(nominee_name or "").strip()[:120],
            nominee_relation=(nominee_relation or "").strip()[:40],
            posb_account=posb_account,
            opened_by_id=_actor_id(actor),
        )
        AccountStatusChange.objects.create(
            account=account, old_status="", new_status=account.status, reason="opened", actor_id=_actor_id(actor)
        )
    return account


def customer_account_open(
    *,
    customer: dict,
    office_id: int,
    actor,
    nominee_name: str = "",
    nominee_relation: str = "",
    posb_account: str = "",
) -> SavingsAccount:
    """Register the holder and open their account in one transaction (the API's POST)."""
    with transaction.atomic():
        holder = customer_create(**customer, office_id=office_id, actor=actor)
        return account_open(
            customer_id=holder.pk,
            office_id=office_id,
            actor=actor,
            nominee_name=nominee_name,
            nominee_relation=nominee_relation,
            posb_account=posb_account,
        )


ACCOUNT_TRANSITIONS: dict[str, set[str]] = {
    SavingsAccount.Status.ACTIVE: {SavingsAccount.Status.FROZEN, SavingsAccount.Status.CLOSED},
    SavingsAccount.Status.FROZEN: {SavingsAccount.Status.ACTIVE, SavingsAccount.Status.CLOSED},
    SavingsAccount.Status.CLOSED: set(),
}


def account_status_change(*, account_number: str, new_status: str, reason: str, actor) -> SavingsAccount:
    """Freeze, unfreeze or close an account (closing needs a zero balance)."""
    with transaction.atomic():
        account = _account_get(account_number, lock=True)
        if new_status not in ACCOUNT_TRANSITIONS.get(account.status, set()):
            raise InvalidStatusChange(details={"from": account.status, "to": new_status})
        # Lock the balance row too: no debit or credit lands between the check and the change.
        # (NO KEY UPDATE, as the postings' own lock: new postings' foreign keys still pass.)
        ledger = LedgerAccount.objects.select_for_update(no_key=True).get(pk=account.ledger_id)
        if new_status == SavingsAccount.Status.CLOSED and ledger.balance_paise != 0:
            raise AccountNotEmpty
        old = account.status
        account.status = new_status
        account.save(update_fields=["status"])
        # The posting engine's conditional UPDATE reads this flag on the balance row
        # itself: a posting that passed its status check before this commits, and is
        # waiting for the row, re-reads it and is refused (banking.ledger).
        ledger.postable = new_status == SavingsAccount.Status.ACTIVE
        ledger.save(update_fields=["postable"])
        AccountStatusChange.objects.create(
            account=account, old_status=old, new_status=new_status, reason=reason[:300], actor_id=_actor_id(actor)
        )
    return account


def account_posb_link(*, account_number: str, posb_account: str, actor) -> SavingsAccount:
    """Link (or change) the Post Office Savings Bank account the end-of-day excess goes to.
    Linking lifts the pause on credits: the next sweep moves the excess."""
    posb_account = _posb_check(posb_account)
    if not posb_account:
        raise InvalidPosbAccount
    with transaction.atomic():
        account = _account_get(account_number, lock=True)
        account.posb_account = posb_account
        account.save(update_fields=["posb_account"])
        Customer.objects.filter(pk=account.customer_id).update(over_cap_since=None)
        AccountStatusChange.objects.create(
            account=account,
            old_status=account.status,
            new_status=account.status,
            reason=f"POSB account linked: {posb_account}",
            actor_id=_actor_id(actor),
        )
    return account


def _account_get(number: str, *, lock: bool = False) -> SavingsAccount:
    if not isinstance(number, str) or not account_number_valid(number):
        raise AccountNotFound
    if lock:
        # NO KEY UPDATE: it serialises the writers of the account's row but lets rows
        # that point at it be written meanwhile (a payment, a code, a status history
        # row take KEY SHARE on it for their foreign key). FOR UPDATE would block those,
        # and a payment holding the balance row and waiting here deadlocked a close.
        account = (
            SavingsAccount.objects.select_for_update(of=("self",), no_key=True)
            .select_related("ledger", "customer")
            .filter(number=number)
            .first()
        )
    else:
        account = selectors.savings_account_get(number=number)  # the hot path: one raw query
    if account is None:
        raise AccountNotFound
    return account


def _account_for_actor(number: str, actor) -> SavingsAccount:
    """The account, if `actor` may act on it under banking's one access rule
    (selectors.account_for). Services that debit an account on another app's behalf
    call this themselves, so no caller can skip the check; an account of an office the
    actor does not serve is refused exactly like one that does not exist."""
    account = selectors.account_for(actor=actor, account_number=number)
    if account is None:
        raise AccountNotFound
    return account


def _account_usable(account: SavingsAccount, *, credit: bool) -> None:
    if account.status != SavingsAccount.Status.ACTIVE:
        raise AccountNotActive(details={"status": account.status})
    if credit and account.customer.over_cap_since is not None:
        raise OverCap


def _till_lock(till_id: int | None, actor) -> Till:
    """The acting clerk's open till, locked. Cash moves only through the drawer of the
    person at the counter: `till_id` (when given) must be their open till; None means
    "my open till" (at most one: a database constraint).

    The till row is locked first, before any ledger row, always: a till_close waits for
    the cash operations in flight, and no operation lands on a till once it is closed."""
    if actor is None or (till_id is not None and type(till_id) is not int):
        raise TillNotOpen
    # Raw SQL: this runs on every cash movement, and the ORM's compiler costs more CPU
    # than the query itself.
    # The last column says whether the till's office day is closed: a till cannot be
    # open then (office_day_cash_close_in_transaction), but say so rather than trust it.
    sql = (
        "SELECT t.id, t.office_id, t.ledger_id, l.kind, l.balance_paise,"
        " EXISTS (SELECT 1 FROM banking_closedofficeday d WHERE d.office_id = t.office_id AND d.day = %s)"
        " FROM banking_till t"
        " JOIN banking_ledgeraccount l ON l.id = t.ledger_id WHERE t.clerk_id = %s AND t.status = 'open'"
    )
    params = [timezone.localdate(), actor.pk]
    if till_id is not None:
        sql += " AND t.id = %s"
        params.append(till_id)
    if connection.vendor == "postgresql":  # SQLite's IMMEDIATE transactions serialise anyway
        sql += " FOR NO KEY UPDATE OF t"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        # Only on this error path: tell a clerk whose office day is closed why.
        if getattr(actor, "post_office_id", None):
            office_day_open_check(office_id=actor.post_office_id)
        raise TillNotOpen
    till_pk, office_id, ledger_id, kind, balance, day_closed = row
    if day_closed:
        raise OfficeDayClosed
    till = Till.from_db(
        connection.alias,
        ["id", "office_id", "clerk_id", "ledger_id", "status"],
        [till_pk, office_id, actor.pk, ledger_id, Till.Status.OPEN],
    )
    ledger = LedgerAccount.from_db(
        connection.alias, ["id", "kind", "office_id", "balance_paise"], [ledger_id, kind, office_id, balance]
    )
    Till.ledger.field.set_cached_value(till, ledger)
    return till


def _needs_consent(amount_paise: int) -> bool:
    return amount_paise > settings.BANKING_OTP_THRESHOLD_PAISE


# --- cash, transfers, fees --------------------------------------------------------------


def deposit_post(*, account_number: str, amount_paise: int, till_id: int | None, actor, memo: str = "") -> Movement:
    """Cash in at a counter: Dr till, Cr the customer's account."""
    amount_check(amount_paise)
    with transaction.atomic():
        till = _till_lock(till_id, actor)
        account = _account_get(account_number)
        _account_usable(account, credit=True)
        entry = entry_post_in_transaction(
            kind=JournalEntry.Kind.DEPOSIT,
            office_id=till.office_id,
            actor_id=_actor_id(actor),
            lines=[Line(till.ledger, amount_paise), Line(account.ledger, -amount_paise)],
            memo=memo,
        )
    return Movement(entry.pk, account.number, amount_paise, account.ledger.balance_paise, entry.created_at, till.pk)


def withdrawal_post(
    *, account_number: str, amount_paise: int, till_id: int | None, actor, otp: str | None = None, memo: str = ""
) -> Movement:
    """Cash out at a counter: Dr the customer's account, Cr till. Never below zero, for
    the account or the till. Above BANKING_OTP_THRESHOLD_PAISE the holder's OTP
    (withdrawal_otp_send) is needed; a wrong code is counted even though this raises."""
    amount_check(amount_paise)
    account = _account_get(account_number)
    otp_id = None
    if _needs_consent(amount_paise):
        _account_usable(account, credit=False)
        otp_id = otp_verify(
            account=account, purpose=WithdrawalOtp.Purpose.WITHDRAWAL, amount_paise=amount_paise, code=otp
        )
    with transaction.atomic():
        till = _till_lock(till_id, actor)
        _account_usable(account, credit=False)
        if otp_id is not None:
            otp_consume_in_transaction(otp_id=otp_id)
        entry = entry_post_in_transaction(
            kind=JournalEntry.Kind.WITHDRAWAL,
            office_id=till.office_id,
            actor_id=_actor_id(actor),
            lines=[Line(account.ledger, amount_paise), Line(till.ledger, -amount_paise)],
            memo=memo,
        )
    return Movement(entry.pk, account.number, amount_paise, account.ledger.balance_paise, entry.created_at, till.pk)


def transfer_post(
    *, from_number: str, to_number: str, amount_paise: int, actor, otp: str | None = None, memo: str = ""
) -> TransferResult:
    """Account to account. Above the consent threshold the payer's OTP is needed."""
    amount_check(amount_paise)
    if from_number == to_number:
        raise SameAccount
    payer = _account_get(from_number)
    payee = _account_get(to_number)
    otp_id = None
    if _needs_consent(amount_paise):
        _account_usable(payer, credit=False)
        otp_id = otp_verify(account=payer, purpose=WithdrawalOtp.Purpose.TRANSFER, amount_paise=amount_paise, code=otp)
    with transaction.atomic():
        _account_usable(payer, credit=False)
        _account_usable(payee, credit=True)
        if otp_id is not None:
            otp_consume_in_transaction(otp_id=otp_id)
        # The engine updates both balance rows in primary-key order: A->B and B->A
        # running at the same time lock in the same order and cannot deadlock.
        entry = entry_post_in_transaction(
            kind=JournalEntry.Kind.TRANSFER,
            office_id=payer.office_id,
            actor_id=_actor_id(actor),
            lines=[Line(payer.ledger, amount_paise), Line(payee.ledger, -amount_paise)],
            memo=memo,
        )
    return TransferResult(
        entry.pk,
        payer.number,
        payee.number,
        amount_paise,
        payer.ledger.balance_paise,
        payee.ledger.balance_paise,
        entry.created_at,
    )


def fee_charge(*, account_number: str, amount_paise: int, actor, memo: str = "", gst_paise: int = 0) -> Movement:
    """Charge a fee (and its GST) to an account: Dr customer, Cr fee income, Cr GST payable.
    Never overdraws: without the balance the fee is refused."""
    amount_check(amount_paise)
    amount_check(gst_paise, allow_zero=True)
    total = amount_check(amount_paise + gst_paise)
    with transaction.atomic():
        account = _account_get(account_number)
        _account_usable(account, credit=False)
        kinds = [Kind.FEE_INCOME] + ([Kind.GST_PAYABLE] if gst_paise else [])
        internal = internal_accounts(office_id=account.office_id, kinds=kinds)
        lines = [Line(account.ledger, total), Line(internal[Kind.FEE_INCOME], -amount_paise)]
        if gst_paise:
            lines.append(Line(internal[Kind.GST_PAYABLE], -gst_paise))
        entry = entry_post_in_transaction(
            kind=JournalEntry.Kind.FEE, office_id=account.office_id, actor_id=_actor_id(actor), lines=lines, memo=memo
        )
    return Movement(entry.pk, account.number, total, account.ledger.balance_paise, entry.created_at)


# --- consent OTP --------------------------------------------------------------------------

OTP_TEMPLATES = {
    WithdrawalOtp.Purpose.WITHDRAWAL: "banking.withdrawal_otp",
    WithdrawalOtp.Purpose.TRANSFER: "banking.transfer_otp",
    WithdrawalOtp.Purpose.PAYMENT: "banking.payment_otp",
}


def withdrawal_otp_send(
    *, account_number: str, amount_paise: int, actor, purpose: str = WithdrawalOtp.Purpose.WITHDRAWAL
) -> OtpSent:
    """Send the holder a 6-digit code consenting to one debit of `amount_paise` from this
    account (purpose: withdrawal, transfer or payment), asked for by staff (`actor`) or
    by the signed-in holder in self-service (actor None). A new code replaces the earlier
    unused one of the same purpose only. Cooldown BANKING_OTP_RESEND_SECONDS and at most
    BANKING_OTP_DAILY_CAP a day, per purpose and per kind of requester (banking.otp).

    Staff (`actor`) send codes only for accounts they may act on (the banking API's
    rule); without an actor only the holder's own self-service transfer may ask."""
    if actor is not None or purpose != WithdrawalOtp.Purpose.TRANSFER:
        _account_for_actor(account_number, actor)
    amount_check(amount_paise)
    if purpose not in OTP_TEMPLATES:
        raise ValueError(f"unknown OTP purpose {purpose!r}")
    now = timezone.now()
    with transaction.atomic():
        # One sender at a time per account: the cooldown and cap checks hold.
        account = _account_get(account_number, lock=True)
        _account_usable(account, credit=False)
        staff = actor is not None
        otp_send_limits_check_in_transaction(account=account, purpose=purpose, staff=staff, now=now)
        otp_supersede_in_transaction(account=account, purpose=purpose)
        code = otp_code_new()
        otp = WithdrawalOtp.objects.create(
            account=account,
            purpose=purpose,
            amount_paise=amount_paise,
            code_hash=otp_hash(code),
            created_at=now,
            expires_at=now + otp_ttl(),
            sent_by_id=_actor_id(actor),
        )
        sms_queue(
            to=account.customer.mobile,
            template_key=OTP_TEMPLATES[purpose],
            context={
                "otp": code,
                "amount": format_inr(amount_paise),
                "account": "XX" + account.number[-4:],
                "minutes": str(settings.BANKING_OTP_TTL_SECONDS // 60),
            },
            lang=account.customer.sms_language,
            secret=True,
        )
    mobile = account.customer.mobile
    return OtpSent(otp.pk, otp.expires_at, mobile[:2] + "XXXXXX" + mobile[-2:])


# --- tills ----------------------------------------------------------------------------------


def till_open(*, office_id: int, clerk_id: int, opening_paise: int, actor) -> int:
    """Open a clerk's till with a float from the office's cash (vault) account; returns the till id.
    One open till per clerk (a database constraint)."""
    amount_check(opening_paise, allow_zero=True)
    clerk = User.objects.filter(pk=clerk_id).only("role", "post_office_id").first()
    if clerk is None or clerk.role not in (Role.COUNTER_CLERK, Role.POSTMASTER) or clerk.post_office_id != office_id:
        raise TillClerkInvalid
    with transaction.atomic():
        # The office row first (the lock a day close takes): a close in flight finishes
        # before this looks, and no close can pass between this look and the insert.
        PostOffice.objects.select_for_update(no_key=True).filter(pk=office_id).first()
        office_day_open_check(office_id=office_id)
        ledger = LedgerAccount.objects.create(kind=Kind.TILL, office_id=office_id, balance_paise=0)
        try:
            with transaction.atomic():
                till = Till.objects.create(
                    office_id=office_id,
                    clerk_id=clerk_id,
                    ledger=ledger,
                    opening_paise=opening_paise,
                    opened_by_id=_actor_id(actor),
                )
        except IntegrityError:
            raise TillAlreadyOpen from None
        if opening_paise:
            vault = internal_account(office_id=office_id, kind=Kind.OFFICE_CASH)
            entry_post_in_transaction(
                kind=JournalEntry.Kind.TILL_OPEN,
                office_id=office_id,
                actor_id=_actor_id(actor),
                lines=[Line(ledger, opening_paise), Line(vault, -opening_paise)],
                memo=f"till {till.pk} opening float",
            )
    return till.pk


def till_close(*, till_id: int, counted_paise: int, actor) -> TillCloseResult:
    """Count the drawer and close the till: the counted cash goes back to the office's
    vault, the difference to cash shortage/excess, and the till's balance ends at zero."""
    amount_check(counted_paise, allow_zero=True)
    with transaction.atomic():
        till = Till.objects.select_for_update(of=("self",)).filter(pk=till_id, status=Till.Status.OPEN).first()
        if till is None:
            raise TillNotOpen
        ledger = LedgerAccount.objects.select_for_update().get(pk=till.ledger_id)
        expected = ledger.balance_paise
        difference = counted_paise - expected
        internal = internal_accounts(office_id=till.office_id, kinds=[Kind.OFFICE_CASH, Kind.CASH_SHORTAGE_EXCESS])
        lines = []
        if expected:
            lines.append(Line(ledger, -expected))
        if counted_paise:
            lines.append(Line(internal[Kind.OFFICE_CASH], counted_paise))
        if difference:
            # A shortage (difference < 0) is a debit to shortage/excess, an excess a credit.
            lines.append(Line(internal[Kind.CASH_SHORTAGE_EXCESS], -difference))
        entry = None
        if lines:
            entry = entry_post_in_transaction(
                kind=JournalEntry.Kind.TILL_CLOSE,
                office_id=till.office_id,
                actor_id=_actor_id(actor),
                lines=lines,
                memo=f"till {till.pk} closed",
            )
        till.status = Till.Status.CLOSED
        till.closed_at = timezone.now()
        till.closed_by_id = _actor_id(actor)
        till.expected_paise = expected
        till.counted_paise = counted_paise
        till.close_entry = entry
        till.save(update_fields=["status", "closed_at", "closed_by", "expected_paise", "counted_paise", "close_entry"])
    return TillCloseResult(expected, counted_paise, difference, entry.pk if entry else None)


def _negated_lines_in_transaction(entry: JournalEntry) -> list[Line]:
    """The lines that undo `entry`. Cash of a till that has since closed comes from (or
    goes to) the office vault instead: the drawer was emptied into it at close."""
    postings = list(Posting.objects.filter(entry=entry).select_related("account"))
    # Lock the tills involved (till rows before ledger rows, as everywhere) so that none
    # closes between this look and the posting.
    tills = Till.objects.select_for_update(no_key=True).filter(
        ledger_id__in=[p.account_id for p in postings if p.account.kind == Kind.TILL]
    )
    closed_tills = {t.ledger_id for t in tills.order_by("pk") if t.status == Till.Status.CLOSED}
    lines = []
    for posting in postings:
        account = posting.account
        if account.pk in closed_tills:
            account = internal_account(office_id=account.office_id, kind=Kind.OFFICE_CASH)
        lines.append(Line(account, -posting.amount_paise))
    return lines


# --- maker-checker reversals ------------------------------------------------------------------

REVERSIBLE_KINDS = frozenset(
    {
        JournalEntry.Kind.DEPOSIT,
        JournalEntry.Kind.WITHDRAWAL,
        JournalEntry.Kind.TRANSFER,
        JournalEntry.Kind.FEE,
        JournalEntry.Kind.POSB_SWEEP,
    }
)
REVERSAL_TRANSITIONS: dict[str, set[str]] = {
    ReversalRequest.Status.PENDING: {ReversalRequest.Status.APPROVED, ReversalRequest.Status.REJECTED},
    ReversalRequest.Status.APPROVED: set(),
    ReversalRequest.Status.REJECTED: set(),
}
CHECKER_ROLES = frozenset({Role.POSTMASTER, Role.ADMINISTRATOR})


def reversal_request(*, entry_id: int, reason: str, actor) -> ReversalRequest:
    """A clerk asks for an entry to be reversed (the maker). Payments are refunded with
    payment_refund_request (or their owner's flow) instead; till entries are settled by
    till_close."""
    reason = (reason or "").strip()
    if not reason:
        raise NotReversible(details={"reason": ["required"]})
    with transaction.atomic():
        entry = JournalEntry.objects.filter(pk=entry_id).first()
        if entry is None or entry.kind not in REVERSIBLE_KINDS:
            raise NotReversible
        if JournalEntry.objects.filter(reverses=entry).exists():
            raise NotReversible(details={"already_reversed": True})
        try:
            with transaction.atomic():
                return ReversalRequest.objects.create(
                    entry=entry, office_id=entry.office_id, reason=reason[:300], requested_by=actor
                )
        except IntegrityError:
            raise NotReversible(details={"already_requested": True}) from None


def _checker_check(actor, requested_by_id: int | None) -> None:
    """The checker of a maker-checker step: a postmaster or administrator, never the maker."""
    if actor is None or actor.role not in CHECKER_ROLES:
        raise MakerCheckerViolation
    if requested_by_id is None or actor.pk == requested_by_id:
        raise MakerCheckerViolation


def _reversal_decide_lock(request_id: int, new_status: str, actor) -> ReversalRequest:
    request = ReversalRequest.objects.select_for_update().filter(pk=request_id).first()
    if request is None:
        raise NotReversible
    if new_status not in REVERSAL_TRANSITIONS[request.status]:
        raise ReversalInvalidTransition(details={"status": request.status})
    _checker_check(actor, request.requested_by_id)
    return request


def reversal_approve(*, request_id: int, actor) -> ReversalRequest:
    """A postmaster (the checker, never the maker) approves: a reversal entry undoes the
    original. It can fail like any debit (the customer has spent a reversed deposit)."""
    with transaction.atomic():
        request = _reversal_decide_lock(request_id, ReversalRequest.Status.APPROVED, actor)
        if request.payment_id is not None:
            # A refund request: the payment is refunded (and marked so), not just reversed.
            payment = _payment_lock(request.payment_id, Payment.Status.REFUNDED)
            request.reversal_entry = _payment_refund_in_transaction(payment, request.reason, actor)
            return _reversal_decided(request, ReversalRequest.Status.APPROVED, actor, ["reversal_entry"])
        entry = request.entry
        reversal = entry_post_in_transaction(
            kind=JournalEntry.Kind.REVERSAL,
            office_id=entry.office_id,
            actor_id=actor.pk,
            lines=_negated_lines_in_transaction(entry),
            memo=f"reversal of entry {entry.pk}: {request.reason}",
            reverses_id=entry.pk,
        )
        request.reversal_entry = reversal
        return _reversal_decided(request, ReversalRequest.Status.APPROVED, actor, ["reversal_entry"])


def _reversal_decided(request: ReversalRequest, status: str, actor, fields: list[str]) -> ReversalRequest:
    request.status = status
    request.decided_by = actor
    request.decided_at = timezone.now()
    request.save(update_fields=["status", "decided_by", "decided_at", *fields])
    return request


def reversal_reject(*, request_id: int, actor, note: str = "") -> ReversalRequest:
    with transaction.atomic():
        request = _reversal_decide_lock(request_id, ReversalRequest.Status.REJECTED, actor)
        request.decision_note = (note or "")[:300]
        return _reversal_decided(request, ReversalRequest.Status.REJECTED, actor, ["decision_note"])


# --- payments (the counter's and doorstep's rail) ------------------------------------------------

PAYMENT_TRANSITIONS: dict[str, set[str]] = {
    Payment.Status.PENDING: {Payment.Status.COMPLETED, Payment.Status.CANCELLED},
    Payment.Status.COMPLETED: {Payment.Status.REFUNDED},
    Payment.Status.CANCELLED: set(),
    Payment.Status.REFUNDED: set(),
}
_REFERENCE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9/_.-]{0,34}\Z")
_UTR_RE = re.compile(r"^[0-9]{12}\Z")  # \Z: "$" also matches before a final newline


def upi_intent_uri(*, vpa: str, payee_name: str, amount_paise: int, note: str, reference: str) -> str:
    """upi://pay?pa=..&pn=..&am=..&cu=INR&tn=..&tr=.. with every value percent-encoded."""
    rupees, paise = divmod(amount_paise, 100)
    query = urlencode(
        [
            ("pa", vpa),
            ("pn", payee_name),
            ("am", f"{rupees}.{paise:02d}"),
            ("cu", "INR"),
            ("tn", note),
            ("tr", reference),
        ],
        quote_via=quote,
        safe="",
    )
    return f"upi://pay?{query}"


def _payment_lines(office_id: int, lines: list, gst_paise: int) -> tuple[list[tuple[str, int]], int, list[Line]]:
    """Validate [(income_kind, paise), ...] + GST; return the clean lines, the total and
    the credit side of the entry (the office's income accounts, created on first use)."""
    clean, total = _payment_lines_clean(lines, gst_paise)
    kinds = {kind for kind, _a in clean} | ({Kind.GST_PAYABLE} if gst_paise else set())
    internal = internal_accounts(office_id=office_id, kinds=kinds)
    credits = [Line(internal[kind], -amount) for kind, amount in clean]
    if gst_paise:
        credits.append(Line(internal[Kind.GST_PAYABLE], -gst_paise))
    return clean, total, credits


def _payment_lines_clean(lines: list, gst_paise: int) -> tuple[list[tuple[str, int]], int]:
    if not isinstance(lines, list | tuple) or not lines:
        raise InvalidPayment(details={"lines": ["required"]})
    clean: list[tuple[str, int]] = []
    for item in lines:
        try:
            kind, amount = item
        except (TypeError, ValueError):
            raise InvalidPayment(details={"lines": ["each line is (income_kind, amount_paise)"]}) from None
        if kind not in LedgerAccount.INCOME_KINDS:
            raise InvalidPayment(details={"lines": [f"unknown income kind {kind!r}"]})
        clean.append((str(kind), amount_check(amount)))
    amount_check(gst_paise, allow_zero=True)
    return clean, amount_check(sum(amount for _k, amount in clean) + gst_paise)


def _payment_event(payment: Payment, old: str, note: str, actor) -> None:
    PaymentEvent.objects.create(
        payment=payment, old_status=old, new_status=payment.status, note=note[:300], actor_id=_actor_id(actor)
    )


def payment_take(
    *,
    office_id: int,
    method: str,
    lines: list[tuple[str, int]],
    gst_paise: int,
    reference: str,
    actor,
    till_id: int | None = None,
    account_number: str | None = None,
    otp: str | None = None,
    note: str = "",
    owner: str = "",
) -> Payment:
    """Take a payment for `reference` (a booking, a visit: paid at most once).

    `owner` (Payment.Owner: "counter_booking", ...) says what the payment pays for when
    that has a flow of its own: the payment is then refunded, cancelled or confirmed only
    by that flow (which passes the same `owner`), never by banking's own endpoints.

    cash: Dr the till (till_id); account: Dr the customer's account (only one `actor`
    may act on, as in the banking API; never overdrawn; above the consent threshold
    with the holder's OTP, purpose "payment"); upi: a PENDING
    payment with its intent URI and nothing posted until upi_payment_confirm.
    Credits: each income line to the office's income account, GST to GST payable.
    """
    if method not in Payment.Method.values:
        raise InvalidPayment(details={"method": [method]})
    if owner not in Payment.Owner.values:
        raise InvalidPayment(details={"owner": [owner]})
    if not isinstance(reference, str) or not _REFERENCE_RE.match(reference):
        raise InvalidPayment(details={"reference": ["1 to 35 letters, digits, / _ . -"]})
    account = None
    otp_id = None
    if method == Payment.Method.ACCOUNT:
        if not account_number:
            raise InvalidPayment(details={"account_number": ["required"]})
        # The actor must be allowed the account under the banking API's own rule: a
        # counter (or any other app) debits only accounts its clerk may act on.
        account = _account_for_actor(account_number, actor)
        _clean, total = _payment_lines_clean(lines, gst_paise)
        if _needs_consent(total):
            # Before this function's transaction: a wrong code is counted even though we raise.
            _account_usable(account, credit=False)
            otp_id = otp_verify(account=account, purpose=WithdrawalOtp.Purpose.PAYMENT, amount_paise=total, code=otp)
    # One savepoint (when the caller has a transaction): a refusal below (a duplicate
    # reference, an account short of money) undoes this call's writes and leaves the
    # caller's transaction usable. Plain statements for the rows: every booking pays,
    # and the ORM's compiler cost more CPU than the round trips.
    with transaction.atomic():
        clean, total, credits = _payment_lines(office_id, lines, gst_paise)
        till = _till_lock(till_id, actor) if method == Payment.Method.CASH else None
        if till is not None and till.office_id != office_id:
            raise InvalidPayment(details={"till_id": ["the till belongs to another office"]})
        values = {
            "office_id": office_id,
            "method": method,
            "status": Payment.Status.PENDING if method == Payment.Method.UPI else Payment.Status.COMPLETED,
            "reference": reference,
            "owner": owner,
            "lines": [list(line) for line in clean],
            "gst_paise": gst_paise,
            "total_paise": total,
            "till_id": till.pk if till is not None else None,
            "account_id": account.pk if account is not None else None,
            "upi_vpa": "",
            "upi_uri": "",
            "utr": None,
            "entry_id": None,
            "refund_entry_id": None,
            "refund_reason": "",
            "created_at": timezone.now(),
            "created_by_id": _actor_id(actor),
            "confirmed_at": None,
            "confirmed_by_id": None,
        }
        entry = None
        if method == Payment.Method.UPI:
            payee = selectors.upi_payee_for(office_id=office_id)
            values["upi_vpa"] = payee.vpa
            values["upi_uri"] = upi_intent_uri(
                vpa=payee.vpa,
                payee_name=payee.payee_name,
                amount_paise=total,
                note=(note or reference)[:80],
                reference=reference,
            )
        else:
            if account is not None:
                _account_usable(account, credit=False)
                if otp_id is not None:
                    otp_consume_in_transaction(otp_id=otp_id)
                debit = Line(account.ledger, total)
            else:
                debit = Line(till.ledger, total)
            # The entry first, so the payment row is written once, complete.
            entry = entry_post_in_transaction(
                kind=JournalEntry.Kind.PAYMENT,
                office_id=office_id,
                actor_id=_actor_id(actor),
                lines=[debit, *credits],
                memo=f"payment {reference}",
            )
            values.update(entry_id=entry.pk, confirmed_at=entry.created_at, confirmed_by_id=_actor_id(actor))
        try:
            # The payment and its first event: one statement on PostgreSQL.
            (payment_id,) = rawsql.with_child(
                rawsql.insert_sql(Payment, values),
                PaymentEvent,
                {
                    "old_status": "",
                    "new_status": values["status"],
                    "note": note[:300],
                    "actor_id": _actor_id(actor),
                    "at": timezone.now(),
                },
                fk="payment",
            )
        except IntegrityError:
            # The reference is paid already (payment_reference_once): the savepoint
            # takes the entry above back with it.
            raise PaymentDuplicate from None
    payment = rawsql.from_values(Payment, payment_id, values)
    for relation, obj in ((Payment.till, till), (Payment.account, account), (Payment.entry, entry)):
        if obj is not None:
            relation.field.set_cached_value(payment, obj)
    return payment


_OWNED_MESSAGES = {
    Payment.Owner.COUNTER_BOOKING: gettext_lazy(
        "This payment belongs to counter booking %(reference)s: cancel the booking at the counter (the postmaster "
        "approves the cancellation and the refund), and confirm or cancel its UPI payment on the booking."
    ),
    Payment.Owner.VERIFICATION_FEE: gettext_lazy(
        "This payment is the fee of verification application %(reference)s: refund or cancel it through the application."
    ),
    Payment.Owner.DOORSTEP_VISIT: gettext_lazy(
        "This payment is for doorstep visit %(reference)s: refund or cancel it through the visit."
    ),
}


def _payment_lock(payment_id: int, new_status: str, *, owner: str = "") -> Payment:
    """The payment, locked, if it may move to `new_status` when asked by `owner`'s flow
    ("" for banking's own endpoints). A payment that has an owner is refused to anyone
    else (PaymentOwned), before its status is even looked at."""
    payment = Payment.objects.select_for_update().filter(pk=payment_id).first()
    if payment is None:
        raise InvalidPayment(details={"payment_id": ["unknown"]})
    if payment.owner != owner:
        if not payment.owner:
            raise InvalidPayment(details={"owner": ["this payment has no owner"]})
        raise PaymentOwned(
            _OWNED_MESSAGES[payment.owner] % {"reference": payment.reference},
            details={"owner": payment.owner, "reference": payment.reference},
        )
    if new_status not in PAYMENT_TRANSITIONS[payment.status]:
        raise PaymentInvalidTransition(details={"status": payment.status})
    return payment


def upi_payment_confirm(*, payment_id: int, utr: str, actor, owner: str = "") -> Payment:
    """The clerk (or the bank's report) gives the 12-digit UTR: Dr UPI clearing, Cr income
    and GST. A UTR confirms one payment only (a database constraint). A payment with an
    owner is confirmed by the owner's flow only (`owner`), so the owner moves with it."""
    if not isinstance(utr, str) or not _UTR_RE.match(utr):
        raise InvalidUtr
    with transaction.atomic():
        payment = _payment_lock(payment_id, Payment.Status.COMPLETED, owner=owner)
        if payment.method != Payment.Method.UPI:
            raise PaymentInvalidTransition(details={"method": payment.method})
        _clean, total, credits = _payment_lines(payment.office_id, [tuple(x) for x in payment.lines], payment.gst_paise)
        clearing = internal_account(office_id=payment.office_id, kind=Kind.UPI_CLEARING)
        payment.utr = utr
        payment.status = Payment.Status.COMPLETED
        payment.confirmed_at = timezone.now()
        payment.confirmed_by = actor
        try:
            with transaction.atomic():
                payment.save(update_fields=["utr", "status", "confirmed_at", "confirmed_by"])
        except IntegrityError:
            raise DuplicateUtr from None
        payment.entry = entry_post_in_transaction(
            kind=JournalEntry.Kind.PAYMENT,
            office_id=payment.office_id,
            actor_id=_actor_id(actor),
            lines=[Line(clearing, total), *credits],
            memo=f"payment {payment.reference} UPI {utr}",
        )
        payment.save(update_fields=["entry"])
        _payment_event(payment, Payment.Status.PENDING, f"UTR {utr}", actor)
    return payment


def upi_payment_cancel(*, payment_id: int, actor, reason: str = "", owner: str = "") -> Payment:
    """The customer did not pay (or paid another way): nothing was posted, nothing is.
    A payment with an owner is cancelled by the owner's flow only (`owner`)."""
    with transaction.atomic():
        payment = _payment_lock(payment_id, Payment.Status.CANCELLED, owner=owner)
        payment.status = Payment.Status.CANCELLED
        payment.save(update_fields=["status"])
        _payment_event(payment, Payment.Status.PENDING, reason, actor)
    return payment


def payment_refund(*, payment_id: int, reason: str, actor, owner: str, requested_by_id: int) -> Payment:
    """The owner's flow refunds its payment, after its own maker-checker step (the
    counter: a clerk asks to cancel the booking, the postmaster approves). Banking still
    holds the rule itself: `actor` (the checker) is a postmaster or administrator and not
    `requested_by_id` (the maker). A payment without an owner is refunded through
    payment_refund_request and reversal_approve instead."""
    reason = (reason or "").strip()
    if not reason:
        raise InvalidPayment(details={"reason": ["required"]})
    if not owner:
        raise InvalidPayment(details={"owner": ["required"]})
    _checker_check(actor, requested_by_id)
    with transaction.atomic():
        payment = _payment_lock(payment_id, Payment.Status.REFUNDED, owner=owner)
        _payment_refund_in_transaction(payment, reason, actor)
    return payment


def payment_refund_request(*, payment_id: int, reason: str, actor) -> ReversalRequest:
    """A clerk asks for a payment with no owner to be refunded (the maker); a postmaster,
    not the same person, approves it with reversal_approve (the checker). Nothing moves
    until then. A payment with an owner is refused (PaymentOwned): its owner refunds it."""
    reason = (reason or "").strip()
    if not reason:
        raise InvalidPayment(details={"reason": ["required"]})
    with transaction.atomic():
        payment = _payment_lock(payment_id, Payment.Status.REFUNDED)
        try:
            with transaction.atomic():
                return ReversalRequest.objects.create(
                    entry_id=payment.entry_id,
                    payment=payment,
                    office_id=payment.office_id,
                    reason=reason[:300],
                    requested_by=actor,
                )
        except IntegrityError:
            raise NotReversible(details={"already_requested": True}) from None


def _payment_refund_in_transaction(payment: Payment, reason: str, actor) -> JournalEntry:
    """Undo a completed payment (locked by the caller) with a reversal of its entry: cash
    back out of the till, or of the vault when that till has closed; back into the
    customer's account; or against UPI clearing, for the bank to return."""
    original = payment.entry
    # A refund moves the office's cash (till, vault) or its books: not on a closed day.
    office_day_open_check(office_id=payment.office_id)
    if payment.till_id:
        _till_lock_if_open(payment.till_id)
    payment.refund_entry = entry_post_in_transaction(
        kind=JournalEntry.Kind.REFUND,
        office_id=payment.office_id,
        actor_id=_actor_id(actor),
        lines=_negated_lines_in_transaction(original),
        memo=f"refund of payment {payment.reference}: {reason}",
        reverses_id=original.pk,
    )
    payment.status = Payment.Status.REFUNDED
    payment.refund_reason = reason[:300]
    payment.save(update_fields=["status", "refund_entry", "refund_reason"])
    _payment_event(payment, Payment.Status.COMPLETED, reason, actor)
    return payment.refund_entry


def _till_lock_if_open(till_id: int) -> None:
    Till.objects.select_for_update(no_key=True).filter(pk=till_id, status=Till.Status.OPEN).first()


# --- end of day: the POSB sweep ---------------------------------------------------------------------


def posb_sweep_run(*, day: date | None = None, actor=None) -> SweepReport:
    """End of day (IST): no holder keeps more than BANKING_HOLDER_CAP_PAISE across their
    accounts. The excess moves from their accounts that have a linked POSB account
    (largest balance first) to the office's POSB sweep account, and the holder gets an SMS.

    Without a linked POSB account the excess cannot go anywhere, and we never hold it
    silently: the holder is marked over the cap (credits are refused from then on), a
    CapBreach row goes on the postmaster's list and the holder is asked by SMS to link
    one. Linking (account_posb_link) lifts the pause; the next sweep moves the excess.
    Each holder is swept in a transaction of their own; running twice is harmless.
    """
    day = day or timezone.localdate()
    cap = settings.BANKING_HOLDER_CAP_PAISE
    holders = list(selectors.holders_over_cap(cap_paise=cap))
    swept_entries = swept_paise = breaches = 0
    for customer_id in holders:
        entries, paise, breached = _holder_sweep(customer_id=customer_id, day=day, cap=cap, actor=actor)
        swept_entries += entries
        swept_paise += paise
        breaches += int(breached)
    # Holders back within the cap come off the postmaster's list.
    CapBreach.objects.filter(resolved_at=None).exclude(customer_id__in=holders).update(resolved_at=timezone.now())
    Customer.objects.filter(over_cap_since__isnull=False).exclude(pk__in=holders).update(over_cap_since=None)
    return SweepReport(day, len(holders), swept_entries, swept_paise, breaches)


def _holder_sweep(*, customer_id: int, day: date, cap: int, actor) -> tuple[int, int, bool]:
    with transaction.atomic():
        customer = Customer.objects.select_for_update().get(pk=customer_id)
        accounts = list(
            SavingsAccount.objects.filter(customer_id=customer_id)
            .exclude(status=SavingsAccount.Status.CLOSED)
            .select_related("ledger")
            .order_by("ledger_id")
        )
        # Lock every balance row of the holder (in primary-key order) so the total is exact.
        ledgers = {
            a.pk: a
            for a in LedgerAccount.objects.select_for_update()
            .filter(pk__in=[a.ledger_id for a in accounts])
            .order_by("pk")
        }
        for account in accounts:
            account.ledger = ledgers[account.ledger_id]
        total = sum(a.ledger.balance_paise for a in accounts)
        excess = total - cap
        if excess <= 0:
            return 0, 0, False
        entries = moved = 0
        for account in sorted(accounts, key=lambda a: (-a.ledger.balance_paise, a.pk)):
            if excess <= 0:
                break
            if not account.posb_account or account.status != SavingsAccount.Status.ACTIVE:
                continue
            amount = min(excess, account.ledger.balance_paise)
            if amount <= 0:
                continue
            sweep = internal_account(office_id=account.office_id, kind=Kind.POSB_SWEEP)
            entry = entry_post_in_transaction(
                kind=JournalEntry.Kind.POSB_SWEEP,
                office_id=account.office_id,
                actor_id=_actor_id(actor),
                lines=[Line(account.ledger, amount), Line(sweep, -amount)],
                memo=f"end-of-day sweep {day:%d-%m-%Y} to POSB {account.posb_account}",
            )
            SweepRecord.objects.create(
                day=day,
                customer=customer,
                account=account,
                posb_account=account.posb_account,
                amount_paise=amount,
                entry=entry,
            )
            sms_queue(
                to=customer.mobile,
                template_key="banking.posb_swept",
                context={
                    "amount": format_inr(amount),
                    "account": "XX" + account.number[-4:],
                    "posb": "XX" + account.posb_account[-4:],
                    "cap": format_inr(cap),
                },
                lang=customer.sms_language,
            )
            excess -= amount
            moved += amount
            entries += 1
        breached = excess > 0
        if breached:
            _breach, created = CapBreach.objects.update_or_create(
                customer=customer,
                day=day,
                defaults={
                    "office_id": customer.office_id,
                    "total_paise": total - moved,
                    "excess_paise": excess,
                    "resolved_at": None,
                },
            )
            if customer.over_cap_since is None:
                customer.over_cap_since = day
                customer.save(update_fields=["over_cap_since"])
            if created:
                sms_queue(
                    to=customer.mobile,
                    template_key="banking.over_cap",
                    context={"amount": format_inr(total - moved), "cap": format_inr(cap)},
                    lang=customer.sms_language,
                )
        else:
            CapBreach.objects.filter(customer=customer, resolved_at=None).update(resolved_at=timezone.now())
            if customer.over_cap_since is not None:
                customer.over_cap_since = None
                customer.save(update_fields=["over_cap_since"])
        return entries, moved, breached


# --- nightly integrity check ---------------------------------------------------------------------------


def ledger_check_run() -> LedgerCheckRun:
    """Run every ledger invariant (selectors.ledger_problems) and store the result."""
    run = LedgerCheckRun.objects.create()
    problems, entries, accounts = selectors.ledger_problems()
    run.finished_at = timezone.now()
    run.ok = not problems
    run.problems = problems
    run.entries_checked = entries
    run.accounts_checked = accounts
    run.save(update_fields=["finished_at", "ok", "problems", "entries_checked", "accounts_checked"])
    return run


# --- customer self-service and the SMS mini-statement ------------------------------------------------
# Used by the savings pages (banking.views) and customer self-service (banking.selfservice).


@dataclass(frozen=True)
class MiniStatementSent:
    sent_to: str  # the masked mobile, for the clerk or the customer to read
    transactions: int  # how many transactions the SMS lists (at most 5)
    balance_paise: int


def _client_sends_check(client_key: str) -> None:
    """At most BANKING_SELFSERVICE_SENDS_PER_CLIENT_HOUR sign-in codes asked for per client
    (an IP address) per clock hour, whatever the account numbers typed: this is what stops
    one machine from walking through account numbers. Counted by accounts.ratelimit (the
    shared cache; with the cache down, per process at a stricter limit). Only a brake on
    one client: what reaches a holder's phone is limited in the database, per account
    (otp_signin_send_allowed_in_transaction)."""
    from accounts.ratelimit import rate_limit_hit

    from .exceptions import SelfServiceRateLimited

    digest = salted_hmac("dakghar.banking.selfservice.client", client_key, algorithm="sha256").hexdigest()[:32]
    if not rate_limit_hit(
        f"banking-ss-sends:{digest}", limit=settings.BANKING_SELFSERVICE_SENDS_PER_CLIENT_HOUR, window_seconds=3600
    ):
        raise SelfServiceRateLimited


def selfservice_signin_otp_send(*, account_number: str, client_key: str = "") -> OtpSent | None:
    """Send the holder of `account_number` a 6-digit code to sign in to self-service.

    The code rules of banking.otp hold (hashed, 10 minutes, 5 tries). Anyone can ask,
    so what they can do is bounded: the new code replaces only an unused sign-in code
    (never a consent code a clerk sent); the sends count against the sign-in limits of
    the account only (never the consent codes' cap); and over them (a minute's cooldown,
    BANKING_SELFSERVICE_SIGNIN_SENDS_PER_ACCOUNT_HOUR an hour, BANKING_OTP_DAILY_CAP a
    day) nothing is sent. On top, a client may ask for at most
    BANKING_SELFSERVICE_SENDS_PER_CLIENT_HOUR codes an hour (SelfServiceRateLimited).

    A malformed number raises AccountNumberInvalid (a typo: the check digit catches it).
    Otherwise None whenever nothing was sent: no account (or a closed one), or a limit
    reached. The page answers the same in every case, so it tells a stranger nothing
    about which numbers exist."""
    from .exceptions import AccountNumberInvalid

    number = (account_number or "").strip()
    if not account_number_valid(number):
        raise AccountNumberInvalid
    if client_key:
        _client_sends_check(client_key)
    now = timezone.now()
    with transaction.atomic():
        account = (
            SavingsAccount.objects.select_for_update(of=("self",))
            .select_related("customer")
            .filter(number=number)
            .first()
        )
        if account is None or account.status == SavingsAccount.Status.CLOSED:
            return None
        if not otp_signin_send_allowed_in_transaction(account=account, now=now):
            return None  # the same answer as an unknown number, and no SMS
        otp_supersede_in_transaction(account=account, purpose=WithdrawalOtp.Purpose.SIGNIN)
        code = otp_code_new()
        otp = WithdrawalOtp.objects.create(
            account=account,
            purpose=WithdrawalOtp.Purpose.SIGNIN,
            amount_paise=0,
            code_hash=otp_hash(code),
            created_at=now,
            expires_at=now + otp_ttl(),
        )
        sms_queue(
            to=account.customer.mobile,
            template_key="banking.signin_otp",
            context={
                "otp": code,
                "account": "XX" + number[-4:],
                "minutes": str(settings.BANKING_OTP_TTL_SECONDS // 60),
            },
            lang=account.customer.sms_language,
            secret=True,
        )
    mobile = account.customer.mobile
    return OtpSent(otp.pk, otp.expires_at, mobile[:2] + "XXXXXX" + mobile[-2:])


def selfservice_signin_verify(*, account_number: str, code: str) -> str:
    """Check a sign-in code and spend it; returns the account number to sign in.

    A wrong code counts against the code's 5 tries (kept even though this raises:
    banking.otp); after 5 the code is dead (OtpExpired) and a new one must be sent.
    With no live code for the account (or no such account) OtpRequired: the same
    answer, so the form does not reveal which numbers exist."""
    from .exceptions import AccountNumberInvalid, OtpRequired

    number = (account_number or "").strip()
    if not account_number_valid(number):
        raise AccountNumberInvalid
    account = SavingsAccount.objects.filter(number=number).exclude(status=SavingsAccount.Status.CLOSED).first()
    if account is None:
        raise OtpRequired
    otp_id = otp_verify(
        account=account, purpose=WithdrawalOtp.Purpose.SIGNIN, amount_paise=0, code=(code or "").strip()
    )
    with transaction.atomic():
        otp_consume_in_transaction(otp_id=otp_id)
    return account.number


def selfservice_transfer_post(
    *, from_number: str, to_number: str, amount_paise: int, otp: str | None, memo: str = ""
) -> TransferResult:
    """A transfer the holder makes in self-service: always with their OTP (purpose
    "transfer", for exactly this amount), whatever the amount, since nobody at a counter
    has seen them. Above the consent threshold transfer_post checks and spends the code
    itself; below it the code is checked here and spent in the same transaction as the
    transfer, so a refused transfer (insufficient funds) leaves the code unspent.
    The entry has no staff actor; its memo says it came from self-service."""
    amount_check(amount_paise)
    memo = (memo or "").strip()[:150]
    memo = f"self-service: {memo}" if memo else "self-service"
    if _needs_consent(amount_paise):
        return transfer_post(
            from_number=from_number, to_number=to_number, amount_paise=amount_paise, actor=None, otp=otp, memo=memo
        )
    if from_number == to_number:
        raise SameAccount
    payer = _account_get(from_number)
    _account_usable(payer, credit=False)
    otp_id = otp_verify(account=payer, purpose=WithdrawalOtp.Purpose.TRANSFER, amount_paise=amount_paise, code=otp)
    with transaction.atomic():
        otp_consume_in_transaction(otp_id=otp_id)
        return transfer_post(
            from_number=from_number, to_number=to_number, amount_paise=amount_paise, actor=None, memo=memo
        )


# One DLT variable holds at most 30 characters: each transaction is one ("05-10 Dr ₹500.00").
_MINI_WORDS = {"en": ("Dr", "Cr", "no transaction"), "hi": ("नामे", "जमा", "कोई लेन-देन नहीं")}


def mini_statement_send(*, account_number: str, actor=None, lang: str | None = None) -> MiniStatementSent:
    """SMS the holder the last 5 transactions and the balance (template banking.mini_statement),
    asked for by a clerk (`actor`) or by the holder in self-service (actor None).

    `lang` "hi" or "en", default the holder's SMS language. At most one every
    BANKING_MINI_STATEMENT_COOLDOWN_SECONDS and BANKING_MINI_STATEMENT_DAILY_CAP a day
    (IST) per account, counted in the database (MiniStatementSend rows, under the
    account's row lock), so an outage of the cache neither breaks this nor lets a
    stream of SMS through."""
    from .exceptions import MiniStatementCooldown, MiniStatementDailyLimit

    account = _account_get(account_number)
    if account.status == SavingsAccount.Status.CLOSED:
        raise AccountNotActive(details={"status": account.status})
    lang = lang or account.customer.sms_language
    if lang not in _MINI_WORDS:
        raise ValueError(f"SMS language must be hi or en, not {lang!r}")
    with transaction.atomic():
        # One sender at a time per account: the cooldown and the cap hold under races.
        account = _account_get(account.number, lock=True)
        now = timezone.now()
        sends = MiniStatementSend.objects.filter(account=account)
        last = sends.order_by("-created_at").values_list("created_at", flat=True).first()
        if last is not None and now - last < timedelta(seconds=settings.BANKING_MINI_STATEMENT_COOLDOWN_SECONDS):
            raise MiniStatementCooldown
        if sends.filter(created_at__gte=otp_window_start(now)).count() >= settings.BANKING_MINI_STATEMENT_DAILY_CAP:
            raise MiniStatementDailyLimit
        MiniStatementSend.objects.create(account=account, created_at=now, sent_by_id=_actor_id(actor))
        return _mini_statement_queue_in_transaction(account, lang)


def _mini_statement_queue_in_transaction(account: SavingsAccount, lang: str) -> MiniStatementSent:
    debit_word, credit_word, none_word = _MINI_WORDS[lang]
    rows = selectors.mini_statement_rows(account_number=account.number, count=5)
    lines = [
        f"{row.day:%d-%m} {debit_word if row.debit_paise else credit_word} "
        f"{format_inr(row.debit_paise or row.credit_paise)}"
        for row in reversed(rows)  # newest first, as a passbook enquiry reads
    ]
    lines = (lines or [none_word]) + ["-"] * (5 - max(len(lines), 1))
    # The balance is read inside the transaction the SMS is queued in.
    balance = selectors.balance_of(account_number=account.number)
    sms_queue(
        to=account.customer.mobile,
        template_key="banking.mini_statement",
        context={
            "account": "XX" + account.number[-4:],
            **{f"t{i + 1}": line for i, line in enumerate(lines)},
            "balance": format_inr(balance),
            "at": timezone.localtime().strftime("%d-%m-%Y %H:%M"),
        },
        lang=lang,
    )
    mobile = account.customer.mobile
    return MiniStatementSent(mobile[:2] + "XXXXXX" + mobile[-2:], len(rows), balance)
