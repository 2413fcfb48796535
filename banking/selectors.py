"""Every read of banking that is more than a get. Other apps read banking only here.

Dates are Indian dates: a day runs from 00:00 to 24:00 Asia/Kolkata, whatever the
server's clock; stored times are UTC.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import connection
from django.db.models import Case, Count, F, Q, Sum, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import PostOffice, Role
from accounts.rawsql import model_from_row
from core.exceptions import NotFound

from .models import (
    CapBreach,
    Customer,
    JournalEntry,
    LedgerAccount,
    LedgerCheckRun,
    OfficeUpiPayee,
    Payment,
    Posting,
    ReversalRequest,
    SavingsAccount,
    Till,
)
from .numbers import account_number_valid

Kind = LedgerAccount.Kind


def ist_day_bounds(day_from: date, day_to: date | None = None) -> tuple[datetime, datetime]:
    """[00:00 IST of day_from, 00:00 IST of the day after day_to) as aware datetimes."""
    tz = timezone.get_default_timezone()  # TIME_ZONE = Asia/Kolkata
    day_to = day_to or day_from
    start = timezone.make_aware(datetime.combine(day_from, time.min), tz)
    end = timezone.make_aware(datetime.combine(day_to + timedelta(days=1), time.min), tz)
    return start, end


# --- balances ------------------------------------------------------------------------------


def balance_of(*, account_number: str) -> int:
    """The account's balance in paise (its stored running balance)."""
    return SavingsAccount.objects.filter(number=account_number).values_list("ledger__balance_paise", flat=True).get()


def till_balance(*, till_id: int) -> int:
    """The cash the till should hold now (paise)."""
    return Till.objects.filter(pk=till_id).values_list("ledger__balance_paise", flat=True).get()


def open_till_for(*, clerk_id: int) -> Till | None:
    """The clerk's open till, if any (at most one: a database constraint)."""
    return Till.objects.select_related("ledger").filter(clerk_id=clerk_id, status=Till.Status.OPEN).first()


def _columns(model) -> list[str]:
    return [f.attname for f in model._meta.concrete_fields]


# alias -> (model, columns): every column of the account, its ledger row and its holder;
# of the office only what the access check needs (the rest loads on first use).
_ACCOUNT_PARTS = {
    "a": (SavingsAccount, _columns(SavingsAccount)),
    "l": (LedgerAccount, _columns(LedgerAccount)),
    "c": (Customer, _columns(Customer)),
    "o": (PostOffice, ["id", "head_office_id"]),
}
# Column names come from the models' metadata; the number is a query parameter.
_ACCOUNT_SQL = (
    "SELECT "  # noqa: S608
    + ", ".join(f"{alias}.{column}" for alias, (_model, columns) in _ACCOUNT_PARTS.items() for column in columns)
    + " FROM banking_savingsaccount a"
    " JOIN banking_ledgeraccount l ON l.id = a.ledger_id"
    " JOIN banking_customer c ON c.id = a.customer_id"
    " JOIN accounts_postoffice o ON o.id = a.office_id"
    " WHERE a.number = %s"
)


def savings_account_get(*, number: str) -> SavingsAccount | None:
    """The account with its ledger row (balance), holder and office, in one round trip
    and without the ORM's query compiler: this runs twice on every money movement
    (access check, then the service). Fields not selected here are deferred: Django
    loads them on first access, as with .only()."""
    with connection.cursor() as cursor:
        cursor.execute(_ACCOUNT_SQL, [number])
        row = cursor.fetchone()
    if row is None:
        return None
    objects = {}
    at = 0
    for alias, (model, columns) in _ACCOUNT_PARTS.items():
        objects[alias] = model_from_row(model, columns, row[at : at + len(columns)])
        at += len(columns)
    account = objects["a"]
    SavingsAccount.ledger.field.set_cached_value(account, objects["l"])
    SavingsAccount.customer.field.set_cached_value(account, objects["c"])
    SavingsAccount.office.field.set_cached_value(account, objects["o"])
    return account


# --- who may act on an account -------------------------------------------------------------

# The roles that work banking at a post office (an administrator acts for every office).
BANKING_ROLES = (Role.COUNTER_CLERK, Role.POSTMASTER)


