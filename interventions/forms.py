"""Forms for logging work. Choices come from the user's scope; the services hold the rules."""

from __future__ import annotations

from django import forms
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from anhorigstod.widgets import DateInput
from caregivers.models import Caregiver
from districts.models import District, TargetGroup

from .models import (
    HEALTHCARE_DESTINATIONS,
    MAX_DURATION_MINUTES,
    Channel,
    Group,
    GroupKind,
    InterventionType,
    Organiser,
    ReferralDestination,
)
from .selectors import intervention_types

CAREGIVER_DATALIST = "caregiver-options"


class CaregiverLabelField(forms.CharField):
    """A caregiver typed by label (with suggestions), resolved within the user's districts."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 40)
        kwargs.setdefault(
            "widget",
            forms.TextInput(attrs={"list": CAREGIVER_DATALIST, "autocomplete": "off", "spellcheck": "false"}),
        )
        super().__init__(**kwargs)


def resolve_caregiver(*, user, label: str, district: District | None) -> Caregiver:
    """The one caregiver with this label in the user's districts, preferring the contact's district."""
    matches = list(
        Caregiver.objects.visible_to(user)
        .not_erased()
        .annotate(lower_label=Lower("label"))
        .filter(lower_label=label.lower())
    )
    if len(matches) > 1 and district is not None:
        matches = [c for c in matches if district in c.districts.all()] or matches
    if not matches:
        raise forms.ValidationError(
            _("No caregiver labelled %(label)r in your districts. Register the caregiver first."),
            code="unknown_caregiver",
            params={"label": label},
        )
    if len(matches) > 1:
        raise forms.ValidationError(
            _("Several caregivers are labelled %(label)r; choose the district of the one you mean."),
            code="ambiguous_caregiver",
            params={"label": label},
        )
    return matches[0]


class ContactForm(forms.Form):
    """The quick form: a phone call with the defaults is one Enter away."""

    caregiver = CaregiverLabelField(
        label=_("Caregiver"), help_text=_("Label, or leave empty for an anonymous contact.")
    )
    intervention_type = forms.ModelChoiceField(
        label=_("Intervention"), queryset=InterventionType.objects.none(), empty_label=None
    )
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices)
    duration_minutes = forms.IntegerField(
        label=_("Minutes"), min_value=1, max_value=MAX_DURATION_MINUTES, widget=forms.NumberInput(attrs={"step": 5})
    )
    date = forms.DateField(label=_("Date"), widget=DateInput())
    district = forms.ModelChoiceField(label=_("District"), queryset=District.objects.none(), empty_label=None)
    target_group = forms.ChoiceField(
        label=_("Target group"),
        required=False,
        choices=[("", _("The caregiver's, or mine")), *list(TargetGroup.choices)],
    )
    referral_destination = forms.ChoiceField(
        label=_("Referred to"), required=False, choices=[("", _("No referral")), *list(ReferralDestination.choices)]
    )

    def __init__(self, *args, user, erased_caregiver: Caregiver | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        # Editing a contact of an erased caregiver keeps that (now anonymous) caregiver: they can't be
        # typed by label any more, and dropping them would lower the caregivers already counted.
        self.erased_caregiver = erased_caregiver
        if erased_caregiver is not None:
            field = self.fields["caregiver"]
            field.disabled = True
            field.initial = str(erased_caregiver)
            field.help_text = _("The caregiver was erased; the contact stays theirs, as an anonymous occasion.")
        # Logging is personal work: only the districts the user serves themselves.
        # With its municipality, whose default talk cap a guidance talk may need (``talk_cap``).
        districts = user.districts.select_related("municipality").order_by("name")
        choices = {"intervention_type": intervention_types(), "district": districts}
        for name, queryset in choices.items():
            field = self.fields[name]
            field.queryset = queryset  # what a submitted value is checked against
            # Read once here, not by a server-side cursor each time the field is rendered.
            field.choices = [(choice.pk, field.label_from_instance(choice)) for choice in queryset]
        self.fields["caregiver"].widget.attrs["autofocus"] = True

    def clean(self):
        cleaned = super().clean()
        label = (cleaned.get("caregiver") or "").strip()
        cleaned["caregiver"] = self.erased_caregiver
        if label and self.erased_caregiver is None:
            try:
                cleaned["caregiver"] = resolve_caregiver(user=self.user, label=label, district=cleaned.get("district"))
            except forms.ValidationError as error:
                self.add_error("caregiver", error)
        if not cleaned.get("target_group"):
            caregiver = cleaned.get("caregiver")
            consultant = getattr(self.user, "consultant", None)
            cleaned["target_group"] = (
                caregiver.target_group if caregiver else consultant.target_group if consultant else TargetGroup.ALL
            )
        return cleaned


class ReferralInsteadForm(forms.Form):
    """Offered when a talk is past the cap: record the contact as advice with a referral to healthcare."""

    destination = forms.ChoiceField(label=_("Refer to"), choices=[(d.value, d.label) for d in HEALTHCARE_DESTINATIONS])


class GroupForm(forms.ModelForm):
    class Meta:
        model = Group
        fields = [
            "kind",
            "name",
            "district",
            "target_group",
            "topic",
            "organiser",
            "max_meetings",
            "starts_on",
            "ends_on",
        ]
        widgets = {"starts_on": DateInput(), "ends_on": DateInput()}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = user.districts.order_by("name")
        self.fields["organiser"].queryset = Organiser.objects.order_by("name")
        self.fields["kind"].initial = GroupKind.OWN_GROUP

    def _post_clean(self):
        # The service validates the whole group; skip the ModelForm's own instance validation.
        pass


class MeetingForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DateInput())
    duration_minutes = forms.IntegerField(label=_("Minutes"), min_value=1, max_value=MAX_DURATION_MINUTES, initial=90)
    attendees = forms.ModelMultipleChoiceField(
        label=_("Named attendees"),
        queryset=Caregiver.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    unnamed_count = forms.IntegerField(
        label=_("Unnamed attendees"), min_value=0, max_value=500, initial=0, required=False
    )

    def __init__(self, *args, user, group: Group, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendees"].queryset = (
            Caregiver.objects.visible_to(user).not_erased().filter(districts=group.district).order_by("label")
        )

    def clean_unnamed_count(self):
        return self.cleaned_data.get("unnamed_count") or 0
