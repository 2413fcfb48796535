"""The counter's own data: the PIN directory, the tariff (as data), and later the
bookings, receipts and till sessions of the single window.

Tariff figures change by notification, so every price here is a row with effective
dates an administrator edits in the admin; no price is a constant in code.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import pin_validator


class PinOffice(models.Model):
    """One row of the public All India Pincode Directory.

    A PIN has several offices (a head or sub office and its branch offices); the
    natural key is (pincode, name_key), where name_key is the office name folded to
    one case and single spaces, because the published file repeats rows and mixes case.
    """

    officename = models.CharField(_("office name"), max_length=120)
    name_key = models.CharField(max_length=120, editable=False)
    pincode = models.CharField(_("PIN code"), max_length=6, validators=[pin_validator], db_index=True)
    officetype = models.CharField(_("office type"), max_length=8, blank=True)  # H.O, S.O, B.O, ...
    delivery = models.BooleanField(_("delivery office"), default=True)
    division = models.CharField(_("division"), max_length=120, blank=True)
    region = models.CharField(_("region"), max_length=120, blank=True)
    circle = models.CharField(_("circle"), max_length=120, blank=True)
    taluk = models.CharField(_("taluk"), max_length=120, blank=True)
    district = models.CharField(_("district"), max_length=120, blank=True)
    state = models.CharField(_("state"), max_length=120, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)

    class Meta:
        ordering = ["pincode", "officename"]
        constraints = [
            models.UniqueConstraint(fields=["pincode", "name_key"], name="pin_office_unique_name_in_pin"),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__isnull=False, longitude__isnull=False),
                name="pin_office_both_coordinates_or_none",
            ),
        ]
        verbose_name = _("PIN directory office")
        verbose_name_plural = _("PIN directory offices")

    def __str__(self) -> str:
        return f"{self.officename} ({self.pincode})"

    def save(self, *args, **kwargs) -> None:
        self.name_key = name_key(self.officename)
        super().save(*args, **kwargs)


def name_key(officename: str) -> str:
    return " ".join(officename.split()).casefold()[:120]


class Service(models.TextChoices):
    SPEED_POST_DOCUMENT = "speed_post_document", _("Speed Post document")
    SPEED_POST_PARCEL = "speed_post_parcel", _("Speed Post parcel")
    PARCEL = "parcel", _("Ordinary parcel")


class Band(models.TextChoices):
    LOCAL = "local", _("Local")
    UPTO_200 = "upto_200", _("Up to 200 km")
    UPTO_500 = "upto_500", _("201–500 km")
    UPTO_1000 = "upto_1000", _("501–1000 km")
    UPTO_2000 = "upto_2000", _("1001–2000 km")
    ABOVE_2000 = "above_2000", _("Above 2000 km")


class Addon(models.TextChoices):
    REGISTRATION = "registration", _("Registration")
    OTP = "otp", _("OTP delivery")


class DiscountKind(models.TextChoices):
    STUDENT = "student", _("Student")
    BULK_NEW = "bulk_new", _("New bulk customer")


class Effective(models.Model):
    """Dates between which a price holds (both inclusive; no end date = until replaced)."""

    effective_from = models.DateField(_("effective from"))
    effective_to = models.DateField(_("effective to"), null=True, blank=True)
    note = models.CharField(
        _("note"), max_length=200, blank=True, help_text=_("Source of the figure, or why it is provisional.")
    )

    class Meta:
        abstract = True

    # Fields that together say "the same price"; two such rows may not overlap in time.
    overlap_fields: tuple[str, ...] = ()

    def clean(self) -> None:
        super().clean()
        if self.effective_to and self.effective_to < self.effective_from:
            raise ValidationError({"effective_to": _("The end date is before the start date.")})
        same = type(self).objects.filter(**{f: getattr(self, f) for f in self.overlap_fields}).exclude(pk=self.pk)
        if self.effective_to:
            same = same.filter(effective_from__lte=self.effective_to)
        same = same.filter(Q(effective_to__isnull=True) | Q(effective_to__gte=self.effective_from))
        if same.exists():
            raise ValidationError(_("Another row for the same item is in force on some of these dates."))


class Tariff(Effective):
    """Postage for one service, distance band and weight slab.

    An open-ended slab charges `amount_paise` for weights up to `weight_from_g - 1`
    already covered, plus `step_paise` for every further `step_g` grams or part:
    e.g. 501–35000 g, amount = the 500 g price, step 500 g.
    """

    service = models.CharField(_("service"), max_length=24, choices=Service.choices)
    band = models.CharField(_("distance band"), max_length=12, choices=Band.choices)
    weight_from_g = models.PositiveIntegerField(_("weight from (g)"))
    weight_to_g = models.PositiveIntegerField(_("weight to (g)"))
    amount_paise = models.BigIntegerField(_("amount (paise)"))
    step_g = models.PositiveIntegerField(_("step (g)"), null=True, blank=True)
    step_paise = models.BigIntegerField(_("amount per step (paise)"), default=0)

    overlap_fields = ("service", "band", "weight_from_g")

    class Meta:
        ordering = ["service", "weight_from_g", "band", "-effective_from"]
        constraints = [
            models.CheckConstraint(condition=Q(weight_to_g__gte=models.F("weight_from_g")), name="tariff_slab_order"),
            models.CheckConstraint(condition=Q(weight_from_g__gte=1), name="tariff_slab_positive"),
            models.CheckConstraint(condition=Q(amount_paise__gte=0, step_paise__gte=0), name="tariff_amount_positive"),
            models.CheckConstraint(condition=Q(step_g__isnull=True) | Q(step_g__gte=1), name="tariff_step_positive"),
        ]
        indexes = [models.Index(fields=["service", "band", "weight_from_g"])]
        verbose_name = _("tariff row")
        verbose_name_plural = _("tariff")

    def __str__(self) -> str:
        return f"{self.get_service_display()} {self.weight_from_g}–{self.weight_to_g} g {self.get_band_display()}"

    def price_for(self, weight_g: int) -> int:
        if not self.step_g:
            return self.amount_paise
        steps = -(-(weight_g - self.weight_from_g + 1) // self.step_g)  # ceiling division
        return self.amount_paise + steps * self.step_paise


class AddonPrice(Effective):
    addon = models.CharField(_("add-on"), max_length=16, choices=Addon.choices)
    amount_paise = models.BigIntegerField(_("amount (paise)"))

    overlap_fields = ("addon",)

    class Meta:
        ordering = ["addon", "-effective_from"]
        constraints = [models.CheckConstraint(condition=Q(amount_paise__gte=0), name="addon_amount_positive")]
        verbose_name = _("add-on price")
        verbose_name_plural = _("add-on prices")

    def __str__(self) -> str:
        return f"{self.get_addon_display()} {self.effective_from}"


class TaxRate(Effective):
    """GST on postal services, in basis points (1800 = 18%)."""

    name = models.CharField(_("name"), max_length=16, default="gst")
    rate_bp = models.PositiveIntegerField(_("rate (basis points)"))

    overlap_fields = ("name",)

    class Meta:
        ordering = ["name", "-effective_from"]
        verbose_name = _("tax rate")
        verbose_name_plural = _("tax rates")

    def __str__(self) -> str:
        return f"{self.name} {self.rate_bp / 100:.2f}% {self.effective_from}"


class Discount(Effective):
    """A discount on postage (not on add-ons), in basis points (1000 = 10%)."""

    kind = models.CharField(_("discount"), max_length=16, choices=DiscountKind.choices)
    rate_bp = models.PositiveIntegerField(_("rate (basis points)"))

    overlap_fields = ("kind",)

    class Meta:
        ordering = ["kind", "-effective_from"]
        constraints = [models.CheckConstraint(condition=Q(rate_bp__lte=10000), name="discount_at_most_all")]
        verbose_name = _("discount")
        verbose_name_plural = _("discounts")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.rate_bp / 100:.2f}%"


# --- the window's day: tills, bookings, receipts -----------------------------------------

# Notes counted in a till, by face value in rupees; coins are counted as one total.
NOTE_DENOMINATIONS = (500, 200, 100, 50, 20, 10)


class AppendOnly(models.Model):
    """A record that is written once and never changed or deleted (also refused by a
    trigger on PostgreSQL, see migration 0005)."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise ValidationError(_("This record cannot be changed."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("This record cannot be deleted."))