def banking_office_allowed(user, *, office_id: int, head_office_id: int | None) -> bool:
    """The one access rule of banking: an office's banking (its accounts, tills, requests)
    is worked by its own clerks and postmaster and by those of its head office; an
    administrator works every office's. The banking API's access_* functions and the
    services that debit an account on another app's behalf (payment_take,
    withdrawal_otp_send) all ask this, so no path applies a looser rule."""
    if user is None or not user.is_authenticated:
        return False
    if user.role == Role.ADMINISTRATOR:
        return True
    if user.role not in BANKING_ROLES or user.post_office_id is None:
        return False
    return user.post_office_id in (office_id, head_office_id)


def account_allowed_for(user, account: SavingsAccount) -> bool:
    """May `user` act on `account` (read with savings_account_get: its office is loaded)?"""
    return banking_office_allowed(user, office_id=account.office_id, head_office_id=account.office.head_office_id)


def account_for(*, actor, account_number: str) -> SavingsAccount | None:
    """The account `actor` may act on, with its ledger row, holder and office; None when
    there is no such account and equally when it belongs to an office the actor does not
    serve, so a caller cannot tell the two apart (and says "no such account" for both)."""
    if not isinstance(account_number, str) or not account_number_valid(account_number):
        return None
    account = savings_account_get(number=account_number)
    if account is None or not account_allowed_for(actor, account):
        return None
    return account


def accounts_of_customer(*, customer_id: int) -> list[SavingsAccount]:
    return list(SavingsAccount.objects.filter(customer_id=customer_id).select_related("ledger").order_by("number"))


def ledger_sums(*, office_id: int, until: datetime | None = None) -> dict[str, int]:
    """Balance of each internal account of the office (in its normal sign), from the
    sum of its postings (internal accounts keep no stored balance), optionally as at `until`."""
    postings = Posting.objects.filter(account__office_id=office_id).exclude(
        account__kind__in=LedgerAccount.STORED_BALANCE_KINDS
    )
    if until is not None:
        postings = postings.filter(created_at__lt=until)
    sums = {kind: 0 for kind in Kind.values if kind not in LedgerAccount.STORED_BALANCE_KINDS}
    for kind, total in postings.values_list("account__kind").annotate(total=Sum("amount_paise")):
        sign = 1 if kind in LedgerAccount.DEBIT_NORMAL_KINDS else -1
        sums[kind] = sign * (total or 0)
    return sums


# --- statements ----------------------------------------------------------------------------


@dataclass(frozen=True)
class StatementRow:
    entry_id: int
    posted_at: datetime  # aware; show with the `ist` filter
    day: date  # the Indian date
    kind: str  # JournalEntry.Kind value
    kind_label: str  # translated, in the active language
    memo: str
    counterparty: str  # the other account of a transfer, masked (XX1234), else ""
    debit_paise: int  # money out of the account
    credit_paise: int  # money into the account
    balance_paise: int  # running balance after this row


@dataclass(frozen=True)
class Statement:
    account_number: str
    holder_name: str
    office_id: int
    date_from: date
    date_to: date
    opening_balance_paise: int
    closing_balance_paise: int
    total_debit_paise: int
    total_credit_paise: int
    rows: list[StatementRow] = field(default_factory=list)


