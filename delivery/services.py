"""Every write of delivery: booking an article, moving it, handing it over.

One rule holds throughout: an article's status changes only in `_transition`, which
checks the TRANSITIONS map (data), writes the append-only TrackingEvent and then the
article's status. Each service runs in transaction.atomic() (a savepoint when the
caller, e.g. the counter, already has a transaction) and locks the article row
first, then any OTP row: always in that order, so two requests never deadlock.

SMS go through notify.services.sms_queue inside the same transaction: an outbox row
that commits with the change or not at all.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import rawsql
from accounts.models import PostOffice, Role, User
from accounts.typed import ascii_int, is_ascii_digits
from notify.services import sms_queue

from . import sms
from .clock import ist_date
from .exceptions import (
    ArticleNotCancellable,
    ArticleNotFound,
    ArticleTransitionRefused,
    BagAlreadyReceived,
    BagNotFound,
    DomainError,
    InvalidArticleNumber,
    InvalidBooking,
    InvalidEvent,
    InvalidPostman,
    NotYourBeat,
    OtpExpired,
    OtpInvalid,
    OtpLocked,
    OtpMissing,
    OtpNotRequired,
    OtpResendCooldown,
    OtpSendLimit,
    SignatureRequired,
    WrongOffice,
)
from .models import (
    Article,
    ArticleStatus,
    AttemptReason,
    Bag,
    BagItem,
    BagStatus,
    DeliveryOtp,
    DeliveryProof,
    EventType,
    OtpStatus,
    ReceiverKind,
    TrackingEvent,
    bag_number,
)
from .s10 import SERVICE_INDICATORS, s10_issue, s10_validate

S = ArticleStatus

# The status pipeline, as data: event -> (statuses it may follow, status it leads to).
# `_transition` is the only code that consults it and the only code that sets status.
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    EventType.BOOKED: (frozenset(), S.BOOKED),  # only article_book creates it
    EventType.DISPATCHED: (frozenset({S.BOOKED, S.AT_OFFICE, S.ATTEMPTED, S.RETURNED, S.REDIRECTED}), S.IN_TRANSIT),
    EventType.RECEIVED: (frozenset({S.IN_TRANSIT}), S.AT_OFFICE),
    EventType.OUT_FOR_DELIVERY: (
        frozenset({S.BOOKED, S.AT_OFFICE, S.ATTEMPTED, S.RETURNED, S.REDIRECTED}),
        S.OUT_FOR_DELIVERY,
    ),
    EventType.ATTEMPTED: (frozenset({S.OUT_FOR_DELIVERY}), S.ATTEMPTED),
    EventType.DELIVERED: (frozenset({S.OUT_FOR_DELIVERY}), S.DELIVERED),
    EventType.RETURNED: (frozenset({S.ATTEMPTED, S.AT_OFFICE}), S.RETURNED),
    EventType.REDIRECTED: (frozenset({S.AT_OFFICE, S.ATTEMPTED}), S.REDIRECTED),
    EventType.CANCELLED: (frozenset({S.BOOKED}), S.CANCELLED),
}

ADDONS = frozenset({"otp", "registration"})
_PIN_RE = re.compile(r"^[1-9][0-9]{5}\Z")
_MOBILE_RE = re.compile(r"^[6-9][0-9]{9}\Z")
MAX_WEIGHT_G = 35_000
MAX_SIGNATURE_BYTES = 300_000
# How far back an offline action's own time is believed (a phone kept offline longer
# than this has its actions stamped with the time they reached the server).
OFFLINE_GRACE = timedelta(days=2)


def max_attempts() -> int:
    return settings.DELIVERY_MAX_ATTEMPTS


# --- helpers -------------------------------------------------------------------------


def _now(at: datetime | None) -> datetime:
    return at or timezone.now()


def _lock_article(number: str) -> Article:
    """Validate the number and lock the article's row (the newest with that number)."""
    value = s10_validate(number)
    article = Article.objects.select_for_update().filter(number=value).order_by("-cycle").first()
    if article is None:
        raise ArticleNotFound(details={"number": value})
    return article


def _replayed(key: str | None) -> TrackingEvent | None:
    """The event an earlier request with the same Idempotency-Key wrote, if any.
    Call after locking the article, so a concurrent twin has committed or not started."""
    if not key:
        return None
    return TrackingEvent.objects.select_related("article").filter(idempotency_key=key).first()


