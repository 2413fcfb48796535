"""Savings accounts and the double-entry ledger.

Money moves only as a JournalEntry with two or more Postings whose amounts add up to
zero. A posting's amount is signed: positive = debit, negative = credit (paise).
Entries and postings are append-only; a correction is a reversal entry. On PostgreSQL
the database itself refuses an unbalanced entry (a deferred constraint trigger checked
at commit) and any UPDATE or DELETE of an entry or a posting (migration 0002).

Hot rows (ARCHITECTURE.md): only accounts with an overdraw rule keep a stored balance
(a customer's savings account and a counter till). Internal accounts that every booking
touches (income, GST payable, UPI clearing, ...) are one per office and their balance
is the sum of their postings: no counter row is updated per entry.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import mobile_validator, pin_validator

from .numbers import aadhaar_mask


class Gender(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    OTHER = "other", _("Other")


class Customer(models.Model):
    """An account holder. The Aadhaar number is never stored: only its last four
    digits (to show `XXXX-XXXX-1234`) and a keyed HMAC (to find a duplicate holder)."""

    name = models.CharField(_("name"), max_length=120)
    mobile = models.CharField(_("mobile"), max_length=10, validators=[mobile_validator])
    address = models.CharField(_("address"), max_length=300)
    pin = models.CharField(_("PIN code"), max_length=6, validators=[pin_validator])
    date_of_birth = models.DateField(_("date of birth"))
    gender = models.CharField(_("gender"), max_length=8, choices=Gender.choices)
    sms_language = models.CharField(
        _("SMS language"), max_length=2, choices=[("hi", "हिन्दी"), ("en", "English")], default="hi"
    )
    aadhaar_last_four = models.CharField(_("Aadhaar (last four digits)"), max_length=4, blank=True)
    aadhaar_hash = models.CharField(_("Aadhaar keyed hash"), max_length=64, blank=True, editable=False)
    # Set by the end-of-day POSB sweep when the holder is over the cap and the excess
    # could not be swept (no linked POSB account). Credits are refused while it is set.
    over_cap_since = models.DateField(_("over the balance cap since"), null=True, blank=True)
    office = models.ForeignKey(
        "accounts.PostOffice", on_delete=models.PROTECT, related_name="+", verbose_name=_("home office")
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("created by")
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["aadhaar_hash"], condition=~Q(aadhaar_hash=""), name="customer_unique_aadhaar"
            ),
            models.CheckConstraint(
                condition=Q(aadhaar_last_four="") | Q(aadhaar_last_four__regex=r"^[0-9]{4}$"),
                name="customer_aadhaar_last_four_digits",
            ),
        ]
        indexes = [models.Index(fields=["mobile"], name="customer_mobile_idx")]
        verbose_name = _("customer")
        verbose_name_plural = _("customers")

    def __str__(self) -> str:
        return self.name

    @property
    def aadhaar_masked(self) -> str:
        return aadhaar_mask(self.aadhaar_last_four)


class LedgerAccount(models.Model):
    class Kind(models.TextChoices):
        CUSTOMER = "customer", _("Customer savings")
        TILL = "till", _("Counter till")
        OFFICE_CASH = "office_cash", _("Office cash (vault)")
        UPI_CLEARING = "upi_clearing", _("UPI clearing")
        POSTAGE_INCOME = "postage_income", _("Postage income")
        FEE_INCOME = "fee_income", _("Fee income")
        SERVICE_INCOME = "service_income", _("Service income")
        GST_PAYABLE = "gst_payable", _("GST payable")
        CASH_SHORTAGE_EXCESS = "cash_shortage_excess", _("Cash shortage and excess")
        POSB_SWEEP = "posb_sweep", _("POSB sweep")

    # Kinds whose row keeps a stored balance, because an overdraw check needs it.
    STORED_BALANCE_KINDS = frozenset({Kind.CUSTOMER, Kind.TILL})
    # Debit-normal accounts (assets, expenses): balance = +sum(postings).
    # The others are credit-normal (what we owe, income): balance = -sum(postings).
    DEBIT_NORMAL_KINDS = frozenset({Kind.TILL, Kind.OFFICE_CASH, Kind.UPI_CLEARING, Kind.CASH_SHORTAGE_EXCESS})
    INCOME_KINDS = frozenset({Kind.POSTAGE_INCOME, Kind.FEE_INCOME, Kind.SERVICE_INCOME})

    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    office = models.ForeignKey(
        "accounts.PostOffice", on_delete=models.PROTECT, related_name="+", verbose_name=_("post office")
    )
    # Only for STORED_BALANCE_KINDS, in the account's normal sign; NULL for the others.
    balance_paise = models.BigIntegerField(_("balance (paise)"), null=True, blank=True)
    # False while the savings account on this row is frozen or closed (set only by
    # banking.services.account_status_change, with the status, under this row's lock).
    # The posting engine's conditional UPDATE requires it, so a posting that checked the
    # status before a freeze or close committed is refused in its own locked write.
    postable = models.BooleanField(_("open to postings"), default=True, db_default=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(balance_paise__isnull=True) | Q(balance_paise__gte=0), name="ledger_balance_not_negative"
            ),
            models.CheckConstraint(
                condition=(Q(kind__in=["customer", "till"]) & Q(balance_paise__isnull=False))
                | (~Q(kind__in=["customer", "till"]) & Q(balance_paise__isnull=True)),
                name="ledger_stored_balance_only_where_needed",
            ),
            # One internal account of each kind per office.
            models.UniqueConstraint(
                fields=["office", "kind"],
                condition=~Q(kind__in=["customer", "till"]),
                name="ledger_one_internal_account_per_office",
            ),
        ]
        verbose_name = _("ledger account")
        verbose_name_plural = _("ledger accounts")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def sign(self) -> int:
        """+1 when a debit raises the balance, -1 when a credit does."""
        return 1 if self.kind in self.DEBIT_NORMAL_KINDS else -1


class AccountSerial(models.Model):
    """A sequence for savings account numbers: insert a row, use its key.
    An auto-increment key is a database sequence, so no row is a hot spot."""

    id = models.BigAutoField(primary_key=True)

    def __str__(self) -> str:
        return str(self.pk)


class SavingsAccount(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        FROZEN = "frozen", _("Frozen")
        CLOSED = "closed", _("Closed")

    number = models.CharField(_("account number"), max_length=12, unique=True)
    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="accounts", verbose_name=_("customer")
    )
    office = models.ForeignKey(
        "accounts.PostOffice", on_delete=models.PROTECT, related_name="+", verbose_name=_("post office")
    )
    # The stored running balance lives on this ledger row (CHECK balance >= 0 there).
    ledger = models.OneToOneField(
        LedgerAccount, on_delete=models.PROTECT, related_name="savings_account", verbose_name=_("ledger account")
    )
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.ACTIVE)
    nominee_name = models.CharField(_("nominee"), max_length=120, blank=True)
    nominee_relation = models.CharField(_("nominee's relation"), max_length=40, blank=True)
    posb_account = models.CharField(_("linked POSB account"), max_length=20, blank=True)
    opened_at = models.DateTimeField(_("opened at"), default=timezone.now)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("opened by")
    )

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(number__regex=r"^1[0-9]{11}$"), name="savings_number_shape"),
        ]
        verbose_name = _("savings account")
        verbose_name_plural = _("savings accounts")

    def __str__(self) -> str:
        return self.number

    @property
    def balance_paise(self) -> int:
        return self.ledger.balance_paise


class AccountStatusChange(models.Model):
    """History of a savings account's status (append-only)."""

    account = models.ForeignKey(SavingsAccount, on_delete=models.PROTECT, related_name="status_changes")
    old_status = models.CharField(max_length=8, blank=True)
    new_status = models.CharField(max_length=8)
    reason = models.CharField(max_length=300, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.account_id}: {self.old_status} -> {self.new_status}"


