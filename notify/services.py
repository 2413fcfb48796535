"""Outgoing SMS: the public API of notify. Other apps call only these.

Declaring a template (once, from your AppConfig.ready()):

    sms_template_register(SmsTemplateSpec(
        key="delivery.otp", dlt_template_id="1107...",
        text_en="OTP {otp} for article {article}. Do not share it.",
        text_hi="...{otp}...{article}...",
    ))

Sending (inside the transaction that makes the change the message is about):

    with transaction.atomic():
        article.save()
        sms_queue(to=mobile, template_key="delivery.otp",
                  context={"otp": otp, "article": number}, secret=True)

sms_queue writes an Outbox row in *your* transaction: if you roll back, no message
exists; once you commit, the relay sends it, retries while the gateway is down and
marks it sent. A broker outage only delays it (the beat sweep picks it up).
Mark messages that carry an OTP or another secret with secret=True: their text is
blanked in the outbox once sent or given up.
"""

from __future__ import annotations

import logging
import time
import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.db.models.functions import Now
from django.utils import timezone

from core.formatting import mask_mobile

from . import texts
from .backends import SmsGatewayError, SmsMessage, sms_backend
from .exceptions import InvalidMobileNumber, UnknownSmsTemplate
from .models import Outbox, SmsTemplate, mobile_validator

logger = logging.getLogger(__name__)

LANGUAGES = ("hi", "en")
# Stop a batch after this many failures in a row: the gateway is probably down, and
# the remaining rows should not each wait out a timeout while holding their lease.
CONSECUTIVE_FAILURES_TO_STOP = 3


# --- templates ------------------------------------------------------------------------


@dataclass(frozen=True)
class SmsTemplateSpec:
    """A template as the sending code declares it. Placeholders: `{name}`."""

    key: str
    dlt_template_id: str
    text_en: str
    text_hi: str


_registry: dict[str, SmsTemplateSpec] = {}


def sms_template_register(spec: SmsTemplateSpec) -> None:
    """Declare a template this code sends. Call from AppConfig.ready().

    notify's post_migrate handler creates the missing rows (sms_templates_create_missing);
    sms_queue also creates the row on first use. An existing row is never changed:
    administrators own the texts once the row exists.
    """
    if not spec.key or len(spec.key) > 64:
        raise ImproperlyConfigured(f"SMS template key {spec.key!r} must be 1 to 64 characters.")
    if not spec.dlt_template_id.isdigit():
        raise ImproperlyConfigured(f"SMS template {spec.key}: the DLT template id is digits only.")
    if texts.placeholders(spec.text_en) != texts.placeholders(spec.text_hi):
        raise ImproperlyConfigured(f"SMS template {spec.key}: Hindi and English texts use different placeholders.")
    known = _registry.get(spec.key)
    if known is not None and known != spec:
        raise ImproperlyConfigured(f"SMS template {spec.key} is registered twice with different texts.")
    _registry[spec.key] = spec


def sms_template_spec(*, key: str) -> SmsTemplateSpec | None:
    """The spec registered for `key`, if any."""
    return _registry.get(key)


def sms_templates_create_missing(*, model: type[SmsTemplate] = SmsTemplate, using: str = "default") -> int:
    """Create a row for every registered spec that has none. Returns how many were created.

    `model` lets the post_migrate handler pass the historical model. Existing rows are
    left alone (ON CONFLICT DO NOTHING), so an administrator's edits survive.
    """
    existing = set(model.objects.using(using).filter(key__in=list(_registry)).values_list("key", flat=True))
    rows = [
        model(key=spec.key, dlt_template_id=spec.dlt_template_id, text_en=spec.text_en, text_hi=spec.text_hi)
        for key, spec in sorted(_registry.items())
        if key not in existing
    ]
    model.objects.using(using).bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def _template_for(key: str) -> SmsTemplate:
    spec = _registry.get(key)
    if spec is None:
        template = SmsTemplate.objects.filter(key=key).first()
        if template is None:
            raise UnknownSmsTemplate(f"no SMS template {key!r}: register a SmsTemplateSpec for it")
        return template
    # post_migrate may not have run on this database yet (or the row was created by
    # code that registered the template later); get_or_create copes with a race.
    template, _created = SmsTemplate.objects.get_or_create(
        key=key,
        defaults={"dlt_template_id": spec.dlt_template_id, "text_en": spec.text_en, "text_hi": spec.text_hi},
    )
    return template


# --- queueing ---------------------------------------------------------------------------


