"""SMS templates and the outbox.

An Outbox row is written in the same transaction as the business change that causes
the message (notify.services.sms_queue), so a message exists exactly when the change
committed. The relay (notify.services.sms_relay_once) sends rows after commit.

Row life:  pending (sent_at and failed_at empty)
           -> sent   (sent_at set)
           -> failed (failed_at set, after settings.SMS_MAX_ATTEMPTS tries; the row is kept)
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _

from . import texts

LANGUAGE_CHOICES = [("hi", "हिन्दी"), ("en", "English")]

# Same rule as accounts' mobile numbers: ten digits, Indian mobiles start with 6-9.
mobile_validator = RegexValidator(r"^[6-9][0-9]{9}$", _("A mobile number is ten digits starting with 6, 7, 8 or 9."))
dlt_template_id_validator = RegexValidator(r"^[0-9]{1,30}$", _("A DLT template id is a number of up to 30 digits."))
sender_validator = RegexValidator(r"^[A-Z0-9]{6}$", _("A sender header is six capital letters or digits."))


class SmsTemplate(models.Model):
    """One message we send, as registered on the DLT platform.

    Rows are created from the specs apps register in code (notify.services
    .sms_template_register); an administrator may then edit the texts, the DLT id, the
    header and the active flag. Code never overwrites those edits.
    """

    key = models.CharField(_("key"), max_length=64, unique=True)
    dlt_template_id = models.CharField(_("DLT template id"), max_length=30, validators=[dlt_template_id_validator])
    text_en = models.TextField(_("text in English"))
    text_hi = models.TextField(_("text in Hindi"))
    sender = models.CharField(
        _("sender header"),
        max_length=6,
        blank=True,
        validators=[sender_validator],
        help_text=_("Leave empty to use the default header of this installation."),
    )
    active = models.BooleanField(
        _("active"),
        default=True,
        help_text=_("Messages of an inactive template are recorded but not sent."),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["key"]
        verbose_name = _("SMS template")
        verbose_name_plural = _("SMS templates")

    def __str__(self) -> str:
        return self.key

    def text_for(self, lang: str) -> str:
        return self.text_hi if lang == "hi" else self.text_en

    def dlt_text(self, lang: str) -> str:
        """The text as registered on DLT: every placeholder shown as {#var#}."""
        return texts.dlt_form(self.text_for(lang))

    @property
    def dlt_text_en(self) -> str:
        return self.dlt_text("en")

    @property
    def dlt_text_hi(self) -> str:
        return self.dlt_text("hi")

    def render(self, lang: str, context: dict[str, str]) -> str:
        return texts.render(self.text_for(lang), context)

    def clean(self) -> None:
        super().clean()
        english, hindi = texts.placeholders(self.text_en), texts.placeholders(self.text_hi)
        if english != hindi:
            raise ValidationError(
                {
                    "text_hi": _("The Hindi and English texts must use the same placeholders (%(names)s).")
                    % {"names": ", ".join(sorted(english)) or "-"}
                }
            )
        # The code that sends this template fills exactly the placeholders its spec
        # declares; an edit that adds or drops one would break that code at run time.
        from .services import sms_template_spec

        spec = sms_template_spec(key=self.key)
        if spec is not None and english != texts.placeholders(spec.text_en):
            raise ValidationError(
                {
                    "text_en": _("This template must use exactly these placeholders: %(names)s.")
                    % {"names": ", ".join(sorted(texts.placeholders(spec.text_en))) or "-"}
                }
            )


class Outbox(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    to = models.CharField(_("mobile number"), max_length=10, validators=[mobile_validator])
    template = models.ForeignKey(
        SmsTemplate, on_delete=models.PROTECT, related_name="messages", verbose_name=_("template")
    )
    lang = models.CharField(_("language"), max_length=2, choices=LANGUAGE_CHOICES)
    text = models.TextField(_("text"))
    secret = models.BooleanField(
        _("secret"), default=False, help_text=_("The text carries a secret (an OTP); it is blanked once sent.")
    )
    # What the gateway is told, copied at queue time so that an administrator editing
    # the template later cannot pair this text with another template's DLT id.
    dlt_template_id = models.CharField(_("DLT template id"), max_length=30)
    sender = models.CharField(_("sender header"), max_length=6)

    # Database time (Now()) everywhere: relays on several hosts agree on what is due
    # and on when a lease ends even if their own clocks drift.
    created_at = models.DateTimeField(_("created at"), db_default=Now())
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), db_default=Now())
    claimed_until = models.DateTimeField(_("claimed until"), null=True, blank=True)
    claim_token = models.UUIDField(_("claim token"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    failed_at = models.DateTimeField(_("failed at"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    gateway_message_id = models.CharField(_("gateway message id"), max_length=100, blank=True)

    class Meta:
        # Newest first by primary key: it follows creation order and is always indexed.
        ordering = ["-id"]
        verbose_name = _("outgoing SMS")
        verbose_name_plural = _("outgoing SMS")
        indexes = [
            # The relay's question, "what is due and unsent?", reads only this small
            # partial index: sent and failed rows (nearly all of them) are not in it.
            models.Index(
                fields=["next_attempt_at", "id"],
                condition=Q(sent_at__isnull=True, failed_at__isnull=True),
                name="notify_outbox_due",
            ),
            # Admin search by number: equality and prefix (LIKE '98%') both use it.
            models.Index(fields=["to"], opclasses=["varchar_pattern_ops"], name="notify_outbox_to"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(lang__in=["hi", "en"]), name="notify_outbox_lang"),
            models.CheckConstraint(
                condition=Q(sent_at__isnull=True) | Q(failed_at__isnull=True), name="notify_outbox_sent_or_failed"
            ),
        ]

    def __str__(self) -> str:
        return f"SMS #{self.pk} ({self.template_id})"

    @property
    def status(self) -> str:
        if self.sent_at is not None:
            return self.Status.SENT
        if self.failed_at is not None:
            return self.Status.FAILED
        return self.Status.PENDING