class TillSession(models.Model):
    """A clerk's session at the window: banking's till plus the opening cash count.
    Open while it has no TillClose."""

    till = models.OneToOneField("banking.Till", on_delete=models.PROTECT, related_name="+")
    office = models.ForeignKey("accounts.PostOffice", on_delete=models.PROTECT, related_name="+")
    clerk = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField(_("opened at"))
    opened_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    opening_denominations = models.JSONField(_("opening count"))
    opening_paise = models.BigIntegerField(_("opening cash (paise)"))

    class Meta:
        ordering = ["-opened_at"]
        indexes = [models.Index(fields=["office", "opened_at"])]
        verbose_name = _("till session")
        verbose_name_plural = _("till sessions")

    def __str__(self) -> str:
        return f"{_('Till session')} #{self.pk}"

    @property
    def is_open(self) -> bool:
        return not hasattr(self, "close")


class TillClose(AppendOnly):
    """The immutable close record of a till session: counted against expected."""

    session = models.OneToOneField(TillSession, on_delete=models.PROTECT, related_name="close")
    denominations = models.JSONField(_("closing count"))
    counted_paise = models.BigIntegerField(_("counted (paise)"))
    expected_paise = models.BigIntegerField(_("expected (paise)"))
    difference_paise = models.BigIntegerField(_("difference (paise)"))  # counted - expected
    entry_id = models.BigIntegerField(_("ledger entry"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"))
    closed_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(difference_paise=models.F("counted_paise") - models.F("expected_paise")),
                name="till_close_difference_adds_up",
            )
        ]
        verbose_name = _("till close")
        verbose_name_plural = _("till closes")

    def __str__(self) -> str:
        return f"{self.session} {self.closed_at:%Y-%m-%d}"