def sms_queue(
    *, to: str, template_key: str, context: dict[str, str], lang: str | None = None, secret: bool = False
) -> Outbox:
    """Queue one SMS. MUST be called inside the caller's transaction.atomic().

    Renders the template in `lang` (default settings.SMS_DEFAULT_LANGUAGE) and writes
    an Outbox row in the caller's transaction; after commit it asks the Celery relay
    to send now. If the broker is down that request is dropped with a warning and the
    row waits for the relay's beat sweep: queueing never fails because of the broker.

    Raises InvalidMobileNumber (to is not a 10-digit Indian mobile), UnknownSmsTemplate,
    MissingPlaceholderValue, ValueError (lang) and TransactionManagementError (called
    outside a transaction: the message would not be tied to your change).
    """
    if not transaction.get_connection().in_atomic_block:
        raise transaction.TransactionManagementError(
            "sms_queue() must be called inside transaction.atomic(), in the transaction of the change it reports."
        )
    lang = lang or settings.SMS_DEFAULT_LANGUAGE
    if lang not in LANGUAGES:
        raise ValueError(f"SMS language must be one of {LANGUAGES}, not {lang!r}")
    try:
        if not isinstance(to, str):
            raise ValidationError("not a string")
        mobile_validator(to)
    except ValidationError:
        raise InvalidMobileNumber(details={"to": mask_mobile(str(to))}) from None

    template = _template_for(template_key)
    row = Outbox(
        to=to,
        template=template,
        lang=lang,
        text=template.render(lang, context),
        secret=secret,
        dlt_template_id=template.dlt_template_id,
        sender=template.sender or settings.SMS_SENDER_ID,
    )
    if not template.active:
        # Recorded, so the business flow and the audit trail are unchanged, but not sent.
        row.failed_at = timezone.now()
        row.last_error = "template inactive"
        if secret:
            row.text = template.dlt_text(lang)
        row.save(force_insert=True)
        logger.info("SMS #%s not sent: template %s is inactive", row.pk, template_key)
        return row
    row.save(force_insert=True)
    _kick_relay_on_commit()
    return row


def _kick_relay_on_commit() -> None:
    connection = transaction.get_connection()
    # One kick per transaction is enough: the relay sends everything that is due. The
    # check reads the pending callbacks; a kick registered in a savepoint that was
    # rolled back is no longer among them, so the next sms_queue registers it again.
    if any(_kick_relay in entry for entry in getattr(connection, "run_on_commit", ())):
        return
    transaction.on_commit(_kick_relay)


# Broker URL -> monotonic time until which kicks are skipped after a failed one.
_kick_paused_until: dict[str, float] = {}


def _kick_relay() -> None:
    """Ask a worker to run the relay now. Never raises, never waits long.

    retry_policy max_retries=0: one connection attempt, no retry loop. Measured with
    nothing listening on the broker port: Celery's default publish retries take about
    0.6 s, retry=False about 6 s (kombu then reconnects for broker_connection_timeout),
    this about 0.03 s. An unreachable host is bounded by the broker transport's
    socket_connect_timeout (2 s in settings), a Redis that accepts but never answers
    by its socket_timeout (5 s). So that only one request in SMS_KICK_PAUSE_SECONDS
    pays that wait, a failed kick pauses kicks to that broker in this process.
    The rows are safe either way: they are committed, and the beat sweep
    (CELERY_BEAT_SCHEDULE "sms-relay-sweep") sends them.
    """
    from .tasks import sms_relay

    broker = sms_relay.app.conf.broker_write_url or ""
    if time.monotonic() < _kick_paused_until.get(broker, 0.0):
        logger.debug("SMS relay kick skipped: the broker failed a moment ago")
        return
    try:
        sms_relay.apply_async(retry=True, retry_policy={"max_retries": 0}, expires=settings.SMS_KICK_EXPIRES)
    except Exception as exc:
        _kick_paused_until[broker] = time.monotonic() + settings.SMS_KICK_PAUSE_SECONDS
        # No message text, no broker URL (it may hold a password): the error type only.
        logger.warning(
            "SMS relay not kicked, broker unavailable (%s); queued messages wait for the sweep, kicks paused for %s s",
            type(exc).__name__,
            settings.SMS_KICK_PAUSE_SECONDS,
        )


# --- relay ---------------------------------------------------------------------------------


def sms_relay_once(*, batch: int = 50) -> int:
    """Claim up to `batch` due messages, send them, record the outcome. Returns how many were sent.

    Must not run inside a transaction (it calls the gateway, and its claim must really
    commit): the claim is a durable atomic block, which raises RuntimeError if nested.
    Safe to run in any number of processes at once: each message goes to one relay.
    """
    token = uuid.uuid4()
    lease = timedelta(seconds=settings.SMS_CLAIM_SECONDS)
    claimed_at = time.monotonic()
    ids = _claim(batch=batch, token=token, lease=lease)
    if not ids:
        return 0

    backend = sms_backend()
    # Stop starting sends while there is still time for the slowest one to finish
    # before the lease ends: after the lease, another relay may claim the row again.
    send_deadline = claimed_at + settings.SMS_CLAIM_SECONDS - settings.SMS_HTTP_TIMEOUT - 5
    rows = list(Outbox.objects.filter(pk__in=ids, claim_token=token).select_related("template").order_by("pk"))
    sent = failures_in_a_row = 0
    for index, row in enumerate(rows):
        if failures_in_a_row >= CONSECUTIVE_FAILURES_TO_STOP or time.monotonic() > send_deadline:
            _release(rows=rows[index:], token=token)
            break
        message = SmsMessage(
            to=row.to,
            text=row.text,
            template_key=row.template.key,
            dlt_template_id=row.dlt_template_id,
            sender=row.sender,
            lang=row.lang,
            reference=f"dakghar-{row.pk}",
        )
        # The gateway call: outside any transaction, no row lock held. The lease
        # (claimed_until) is what keeps other relays away from this row meanwhile.
        try:
            gateway_id = backend.send(message)
        except SmsGatewayError as exc:
            failures_in_a_row += 1
            _record_failure(row=row, token=token, error=str(exc))
            continue
        except Exception as exc:
            # A bug or an unexpected library error: record its type only, since an
            # exception's text can quote its arguments, and the text may hold an OTP.
            failures_in_a_row += 1
            _record_failure(row=row, token=token, error=f"unexpected {type(exc).__name__}")
            continue
        failures_in_a_row = 0
        if _record_sent(row=row, token=token, gateway_id=gateway_id):
            sent += 1
    return sent


