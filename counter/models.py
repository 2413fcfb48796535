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
