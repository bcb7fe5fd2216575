"""Short structured forms for outcome measures. Choices come from the user's scope; services hold the rules."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from anhorigstod.widgets import DateInput
from caregivers.models import Caregiver
from consultants.models import Consultant
from consultants.selectors import consultants_serving
from districts.models import District
from interventions.models import Group

from .models import SCORE_MAX, SCORE_MIN, FollowUpResult


class TalkScoreForm(forms.Form):
    ors = forms.IntegerField(
        label=_("ORS (0-40)"),
        min_value=SCORE_MIN,
        max_value=SCORE_MAX,
        required=False,
        help_text=_("At the first and the last talk: how the caregiver is doing."),
    )
    srs = forms.IntegerField(
        label=_("SRS (0-40)"),
        min_value=SCORE_MIN,
        max_value=SCORE_MAX,
        required=False,
        help_text=_("After a talk: how the caregiver experienced it."),
    )


def _consultants_of(user, district: District):
    return consultants_serving(district=district, user=user).select_related("user").order_by("ref")


class FollowUpForm(forms.Form):
    """The follow-up question after guidance talks (the caregiver is the talk's)."""

    result = forms.ChoiceField(
        label=_("Did the support lead to the desired result?"),
        choices=FollowUpResult.choices,
        widget=forms.RadioSelect,
    )
    date = forms.DateField(label=_("Date of the follow-up"), widget=DateInput())
    consultant = forms.ModelChoiceField(label=_("Followed up by"), queryset=Consultant.objects.none())

    def __init__(self, *args, user, district: District, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consultant"].queryset = _consultants_of(user, district)


class GroupFollowUpForm(FollowUpForm):
    """The follow-up question after a group or circle, for a named participant or an unnamed one."""

    caregiver = forms.ModelChoiceField(
        label=_("Participant"),
        queryset=Caregiver.objects.none(),
        required=False,
        empty_label=_("Unnamed participant"),
    )
    field_order = ["caregiver", "result", "date", "consultant"]

    def __init__(self, *args, user, group: Group, **kwargs):
        super().__init__(*args, user=user, district=group.district, **kwargs)
        self.fields["caregiver"].queryset = (
            Caregiver.objects.visible_to(user)
            .not_erased()
            .filter(meetings__group=group, meetings__deleted_at__isnull=True)
            .distinct()
            .order_by("label")
        )
