"""The mail article and its journey.

An Article carries its current status (a cache of its history, changed only by
delivery.services); every change is an append-only TrackingEvent with office, actor
and time. The OTP for hand-over is stored only as a keyed hash.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ArticleStatus(models.TextChoices):
    BOOKED = "booked", _("Booked")
    IN_TRANSIT = "in_transit", _("In transit")
    AT_OFFICE = "at_office", _("At the office")
    OUT_FOR_DELIVERY = "out_for_delivery", _("Out for delivery")
    ATTEMPTED = "attempted", _("Delivery attempted")
    DELIVERED = "delivered", _("Delivered")
    RETURNED = "returned", _("Returned to sender")
    REDIRECTED = "redirected", _("Redirected")
    CANCELLED = "cancelled", _("Cancelled")


class EventType(models.TextChoices):
    BOOKED = "booked", _("Booked")
    DISPATCHED = "dispatched", _("Dispatched")
    RECEIVED = "received", _("Received at office")
    OUT_FOR_DELIVERY = "out_for_delivery", _("Out for delivery")
    ATTEMPTED = "attempted", _("Delivery attempted")
    DELIVERED = "delivered", _("Delivered")
    RETURNED = "returned", _("Returned to sender")
    REDIRECTED = "redirected", _("Redirected")
    CANCELLED = "cancelled", _("Booking cancelled")


class AttemptReason(models.TextChoices):
    ADDRESSEE_ABSENT = "addressee_absent", _("Addressee absent")
    PREMISES_LOCKED = "premises_locked", _("Premises locked")
    ADDRESS_NOT_FOUND = "address_not_found", _("Address not found")
    INSUFFICIENT_ADDRESS = "insufficient_address", _("Address incomplete")
    ADDRESSEE_MOVED = "addressee_moved", _("Addressee has moved")
    REFUSED = "refused", _("Refused by addressee")
    OTP_NOT_GIVEN = "otp_not_given", _("OTP not given")
    LINK_DOWN = "link_down", _("Link down (OTP could not be checked)")


class ReceiverKind(models.TextChoices):
    ADDRESSEE = "addressee", _("Addressee")
    AUTHORISED = "authorised", _("Authorised person")
    SENDER = "sender", _("Sender (returned article)")


class Article(models.Model):
    number = models.CharField(_("article number"), max_length=13, db_index=True)
    # How many times the serial counter had wrapped when this number was issued
    # (see s10.s10_issue); (number, cycle) is unique, and 0 for a long, long time.
    cycle = models.PositiveSmallIntegerField(default=0)
    service_indicator = models.CharField(_("service"), max_length=2)
    serial = models.PositiveIntegerField()
    origin_office = models.ForeignKey(
        "accounts.PostOffice", on_delete=models.PROTECT, related_name="+", verbose_name=_("booked at")
    )
    # The delivery office of the recipient's PIN, when our directory has one.
    destination_office = models.ForeignKey(
        "accounts.PostOffice",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("delivery office"),
    )
    # Where the article is now; empty while it travels in a bag.
    current_office = models.ForeignKey(
        "accounts.PostOffice", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    sender_name = models.CharField(_("sender"), max_length=120)
    sender_address = models.CharField(_("sender's address"), max_length=300)
    sender_pin = models.CharField(_("sender's PIN"), max_length=6)
    sender_mobile = models.CharField(_("sender's mobile"), max_length=10, blank=True)
    recipient_name = models.CharField(_("addressee"), max_length=120)
    recipient_address = models.CharField(_("address"), max_length=300)
    recipient_pin = models.CharField(_("PIN"), max_length=6, db_index=True)
    recipient_mobile = models.CharField(_("addressee's mobile"), max_length=10, blank=True)
    weight_g = models.PositiveIntegerField(_("weight (g)"))
    otp_required = models.BooleanField(_("OTP delivery"), default=False)
    registration = models.BooleanField(_("registration"), default=False)
    notify_sender_on_delivery = models.BooleanField(default=False)
    status = models.CharField(_("status"), max_length=20, choices=ArticleStatus.choices)
    is_return = models.BooleanField(default=False)  # on its way back to the sender
    failed_attempts = models.PositiveSmallIntegerField(default=0)
    postman = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("postman"),
    )
    beat_date = models.DateField(null=True, blank=True)  # IST day it last went out
    bag = models.ForeignKey("delivery.Bag", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    booked_at = models.DateTimeField(_("booked at"))
    booked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status_changed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["number", "cycle"], name="article_number_unique_in_cycle"),
        ]
        indexes = [
            models.Index(fields=["current_office", "status"], name="article_office_status"),
            models.Index(fields=["postman", "beat_date"], name="article_postman_beat"),
            models.Index(fields=["origin_office", "booked_at"], name="article_origin_booked"),
        ]
        verbose_name = _("article")
        verbose_name_plural = _("articles")

    def __str__(self) -> str:
        return self.number

    @property
    def service_name(self) -> str:
        from .s10 import SERVICE_INDICATORS

        return str(SERVICE_INDICATORS.get(self.service_indicator, self.service_indicator))

    @property
    def deliver_to_name(self) -> str:
        return self.sender_name if self.is_return else self.recipient_name

    @property
    def deliver_to_address(self) -> str:
        return self.sender_address if self.is_return else self.recipient_address

    @property
    def deliver_to_pin(self) -> str:
        return self.sender_pin if self.is_return else self.recipient_pin

    @property
    def deliver_to_mobile(self) -> str:
        return self.sender_mobile if self.is_return else self.recipient_mobile

    @property
    def needs_otp(self) -> bool:
        """A returned article goes back to the sender against a signature."""
        return self.otp_required and not self.is_return


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise ValidationError("tracking events are append-only")

    def delete(self):
        raise ValidationError("tracking events are append-only")


class TrackingEvent(models.Model):
    """One step of an article's journey. Never updated, never deleted (also a
    PostgreSQL trigger, migration 0002): a correction is a new event."""

    article = models.ForeignKey(Article, on_delete=models.PROTECT, related_name="events")
    type = models.CharField(_("event"), max_length=20, choices=EventType.choices)
    status_after = models.CharField(max_length=20, choices=ArticleStatus.choices)
    office = models.ForeignKey(
        "accounts.PostOffice", on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("office")
    )
    to_office = models.ForeignKey("accounts.PostOffice", on_delete=models.PROTECT, null=True, related_name="+")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    postman = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    bag = models.ForeignKey("delivery.Bag", on_delete=models.PROTECT, null=True, related_name="+")
    reason = models.CharField(_("reason"), max_length=32, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    receiver_name = models.CharField(max_length=120, blank=True)
    receiver_kind = models.CharField(max_length=12, choices=ReceiverKind.choices, blank=True)
    occurred_at = models.DateTimeField(_("time"))  # when it happened (on the phone, if offline)
    recorded_at = models.DateTimeField(auto_now_add=True)  # when the server stored it
    # The client's Idempotency-Key: a replayed request finds this row instead of
    # writing a second one.
    idempotency_key = models.CharField(max_length=64, null=True, blank=True, unique=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["occurred_at", "id"]
        indexes = [models.Index(fields=["type", "occurred_at"], name="event_type_time")]
        verbose_name = _("tracking event")
        verbose_name_plural = _("tracking events")

    def __str__(self) -> str:
        return f"{self.article_id} {self.type}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValidationError("tracking events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError("tracking events are append-only")

    @property
    def reason_display(self) -> str:
        if self.type == EventType.ATTEMPTED and self.reason in AttemptReason.values:
            return str(AttemptReason(self.reason).label)
        return self.note


class DeliveryProof(models.Model):
    """Receiver's signature for a hand-over without OTP (PNG bytes from the phone's canvas)."""

    event = models.OneToOneField(TrackingEvent, on_delete=models.PROTECT, related_name="proof")
    signature_png = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"signature for event {self.event_id}"


class OtpStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    USED = "used", _("Used")
    DEAD = "dead", _("Dead after wrong tries")
    REPLACED = "replaced", _("Replaced by a new code")


class DeliveryOtp(models.Model):
    """One code sent to the addressee. Only an HMAC of it is kept; each send is a row
    (that is how the daily cap and the cooldown are counted)."""

    article = models.ForeignKey(Article, on_delete=models.PROTECT, related_name="otps")
    salt = models.BinaryField(max_length=16)
    code_hash = models.BinaryField(max_length=32)
    valid_on = models.DateField()  # the IST delivery day; dead after it
    status = models.CharField(max_length=10, choices=OtpStatus.choices, default=OtpStatus.ACTIVE)
    wrong_attempts = models.PositiveSmallIntegerField(default=0)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            # At most one live code per article: a resend replaces the old one.
            models.UniqueConstraint(
                fields=["article"], condition=Q(status="active"), name="delivery_otp_one_active_per_article"
            ),
        ]
        indexes = [models.Index(fields=["article", "valid_on"], name="otp_article_day")]

    def __str__(self) -> str:  # never the code: there is none to show
        return f"OTP #{self.pk} for article {self.article_id} ({self.status})"


class BagStatus(models.TextChoices):
    DISPATCHED = "dispatched", _("Dispatched")
    RECEIVED = "received", _("Received")


class Bag(models.Model):
    """Articles sent together from one office to another, with a printable manifest."""

    from_office = models.ForeignKey(
        "accounts.PostOffice", on_delete=models.PROTECT, related_name="+", verbose_name=_("from")
    )
    to_office = models.ForeignKey(
        "accounts.PostOffice", on_delete=models.PROTECT, related_name="+", verbose_name=_("to")
    )
    status = models.CharField(max_length=12, choices=BagStatus.choices, default=BagStatus.DISPATCHED)
    dispatched_at = models.DateTimeField()
    dispatched_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    received_at = models.DateTimeField(null=True, blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    articles = models.ManyToManyField(Article, through="BagItem", related_name="+")

    class Meta:
        indexes = [models.Index(fields=["to_office", "status"], name="bag_to_status")]

    def __str__(self) -> str:
        return self.number

    @property
    def number(self) -> str:
        return bag_number(self.pk)


def bag_number(pk: int) -> str:
    return f"BG{pk:08d}"


class BagItem(models.Model):
    bag = models.ForeignKey(Bag, on_delete=models.PROTECT, related_name="items")
    article = models.ForeignKey(Article, on_delete=models.PROTECT, related_name="bag_items")
    received = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["bag", "article"], name="bag_item_unique")]
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.bag_id}:{self.article_id}"


class S10Counter(models.Model):
    """SQLite only: the serial counter of one service indicator (PostgreSQL uses a
    SEQUENCE per indicator instead; see s10._next_value)."""

    service_indicator = models.CharField(max_length=2, primary_key=True)
    last_value = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.service_indicator}: {self.last_value}"