def _transition(
    article: Article,
    event_type: str,
    *,
    actor: User | None,
    office: PostOffice | int | None,
    at: datetime,
    idempotency_key: str | None = None,
    **event_fields: Any,
) -> TrackingEvent:
    """Check the map, write the event, set the status. The caller holds the row lock
    and saves any other article fields it changed (we save status here)."""
    status_after = _refuse_unless_allowed(article, event_type)
    office_id = office.pk if isinstance(office, PostOffice) else office
    event = TrackingEvent.objects.create(
        article=article,
        type=event_type,
        status_after=status_after,
        office_id=office_id,
        actor=actor,
        occurred_at=at,
        idempotency_key=idempotency_key or None,
        **event_fields,
    )
    article.status = status_after
    article.status_changed_at = at
    return event


def _refuse_unless_allowed(article: Article, event_type: str) -> str:
    """Raise ArticleTransitionRefused unless the map allows the step; return the
    status it leads to."""
    allowed_from, status_after = TRANSITIONS[event_type]
    if article.status not in allowed_from:
        raise ArticleTransitionRefused(
            _("%(number)s is “%(status)s”: “%(step)s” is not allowed now.")
            % {
                "number": article.number,
                "status": ArticleStatus(article.status).label,
                "step": EventType(event_type).label,
            },
            details={"status": article.status, "event": event_type},
        )
    return status_after


def _save(article: Article, *fields: str) -> None:
    article.save(update_fields=["status", "status_changed_at", *fields])


def _event_time(article: Article, at: datetime | None, occurred_at: datetime | None) -> datetime:
    """The time an action happened. A phone that was offline sends its own time; it is
    believed if it is not in the future, not older than OFFLINE_GRACE and not before
    the article's last step (the timeline stays in order)."""
    now = _now(at)
    if occurred_at is None:
        return now
    if occurred_at > now or occurred_at < now - OFFLINE_GRACE:
        return now
    return max(occurred_at, article.status_changed_at)


def _check_person(kind: str, data: Any, *, mobile_required: bool) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not isinstance(data, dict):
        raise InvalidBooking(details={kind: _("Name, address and PIN are needed.")})
    name = str(data.get("name") or "").strip()
    address = str(data.get("address") or "").strip()
    pin = str(data.get("pin") or "").strip()
    mobile = str(data.get("mobile") or "").strip()
    if not name or len(name) > 120:
        errors[f"{kind}.name"] = _("A name of up to 120 characters is needed.")
    if not address or len(address) > 300:
        errors[f"{kind}.address"] = _("An address of up to 300 characters is needed.")
    if not _PIN_RE.match(pin):
        errors[f"{kind}.pin"] = _("A PIN code is six digits and does not start with 0.")
    if mobile and not _MOBILE_RE.match(mobile):
        errors[f"{kind}.mobile"] = _("A mobile number is ten digits starting with 6, 7, 8 or 9.")
    elif not mobile and mobile_required:
        errors[f"{kind}.mobile"] = _("A mobile number is needed for this.")
    if errors:
        raise InvalidBooking(details=errors)
    return {"name": name, "address": address, "pin": pin, "mobile": mobile}


# --- booking ---------------------------------------------------------------------------


