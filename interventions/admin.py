from django.contrib import admin
from django.contrib.admin import RelatedOnlyFieldListFilter

from accounts.scoping import DistrictScopedAdmin

from .models import DistrictOffering, InterventionType


@admin.register(InterventionType)
class InterventionTypeAdmin(admin.ModelAdmin):
    """The base-level catalogue is city-wide: everyone reads it, strategists maintain it."""

    list_display = ("name", "code", "category", "cap_min", "cap_max", "position")
    list_filter = ("category",)
    search_fields = ("name", "code", "description")
    list_editable = ("position",)


@admin.register(DistrictOffering)
class DistrictOfferingAdmin(DistrictScopedAdmin):
    list_display = ("district", "target_group", "intervention_type")
    list_filter = ("target_group", ("district", RelatedOnlyFieldListFilter), "intervention_type__category")
    search_fields = ("district__name", "intervention_type__name")
    list_select_related = ("district", "intervention_type")