def _claim(*, batch: int, token: uuid.UUID, lease: timedelta) -> list[int]:
    # durable=True: this must be a real, outermost transaction, so the claim is
    # committed (and visible to other relays) before any gateway call starts.
    with transaction.atomic(durable=True):
        ids = list(
            Outbox.objects.select_for_update(skip_locked=True)
            .filter(sent_at=None, failed_at=None, next_attempt_at__lte=Now())
            .filter(Q(claimed_until=None) | Q(claimed_until__lt=Now()))
            .order_by("next_attempt_at", "pk")
            .values_list("pk", flat=True)[:batch]
        )
        # Why the lock: two relays reading the same due rows at the same moment
        # would both send them. FOR UPDATE makes the read-then-claim atomic per row,
        # and SKIP LOCKED lets a second relay take the next rows instead of queueing
        # behind the first one's locks (and then finding them claimed).
        # Why a lease on top: the lock ends with this short transaction, because no
        # transaction may stay open across a slow gateway call. claimed_until keeps
        # the claim after commit; if this relay dies, the lease runs out and another
        # relay sends the row (at-least-once; the Idempotency-Key lets a gateway
        # drop that rare duplicate).
        if ids:
            Outbox.objects.filter(pk__in=ids).update(claim_token=token, claimed_until=Now() + lease)
    return ids


def _record_sent(*, row: Outbox, token: uuid.UUID, gateway_id: str) -> bool:
    changes = {
        "sent_at": Now(),
        "claimed_until": None,
        "claim_token": None,
        "last_error": "",
        "gateway_message_id": gateway_id[:100],
    }
    if row.secret:
        changes["text"] = row.template.dlt_text(row.lang)
    # Compare-and-set on our claim token: only the relay that still holds the claim
    # may mark the row. If our lease ran out and another relay re-claimed the row,
    # 0 rows match and we leave its bookkeeping alone instead of overwriting it.
    updated = Outbox.objects.filter(pk=row.pk, claim_token=token, sent_at=None).update(**changes)
    if updated:
        logger.info("SMS #%s sent (%s to %s)", row.pk, row.template.key, mask_mobile(row.to))
    else:
        logger.warning("SMS #%s sent, but its claim had expired: another relay may send it again", row.pk)
    return bool(updated)


def _record_failure(*, row: Outbox, token: uuid.UUID, error: str) -> None:
    attempts = row.attempts + 1
    changes: dict = {
        "attempts": F("attempts") + 1,
        "claimed_until": None,
        "claim_token": None,
        "last_error": error[:500],
    }
    gave_up = attempts >= settings.SMS_MAX_ATTEMPTS
    if gave_up:
        changes["failed_at"] = Now()
        if row.secret:
            changes["text"] = row.template.dlt_text(row.lang)
    else:
        changes["next_attempt_at"] = Now() + sms_retry_delay(attempts=attempts)
    # Compare-and-set on the claim token, for the same reason as in _record_sent.
    Outbox.objects.filter(pk=row.pk, claim_token=token, sent_at=None).update(**changes)
    if gave_up:
        logger.error("SMS #%s failed for good after %s attempts: %s", row.pk, attempts, error)
    else:
        logger.warning("SMS #%s not sent (attempt %s): %s", row.pk, attempts, error)


def _release(*, rows: list[Outbox], token: uuid.UUID) -> None:
    """Give claimed rows back untried: no attempt is counted, they are due again at once."""
    Outbox.objects.filter(pk__in=[row.pk for row in rows], claim_token=token, sent_at=None).update(
        claimed_until=None, claim_token=None
    )


def sms_retry_delay(*, attempts: int) -> timedelta:
    """Back-off after the n-th failed attempt: base, 2x base, 4x base ... up to the cap.

    No jitter: retries are made by the relay in batches, not by many clients at once.
    """
    seconds = settings.SMS_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0)
    return timedelta(seconds=min(seconds, settings.SMS_RETRY_MAX_SECONDS))


__all__ = [
    "SmsTemplateSpec",
    "sms_queue",
    "sms_relay_once",
    "sms_retry_delay",
    "sms_template_register",
    "sms_template_spec",
    "sms_templates_create_missing",
]