def article_book(
    *,
    service_indicator: str,
    origin_office_id: int,
    sender: dict,
    recipient: dict,
    weight_g: int,
    addons: set[str] | frozenset[str],
    notify_sender_on_delivery: bool,
    actor: User,
    booked_at: datetime | None = None,
) -> Article:
    """Create an article with a new S10 number and its first event, "booked".

    service_indicator: "EE" Speed Post document, "EP" Speed Post parcel, "CP" parcel
    (s10.SERVICE_INDICATORS). addons: a subset of {"otp", "registration"}; "otp" needs
    the recipient's mobile, notify_sender_on_delivery the sender's. Safe to call inside
    the caller's transaction; when it raises after writing, that transaction must be
    rolled back (no savepoint of its own: the counter rolls back the whole booking
    anyway). A number taken by a booking that is rolled back is never issued again (a
    gap, not a duplicate).
    """
    errors: dict[str, str] = {}
    if service_indicator not in SERVICE_INDICATORS:
        errors["service_indicator"] = _("Unknown service.")
    unknown = set(addons) - ADDONS
    if unknown:
        errors["addons"] = _("Unknown add-on: %(names)s.") % {"names": ", ".join(sorted(unknown))}
    if not isinstance(weight_g, int) or isinstance(weight_g, bool) or not 0 < weight_g <= MAX_WEIGHT_G:
        errors["weight_g"] = _("The weight must be between 1 g and 35 kg.")
    if errors:
        raise InvalidBooking(details=errors)
    sender_data = _check_person("sender", sender, mobile_required=notify_sender_on_delivery)
    recipient_data = _check_person("recipient", recipient, mobile_required="otp" in addons)
    try:
        origin_office_id = int(origin_office_id)
    except (TypeError, ValueError):
        raise InvalidBooking(details={"origin_office_id": _("Unknown post office.")}) from None
    at = _now(booked_at)
    issued = s10_issue(service_indicator=service_indicator, at=at)
    values = {
        "number": issued.number,
        "cycle": issued.cycle,
        "service_indicator": service_indicator,
        "serial": issued.serial,
        "sender_name": sender_data["name"],
        "sender_address": sender_data["address"],
        "sender_pin": sender_data["pin"],
        "sender_mobile": sender_data["mobile"],
        "recipient_name": recipient_data["name"],
        "recipient_address": recipient_data["address"],
        "recipient_pin": recipient_data["pin"],
        "recipient_mobile": recipient_data["mobile"],
        "weight_g": weight_g,
        "otp_required": "otp" in addons,
        "registration": "registration" in addons,
        "notify_sender_on_delivery": notify_sender_on_delivery,
        "status": S.BOOKED,
        "is_return": False,
        "failed_attempts": 0,
        "booked_at": at,
        "booked_by_id": actor.pk,
        "status_changed_at": at,
    }
    # No savepoint of our own (a caller's transaction is rolled back whole when this
    # raises), and plain statements: the counter books articles on every request. The
    # article and its first event are one statement on PostgreSQL.
    with transaction.atomic(savepoint=False):
        row = rawsql.with_child(
            _article_insert_sql(values, origin_office_id=origin_office_id),
            TrackingEvent,
            {
                "type": EventType.BOOKED,
                "status_after": S.BOOKED,
                "office_id": origin_office_id,
                "to_office_id": None,
                "actor_id": actor.pk,
                "postman_id": None,
                "bag_id": None,
                "reason": "",
                "note": "",
                "receiver_name": "",
                "receiver_kind": "",
                "occurred_at": at,
                "recorded_at": timezone.now(),
                "idempotency_key": None,
            },
            fk="article",
            returning="id, origin_office_id, destination_office_id",
        )
    if row is None:
        raise InvalidBooking(details={"origin_office_id": _("Unknown post office.")})
    pk, values["origin_office_id"], values["destination_office_id"] = row
    values["current_office_id"] = values["origin_office_id"]
    return rawsql.from_values(Article, pk, values)


def _article_insert_sql(values: dict[str, Any], *, origin_office_id: int) -> tuple[str, list[Any]]:
    """INSERT of the article: it is booked at, and now at, the origin office, which must
    exist (else no row); its delivery office is the lowest-numbered office delivering to
    the recipient's PIN, if we have one."""
    table, columns, params = rawsql.prepared(Article, values)
    return (
        f"INSERT INTO {table} ({columns}, origin_office_id, current_office_id, destination_office_id)"  # noqa: S608 (names from model metadata)
        f" SELECT {', '.join(['%s'] * len(params))}, o.id, o.id,"
        " (SELECT d.id FROM accounts_postoffice d WHERE d.pin = %s AND d.is_delivery_office ORDER BY d.id LIMIT 1)"
        " FROM accounts_postoffice o WHERE o.id = %s",
        [*params, values["recipient_pin"], origin_office_id],
    )


def article_cancel(*, article_number: str, reason: str, actor: User, at: datetime | None = None) -> TrackingEvent:
    """Cancel a booking the same (IST) day, before dispatch. The counter calls this
    after the postmaster approved; the refund is the counter's business."""
    reason = (reason or "").strip()
    if not reason:
        raise InvalidEvent(_("Give the reason for cancelling."), details={"reason": _("Required.")})
    now = _now(at)
    with transaction.atomic():
        article = _lock_article(article_number)
        if article.status != S.BOOKED or ist_date(article.booked_at) != ist_date(now):
            raise ArticleNotCancellable(details={"status": article.status})
        event = _transition(
            article, EventType.CANCELLED, actor=actor, office=article.current_office_id, at=now, note=reason[:300]
        )
        _save(article)
    return event


# --- bags ------------------------------------------------------------------------------


@dataclass
class Refused:
    number: str
    message: str


@dataclass
class DispatchResult:
    bag: Bag | None
    bagged: list[Article] = field(default_factory=list)
    refused: list[Refused] = field(default_factory=list)


def _split_numbers(raw_numbers: list[str]) -> tuple[list[str], list[Refused]]:
    """Validate each typed/scanned number; keep the good ones once, in order."""
    good: list[str] = []
    refused: list[Refused] = []
    for raw in raw_numbers:
        if not raw.strip():
            continue
        try:
            number = s10_validate(raw)
        except InvalidArticleNumber as exc:
            refused.append(Refused(raw.strip(), str(exc.message)))
            continue
        if number in good:
            refused.append(Refused(number, _("Listed twice; bagged once.")))
            continue
        good.append(number)
    return good, refused


