"""Every read of delivery that is more than a get. Other apps (the counter) call these."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.db.models import Count, Q, QuerySet, Sum

from accounts.formatting import place_name
from accounts.models import PostOffice, Role, User
from accounts.typed import ascii_int
from core.formatting import format_ist, mask_mobile, mask_name

from .clock import IST, ist_date, ist_day_bounds
from .exceptions import ArticleNotFound, BagNotFound
from .models import (
    Article,
    ArticleStatus,
    AttemptReason,
    Bag,
    BagStatus,
    DeliveryOtp,
    EventType,
    OtpStatus,
    TrackingEvent,
    bag_number,
)
from .s10 import s10_validate

# Statuses from which an article at an office can go out on a beat.
READY_FOR_BEAT = (ArticleStatus.AT_OFFICE, ArticleStatus.ATTEMPTED, ArticleStatus.REDIRECTED, ArticleStatus.RETURNED)


def article_get(number: str) -> Article:
    """The article with this number (validated first: InvalidArticleNumber, 400), or
    ArticleNotFound (404). After a serial wrap, the newest article with the number."""
    value = s10_validate(number)
    article = (
        Article.objects.select_related("origin_office", "destination_office", "current_office", "postman")
        .filter(number=value)
        .order_by("-cycle")
        .first()
    )
    if article is None:
        raise ArticleNotFound(details={"number": value})
    return article


def tracking_events(number: str) -> list[TrackingEvent]:
    """The article's events, oldest first, with their offices and people loaded."""
    article = article_get(number)
    return list(
        TrackingEvent.objects.filter(article=article)
        .select_related("office", "to_office", "actor", "postman")
        .order_by("occurred_at", "id")
    )


def articles_for_office_today(*, office_id: int, day: date | None = None) -> QuerySet[Article]:
    """Articles booked at the office on the IST day (default today), oldest first."""
    start, end = ist_day_bounds(day or ist_date())
    return Article.objects.filter(origin_office_id=office_id, booked_at__gte=start, booked_at__lt=end).order_by(
        "booked_at", "pk"
    )


def articles_ready_for_beat(*, office_id: int) -> QuerySet[Article]:
    """Articles at the office that can go out for delivery. A just-booked article whose
    addressee's PIN is this office's is ready too (booked and delivered locally)."""
    return (
        Article.objects.filter(current_office_id=office_id)
        .filter(Q(status__in=READY_FOR_BEAT) | Q(status=ArticleStatus.BOOKED, destination_office_id=office_id))
        .order_by("recipient_pin", "pk")
    )


def postmen_of_office(*, office_id: int) -> QuerySet[User]:
    return User.objects.filter(role=Role.POSTMAN, post_office_id=office_id, is_active=True).order_by(
        "first_name", "username"
    )


def beat_for_postman(*, postman: User, day: date | None = None) -> list[Article]:
    """Today's beat: everything the postman took out today (whatever happened to it
    since), and anything still out with them from an earlier day."""
    start, end = ist_day_bounds(day or ist_date())
    went_out = TrackingEvent.objects.filter(
        type=EventType.OUT_FOR_DELIVERY, postman=postman, occurred_at__gte=start, occurred_at__lt=end
    ).values("article_id")
    return list(
        Article.objects.filter(Q(pk__in=went_out) | Q(postman=postman, status=ArticleStatus.OUT_FOR_DELIVERY))
        .select_related("current_office")
        .order_by("recipient_pin", "pk")
    )


def otp_state(*, article: Article, day: date | None = None) -> dict:
    """What the phone may know about the code: never the code itself."""
    day = day or ist_date()
    live = DeliveryOtp.objects.filter(article=article, status=OtpStatus.ACTIVE).first()
    sends = DeliveryOtp.objects.filter(article=article, valid_on=day).count()
    return {
        "live": bool(live and live.valid_on == day),
        "attempts_left": (settings.DELIVERY_OTP_MAX_WRONG - live.wrong_attempts) if live else 0,
        "sends_left_today": max(settings.DELIVERY_OTP_MAX_SENDS_PER_DAY - sends, 0),
    }


@dataclass
class OfficeSummary:
    office: PostOffice
    day: date
    out_now: int
    went_out_today: int
    delivered_today: int
    attempted_today: int
    attempts_by_reason: list[tuple[str, int]]
    otp_wrong_today: int
    otp_lockouts_today: int
    due_for_return: list[Article] = field(default_factory=list)
    ready_for_beat: int = 0
    incoming_bags: int = 0


