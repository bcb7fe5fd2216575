from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm, UserCreationForm
from django.utils.translation import gettext_lazy as _

from .models import DISTRICT_ROLES, User

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
        return super().get_queryset(request).select_related("municipality").prefetch_related("districts")

    @admin.display(description=_("districts"))
    def district_list(self, obj: User) -> str:
        return ", ".join(d.name for d in obj.districts.all())
