"""Forms of the register. The services hold the rules; these offer the choices within the user's scope."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from anhorigstod.widgets import DateInput
from districts.models import District, Network

from .models import Representative, RepresentativeTraining


class RepresentativeForm(forms.ModelForm):
    class Meta:
        model = Representative
        fields = ["unit_kind", "unit_name", "label", "target_group", "trained_on", "next_refresher", "ended_on"]
        widgets = {"trained_on": DateInput(), "next_refresher": DateInput(), "ended_on": DateInput()}

    def _post_clean(self):
        # The service validates the whole record (the district is not on the form).
        pass


class TrainingForm(forms.ModelForm):
    representatives = forms.ModelMultipleChoiceField(
        label=_("Representatives trained"),
        queryset=Representative.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Their “trained on” and “next refresher” are set from this training."),
    )
    participants = forms.IntegerField(
        label=_("Participants"),
        min_value=0,
        max_value=1000,
        required=False,
        help_text=_("Everyone who took part; empty means the representatives ticked."),
    )

    class Meta:
        model = RepresentativeTraining
        fields = ["date", "kind", "title", "network", "representatives", "participants"]
        widgets = {"date": DateInput()}

    def __init__(self, *args, district: District, **kwargs):
        super().__init__(*args, **kwargs)
        self.district = district
        networks = Network.objects.filter(districts=district).order_by("name")
        self.fields["network"].queryset = networks
        self.fields["network"].help_text = _("If the network's districts held the training together.")
        # The district's own active representatives; a network training is recorded by each
        # district for its own people, or by one district choosing the network.
        self.fields["representatives"].queryset = Representative.objects.filter(
            district=district, ended_on__isnull=True
        ).order_by("unit_name", "label")

    def _post_clean(self):
        pass