def office_delivery_summary(*, office_id: int, day: date | None = None) -> OfficeSummary:
    """The delivery office's day: out now, delivered, attempts by reason, OTP wrong
    tries and lockouts, and articles waiting to go back to their senders."""
    day = day or ist_date()
    start, end = ist_day_bounds(day)
    office = PostOffice.objects.get(pk=office_id)
    today = TrackingEvent.objects.filter(office_id=office_id, occurred_at__gte=start, occurred_at__lt=end)
    counts = today.aggregate(
        went_out=Count("article", filter=Q(type=EventType.OUT_FOR_DELIVERY), distinct=True),
        delivered=Count("pk", filter=Q(type=EventType.DELIVERED)),
        attempted=Count("pk", filter=Q(type=EventType.ATTEMPTED)),
    )
    reasons = dict(today.filter(type=EventType.ATTEMPTED).values_list("reason").annotate(n=Count("pk")))
    by_reason = [(str(label), reasons[value]) for value, label in AttemptReason.choices if reasons.get(value)]
    otps = DeliveryOtp.objects.filter(valid_on=day, article__current_office_id=office_id).aggregate(
        wrong=Sum("wrong_attempts"), dead=Count("pk", filter=Q(status=OtpStatus.DEAD))
    )
    return OfficeSummary(
        office=office,
        day=day,
        out_now=Article.objects.filter(current_office_id=office_id, status=ArticleStatus.OUT_FOR_DELIVERY).count(),
        went_out_today=counts["went_out"],
        delivered_today=counts["delivered"],
        attempted_today=counts["attempted"],
        attempts_by_reason=by_reason,
        otp_wrong_today=otps["wrong"] or 0,
        otp_lockouts_today=otps["dead"],
        due_for_return=list(
            Article.objects.filter(current_office_id=office_id, status=ArticleStatus.RETURNED).order_by("pk")
        ),
        ready_for_beat=articles_ready_for_beat(office_id=office_id).count(),
        incoming_bags=Bag.objects.filter(to_office_id=office_id, status=BagStatus.DISPATCHED).count(),
    )


def otp_trouble_today(*, office_id: int, day: date | None = None) -> list[DeliveryOtp]:
    """Codes with wrong tries today, for the office home (no codes, only counts)."""
    return list(
        DeliveryOtp.objects.filter(
            valid_on=day or ist_date(), article__current_office_id=office_id, wrong_attempts__gt=0
        )
        .select_related("article")
        .order_by("-wrong_attempts", "pk")
    )


def attempts_today(*, office_id: int, day: date | None = None) -> list[TrackingEvent]:
    start, end = ist_day_bounds(day or ist_date())
    return list(
        TrackingEvent.objects.filter(
            office_id=office_id, type=EventType.ATTEMPTED, occurred_at__gte=start, occurred_at__lt=end
        )
        .select_related("article", "postman")
        .order_by("-occurred_at")
    )


def bag_get(bag: str) -> Bag:
    pk = ascii_int((bag or "").strip().upper().removeprefix("BG"))
    row = (
        Bag.objects.select_related("from_office", "to_office", "dispatched_by", "received_by").filter(pk=pk).first()
        if pk is not None
        else None
    )
    if row is None:
        raise BagNotFound(details={"bag": bag})
    return row


def bag_items(bag: Bag) -> list:
    return list(bag.items.select_related("article").order_by("pk"))


def bags_incoming(*, office_id: int) -> QuerySet[Bag]:
    return Bag.objects.filter(to_office_id=office_id, status=BagStatus.DISPATCHED).select_related("from_office")


def bags_recent(*, office_id: int, limit: int = 20) -> list[Bag]:
    return list(
        Bag.objects.filter(Q(from_office_id=office_id) | Q(to_office_id=office_id))
        .select_related("from_office", "to_office")
        .annotate(n=Count("items"))
        .order_by("-dispatched_at")[:limit]
    )


def office_name(office: PostOffice | None) -> str:
    """The office's name in the request's language."""
    return place_name(office)


def public_tracking(number: str) -> dict:
    """What anyone may see of an article: its journey with office names and IST
    times, the addressee masked. Nothing about who handled it."""
    article = article_get(number)
    events = (
        TrackingEvent.objects.filter(article=article)
        .select_related("office", "to_office")
        .order_by("occurred_at", "id")
    )
    timeline = []
    for event in events:
        timeline.append(
            {
                "type": event.type,
                "label": str(EventType(event.type).label),
                "office": office_name(event.office),
                "to_office": office_name(event.to_office) if event.type == EventType.DISPATCHED else "",
                "reason": str(AttemptReason(event.reason).label)
                if event.type == EventType.ATTEMPTED and event.reason in AttemptReason.values
                else "",
                "at": event.occurred_at.astimezone(IST).isoformat(timespec="seconds"),
                "at_ist": format_ist(event.occurred_at),
            }
        )
    return {
        "article_number": article.number,
        "service": article.service_name,
        "status": article.status,
        "status_label": str(ArticleStatus(article.status).label),
        "booked_at": article.booked_at.astimezone(IST).isoformat(timespec="seconds"),
        "origin": {"office": office_name(article.origin_office), "pin": article.origin_office.pin},
        "recipient": {
            "name": mask_name(article.recipient_name),
            "mobile": mask_mobile(article.recipient_mobile) if article.recipient_mobile else "",
            "pin": article.recipient_pin,
        },
        "otp_delivery": article.otp_required,
        "events": timeline,
    }


__all__ = [
    "OfficeSummary",
    "article_get",
    "articles_for_office_today",
    "articles_ready_for_beat",
    "attempts_today",
    "bag_get",
    "bag_items",
    "bag_number",
    "bags_incoming",
    "bags_recent",
    "beat_for_postman",
    "office_delivery_summary",
    "office_name",
    "otp_state",
    "otp_trouble_today",
    "postmen_of_office",
    "public_tracking",
    "tracking_events",
]
