from django import forms
from django.contrib import admin
from django.contrib.admin import RelatedOnlyFieldListFilter
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from accounts.scoping import DistrictScopedAdmin
from anhorigstod.admin_site import FormUserMixin
from anhorigstod.form_errors import apply_validation_error

from .models import FollowUpAnswer, TalkScore
from .services import followup_answer_check


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


class FollowUpAnswerAdminForm(forms.ModelForm):
    """Refuses what the follow-up forms refuse, by the same rules (``followup_answer_check``)."""

    user = None  # set by FormUserMixin

    def _post_clean(self):
        super()._post_clean()  # the fields, the model's own rules (date, group, type) and its constraints
        if self.errors.keys() - {NON_FIELD_ERRORS}:
            return
        try:
            followup_answer_check(user=self.user, answer=self.instance)
        except ValidationError as error:
            # The only form-wide errors here are the unique constraints' ("constraint … is violated"):
            # the service's message says the same on the caregiver field, and says it better.
            self._errors.pop(NON_FIELD_ERRORS, None)
            apply_validation_error(self, error)


@admin.register(FollowUpAnswer)
class FollowUpAnswerAdmin(FormUserMixin, DistrictScopedAdmin):
    form = FollowUpAnswerAdminForm
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