class OfficeDayClose(AppendOnly):
    """The postmaster closes the office's day once every till is closed."""

    office = models.ForeignKey("accounts.PostOffice", on_delete=models.PROTECT, related_name="+")
    day = models.DateField(_("day"))
    summary = models.JSONField(_("summary"))
    closed_at = models.DateTimeField(_("closed at"))
    closed_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["office", "day"], name="office_day_closed_once")]
        verbose_name = _("office day close")
        verbose_name_plural = _("office day closes")

    def __str__(self) -> str:
        return f"{self.office_id} {self.day}"


class ReceiptSerial(models.Model):
    """Receipt serials on databases without sequences (SQLite, embedded mode): one
    inserted row per number, never a "last number" row that every booking updates.
    On PostgreSQL the sequence counter_receipt_seq is used instead."""

    id = models.BigAutoField(primary_key=True)

    def __str__(self) -> str:
        return str(self.pk)


class Booking(models.Model):
    """One customer's visit to the window: one or more articles, one payment, one receipt."""

    class Status(models.TextChoices):
        AWAITING_PAYMENT = "awaiting_payment", _("Waiting for UPI payment")
        PAID = "paid", _("Paid")
        VOID = "void", _("Not paid, articles cancelled")
        CANCELLED = "cancelled", _("Cancelled and refunded")

    class Method(models.TextChoices):
        CASH = "cash", _("Cash")
        UPI = "upi", _("UPI")
        ACCOUNT = "account", _("Savings account")

    receipt_number = models.CharField(_("receipt number"), max_length=20, unique=True)
    office = models.ForeignKey("accounts.PostOffice", on_delete=models.PROTECT, related_name="+")
    clerk = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    till_session = models.ForeignKey(TillSession, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(_("booked at"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices)
    payment_method = models.CharField(_("payment"), max_length=8, choices=Method.choices)
    payment = models.OneToOneField("banking.Payment", on_delete=models.PROTECT, null=True, related_name="+")
    upi_uri = models.CharField(max_length=500, blank=True)
    utr = models.CharField(_("UTR"), max_length=12, blank=True)
    account_number = models.CharField(max_length=20, blank=True)
    amount_paise = models.BigIntegerField(_("postage (paise)"))
    addons_paise = models.BigIntegerField(_("add-ons (paise)"))
    discount_paise = models.BigIntegerField(_("discount (paise)"))
    gst_paise = models.BigIntegerField(_("GST (paise)"))
    total_paise = models.BigIntegerField(_("total (paise)"))
    idempotency_key = models.CharField(max_length=80)
    request_fingerprint = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["clerk", "idempotency_key"], name="booking_once_per_key"),
            models.CheckConstraint(
                condition=Q(
                    total_paise=models.F("amount_paise")
                    - models.F("discount_paise")
                    + models.F("addons_paise")
                    + models.F("gst_paise")
                ),
                name="booking_total_adds_up",
            ),
        ]
        indexes = [models.Index(fields=["office", "created_at"]), models.Index(fields=["office", "status"])]
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")

    def __str__(self) -> str:
        return self.receipt_number