def _lock_articles(numbers: list[str]) -> dict[str, Article]:
    """Lock the articles in primary-key order (a fixed order: no deadlock between two
    offices bagging overlapping lists)."""
    rows = Article.objects.select_for_update().filter(number__in=numbers).order_by("pk")
    found: dict[str, Article] = {}
    for article in rows:
        if article.number not in found or article.cycle > found[article.number].cycle:
            found[article.number] = article
    return found


def bag_dispatch(
    *,
    article_numbers: list[str],
    from_office_id: int,
    to_office_id: int,
    actor: User,
    at: datetime | None = None,
) -> DispatchResult:
    """Bag the good numbers for another office, each with a "dispatched" event; list
    the others with the reason. No bag is made when nothing can be bagged."""
    if from_office_id == to_office_id:
        raise InvalidEvent(_("Choose another office to send the bag to."), details={"to_office": _("Same office.")})
    if not PostOffice.objects.filter(pk=to_office_id).exists():
        raise InvalidEvent(_("Unknown post office."), details={"to_office": _("Unknown post office.")})
    now = _now(at)
    good, refused = _split_numbers(article_numbers)
    result = DispatchResult(bag=None, refused=refused)
    with transaction.atomic():
        articles = _lock_articles(good)
        ready: list[Article] = []
        for number in good:
            article = articles.get(number)
            if article is None:
                result.refused.append(Refused(number, str(ArticleNotFound.default_message)))
            elif article.current_office_id != from_office_id:
                result.refused.append(Refused(number, str(WrongOffice.default_message)))
            elif article.status not in TRANSITIONS[EventType.DISPATCHED][0]:
                result.refused.append(
                    Refused(number, _("It is “%(status)s”.") % {"status": ArticleStatus(article.status).label})
                )
            else:
                ready.append(article)
        if not ready:
            return result
        bag = Bag.objects.create(
            from_office_id=from_office_id, to_office_id=to_office_id, dispatched_at=now, dispatched_by=actor
        )
        for article in ready:
            _bag_one(article, bag, actor=actor, at=now)
        result.bag = bag
        result.bagged = ready
    return result


def _bag_one(
    article: Article, bag: Bag, *, actor: User, at: datetime, idempotency_key: str | None = None
) -> TrackingEvent:
    BagItem.objects.create(bag=bag, article=article)
    event = _transition(
        article,
        EventType.DISPATCHED,
        actor=actor,
        office=bag.from_office_id,
        at=at,
        to_office_id=bag.to_office_id,
        bag=bag,
        idempotency_key=idempotency_key,
    )
    article.current_office = None
    article.bag = bag
    article.postman = None
    _save(article, "current_office", "bag", "postman")
    return event


@dataclass
class ReceiveResult:
    bag: Bag
    received: list[Article] = field(default_factory=list)
    missing: list[Article] = field(default_factory=list)
    refused: list[Refused] = field(default_factory=list)


def _bag_pk(number: str) -> int:
    value = (number or "").strip().upper()
    if value.startswith("BG"):
        value = value[2:]
    pk = ascii_int(value)
    if pk is None:
        raise BagNotFound(details={"bag": number})
    return pk


def bag_receive(
    *,
    bag: str,
    office_id: int,
    actor: User,
    article_numbers: list[str] | None = None,
    at: datetime | None = None,
) -> ReceiveResult:
    """Receive a bag at its destination. With no list every article in it is received;
    with a list (scanned on opening the bag) only those, and the rest are reported
    missing (they stay in transit until found and received one by one)."""
    now = _now(at)
    with transaction.atomic():
        row = Bag.objects.select_for_update().filter(pk=_bag_pk(bag)).first()
        if row is None:
            raise BagNotFound(details={"bag": bag})
        if row.to_office_id != office_id:
            raise WrongOffice(_("This bag is addressed to another office."))
        if row.status != BagStatus.DISPATCHED:
            raise BagAlreadyReceived
        items = {item.article_id: item for item in row.items.all()}
        articles = list(Article.objects.select_for_update().filter(pk__in=items).order_by("pk"))
        result = ReceiveResult(bag=row)
        wanted: set[int]
        if article_numbers is None:
            wanted = set(items)
        else:
            good, result.refused = _split_numbers(article_numbers)
            by_number = {a.number: a for a in articles}
            wanted = set()
            for number in good:
                if number in by_number:
                    wanted.add(by_number[number].pk)
                else:
                    result.refused.append(Refused(number, _("Not in this bag.")))
        for article in articles:
            if article.pk not in wanted:
                result.missing.append(article)
                continue
            if article.status != S.IN_TRANSIT or article.bag_id != row.pk:
                continue  # already received one by one
            _transition(article, EventType.RECEIVED, actor=actor, office=office_id, at=now, bag=row)
            article.current_office_id = office_id
            article.bag = None
            _save(article, "current_office", "bag")
            BagItem.objects.filter(pk=items[article.pk].pk).update(received=True)
            result.received.append(article)
        row.status = BagStatus.RECEIVED
        row.received_at = now
        row.received_by = actor
        row.save(update_fields=["status", "received_at", "received_by"])
    return result


