"""Forms for collaboration, outreach, partners and the case officers' part.

Choices come from the user's scope; the rules live in ``services``, whose errors land on these fields.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from anhorigstod.widgets import DateInput
from districts.models import District, Network

from .models import (
    ActivityKind,
    CaseOfficerMeasurement,
    CollaborationActivity,
    OutreachActivity,
    OutreachKind,
    ParticipantKind,
    Partner,
    PartnerKind,
)

PARTICIPANT_PREFIX = "participants_"


def _districts_field() -> forms.ModelMultipleChoiceField:
    return forms.ModelMultipleChoiceField(
        label=_("Districts"),
        queryset=District.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("For an activity without a network. A network's activity belongs to all its member districts."),
    )


def _network_field() -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        label=_("Network"),
        queryset=Network.objects.none(),
        required=False,
        empty_label=_("No network: the districts chosen below"),
    )


class _ActivityForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DateInput())
    title = forms.CharField(label=_("Title"), max_length=200)

    def __init__(self, *args, user, activity=None, **kwargs):
        if activity is not None:
            kwargs.setdefault("initial", self.initial_from(activity))
        super().__init__(*args, **kwargs)
        self.fields["network"].queryset = Network.objects.visible_to(user).order_by("name")
        self.fields["districts"].queryset = District.objects.visible_to(user).order_by("name")

    @staticmethod
    def initial_from(activity) -> dict:
        return {
            "kind": activity.kind,
            "date": activity.date,
            "title": activity.title,
            "network": activity.network_id,
            # A network's districts follow from the network; only the user's own are offered.
            "districts": [] if activity.network_id else [d.pk for d in activity.districts.all()],
            "note": activity.note,
        }


class CollaborationActivityForm(_ActivityForm):
    field_order = ["kind", "date", "title", "network", "districts", "partners"]

    kind = forms.ChoiceField(label=_("Kind"), choices=ActivityKind.choices)
    network = _network_field()
    districts = _districts_field()
    partners = forms.ModelMultipleChoiceField(
        label=_("Partners"), queryset=Partner.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, user, activity: CollaborationActivity | None = None, **kwargs):
        super().__init__(*args, user=user, activity=activity, **kwargs)
        partners = Partner.objects.visible_to(user).filter(active=True)
        if activity is not None:
            # An inactive partner already linked stays choosable, so saving does not drop it.
            partners = partners | Partner.objects.visible_to(user).filter(activities=activity)
        self.fields["partners"].queryset = partners.distinct().order_by("name")
        for kind, label in ParticipantKind.choices:
            self.fields[PARTICIPANT_PREFIX + kind] = forms.IntegerField(
                label=label, min_value=0, max_value=100_000, required=False
            )
        if activity is not None:
            self.initial["partners"] = [p.pk for p in activity.partners.all()]
            for row in activity.participants.all():
                self.initial[PARTICIPANT_PREFIX + row.kind] = row.count

    @property
    def participant_fields(self):
        return [self[PARTICIPANT_PREFIX + kind] for kind in ParticipantKind.values]

    def values(self) -> dict:
        """The cleaned data as the service takes it: participants by kind in one mapping."""
        data = dict(self.cleaned_data)
        data["participants"] = {kind: data.pop(PARTICIPANT_PREFIX + kind) or 0 for kind in ParticipantKind.values}
        return data


class OutreachActivityForm(_ActivityForm):
    field_order = ["kind", "date", "title", "network", "districts", "reach"]

    kind = forms.ChoiceField(label=_("Kind"), choices=OutreachKind.choices)
    network = _network_field()
    districts = _districts_field()
    reach = forms.IntegerField(
        label=_("People reached"),
        min_value=0,
        max_value=10_000_000,
        required=False,
        help_text=_("Leave empty when unknown."),
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    @staticmethod
    def initial_from(activity: OutreachActivity) -> dict:
        return _ActivityForm.initial_from(activity) | {"reach": activity.reach}

    def values(self) -> dict:
        return dict(self.cleaned_data)


class PartnerForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=150)
    kind = forms.ChoiceField(label=_("Kind"), choices=PartnerKind.choices)
    districts = forms.ModelMultipleChoiceField(
        label=_("Districts"),
        queryset=District.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("The districts it works with. A case-officer unit belongs to exactly one district."),
    )
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, user, partner: Partner | None = None, **kwargs):
        if partner is not None:
            kwargs.setdefault(
                "initial",
                {
                    "name": partner.name,
                    "kind": partner.kind,
                    "districts": [d.pk for d in partner.districts.all()],
                    "active": partner.active,
                    "note": partner.note,
                },
            )
        super().__init__(*args, **kwargs)
        self.fields["districts"].queryset = District.objects.visible_to(user).order_by("name")


class MeasurementForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Case-officer unit"), queryset=Partner.objects.none())
    starts_on = forms.DateField(label=_("Starts on"), widget=DateInput())
    ends_on = forms.DateField(label=_("Ends on"), widget=DateInput())
    new_cases = forms.IntegerField(
        label=_("New cases"),
        min_value=0,
        max_value=1_000_000,
        help_text=_("New cases in the period in which the customer has caregivers."),
    )
    informed_cases = forms.IntegerField(
        label=_("Customer told about caregiver support"),
        min_value=0,
        max_value=1_000_000,
        help_text=_("Of those, the cases in which the customer was told that caregivers can get support."),
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, user, measurement: CaseOfficerMeasurement | None = None, **kwargs):
        if measurement is not None:
            kwargs.setdefault(
                "initial",
                {f: getattr(measurement, f) for f in ("starts_on", "ends_on", "new_cases", "informed_cases", "note")}
                | {"unit": measurement.unit_id},
            )
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = (
            Partner.objects.visible_to(user).filter(kind=PartnerKind.CASE_OFFICER_UNIT).order_by("name")
        )
