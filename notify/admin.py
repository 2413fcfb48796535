"""Admin: templates are editable (with their DLT form shown), the outbox is read-only."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from core.formatting import format_ist

from .models import Outbox, SmsTemplate


@admin.register(SmsTemplate)
class SmsTemplateAdmin(admin.ModelAdmin):
    list_display = ["key", "dlt_template_id", "sender", "active", "dlt_form_hi", "dlt_form_en"]
    list_filter = ["active"]
    search_fields = ["key", "dlt_template_id"]
    fields = ["key", "dlt_template_id", "sender", "active", "text_hi", "dlt_form_hi", "text_en", "dlt_form_en"]
    readonly_fields = ["key", "dlt_form_hi", "dlt_form_en"]

    # Templates come from code (sms_template_register): a row nobody sends is useless
    # and a template with messages cannot be deleted (the outbox keeps them).
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: SmsTemplate | None = None) -> bool:
        return False

    @admin.display(description=_("DLT form (Hindi)"))
    def dlt_form_hi(self, obj: SmsTemplate) -> str:
        return obj.dlt_text("hi")

    @admin.display(description=_("DLT form (English)"))
    def dlt_form_en(self, obj: SmsTemplate) -> str:
        return obj.dlt_text("en")


class OutboxStatusFilter(admin.SimpleListFilter):
    title = _("status")
    parameter_name = "status"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return list(Outbox.Status.choices)

    def queryset(self, request: HttpRequest, queryset: QuerySet[Outbox]) -> QuerySet[Outbox]:
        value = self.value()
        if value == Outbox.Status.PENDING:
            return queryset.filter(sent_at=None, failed_at=None)
        if value == Outbox.Status.SENT:
            return queryset.exclude(sent_at=None)
        if value == Outbox.Status.FAILED:
            return queryset.exclude(failed_at=None)
        return queryset


@admin.register(Outbox)
class OutboxAdmin(admin.ModelAdmin):
    list_display = ["id", "to", "template", "lang", "status_label", "attempts", "created", "sent", "last_error"]
    list_filter = [OutboxStatusFilter, "template", "lang", "secret"]
    search_fields = ["to"]
    search_help_text = _("Mobile number, or its first digits.")
    list_select_related = ["template"]
    show_full_result_count = False  # no COUNT(*) over the whole outbox on every page
    fields = [
        "to",
        "template",
        "lang",
        "shown_text",
        "secret",
        "status_label",
        "attempts",
        "created",
        "next_attempt",
        "sent",
        "failed",
        "last_error",
        "gateway_message_id",
        "dlt_template_id",
        "sender",
    ]
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Outbox | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Outbox | None = None) -> bool:
        return False

    def get_search_results(self, request: HttpRequest, queryset: QuerySet[Outbox], search_term: str):
        # Digits only, matched from the start: '98123' finds 9812345610. A plain
        # prefix LIKE uses the notify_outbox_to index; admin's default would not.
        digits = "".join(ch for ch in search_term if ch.isdigit())
        if not search_term.strip():
            return queryset, False
        if not digits:
            return queryset.none(), False
        if len(digits) == 10:
            return queryset.filter(to=digits), False
        return queryset.filter(to__startswith=digits), False

    @admin.display(description=_("text"))
    def shown_text(self, obj: Outbox) -> str:
        # A secret row keeps its text until it is sent; admin never shows it.
        if obj.secret:
            return _("(hidden: carries a secret) %(text)s") % {"text": obj.template.dlt_text(obj.lang)}
        return obj.text

    @admin.display(description=_("status"))
    def status_label(self, obj: Outbox) -> str:
        return Outbox.Status(obj.status).label

    @admin.display(description=_("created at"), ordering="id")
    def created(self, obj: Outbox) -> str:
        return format_ist(obj.created_at)

    @admin.display(description=_("next attempt at"))
    def next_attempt(self, obj: Outbox) -> str:
        return "" if obj.sent_at or obj.failed_at else format_ist(obj.next_attempt_at)

    @admin.display(description=_("sent at"), ordering="sent_at")
    def sent(self, obj: Outbox) -> str:
        return format_ist(obj.sent_at)

    @admin.display(description=_("failed at"))
    def failed(self, obj: Outbox) -> str:
        return format_ist(obj.failed_at)
