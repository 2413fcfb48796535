from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import services
from .models import District, PoliceStation, PoliceStationArea, PostOffice, ServiceCentre, State, User

admin.site.site_header = _("Dakghar administration")
admin.site.site_title = _("Dakghar admin")
admin.site.index_title = _("People, places and settings")


@admin.register(State)
class StateAdmin(admin.ModelAdmin):
    list_display = ["name", "name_hi", "code"]
    search_fields = ["name", "code"]


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ["name", "name_hi", "state"]
    list_filter = ["state"]
    search_fields = ["name"]


@admin.register(PostOffice)
class PostOfficeAdmin(admin.ModelAdmin):
    list_display = ["name", "pin", "kind", "district", "head_office", "is_delivery_office"]
    list_filter = ["kind", "district__state"]
    search_fields = ["name", "pin"]
    autocomplete_fields = ["district", "head_office"]


class PoliceStationAreaInline(admin.TabularInline):
    model = PoliceStationArea
    extra = 1


@admin.register(PoliceStation)
class PoliceStationAdmin(admin.ModelAdmin):
    list_display = ["name", "name_hi", "district"]
    list_filter = ["district"]
    search_fields = ["name", "areas__pin"]
    inlines = [PoliceStationAreaInline]


@admin.register(ServiceCentre)
class ServiceCentreAdmin(admin.ModelAdmin):
    list_display = ["name", "pin", "district", "phone"]
    search_fields = ["name", "pin"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = [
        "username",
        "get_full_name",
        "role",
        "post_office",
        "police_station",
        "district",
        "service_centre",
        "is_active",
    ]
    list_filter = ["role", "is_active"]
    fieldsets = DjangoUserAdmin.fieldsets + (
        (
            _("Role and place"),
            {
                "fields": (
                    "role",
                    "mobile",
                    "preferred_language",
                    "post_office",
                    "police_station",
                    "district",
                    "service_centre",
                )
            },
        ),
    )
    add_fieldsets = DjangoUserAdmin.add_fieldsets + (
        (_("Role and place"), {"fields": ("role", "post_office", "police_station", "district", "service_centre")}),
    )
    autocomplete_fields = ["post_office", "police_station", "district", "service_centre"]
    actions = ["reset_two_factor"]

    @admin.action(description=_("Reset two-factor sign-in (lost phone): enrol again at next sign-in"))
    def reset_two_factor(self, request, queryset) -> None:
        for user in queryset:
            services.user_two_factor_reset(user=user)
        count = queryset.count()
        self.message_user(
            request,
            ngettext(
                "Two-factor sign-in was reset for %(count)d user.",
                "Two-factor sign-in was reset for %(count)d users.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )
