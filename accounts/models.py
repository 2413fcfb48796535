"""People and places.

Places form one tree per state: State -> District -> {PostOffice, PoliceStation,
ServiceCentre}. Every staff user belongs to exactly the place that scopes what they
see (see User.PLACE_FOR_ROLE); `accounts.permissions` turns that into access checks.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

pin_validator = RegexValidator(r"^[1-9][0-9]{5}$", _("A PIN code is six digits and does not start with 0."))
mobile_validator = RegexValidator(r"^[6-9][0-9]{9}$", _("A mobile number is ten digits starting with 6, 7, 8 or 9."))


class State(models.Model):
    name = models.CharField(_("name"), max_length=80, unique=True)
    name_hi = models.CharField(_("name in Hindi"), max_length=80, blank=True)
    code = models.CharField(_("code"), max_length=4, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("state")
        verbose_name_plural = _("states")

    def __str__(self) -> str:
        return self.name


class District(models.Model):
    state = models.ForeignKey(State, on_delete=models.PROTECT, related_name="districts", verbose_name=_("state"))
    name = models.CharField(_("name"), max_length=80)
    name_hi = models.CharField(_("name in Hindi"), max_length=80, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["state", "name"], name="district_unique_in_state")]
        verbose_name = _("district")
        verbose_name_plural = _("districts")

    def __str__(self) -> str:
        return f"{self.name}, {self.state}"


class PostOffice(models.Model):
    class Kind(models.TextChoices):
        HEAD = "head", _("Head office")
        SUB = "sub", _("Sub office")
        BRANCH = "branch", _("Branch office")

    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="post_offices", verbose_name=_("district")
    )
    name = models.CharField(_("name"), max_length=120)
    name_hi = models.CharField(_("name in Hindi"), max_length=120, blank=True)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    pin = models.CharField(_("PIN code"), max_length=6, validators=[pin_validator], db_index=True)
    # The head office an office accounts to; empty for a head office itself.
    head_office = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sub_offices",
        verbose_name=_("head office"),
    )
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    is_delivery_office = models.BooleanField(_("delivers mail"), default=True)

    class Meta:
        ordering = ["pin", "name"]
        constraints = [
            models.UniqueConstraint(fields=["name", "pin"], name="post_office_unique_name_pin"),
            models.CheckConstraint(
                condition=Q(kind="head", head_office__isnull=True) | ~Q(kind="head"),
                name="post_office_head_has_no_head",
            ),
        ]
        verbose_name = _("post office")
        verbose_name_plural = _("post offices")

    def __str__(self) -> str:
        return f"{self.name} ({self.pin})"


class PoliceStation(models.Model):
    """A thana. It covers a set of PIN codes; applications from those PINs go to it."""

    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="police_stations", verbose_name=_("district")
    )
    name = models.CharField(_("name"), max_length=120)
    name_hi = models.CharField(_("name in Hindi"), max_length=120, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["district", "name"], name="police_station_unique_in_district")]
        verbose_name = _("police station")
        verbose_name_plural = _("police stations")

    def __str__(self) -> str:
        return f"{self.name} ({self.district.name})"


class PoliceStationArea(models.Model):
    police_station = models.ForeignKey(
        PoliceStation, on_delete=models.CASCADE, related_name="areas", verbose_name=_("police station")
    )
    pin = models.CharField(_("PIN code"), max_length=6, validators=[pin_validator], db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["police_station", "pin"], name="police_area_unique_pin")]
        verbose_name = _("police station area")
        verbose_name_plural = _("police station areas")

    def __str__(self) -> str:
        return f"{self.police_station.name}: {self.pin}"


class ServiceCentre(models.Model):
    """A Sampark-style citizen service centre: call centre and doorstep field staff."""

    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="service_centres", verbose_name=_("district")
    )
    name = models.CharField(_("name"), max_length=120)
    name_hi = models.CharField(_("name in Hindi"), max_length=120, blank=True)
    pin = models.CharField(_("PIN code"), max_length=6, validators=[pin_validator])
    phone = models.CharField(_("phone"), max_length=20, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["district", "name"], name="service_centre_unique_in_district")]
        verbose_name = _("service centre")
        verbose_name_plural = _("service centres")

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    COUNTER_CLERK = "counter_clerk", _("Counter clerk")
    POSTMASTER = "postmaster", _("Postmaster")
    POSTMAN = "postman", _("Postman")
    THANA_OFFICER = "thana_officer", _("Thana officer")
    SP_OFFICER = "sp_officer", _("SP office officer")
    DM_OFFICER = "dm_officer", _("DM office officer")
    CALL_CENTRE_OPERATOR = "call_centre_operator", _("Call-centre operator")
    FIELD_STAFF = "field_staff", _("Field staff")
    ADMINISTRATOR = "administrator", _("Administrator")
    CITIZEN = "citizen", _("Citizen")


# Which place field scopes each role. Administrators and citizens have none.
PLACE_FOR_ROLE: dict[str, str | None] = {
    Role.COUNTER_CLERK: "post_office",
    Role.POSTMASTER: "post_office",
    Role.POSTMAN: "post_office",
    Role.THANA_OFFICER: "police_station",
    Role.SP_OFFICER: "district",
    Role.DM_OFFICER: "district",
    Role.CALL_CENTRE_OPERATOR: "service_centre",
    Role.FIELD_STAFF: "service_centre",
    Role.ADMINISTRATOR: None,
    Role.CITIZEN: None,
}


class User(AbstractUser):
    role = models.CharField(_("role"), max_length=24, choices=Role.choices, default=Role.CITIZEN)
    mobile = models.CharField(_("mobile"), max_length=10, blank=True, validators=[mobile_validator])
    preferred_language = models.CharField(
        _("preferred language"), max_length=2, choices=[("hi", "हिन्दी"), ("en", "English")], default="hi"
    )
    post_office = models.ForeignKey(
        PostOffice, on_delete=models.PROTECT, null=True, blank=True, related_name="staff", verbose_name=_("post office")
    )
    police_station = models.ForeignKey(
        PoliceStation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name=_("police station"),
    )
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, null=True, blank=True, related_name="staff", verbose_name=_("district")
    )
    service_centre = models.ForeignKey(
        ServiceCentre,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name=_("service centre"),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def clean(self) -> None:
        super().clean()
        needed = PLACE_FOR_ROLE.get(self.role)
        for field in ("post_office", "police_station", "district", "service_centre"):
            has = getattr(self, f"{field}_id") is not None
            if field == needed and not has:
                raise ValidationError(
                    {field: _("This role needs a %(place)s.") % {"place": self._meta.get_field(field).verbose_name}}
                )
            if field != needed and has:
                raise ValidationError(
                    {
                        field: _("This role does not belong to a %(place)s.")
                        % {"place": self._meta.get_field(field).verbose_name}
                    }
                )

    @property
    def place(self) -> models.Model | None:
        field = PLACE_FOR_ROLE.get(self.role)
        return getattr(self, field) if field else None

    @property
    def home_district(self) -> District | None:
        """The district a staff user works in, whatever their place."""
        place = self.place
        if place is None:
            return None
        return place if isinstance(place, District) else place.district

    @property
    def needs_two_factor(self) -> bool:
        from django.conf import settings

        return self.is_superuser or self.role in settings.TWO_FACTOR_ROLES

    @property
    def is_staff_role(self) -> bool:
        return self.role != Role.CITIZEN


PLACE_FIELDS = ("post_office", "police_station", "district", "service_centre")


class RoleChange(models.Model):
    """One change of a user's role or place, written by accounts.services.user_role_change
    (the only way to change them). Append-only: the audit trail of who may see what."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="role_changes", verbose_name=_("user"))
    old_role = models.CharField(_("old role"), max_length=24, choices=Role.choices, blank=True)
    new_role = models.CharField(_("new role"), max_length=24, choices=Role.choices)
    # {"post_office": 3} and the like: the place fields that were set, by id.
    old_place = models.JSONField(_("old place"), default=dict, blank=True)
    new_place = models.JSONField(_("new place"), default=dict, blank=True)
    old_place_label = models.CharField(_("old place (as it was named)"), max_length=200, blank=True)
    new_place_label = models.CharField(_("new place (as it was named)"), max_length=200, blank=True)
    actor = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="role_changes_made", verbose_name=_("changed by")
    )
    reason = models.CharField(_("reason"), max_length=300)
    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("role change")
        verbose_name_plural = _("role changes")

    def __str__(self) -> str:
        return f"{self.user}: {self.old_role or '-'} -> {self.new_role}"