class Till(models.Model):
    """A counter clerk's cash drawer for one session: opened with a float from the
    office vault, closed by counting. Its ledger row keeps a stored balance (no
    withdrawal may pay out cash the drawer does not hold)."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    office = models.ForeignKey(
        "accounts.PostOffice", on_delete=models.PROTECT, related_name="+", verbose_name=_("post office")
    )
    clerk = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("clerk")
    )
    ledger = models.OneToOneField(LedgerAccount, on_delete=models.PROTECT, related_name="till")
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.OPEN)
    opening_paise = models.BigIntegerField(_("opening float (paise)"))
    opened_at = models.DateTimeField(_("opened at"), default=timezone.now)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    expected_paise = models.BigIntegerField(_("expected cash (paise)"), null=True, blank=True)
    counted_paise = models.BigIntegerField(_("counted cash (paise)"), null=True, blank=True)
    close_entry = models.ForeignKey("JournalEntry", on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["clerk"], condition=Q(status="open"), name="till_one_open_per_clerk"),
            models.CheckConstraint(condition=Q(opening_paise__gte=0), name="till_opening_not_negative"),
        ]
        verbose_name = _("till")
        verbose_name_plural = _("tills")

    def __str__(self) -> str:
        return f"{_('Till')} #{self.pk}"


class ClosedOfficeDay(models.Model):
    """An office day whose cash is closed (the postmaster closed the day at the counter):
    no till of the office opens, and no cash moves through one, on that Indian date."""

    office = models.ForeignKey(
        "accounts.PostOffice", on_delete=models.PROTECT, related_name="+", verbose_name=_("post office")
    )
    day = models.DateField(_("day"))
    closed_at = models.DateTimeField(_("closed at"), default=timezone.now)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["office", "day"], name="banking_office_day_closed_once")]
        verbose_name = _("closed office day")
        verbose_name_plural = _("closed office days")

    def __str__(self) -> str:
        return f"{self.office_id} {self.day}"


class JournalEntry(models.Model):
    class Kind(models.TextChoices):
        DEPOSIT = "deposit", _("Cash deposit")
        WITHDRAWAL = "withdrawal", _("Cash withdrawal")
        TRANSFER = "transfer", _("Transfer")
        FEE = "fee", _("Fee")
        REVERSAL = "reversal", _("Reversal")
        TILL_OPEN = "till_open", _("Till opened")
        TILL_CLOSE = "till_close", _("Till closed")
        PAYMENT = "payment", _("Payment")
        REFUND = "refund", _("Refund")
        POSB_SWEEP = "posb_sweep", _("Sweep to POSB")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    memo = models.CharField(_("memo"), max_length=200, blank=True)
    office = models.ForeignKey(
        "accounts.PostOffice", on_delete=models.PROTECT, related_name="+", verbose_name=_("post office")
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("by")
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    # Unique: an entry is reversed at most once, and the database says so.
    reverses = models.OneToOneField("self", on_delete=models.PROTECT, null=True, blank=True, related_name="reversed_by")
    # The Idempotency-Key of the API request that made it (records are purged after
    # a while; the key stays here for the audit trail).
    idempotency_key = models.CharField(_("idempotency key"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("journal entry")
        verbose_name_plural = _("journal entries")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"


class Posting(models.Model):
    """One line of an entry: positive = debit, negative = credit."""

    entry = models.ForeignKey(JournalEntry, on_delete=models.PROTECT, related_name="postings")
    account = models.ForeignKey(LedgerAccount, on_delete=models.PROTECT, related_name="postings")
    amount_paise = models.BigIntegerField()
    # Copied from the entry (both are immutable) so a statement reads one table.
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.CheckConstraint(condition=~Q(amount_paise=0), name="posting_amount_not_zero")]
        indexes = [models.Index(fields=["account", "created_at", "id"], name="posting_account_time_idx")]

    def __str__(self) -> str:
        return f"{self.entry_id}: {self.account_id} {self.amount_paise:+d}"


class WithdrawalOtp(models.Model):
    """A one-time code the holder receives by SMS to consent to one debit of one amount."""

    class Purpose(models.TextChoices):
        WITHDRAWAL = "withdrawal", _("Withdrawal")
        TRANSFER = "transfer", _("Transfer")
        PAYMENT = "payment", _("Payment")
        # Customer self-service sign-in (amount 0): banking.selfservice.
        SIGNIN = "signin", _("Self-service sign-in")

    account = models.ForeignKey(SavingsAccount, on_delete=models.PROTECT, related_name="+")
    purpose = models.CharField(max_length=12, choices=Purpose.choices)
    amount_paise = models.BigIntegerField()
    code_hash = models.CharField(max_length=100)  # "salt$HMAC-SHA256" keyed with SECRET_KEY; never the code
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)
    superseded = models.BooleanField(default=False)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")

    class Meta:
        indexes = [models.Index(fields=["account", "created_at"], name="withdrawal_otp_account_idx")]

    def __str__(self) -> str:
        return f"OTP #{self.pk} for {self.account_id}"


class MiniStatementSend(models.Model):
    """One mini-statement SMS sent to the holder. Its cooldown and daily cap count these
    rows (under the account's row lock), not the cache: with Redis down the holder is
    neither flooded nor refused (banking.services.mini_statement_send)."""

    account = models.ForeignKey(SavingsAccount, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")

    class Meta:
        indexes = [models.Index(fields=["account", "created_at"], name="mini_statement_send_idx")]

    def __str__(self) -> str:
        return f"mini-statement #{self.pk} for {self.account_id}"


class ReversalRequest(models.Model):
    """Maker-checker: a clerk asks, a postmaster (not the same person) approves."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    entry = models.ForeignKey(JournalEntry, on_delete=models.PROTECT, related_name="reversal_requests")
    office = models.ForeignKey("accounts.PostOffice", on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("reason"), max_length=300)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(max_length=300, blank=True)
    reversal_entry = models.OneToOneField(
        JournalEntry, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Set when the request is to refund a payment (one with no owner: an owner's payment
    # is refunded by its owner's flow); approving it refunds the payment.
    payment = models.ForeignKey(
        "Payment", on_delete=models.PROTECT, null=True, blank=True, related_name="refund_requests"
    )

    class Meta:
        constraints = [
            # At most one open request per entry.
            models.UniqueConstraint(fields=["entry"], condition=Q(status="pending"), name="reversal_one_pending"),
        ]

    def __str__(self) -> str:
        return f"reversal of {self.entry_id} ({self.status})"


class OfficeUpiPayee(models.Model):
    """The UPI payee (VPA and name) of one post office, set by an administrator.
    Offices without a row use BANKING_UPI_VPA / BANKING_UPI_PAYEE_NAME."""

    office = models.OneToOneField("accounts.PostOffice", on_delete=models.CASCADE, related_name="+")
    vpa = models.CharField(_("UPI ID (VPA)"), max_length=100)
    payee_name = models.CharField(_("payee name"), max_length=100)

    class Meta:
        verbose_name = _("office UPI payee")
        verbose_name_plural = _("office UPI payees")

    def __str__(self) -> str:
        return self.vpa


class Payment(models.Model):
    """A payment taken for something another app sells (a booking, a doorstep visit)."""

    class Owner(models.TextChoices):
        # What the payment pays for, when that has a flow of its own (a booking's
        # cancellation with the postmaster's approval): such a payment is refunded,
        # cancelled or confirmed only by that flow, never by banking's own endpoints.
        NONE = "", _("None")
        COUNTER_BOOKING = "counter_booking", _("counter booking")
        VERIFICATION_FEE = "verification_fee", _("verification application fee")
        DOORSTEP_VISIT = "doorstep_visit", _("doorstep visit")

    class Method(models.TextChoices):
        CASH = "cash", _("Cash")
        ACCOUNT = "account", _("Savings account")
        UPI = "upi", _("UPI")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for UPI confirmation")
        COMPLETED = "completed", _("Paid")
        CANCELLED = "cancelled", _("Cancelled")
        REFUNDED = "refunded", _("Refunded")

    office = models.ForeignKey("accounts.PostOffice", on_delete=models.PROTECT, related_name="+")
    method = models.CharField(_("method"), max_length=8, choices=Method.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    reference = models.CharField(_("reference"), max_length=35)
    owner = models.CharField(_("paid for"), max_length=20, choices=Owner.choices, blank=True, default="")
    lines = models.JSONField(default=list)  # [[income_kind, paise], ...]
    gst_paise = models.BigIntegerField(default=0)
    total_paise = models.BigIntegerField()
    till = models.ForeignKey(Till, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    account = models.ForeignKey(SavingsAccount, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    upi_vpa = models.CharField(max_length=100, blank=True)
    upi_uri = models.CharField(max_length=500, blank=True)
    utr = models.CharField(_("UTR"), max_length=12, null=True, blank=True)  # noqa: DJ001 NULL until confirmed; unique when set
    entry = models.OneToOneField(JournalEntry, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    refund_entry = models.OneToOneField(JournalEntry, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    refund_reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["utr"], condition=Q(utr__isnull=False), name="payment_unique_utr"),
            # A reference (a booking, a visit) is paid at most once, unless that payment was cancelled.
            models.UniqueConstraint(
                fields=["reference"], condition=~Q(status="cancelled"), name="payment_reference_once"
            ),
            models.CheckConstraint(condition=Q(total_paise__gt=0), name="payment_total_positive"),
        ]
        indexes = [models.Index(fields=["office", "method", "status"], name="payment_office_method_idx")]

    def __str__(self) -> str:
        return f"{self.reference} ({self.status})"


class PaymentEvent(models.Model):
    """Every status change of a payment (append-only)."""

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="events")
    old_status = models.CharField(max_length=10, blank=True)
    new_status = models.CharField(max_length=10)
    note = models.CharField(max_length=300, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.payment_id}: {self.old_status} -> {self.new_status}"


class SweepRecord(models.Model):
    """One end-of-day sweep of a holder's excess over the cap to their POSB account."""

    day = models.DateField()
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="+")
    account = models.ForeignKey(SavingsAccount, on_delete=models.PROTECT, related_name="+")
    posb_account = models.CharField(max_length=20)
    amount_paise = models.BigIntegerField()
    entry = models.OneToOneField(JournalEntry, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.day}: {self.account_id} {self.amount_paise}"


class CapBreach(models.Model):
    """A holder left above the end-of-day cap because the excess could not be swept.
    It shows on the postmaster's list until a later sweep finds the holder within the cap."""

    day = models.DateField()
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="+")
    office = models.ForeignKey("accounts.PostOffice", on_delete=models.PROTECT, related_name="+")
    total_paise = models.BigIntegerField()
    excess_paise = models.BigIntegerField()
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["customer", "day"], name="cap_breach_once_a_day")]

    def __str__(self) -> str:
        return f"{self.day}: {self.customer_id} over by {self.excess_paise}"


class LedgerCheckRun(models.Model):
    """The result of one `manage.py ledger_check` (the postmaster's home shows the latest)."""

    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    ok = models.BooleanField(default=False)
    entries_checked = models.BigIntegerField(default=0)
    accounts_checked = models.BigIntegerField(default=0)
    problems = models.JSONField(default=list)

    def __str__(self) -> str:
        return f"ledger check {self.started_at:%Y-%m-%d %H:%M}: {'ok' if self.ok else 'problems'}"