def statement_for(*, account_number: str, date_from: date, date_to: date) -> Statement:
    """The passbook for [date_from, date_to] (Indian dates, both included): opening
    balance, one row per entry with its running balance, closing balance."""
    if date_to < date_from:
        date_from, date_to = date_to, date_from
    account = SavingsAccount.objects.select_related("customer").get(number=account_number)
    start, end = ist_day_bounds(date_from, date_to)
    mine = Posting.objects.filter(account_id=account.ledger_id)
    # A savings account is credit-normal: its balance is minus the sum of its postings.
    opening = -(mine.filter(created_at__lt=start).aggregate(s=Sum("amount_paise"))["s"] or 0)
    postings = list(
        mine.filter(created_at__gte=start, created_at__lt=end)
        .order_by("created_at", "id")
        .values_list("entry_id", "amount_paise", "created_at", "entry__kind", "entry__memo")
    )
    others = _counterparties([p[0] for p in postings if p[3] == JournalEntry.Kind.TRANSFER], account.ledger_id)
    labels = dict(JournalEntry.Kind.choices)
    rows = []
    balance = opening
    debits = credits = 0
    for entry_id, amount, posted_at, kind, memo in postings:
        balance -= amount
        debit, credit = (amount, 0) if amount > 0 else (0, -amount)
        debits += debit
        credits += credit
        rows.append(
            StatementRow(
                entry_id=entry_id,
                posted_at=posted_at,
                day=timezone.localtime(posted_at).date(),
                kind=kind,
                kind_label=str(labels.get(kind, kind)),
                memo=memo,
                counterparty=others.get(entry_id, ""),
                debit_paise=debit,
                credit_paise=credit,
                balance_paise=balance,
            )
        )
    return Statement(
        account_number=account.number,
        holder_name=account.customer.name,
        office_id=account.office_id,
        date_from=date_from,
        date_to=date_to,
        opening_balance_paise=opening,
        closing_balance_paise=balance,
        total_debit_paise=debits,
        total_credit_paise=credits,
        rows=rows,
    )


def statement_rows(*, account_number: str, date_from: date, date_to: date) -> list[StatementRow]:
    """Just the rows of statement_for (running balance included)."""
    return statement_for(account_number=account_number, date_from=date_from, date_to=date_to).rows


def mini_statement_rows(*, account_number: str, count: int = 5) -> list[StatementRow]:
    """The last `count` rows, oldest first, with running balances (for the SMS mini-statement)."""
    account = SavingsAccount.objects.get(number=account_number)
    last = list(
        Posting.objects.filter(account_id=account.ledger_id)
        .order_by("-created_at", "-id")
        .values_list("created_at", flat=True)[: max(count, 1)]
    )
    if not last:
        return []
    first_day = timezone.localtime(last[-1]).date()
    rows = statement_rows(account_number=account_number, date_from=first_day, date_to=timezone.localdate())
    return rows[-count:]


def _counterparties(entry_ids: list[int], own_ledger_id: int) -> dict[int, str]:
    if not entry_ids:
        return {}
    pairs = (
        Posting.objects.filter(entry_id__in=entry_ids)
        .exclude(account_id=own_ledger_id)
        .values_list("entry_id", "account__savings_account__number")
    )
    return {entry_id: "XX" + number[-4:] for entry_id, number in pairs if number}


# --- UPI ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class UpiPayee:
    vpa: str
    payee_name: str


def upi_payee_for(*, office_id: int) -> UpiPayee:
    """The office's UPI payee (admin: Office UPI payees), else the settings' default."""
    row = OfficeUpiPayee.objects.filter(office_id=office_id).first()
    if row is not None:
        return UpiPayee(row.vpa, row.payee_name)
    return UpiPayee(settings.BANKING_UPI_VPA, settings.BANKING_UPI_PAYEE_NAME)


def upi_pending(*, office_id: int) -> list[Payment]:
    """UPI payments shown as a QR and waiting for their UTR, oldest first."""
    return list(
        Payment.objects.filter(office_id=office_id, method=Payment.Method.UPI, status=Payment.Status.PENDING).order_by(
            "created_at", "id"
        )
    )


@dataclass(frozen=True)
class UpiReconciliation:
    office_id: int
    day: date
    confirmed: list[dict]  # {"payment_id", "reference", "utr", "total_paise", "confirmed_at"}
    confirmed_total_paise: int
    pending_count: int
    pending_total_paise: int
    cancelled_count: int
    refunded_total_paise: int
    clearing_balance_paise: int  # what the bank owes the office on UPI at the end of the day