def article_receive(
    *, article_number: str, office_id: int, actor: User, at: datetime | None = None, idempotency_key: str | None = None
) -> TrackingEvent:
    """Receive one article in transit (a missing one found later, or a loose article)."""
    now = _now(at)
    with transaction.atomic():
        article = _lock_article(article_number)
        if replay := _replayed(idempotency_key):
            return replay
        event = _transition(
            article,
            EventType.RECEIVED,
            actor=actor,
            office=office_id,
            at=now,
            bag_id=article.bag_id,
            idempotency_key=idempotency_key,
        )
        if article.bag_id:
            BagItem.objects.filter(bag_id=article.bag_id, article=article).update(received=True)
        article.current_office_id = office_id
        article.bag = None
        _save(article, "current_office", "bag")
    return event


def article_dispatch(
    *,
    article_number: str,
    to_office_id: int,
    actor: User,
    at: datetime | None = None,
    idempotency_key: str | None = None,
) -> TrackingEvent:
    """Dispatch one article (a bag of one) from the office where it is."""
    now = _now(at)
    with transaction.atomic():
        article = _lock_article(article_number)
        if replay := _replayed(idempotency_key):
            return replay
        _refuse_unless_allowed(article, EventType.DISPATCHED)
        if article.current_office_id == to_office_id:
            raise InvalidEvent(_("Choose another office to send the bag to."))
        if not PostOffice.objects.filter(pk=to_office_id).exists():
            raise InvalidEvent(_("Unknown post office."), details={"to_office": _("Unknown post office.")})
        bag = Bag.objects.create(
            from_office_id=article.current_office_id, to_office_id=to_office_id, dispatched_at=now, dispatched_by=actor
        )
        event = _bag_one(article, bag, actor=actor, at=now, idempotency_key=idempotency_key)
    return event


# --- beats and hand-over ---------------------------------------------------------------


def _check_beat_actor(article: Article, actor: User) -> None:
    """A postman acts only on their own beat; a postmaster on any article of the office."""
    if actor.role == Role.POSTMAN and article.postman_id != actor.pk:
        raise NotYourBeat


def article_out_for_delivery(
    *,
    article_number: str,
    postman: User,
    actor: User,
    at: datetime | None = None,
    idempotency_key: str | None = None,
) -> TrackingEvent:
    """Put an article on a postman's beat for today. The postmaster assigns; a postman
    may take out an article of their own office (postman == actor). Sends the SMS to
    the addressee: with a fresh code when the article has the OTP add-on."""
    if postman.role != Role.POSTMAN or not postman.is_active:
        raise InvalidPostman
    now = _now(at)
    with transaction.atomic():
        article = _lock_article(article_number)
        if replay := _replayed(idempotency_key):
            return replay
        if article.current_office_id is None or article.current_office_id != postman.post_office_id:
            raise WrongOffice(details={"office": article.current_office_id})
        event = _transition(
            article,
            EventType.OUT_FOR_DELIVERY,
            actor=actor,
            office=article.current_office_id,
            at=now,
            postman=postman,
            idempotency_key=idempotency_key,
        )
        article.postman = postman
        article.beat_date = ist_date(now)
        _save(article, "postman", "beat_date")
        if article.needs_otp:
            _otp_send_for_beat(article, actor=actor, at=now)
        elif article.deliver_to_mobile:
            sms_queue(
                to=article.deliver_to_mobile,
                template_key=sms.OUT_FOR_DELIVERY,
                context={"article": article.number, "postman": postman.get_full_name() or postman.username},
            )
    return event


def _otp_hash(salt: bytes, article_id: int, code: str) -> bytes:
    """HMAC-SHA256 keyed with SECRET_KEY: the table alone cannot be brute-forced for
    the 10^6 possible codes."""
    message = b"delivery-otp\x00" + salt + b"\x00" + str(article_id).encode() + b"\x00" + code.encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).digest()


