from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm, UserCreationForm
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import DISTRICT_ROLES, User
from .scoping import scope_to_user, user_municipality_id

admin.site.site_header = _("Caregiver support: administration")
admin.site.site_title = _("Caregiver support")
admin.site.index_title = _("Administration")


class _DistrictsRequiredMixin:
    def clean(self):
        cleaned = super().clean()
        districts = list(cleaned.get("districts") or ())
        if cleaned.get("role") in DISTRICT_ROLES and not districts:
            self.add_error("districts", _("A consultant or district manager must serve at least one district."))
        municipalities = {d.municipality_id for d in districts}
        municipality = cleaned.get("municipality")
        if len(municipalities) > 1:
            self.add_error("districts", _("A user's districts must all belong to one municipality."))
        elif municipalities and municipality is None:
            # The districts say which municipality: the field need not repeat it.
            cleaned["municipality"] = districts[0].municipality
            self.instance.municipality = districts[0].municipality
        elif municipalities and municipality.pk not in municipalities:
            self.add_error("districts", _("The districts belong to another municipality."))
        return cleaned


class UserAddForm(_DistrictsRequiredMixin, UserCreationForm):
    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "role", "municipality", "districts", "email")
        widgets = {"districts": forms.CheckboxSelectMultiple}


class UserEditForm(_DistrictsRequiredMixin, UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Users and roles; only administrators have the permissions to open it."""

    form = UserEditForm
    add_form = UserAddForm
    list_display = (
        "username",
        "first_name",
        "last_name",
        "role",
        "municipality",
        "district_list",
        "is_active",
        "last_login",
    )
    list_filter = ("role", "is_active", "municipality", "districts")
    search_fields = ("username", "first_name", "last_name", "email")
    filter_horizontal = ("districts",)
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "email")}),
        (_("Role and districts"), {"fields": ("role", "municipality", "districts", "is_active")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "role", "municipality", "districts", "email", "password1", "password2"),
            },
        ),
    )
    readonly_fields = ("last_login", "date_joined")

    def get_queryset(self, request):
        users = super().get_queryset(request).select_related("municipality").prefetch_related("districts")
        return users.filter(_managed_users(request.user))

    def save_model(self, request, obj, form, change):
        # A user without districts left without a municipality is the administrator's own.
        if obj.municipality_id is None:
            obj.municipality_id = user_municipality_id(request.user)
        super().save_model(request, obj, form, change)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "municipality":
            kwargs["queryset"] = db_field.related_model.objects.filter(pk=user_municipality_id(request.user))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "districts":
            kwargs["queryset"] = scope_to_user(db_field.related_model.objects.order_by("name"), request.user)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    @admin.display(description=_("districts"))
    def district_list(self, obj: User) -> str:
        return ", ".join(d.name for d in obj.districts.all())


def _managed_users(user, path: str = "") -> Q:
    """The users an administrator manages: those of their own municipality (and those not yet in any)."""
    municipality_id = user_municipality_id(user)
    return Q(**{f"{path}municipality_id": municipality_id}) | Q(**{f"{path}municipality__isnull": True})


class ScopedTOTPDeviceAdmin(TOTPDeviceAdmin):
    """django-otp's device admin, limited to the devices of the users the administrator manages."""

    def get_queryset(self, request):
        return super().get_queryset(request).filter(_managed_users(request.user, "user__"))

    def has_view_or_change_permission(self, request, obj=None):
        if obj is not None and not self.get_queryset(request).filter(pk=obj.pk).exists():
            return False
        return super().has_view_or_change_permission(request, obj)


admin.site.unregister(TOTPDevice)
admin.site.register(TOTPDevice, ScopedTOTPDeviceAdmin)
