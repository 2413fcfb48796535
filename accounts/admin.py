from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import services
from .exceptions import RoleChangeNotAllowed
from .models import (
    PLACE_FIELDS,
    District,
    PoliceStation,
    PoliceStationArea,
    PostOffice,
    RoleChange,
    ServiceCentre,
    State,
    User,
)

ROLE_AND_PLACE = ("role", *PLACE_FIELDS)


class UserRoleChangeForm(UserChangeForm):
    """The admin's user form: a change of role or place needs a reason, and is saved by
    accounts.services.user_role_change (UserAdmin.save_model), never by the form."""

    role_change_reason = forms.CharField(
        label=_("Reason for the change of role or place"),
        required=False,
        max_length=300,
        help_text=_("Required when the role or place changes; kept in the audit trail."),
    )

    def clean(self):
        cleaned = super().clean()
        if (
            any(field in self.changed_data for field in ROLE_AND_PLACE)
            and not cleaned.get("role_change_reason", "").strip()
        ):
            self.add_error("role_change_reason", _("Say why the role or place changes."))
        return cleaned


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
                    "role_change_reason",
                )
            },
        ),
    )
    form = UserRoleChangeForm
    add_fieldsets = DjangoUserAdmin.add_fieldsets + (
        (_("Role and place"), {"fields": ("role", "post_office", "police_station", "district", "service_centre")}),
    )
    autocomplete_fields = ["post_office", "police_station", "district", "service_centre"]
    actions = ["reset_two_factor"]

    def save_model(self, request, obj, form, change) -> None:
        if not change or not any(field in form.changed_data for field in ROLE_AND_PLACE):
            super().save_model(request, obj, form, change)
            return
        # Save everything else as it was, then change role and place through the
        # audited service (the admin's view runs in one transaction: all or nothing).
        wanted = {field: getattr(obj, field) for field in ROLE_AND_PLACE}
        obj.role = form.initial.get("role")
        for field in PLACE_FIELDS:
            setattr(obj, f"{field}_id", form.initial.get(field))
        super().save_model(request, obj, form, change)
        try:
            services.user_role_change(
                user=obj, actor=request.user, reason=form.cleaned_data["role_change_reason"], **wanted
            )
        except RoleChangeNotAllowed:
            raise PermissionDenied from None

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


@admin.register(RoleChange)
class RoleChangeAdmin(admin.ModelAdmin):
    """The audit trail of roles and places: read only, written by the service alone."""

    list_display = ["created_at", "user", "old_role", "old_place_label", "new_role", "new_place_label", "actor"]
    list_filter = ["new_role"]
    search_fields = ["user__username", "actor__username", "reason"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