def _otp_issue(article: Article, *, actor: User, at: datetime) -> None:
    """Make a new code, keep only its hash, queue the SMS. Replaces any live code.
    The plain code exists only in this function and in the outbox row, which notify
    blanks once sent (secret=True). Never log it."""
    code = f"{secrets.randbelow(1_000_000):06d}"
    salt = secrets.token_bytes(16)
    DeliveryOtp.objects.filter(article=article, status=OtpStatus.ACTIVE).update(status=OtpStatus.REPLACED, closed_at=at)
    DeliveryOtp.objects.create(
        article=article,
        salt=salt,
        code_hash=_otp_hash(salt, article.pk, code),
        valid_on=ist_date(at),
        sent_by=actor,
        created_at=at,
    )
    postman = article.postman
    sms_queue(
        to=article.deliver_to_mobile,
        template_key=sms.OTP,
        context={
            "article": article.number,
            "otp": code,
            "postman": (postman.get_full_name() or postman.username) if postman else "",
        },
        secret=True,
    )


def _sends_today(article: Article, at: datetime) -> int:
    return DeliveryOtp.objects.filter(article=article, valid_on=ist_date(at)).count()


def _otp_send_for_beat(article: Article, *, actor: User, at: datetime) -> None:
    """Going out: keep today's live code if the addressee already has one (a second
    round the same day), otherwise send one, within the daily cap."""
    if DeliveryOtp.objects.filter(article=article, status=OtpStatus.ACTIVE, valid_on=ist_date(at)).exists():
        return
    if _sends_today(article, at) >= settings.DELIVERY_OTP_MAX_SENDS_PER_DAY:
        return  # the postman will find no live code; the cap protects the addressee
    _otp_issue(article, actor=actor, at=at)


@dataclass
class OtpSendResult:
    article: Article
    sent_at: datetime
    sends_left_today: int
    next_send_at: datetime


def article_otp_resend(*, article_number: str, actor: User, at: datetime | None = None) -> OtpSendResult:
    """Send a new code from the door (replacing the old one): not within 60 s of the
    last send, and at most 3 sends per article per IST day."""
    now = _now(at)
    cooldown = timedelta(seconds=settings.DELIVERY_OTP_RESEND_COOLDOWN_SECONDS)
    cap = settings.DELIVERY_OTP_MAX_SENDS_PER_DAY
    with transaction.atomic():
        article = _lock_article(article_number)
        if not article.needs_otp:
            raise OtpNotRequired
        if article.status != S.OUT_FOR_DELIVERY:
            raise ArticleTransitionRefused(
                _("A code can be sent only while the article is out for delivery."),
                details={"status": article.status},
            )
        _check_beat_actor(article, actor)
        last = DeliveryOtp.objects.filter(article=article).order_by("-created_at").first()
        if last is not None and now < last.created_at + cooldown:
            wait = int((last.created_at + cooldown - now).total_seconds()) + 1
            raise OtpResendCooldown(
                _("A code was sent less than a minute ago. Try again in %(seconds)s seconds.") % {"seconds": wait},
                details={"retry_after_seconds": wait},
            )
        sent = _sends_today(article, now)
        if sent >= cap:
            raise OtpSendLimit(details={"sends_today": sent})
        _otp_issue(article, actor=actor, at=now)
    return OtpSendResult(article=article, sent_at=now, sends_left_today=cap - sent - 1, next_send_at=now + cooldown)


@dataclass
class _WrongCode:
    attempts_left: int


def _check_otp(article: Article, code: str, *, at: datetime) -> _WrongCode | None:
    """Under the article's lock: compare the code with the live one. Returns None when
    it is right (and marks the code used, by compare-and-set), a _WrongCode when it is
    wrong (the count is written), or raises when there is no usable code."""
    code = (code or "").strip()
    otp = DeliveryOtp.objects.select_for_update().filter(article=article, status=OtpStatus.ACTIVE).first()
    if otp is None:
        latest = DeliveryOtp.objects.filter(article=article).order_by("-created_at").first()
        if latest is not None and latest.status == OtpStatus.DEAD and latest.valid_on == ist_date(at):
            raise OtpLocked(details={"attempts_left": 0})
        if latest is not None and latest.status == OtpStatus.USED:
            raise OtpLocked(_("This code has already been used."), details={"attempts_left": 0})
        raise OtpMissing
    if otp.valid_on != ist_date(at):
        raise OtpExpired(details={"valid_on": otp.valid_on.isoformat()})
    limit = settings.DELIVERY_OTP_MAX_WRONG
    if not (len(code) == 6 and is_ascii_digits(code)):
        # A slip of the finger (five digits, a letter) is not counted as a guess.
        raise OtpInvalid(_("The code has six digits."), details={"attempts_left": limit - otp.wrong_attempts})
    if hmac.compare_digest(otp.code_hash, _otp_hash(bytes(otp.salt), article.pk, code)):
        # Compare-and-set: only one request can turn this code from active to used.
        used = DeliveryOtp.objects.filter(pk=otp.pk, status=OtpStatus.ACTIVE).update(
            status=OtpStatus.USED, closed_at=at
        )
        if used != 1:
            raise OtpLocked(_("This code has already been used."))
        return None
    wrong = otp.wrong_attempts + 1
    update: dict[str, Any] = {"wrong_attempts": F("wrong_attempts") + 1}
    if wrong >= limit:
        update.update(status=OtpStatus.DEAD, closed_at=at)
    DeliveryOtp.objects.filter(pk=otp.pk).update(**update)
    return _WrongCode(attempts_left=max(limit - wrong, 0))


