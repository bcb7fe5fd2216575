from django.contrib import admin
from django.contrib.admin import RelatedOnlyFieldListFilter

from accounts.scoping import DistrictScopedAdmin

from .models import FollowUpAnswer, TalkScore


@admin.register(TalkScore)
class TalkScoreAdmin(DistrictScopedAdmin):
    """Managers correct their districts' scores here; consultants record them from the talk."""

    list_display = ("talk", "ors", "srs", "recorded_by", "recorded_at")
    list_select_related = ("talk", "recorded_by")
    list_filter = (("talk__district", RelatedOnlyFieldListFilter),)
    search_fields = ("talk__caregiver__label",)
    readonly_fields = ("recorded_by", "recorded_at")
    raw_id_fields = ("talk",)

    def save_model(self, request, obj, form, change):
        obj.recorded_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(FollowUpAnswer)
class FollowUpAnswerAdmin(DistrictScopedAdmin):
    list_display = ("date", "district", "intervention_type", "group", "caregiver", "result", "consultant")
    list_select_related = ("district", "intervention_type", "group", "caregiver", "consultant")
    list_filter = ("result", ("district", RelatedOnlyFieldListFilter), "intervention_type", "date")
    date_hierarchy = "date"
    search_fields = ("caregiver__label", "consultant__ref", "group__name")
    readonly_fields = ("recorded_by", "recorded_at")

    def save_model(self, request, obj, form, change):
        if not change:
            obj.recorded_by = request.user
        super().save_model(request, obj, form, change)
