"""Admin: the tariff tables are edited here (end a row with effective_to, add its successor)."""

from django.contrib import admin

from .models import AddonPrice, Discount, PinOffice, Tariff, TaxRate


@admin.register(PinOffice)
class PinOfficeAdmin(admin.ModelAdmin):
    list_display = ("pincode", "officename", "officetype", "delivery", "district", "state", "latitude", "longitude")
    list_filter = ("officetype", "delivery", "state")
    search_fields = ("=pincode", "officename", "district", "taluk")
    exclude = ("name_key",)


class EffectiveAdmin(admin.ModelAdmin):
    date_hierarchy = "effective_from"


@admin.register(Tariff)
class TariffAdmin(EffectiveAdmin):
    list_display = (
        "service",
        "weight_from_g",
        "weight_to_g",
        "band",
        "amount_paise",
        "step_g",
        "step_paise",
        "effective_from",
        "effective_to",
        "note",
    )
    list_filter = ("service", "band", "effective_from")


@admin.register(AddonPrice)
class AddonPriceAdmin(EffectiveAdmin):
    list_display = ("addon", "amount_paise", "effective_from", "effective_to", "note")


@admin.register(TaxRate)
class TaxRateAdmin(EffectiveAdmin):
    list_display = ("name", "rate_bp", "effective_from", "effective_to", "note")


@admin.register(Discount)
class DiscountAdmin(EffectiveAdmin):
    list_display = ("kind", "rate_bp", "effective_from", "effective_to", "note")
