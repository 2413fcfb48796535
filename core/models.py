"""The rows of core's mechanisms (no foreign key to any app: core knows nothing of them)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class IdempotencyKey(models.Model):
    """The first answer to a request sent with an idempotency key, replayed on retries.

    `digest` is sha256 of (sender, key): a key belongs to its sender, so two clients
    that pick the same key never meet, and any key up to 255 characters fits. Written
    in the same transaction as the change the request made, so the change and its
    answer commit together or not at all."""

    digest = models.CharField(_("key digest"), max_length=64, primary_key=True)
    scope = models.CharField(_("scope"), max_length=100)
    fingerprint = models.CharField(_("request fingerprint"), max_length=64)
    response_status = models.PositiveSmallIntegerField(_("answer status"))
    response_body = models.BinaryField(_("answer body"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")

    def __str__(self) -> str:
        return f"{self.scope} {self.digest[:12]}"
