from django.contrib import admin

from accounts.scoping import DistrictScopedAdmin

from .models import Caregiver, SupportContactOffer


@admin.register(Caregiver)
class CaregiverAdmin(DistrictScopedAdmin):
    """Personal data: managers see their own districts' caregivers; nobody sees another district's."""

    list_display = ("label", "target_group", "relation", "condition", "gender", "age_band")
    list_filter = ("target_group", "condition", "gender", "age_band")
    search_fields = ("label",)
    filter_horizontal = ("districts",)
    readonly_fields = ("created_by", "created_at", "updated_at")


@admin.register(SupportContactOffer)
class SupportContactOfferAdmin(DistrictScopedAdmin):
    list_display = ("caregiver", "offered_on", "status", "answered_on", "support_person")
    list_filter = ("status",)
    search_fields = ("caregiver__label",)
    list_select_related = ("caregiver", "support_person")
