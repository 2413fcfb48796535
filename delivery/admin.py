"""Delivery in the admin: read only. Articles change only through delivery.services
(the status map and the event trail); codes are never shown (only their state)."""

from __future__ import annotations

from django.contrib import admin

from .models import Article, Bag, DeliveryOtp, TrackingEvent


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class EventInline(admin.TabularInline):
    model = TrackingEvent
    fields = ("occurred_at", "type", "office", "actor", "postman", "reason", "note", "receiver_name")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Article)
class ArticleAdmin(ReadOnlyAdmin):
    list_display = ("number", "service_indicator", "status", "origin_office", "current_office", "booked_at")
    list_filter = ("status", "service_indicator", "otp_required")
    search_fields = ("number",)
    date_hierarchy = "booked_at"
    inlines = [EventInline]


@admin.register(Bag)
class BagAdmin(ReadOnlyAdmin):
    list_display = ("number", "from_office", "to_office", "status", "dispatched_at", "received_at")
    list_filter = ("status",)


@admin.register(DeliveryOtp)
class DeliveryOtpAdmin(ReadOnlyAdmin):
    list_display = ("article", "valid_on", "status", "wrong_attempts", "created_at", "closed_at")
    list_filter = ("status", "valid_on")
    exclude = ("salt", "code_hash")
