"""Request shapes (DRF serializers) and answer shapes (plain functions) of delivery's API."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from accounts.api.fields import IdField
from core.formatting import format_ist

from ..clock import IST
from ..models import Article, ArticleStatus, AttemptReason, EventType, ReceiverKind, TrackingEvent
from ..selectors import office_name


class OutForDeliveryIn(serializers.Serializer):
    postman = serializers.CharField(required=False, allow_blank=True, help_text=_("User id or username"))


class DeliverIn(serializers.Serializer):
    otp = serializers.CharField(required=False, allow_blank=True, max_length=12)
    receiver_name = serializers.CharField(required=False, allow_blank=True, max_length=120)
    receiver_kind = serializers.ChoiceField(choices=ReceiverKind.choices, required=False, default="addressee")
    signature = serializers.CharField(required=False, allow_blank=True, help_text="data:image/png;base64,...")
    occurred_at = serializers.DateTimeField(required=False)


class AttemptIn(serializers.Serializer):
    reason = serializers.ChoiceField(choices=AttemptReason.choices)
    note = serializers.CharField(required=False, allow_blank=True, max_length=300)
    occurred_at = serializers.DateTimeField(required=False)


class EventIn(serializers.Serializer):
    type = serializers.ChoiceField(
        choices=[
            c
            for c in EventType.choices
            if c[0] not in (EventType.BOOKED, EventType.CANCELLED)  # the counter's business
        ]
    )
    to_office = IdField(required=False)
    postman = serializers.CharField(required=False, allow_blank=True)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=300)
    note = serializers.CharField(required=False, allow_blank=True, max_length=300)
    otp = serializers.CharField(required=False, allow_blank=True, max_length=12)
    receiver_name = serializers.CharField(required=False, allow_blank=True, max_length=120)
    receiver_kind = serializers.ChoiceField(choices=ReceiverKind.choices, required=False, default="addressee")
    signature = serializers.CharField(required=False, allow_blank=True)
    address = serializers.CharField(required=False, allow_blank=True, max_length=300)
    pin = serializers.CharField(required=False, allow_blank=True, max_length=6)
    occurred_at = serializers.DateTimeField(required=False)


class BagDispatchIn(serializers.Serializer):
    to_office = IdField()
    articles = serializers.ListField(child=serializers.CharField(max_length=40), min_length=1, max_length=500)


class BagReceiveIn(serializers.Serializer):
    articles = serializers.ListField(
        child=serializers.CharField(max_length=40), required=False, allow_empty=True, max_length=500
    )


def event_json(event: TrackingEvent) -> dict:
    """An event as staff see it."""
    return {
        "id": event.pk,
        "type": event.type,
        "label": str(EventType(event.type).label),
        "status": event.status_after,
        "office": {"id": event.office_id, "name": office_name(event.office)} if event.office_id else None,
        "to_office": {"id": event.to_office_id, "name": office_name(event.to_office)} if event.to_office_id else None,
        "bag": f"BG{event.bag_id:08d}" if event.bag_id else None,
        "reason": event.reason,
        "reason_label": event.reason_display,
        "note": event.note,
        "postman": event.postman.get_full_name() or event.postman.username if event.postman_id else None,
        "receiver_name": event.receiver_name,
        "receiver_kind": event.receiver_kind,
        "at": event.occurred_at.astimezone(IST).isoformat(timespec="seconds"),
        "at_ist": format_ist(event.occurred_at),
    }


def article_json(article: Article) -> dict:
    """An article as staff see it (full addressee details: the postman needs them)."""
    return {
        "article_number": article.number,
        "service": article.service_indicator,
        "service_label": article.service_name,
        "status": article.status,
        "status_label": str(ArticleStatus(article.status).label),
        "otp_required": article.needs_otp,
        "registration": article.registration,
        "is_return": article.is_return,
        "failed_attempts": article.failed_attempts,
        "deliver_to": {
            "name": article.deliver_to_name,
            "address": article.deliver_to_address,
            "pin": article.deliver_to_pin,
            "mobile": article.deliver_to_mobile,
        },
        "weight_g": article.weight_g,
        "current_office": article.current_office_id,
        "postman": article.postman_id,
        "booked_at": article.booked_at.astimezone(IST).isoformat(timespec="seconds"),
    }