e164_validator = RegexValidator(
    r"^\+[1-9][0-9]{7,14}$", _("A mobile number in international form: + and the country code, then the number.")
)


class Citizen(models.Model):
    """A member of the public, known by a mobile number they proved is theirs (a
    one-time code sent to it: accounts.citizen_codes). Not a staff User, and never
    becomes one; signed in by a session of its own (accounts.citizen)."""

    mobile = models.CharField(_("mobile"), max_length=16, unique=True, validators=[e164_validator])
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=2, choices=[("hi", "हिन्दी"), ("en", "English")], default="hi"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("citizen")
        verbose_name_plural = _("citizens")

    def __str__(self) -> str:
        return self.mobile[:-4] + "XXXX" if len(self.mobile) > 4 else self.mobile

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None


class CitizenCode(models.Model):
    """A one-time code sent to a citizen's mobile (the rules: accounts.citizen_codes).
    Only a salted HMAC of the code is kept."""

    class Purpose(models.TextChoices):
        SIGNIN = "signin", _("Sign-in")

    citizen = models.ForeignKey(Citizen, on_delete=models.CASCADE, related_name="codes", verbose_name=_("citizen"))
    purpose = models.CharField(_("purpose"), max_length=16, choices=Purpose.choices)
    code_hash = models.CharField(_("code (salted HMAC)"), max_length=128)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    expires_at = models.DateTimeField(_("expires at"))
    attempts = models.PositiveSmallIntegerField(_("tries"), default=0)
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)
    superseded = models.BooleanField(_("replaced by a newer code"), default=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["citizen", "purpose", "created_at"], name="citizen_code_recent")]
        verbose_name = _("citizen one-time code")
        verbose_name_plural = _("citizen one-time codes")

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} code for {self.citizen}"