def _decode_signature(signature_png: bytes | None) -> bytes:
    if not signature_png or not signature_png.startswith(b"\x89PNG\r\n\x1a\n"):
        raise SignatureRequired(details={"signature": _("A signature drawn on the screen is needed.")})
    if len(signature_png) > MAX_SIGNATURE_BYTES:
        raise SignatureRequired(_("The signature image is too large."))
    return signature_png


def article_deliver(
    *,
    article_number: str,
    actor: User,
    otp: str | None = None,
    receiver_name: str = "",
    receiver_kind: str = ReceiverKind.ADDRESSEE,
    signature_png: bytes | None = None,
    at: datetime | None = None,
    occurred_at: datetime | None = None,
    idempotency_key: str | None = None,
) -> TrackingEvent:
    """Hand the article over.

    With the OTP add-on: `otp` must be today's live code. A wrong code is counted and
    OtpInvalid raised (details.attempts_left); the 5th wrong code kills it (then
    OtpLocked). NOTE: the wrong count is written by an inner transaction that has
    finished before OtpInvalid is raised, so a caller that runs this inside its own
    transaction must catch OtpInvalid inside it or the count is rolled back (the API
    does this).
    Without it: the receiver's name and a PNG signature are needed.
    Ten simultaneous requests with the right code deliver once: the article row is
    locked and the code is spent by compare-and-set; the others get a 409.
    """
    now = _now(at)
    wrong: _WrongCode | None = None
    with transaction.atomic():
        article = _lock_article(article_number)
        if replay := _replayed(idempotency_key):
            return replay
        # Checked before the code, so a delivered article's code is never tried again.
        _refuse_unless_allowed(article, EventType.DELIVERED)
        _check_beat_actor(article, actor)
        receiver_name = (receiver_name or "").strip()[:120]
        if receiver_kind not in ReceiverKind.values:
            raise InvalidEvent(details={"receiver_kind": _("Addressee or authorised person.")})
        png = None
        if article.needs_otp:
            wrong = _check_otp(article, otp or "", at=now)
        else:
            if otp:
                raise OtpNotRequired
            if not receiver_name:
                raise SignatureRequired(details={"receiver_name": _("Write the receiver's name.")})
            png = _decode_signature(signature_png)
        if wrong is None:
            when = _event_time(article, now, occurred_at) if png is not None else now
            event = _transition(
                article,
                EventType.DELIVERED,
                actor=actor,
                office=article.current_office_id,
                at=when,
                postman=article.postman,
                receiver_name=receiver_name or article.deliver_to_name,
                receiver_kind=ReceiverKind.SENDER if article.is_return else receiver_kind,
                idempotency_key=idempotency_key,
            )
            _save(article)
            if png is not None:
                DeliveryProof.objects.create(event=event, signature_png=png)
            if article.notify_sender_on_delivery and article.sender_mobile and not article.is_return:
                sms_queue(
                    to=article.sender_mobile,
                    template_key=sms.DELIVERED_TO_SENDER,
                    context={"article": article.number, "date": timezone.localtime(when).strftime("%d-%m-%Y %H:%M")},
                )
    if wrong is not None:
        if wrong.attempts_left == 0:
            raise OtpInvalid(
                _("That code is not right. It was the fifth wrong code: the code no longer works."),
                details={"attempts_left": 0},
            )
        raise OtpInvalid(
            _("That code is not right. %(n)s tries left.") % {"n": wrong.attempts_left},
            details={"attempts_left": wrong.attempts_left},
        )
    return event