class BookingArticle(models.Model):
    booking = models.ForeignKey(Booking, on_delete=models.PROTECT, related_name="articles")
    position = models.PositiveSmallIntegerField()
    article = models.OneToOneField("delivery.Article", on_delete=models.PROTECT, related_name="+")
    article_number = models.CharField(_("article number"), max_length=13, db_index=True)
    service = models.CharField(_("service"), max_length=24, choices=Service.choices)
    weight_g = models.PositiveIntegerField(_("weight (g)"))
    addons = models.JSONField(_("add-ons"), default=list)
    discount = models.CharField(_("discount"), max_length=16, blank=True)
    band = models.CharField(_("distance band"), max_length=12, choices=Band.choices)
    distance_km = models.DecimalField(_("distance (km)"), max_digits=7, decimal_places=1)
    sender_name = models.CharField(_("sender"), max_length=120)
    sender_pin = models.CharField(max_length=6)
    recipient_name = models.CharField(_("recipient"), max_length=120)
    recipient_pin = models.CharField(max_length=6)
    recipient_town = models.CharField(max_length=120, blank=True)
    amount_paise = models.BigIntegerField()
    addons_paise = models.BigIntegerField()
    discount_paise = models.BigIntegerField()
    gst_paise = models.BigIntegerField()
    total_paise = models.BigIntegerField()

    class Meta:
        ordering = ["booking", "position"]
        constraints = [models.UniqueConstraint(fields=["booking", "position"], name="booking_article_position")]
        verbose_name = _("booked article")
        verbose_name_plural = _("booked articles")

    def __str__(self) -> str:
        return self.article_number


class BookingEvent(AppendOnly):
    """Every status change of a booking (append-only), with actor and time."""

    booking = models.ForeignKey(Booking, on_delete=models.PROTECT, related_name="events")
    old_status = models.CharField(max_length=16, blank=True)
    new_status = models.CharField(max_length=16)
    note = models.CharField(max_length=300, blank=True)
    actor = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.booking_id}: {self.old_status} -> {self.new_status}"


class CancelRequest(models.Model):
    """A clerk asks to cancel a paid booking; the postmaster approves (then the articles
    are cancelled and the payment refunded) or rejects. Maker and checker differ."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for the postmaster")
        APPROVED = "approved", _("Approved and refunded")
        REJECTED = "rejected", _("Rejected")

    booking = models.ForeignKey(Booking, on_delete=models.PROTECT, related_name="cancel_requests")
    reason = models.CharField(_("reason"), max_length=300)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    requested_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    decided_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["requested_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["booking"], condition=Q(status="pending"), name="cancel_one_pending"),
        ]
        verbose_name = _("cancellation request")
        verbose_name_plural = _("cancellation requests")

    def __str__(self) -> str:
        return f"{self.booking_id}: {self.status}"
