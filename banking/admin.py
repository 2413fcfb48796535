"""Banking in the admin: money rows are read-only (they change only through services);
an administrator sets each office's UPI payee here."""

from django.contrib import admin

from .models import (
    CapBreach,
    JournalEntry,
    LedgerCheckRun,
    OfficeUpiPayee,
    Payment,
    Posting,
    ReversalRequest,
    SavingsAccount,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Look, never touch: ledger rows are append-only and change only through services."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(OfficeUpiPayee)
class OfficeUpiPayeeAdmin(admin.ModelAdmin):
    list_display = ["office", "vpa", "payee_name"]
    search_fields = ["office__name", "vpa"]
    autocomplete_fields = ["office"]


@admin.register(SavingsAccount)
class SavingsAccountAdmin(ReadOnlyAdmin):
    list_display = ["number", "customer", "office", "status", "opened_at"]
    list_filter = ["status"]
    search_fields = ["number", "customer__mobile"]
    list_select_related = ["customer", "office"]
    exclude = ["ledger"]


class PostingInline(admin.TabularInline):
    model = Posting
    fields = ["account", "amount_paise"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(JournalEntry)
class JournalEntryAdmin(ReadOnlyAdmin):
    list_display = ["id", "kind", "office", "actor", "created_at", "memo"]
    list_filter = ["kind"]
    search_fields = ["=id", "memo", "idempotency_key"]
    inlines = [PostingInline]


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = ["reference", "method", "status", "total_paise", "office", "utr", "created_at"]
    list_filter = ["method", "status"]
    search_fields = ["reference", "utr"]


@admin.register(ReversalRequest)
class ReversalRequestAdmin(ReadOnlyAdmin):
    list_display = ["entry", "status", "requested_by", "decided_by", "requested_at"]
    list_filter = ["status"]


@admin.register(CapBreach)
class CapBreachAdmin(ReadOnlyAdmin):
    list_display = ["day", "customer", "office", "excess_paise", "resolved_at"]


@admin.register(LedgerCheckRun)
class LedgerCheckRunAdmin(ReadOnlyAdmin):
    list_display = ["started_at", "finished_at", "ok", "entries_checked", "accounts_checked"]