def upi_reconciliation(*, office_id: int, day: date) -> UpiReconciliation:
    """The day's UPI payments of an office, to tick off against the bank's settlement (by UTR)."""
    start, end = ist_day_bounds(day)
    upi = Payment.objects.filter(office_id=office_id, method=Payment.Method.UPI)
    confirmed = list(
        upi.filter(confirmed_at__gte=start, confirmed_at__lt=end, utr__isnull=False)
        .order_by("confirmed_at", "id")
        .values("id", "reference", "utr", "total_paise", "confirmed_at", "status")
    )
    pending = upi.filter(status=Payment.Status.PENDING, created_at__lt=end).aggregate(
        n=Count("id"), total=Coalesce(Sum("total_paise"), 0)
    )
    cancelled = upi.filter(status=Payment.Status.CANCELLED, created_at__gte=start, created_at__lt=end).count()
    refunded = upi.filter(
        status=Payment.Status.REFUNDED, refund_entry__created_at__gte=start, refund_entry__created_at__lt=end
    ).aggregate(total=Coalesce(Sum("total_paise"), 0))["total"]
    return UpiReconciliation(
        office_id=office_id,
        day=day,
        confirmed=[
            {
                "payment_id": row["id"],
                "reference": row["reference"],
                "utr": row["utr"],
                "total_paise": row["total_paise"],
                "confirmed_at": row["confirmed_at"],
                "status": row["status"],
            }
            for row in confirmed
        ],
        confirmed_total_paise=sum(row["total_paise"] for row in confirmed),
        pending_count=pending["n"],
        pending_total_paise=pending["total"],
        cancelled_count=cancelled,
        refunded_total_paise=refunded,
        clearing_balance_paise=ledger_sums(office_id=office_id, until=end)[Kind.UPI_CLEARING],
    )


def payment_get(*, payment_id: int) -> Payment:
    payment = Payment.objects.filter(pk=payment_id).first()
    if payment is None:
        raise NotFound
    return payment


def entry_office_id(*, entry_id: int) -> int | None:
    return JournalEntry.objects.filter(pk=entry_id).values_list("office_id", flat=True).first()


# --- the postmaster's lists ---------------------------------------------------------------------


def reversal_requests_pending(*, office_ids: list[int] | None = None) -> list[ReversalRequest]:
    qs = ReversalRequest.objects.filter(status=ReversalRequest.Status.PENDING).select_related("entry", "requested_by")
    if office_ids is not None:
        qs = qs.filter(office_id__in=office_ids)
    return list(qs.order_by("requested_at", "id"))


def cap_breaches_open(*, office_ids: list[int] | None = None) -> list[CapBreach]:
    """Holders left above the end-of-day cap (no linked POSB account), newest first."""
    qs = CapBreach.objects.filter(resolved_at=None).select_related("customer")
    if office_ids is not None:
        qs = qs.filter(office_id__in=office_ids)
    return list(qs.order_by("-day", "id"))


def ledger_check_latest() -> LedgerCheckRun | None:
    """The last finished `ledger_check` run (for the postmaster's home)."""
    return LedgerCheckRun.objects.exclude(finished_at=None).order_by("-finished_at", "-id").first()


# --- for the services ----------------------------------------------------------------------------


def holders_over_cap(*, cap_paise: int) -> list[int]:
    """Ids of customers whose accounts (not closed) hold more than `cap_paise` together."""
    return list(
        SavingsAccount.objects.exclude(status=SavingsAccount.Status.CLOSED)
        .values("customer_id")
        .annotate(total=Sum("ledger__balance_paise"))
        .filter(total__gt=cap_paise)
        .order_by("customer_id")
        .values_list("customer_id", flat=True)
    )


