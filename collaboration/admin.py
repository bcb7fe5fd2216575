"""The admin: scoped like everything else, and refusing what the app's forms refuse (the same rules)."""

from django import forms
from django.contrib import admin
from django.contrib.admin import RelatedOnlyFieldListFilter
from django.utils.translation import gettext_lazy as _

from accounts.scoping import DistrictScopedAdmin, DistrictScopedInline
from anhorigstod.admin_site import FormUserMixin

from .models import ActivityParticipants, CaseOfficerMeasurement, CollaborationActivity, OutreachActivity, Partner
from .services import activity_districts, check_activity_date, chosen_keeping_hidden, measurement_check, partner_check


class _UserForm(forms.ModelForm):
    """A model form that knows who is saving (set by ``FormUserMixin``)."""

    user = None

    def _current(self, name: str) -> list:
        return list(getattr(self.instance, name).all()) if self.instance.pk else []


class _UserFormAdmin(FormUserMixin, DistrictScopedAdmin):
    pass


class PartnerAdminForm(_UserForm):
    def clean(self):
        cleaned = super().clean()
        if "districts" not in cleaned or "kind" not in cleaned:
            return cleaned
        districts = chosen_keeping_hidden(
            user=self.user, chosen=cleaned["districts"], current=self._current("districts")
        )
        partner_check(kind=cleaned["kind"], districts=districts)
        cleaned["districts"] = districts  # saved as they are, the hidden ones kept
        if self.instance.pk and cleaned["kind"] != self.instance.kind and self.instance.measurements.exists():
            raise forms.ValidationError(
                {"kind": _("This unit has case officers' measurements; it stays a case-officer unit.")}
            )
        return cleaned


@admin.register(Partner)
class PartnerAdmin(_UserFormAdmin):
    form = PartnerAdminForm
    list_display = ("name", "kind", "district_list", "active")
    list_filter = ("kind", "active", ("districts", RelatedOnlyFieldListFilter))
    search_fields = ("name", "note")
    filter_horizontal = ("districts",)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("districts")

    @admin.display(description=_("districts"))
    def district_list(self, obj) -> str:
        return ", ".join(d.name for d in obj.districts.all())


class ActivityAdminForm(_UserForm):
    """A network's activity gets its member districts; other districts are the user's own, hidden ones kept."""

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("date"):
            check_activity_date(cleaned["date"])
        if "districts" in cleaned:
            cleaned["districts"] = activity_districts(
                user=self.user,
                network=cleaned.get("network"),
                chosen=cleaned["districts"],
                current=self._current("districts"),
            )
        if "partners" in cleaned:
            cleaned["partners"] = chosen_keeping_hidden(
                user=self.user, chosen=cleaned["partners"], current=self._current("partners")
            )
        return cleaned


class ParticipantsInline(DistrictScopedInline):
    model = ActivityParticipants


class _ActivityAdmin(_UserFormAdmin):
    form = ActivityAdminForm
    list_display = ("date", "title", "kind", "network", "district_list")
    list_filter = ("kind", ("network", RelatedOnlyFieldListFilter), ("districts", RelatedOnlyFieldListFilter))
    list_select_related = ("network",)
    date_hierarchy = "date"
    search_fields = ("title", "note")
    filter_horizontal = ("districts",)
    readonly_fields = ("created_by",)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("districts")

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    @admin.display(description=_("districts"))
    def district_list(self, obj) -> str:
        return ", ".join(d.name for d in obj.districts.all())


@admin.register(CollaborationActivity)
class CollaborationActivityAdmin(_ActivityAdmin):
    inlines = (ParticipantsInline,)
    filter_horizontal = ("districts", "partners")


@admin.register(OutreachActivity)
class OutreachActivityAdmin(_ActivityAdmin):
    list_display = (*_ActivityAdmin.list_display, "reach")


class MeasurementAdminForm(_UserForm):
    def clean(self):
        cleaned = super().clean()
        for field in ("starts_on", "ends_on"):
            if cleaned.get(field):
                check_activity_date(cleaned[field], field)
        measurement_check(
            unit=cleaned.get("unit"),
            starts_on=cleaned.get("starts_on"),
            ends_on=cleaned.get("ends_on"),
            new_cases=cleaned.get("new_cases"),
            informed_cases=cleaned.get("informed_cases"),
            measurement=self.instance,
        )
        return cleaned


@admin.register(CaseOfficerMeasurement)
class CaseOfficerMeasurementAdmin(_UserFormAdmin):
    form = MeasurementAdminForm
    list_display = ("unit", "starts_on", "ends_on", "new_cases", "informed_cases", "share_shown")
    list_filter = (("unit", RelatedOnlyFieldListFilter),)
    list_select_related = ("unit",)
    date_hierarchy = "starts_on"
    search_fields = ("unit__name", "note")
    readonly_fields = ("created_by",)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    @admin.display(description=_("share (%)"))
    def share_shown(self, obj) -> str:
        return "–" if obj.share is None else str(obj.share)
