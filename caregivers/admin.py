from django.contrib import admin

from accounts.scoping import DistrictScopedAdmin, in_users_municipality
from anhorigstod.admin_site import ReadOnlyAdminMixin
from audit.services import record_access

from .models import Caregiver, CaregiverErasure, RetentionRun, SupportContactOffer


@admin.register(Caregiver)
class CaregiverAdmin(DistrictScopedAdmin):
    """Personal data: managers see their own districts' caregivers; nobody sees another district's."""

    list_display = ("label", "target_group", "relation", "condition", "gender", "age_band", "erased_at")
    list_filter = ("target_group", "condition", "gender", "age_band")
    search_fields = ("label",)
    filter_horizontal = ("districts",)
    readonly_fields = ("created_by", "created_at", "updated_at", "erased_at")

    def get_form(self, request, obj=None, **kwargs):
        # A caregiver added here is of the administrator's municipality (their districts are in it).
        return in_users_municipality(super().get_form(request, obj, **kwargs), request.user)

    def get_object(self, request, object_id, from_field=None):
        # Seeing a caregiver here is seeing their page: the audit log records it.
        caregiver = super().get_object(request, object_id, from_field)
        record_access(caregiver)
        return caregiver

    def has_change_permission(self, request, obj=None):
        # An erased caregiver stays as it is: a label typed in here would name them again.
        if obj is not None and obj.erased_at is not None:
            return False
        return super().has_change_permission(request, obj)


@admin.register(SupportContactOffer)
class SupportContactOfferAdmin(DistrictScopedAdmin):
    list_display = ("caregiver", "offered_on", "status", "answered_on", "support_person")
    list_filter = ("status",)
    search_fields = ("caregiver__label",)
    list_select_related = ("caregiver", "support_person")


@admin.register(CaregiverErasure)
class CaregiverErasureAdmin(ReadOnlyAdminMixin, DistrictScopedAdmin):
    """Erasures of the caregivers of the user's districts (all districts for strategists: no personal data)."""

    list_display = ("caregiver_id", "erased_at", "reason", "erased_by", "retention_run")
    list_filter = ("reason",)
    list_select_related = ("erased_by", "retention_run")
    fields = ("caregiver_id", "erased_at", "reason", "erased_by", "retention_run")
    readonly_fields = fields


@admin.register(RetentionRun)
class RetentionRunAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("run_on", "started_at", "finished_at", "retention_years", "cutoff", "erased_count")
    fields = list_display
    readonly_fields = list_display