def ledger_problems() -> tuple[list[str], int, int]:
    """Every ledger invariant, checked from the rows themselves:
    1. each entry has at least two postings and they add up to zero;
    2. each stored balance equals the sum of its account's postings (in its sign);
    3. no stored or computed balance of a customer account or till is negative;
    4. a closed till holds nothing;
    5. a closed savings account holds nothing;
    6. the balance row of a frozen or closed savings account takes no postings, and that
       of an active one does (the flag the posting engine checks, kept with the status).
    Returns (problems as readable lines, entries checked, accounts checked)."""
    problems: list[str] = []
    unbalanced = (
        JournalEntry.objects.annotate(total=Coalesce(Sum("postings__amount_paise"), 0), n=Count("postings"))
        .filter(Q(n__lt=2) | ~Q(total=0))
        .values_list("id", "total", "n")
        .order_by("id")
    )
    for entry_id, total, n in unbalanced:
        problems.append(f"entry {entry_id} does not balance: {n} postings, sum {total} paise")
    stored = LedgerAccount.objects.filter(kind__in=LedgerAccount.STORED_BALANCE_KINDS).annotate(
        posted=Coalesce(Sum("postings__amount_paise"), 0)
    )
    stored = stored.annotate(
        expected=Case(When(kind__in=LedgerAccount.DEBIT_NORMAL_KINDS, then=F("posted")), default=-F("posted"))
    )
    for account_id, kind, balance, expected in (
        stored.filter(Q(balance_paise__isnull=True) | ~Q(balance_paise=F("expected")))
        .values_list("id", "kind", "balance_paise", "expected")
        .order_by("id")
    ):
        problems.append(
            f"{kind} account {account_id}: stored balance {balance} paise, sum of postings {expected} paise"
        )
    for account_id, kind, balance, expected in (
        stored.filter(Q(balance_paise__lt=0) | Q(expected__lt=0))
        .values_list("id", "kind", "balance_paise", "expected")
        .order_by("id")
    ):
        problems.append(f"{kind} account {account_id} is negative: stored {balance}, postings {expected} paise")
    for till_id, balance in (
        Till.objects.filter(status=Till.Status.CLOSED)
        .exclude(ledger__balance_paise=0)
        .values_list("id", "ledger__balance_paise")
    ):
        problems.append(f"till {till_id} is closed but holds {balance} paise")
    for number, balance in (
        SavingsAccount.objects.filter(status=SavingsAccount.Status.CLOSED)
        .exclude(ledger__balance_paise=0)
        .values_list("number", "ledger__balance_paise")
        .order_by("number")
    ):
        problems.append(f"savings account {number} is closed but holds {balance} paise")
    for number, status, postable in (
        SavingsAccount.objects.filter(
            Q(status=SavingsAccount.Status.ACTIVE, ledger__postable=False)
            | ~Q(status=SavingsAccount.Status.ACTIVE) & Q(ledger__postable=True)
        )
        .values_list("number", "status", "ledger__postable")
        .order_by("number")
    ):
        state = "takes" if postable else "refuses"
        problems.append(f"savings account {number} is {status} but its balance row {state} postings")
    return problems, JournalEntry.objects.count(), LedgerAccount.objects.count()


# --- the savings pages and customer self-service ------------------------------------------------


@dataclass(frozen=True)
class AccountBrief:
    """What self-service shows of an account: its own holder sees all of it; a payee's
    name is shown masked (R** K****) so the payer can check it before confirming."""

    number: str
    holder_name: str
    status: str
    balance_paise: int
    office_id: int
    mobile_masked: str


def account_brief(*, account_number: str) -> AccountBrief | None:
    """The account (live balance), or None when there is no such account."""
    row = (
        SavingsAccount.objects.filter(number=account_number)
        .values_list("number", "customer__name", "status", "ledger__balance_paise", "office_id", "customer__mobile")
        .first()
    )
    if row is None:
        return None
    number, name, status, balance, office_id, mobile = row
    return AccountBrief(number, name, status, balance, office_id, mobile[:2] + "XXXXXX" + mobile[-2:])


def savings_accounts_search(*, query: str, office_ids: list[int] | None, limit: int = 20) -> list[SavingsAccount]:
    """Accounts of these offices (None: every office) whose number is `query` or whose
    holder's mobile is `query` (spaces and dashes ignored; a mobile may start with +91
    or 0). The clerk's "find an account"; anything else finds nothing."""
    digits = "".join(ch for ch in (query or "") if ch in "0123456789")
    if len(digits) == 12 and digits.startswith("91"):
        digits = digits[2:]
    elif len(digits) == 11 and digits.startswith("0"):
        digits = digits[1:]
    if len(digits) not in (10, 12):
        return []
    accounts = SavingsAccount.objects.select_related("customer", "ledger", "office")
    accounts = accounts.filter(number=digits) if len(digits) == 12 else accounts.filter(customer__mobile=digits)
    if office_ids is not None:
        accounts = accounts.filter(office_id__in=office_ids)
    return list(accounts.order_by("number")[:limit])