def article_attempt(
    *,
    article_number: str,
    reason: str,
    actor: User,
    note: str = "",
    at: datetime | None = None,
    occurred_at: datetime | None = None,
    idempotency_key: str | None = None,
) -> TrackingEvent:
    """Record a failed delivery attempt; the article is back at the office. After
    DELIVERY_MAX_ATTEMPTS counted attempts (default 3) it is returned to the sender.
    "Link down" is our failure, not the addressee's, and is not counted."""
    if reason not in AttemptReason.values:
        raise InvalidEvent(_("Choose a reason."), details={"reason": _("Choose a reason.")})
    now = _now(at)
    with transaction.atomic():
        article = _lock_article(article_number)
        if replay := _replayed(idempotency_key):
            return replay
        _check_beat_actor(article, actor)
        when = _event_time(article, now, occurred_at)
        event = _transition(
            article,
            EventType.ATTEMPTED,
            actor=actor,
            office=article.current_office_id,
            at=when,
            postman=article.postman,
            reason=reason,
            note=(note or "")[:300],
            idempotency_key=idempotency_key,
        )
        if reason != AttemptReason.LINK_DOWN:
            article.failed_attempts += 1
        _save(article, "failed_attempts")
        if article.failed_attempts >= max_attempts() and not article.is_return:
            _return_to_sender(
                article,
                actor=actor,
                at=when,
                note=_("Not delivered after %(n)s attempts.") % {"n": article.failed_attempts},
            )
    return event


def _return_to_sender(
    article: Article, *, actor: User, at: datetime, note: str, idempotency_key: str | None = None
) -> TrackingEvent:
    event = _transition(
        article,
        EventType.RETURNED,
        actor=actor,
        office=article.current_office_id,
        at=at,
        note=note,
        idempotency_key=idempotency_key,
    )
    article.is_return = True
    article.failed_attempts = 0
    article.postman = None
    _save(article, "is_return", "failed_attempts", "postman")
    DeliveryOtp.objects.filter(article=article, status=OtpStatus.ACTIVE).update(status=OtpStatus.REPLACED, closed_at=at)
    return event


def article_return(
    *, article_number: str, reason: str, actor: User, at: datetime | None = None, idempotency_key: str | None = None
) -> TrackingEvent:
    """The postmaster returns an article to its sender before the attempts run out
    (refused, addressee moved away, ...)."""
    reason = (reason or "").strip()
    if not reason:
        raise InvalidEvent(_("Give the reason for returning."), details={"reason": _("Required.")})
    now = _now(at)
    with transaction.atomic():
        article = _lock_article(article_number)
        if replay := _replayed(idempotency_key):
            return replay
        if article.is_return:
            raise ArticleTransitionRefused(_("This article is already going back to its sender."))
        event = _return_to_sender(article, actor=actor, at=now, note=reason[:300], idempotency_key=idempotency_key)
    return event


def article_redirect(
    *,
    article_number: str,
    address: str,
    pin: str,
    actor: User,
    at: datetime | None = None,
    idempotency_key: str | None = None,
) -> TrackingEvent:
    """The addressee asked for the article to follow them to a new address."""
    data = _check_person("recipient", {"name": "-", "address": address, "pin": pin}, mobile_required=False)
    now = _now(at)
    with transaction.atomic():
        article = _lock_article(article_number)
        if replay := _replayed(idempotency_key):
            return replay
        destination_id = (
            PostOffice.objects.filter(pin=data["pin"], is_delivery_office=True)
            .order_by("pk")
            .values_list("pk", flat=True)
            .first()
        )
        event = _transition(
            article,
            EventType.REDIRECTED,
            actor=actor,
            office=article.current_office_id,
            at=now,
            to_office_id=destination_id,
            note=_("To PIN %(pin)s") % {"pin": data["pin"]},
            idempotency_key=idempotency_key,
        )
        article.recipient_address = data["address"]
        article.recipient_pin = data["pin"]
        article.destination_office_id = destination_id
        article.postman = None
        _save(article, "recipient_address", "recipient_pin", "destination_office", "postman")
    return event


# --- signature data URL ----------------------------------------------------------------


def signature_from_data_url(value: str | None) -> bytes | None:
    """'data:image/png;base64,....' from the phone's canvas -> PNG bytes (or None)."""
    import base64
    import binascii

    if not value:
        return None
    prefix = "data:image/png;base64,"
    if not value.startswith(prefix):
        raise SignatureRequired(_("The signature must be a PNG image."))
    try:
        return base64.b64decode(value[len(prefix) :], validate=True)
    except (binascii.Error, ValueError):
        raise SignatureRequired(_("The signature image could not be read.")) from None


__all__ = [
    "TRANSITIONS",
    "DispatchResult",
    "DomainError",
    "OtpSendResult",
    "ReceiveResult",
    "Refused",
    "article_attempt",
    "article_book",
    "article_cancel",
    "article_deliver",
    "article_dispatch",
    "article_otp_resend",
    "article_out_for_delivery",
    "article_receive",
    "article_redirect",
    "article_return",
    "bag_dispatch",
    "bag_number",
    "bag_receive",
    "signature_from_data_url",
]
