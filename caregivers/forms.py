from django import forms
from django.utils.translation import gettext_lazy as _

from anhorigstod.widgets import DateInput
from consultants.models import Consultant

from .models import Caregiver, SupportContactOffer


class CaregiverForm(forms.ModelForm):
    class Meta:
        model = Caregiver
        fields = ["label", "districts", "target_group", "relation", "condition", "gender", "age_band", "birth_year"]
        widgets = {"districts": forms.CheckboxSelectMultiple}
        help_texts = {"age_band": _("Or give the year of birth below; the band then follows from it.")}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["districts"].queryset = user.districts.order_by("name")
        self.fields["label"].widget.attrs["autofocus"] = True

    def _post_clean(self):
        # The services validate and save the caregiver as a whole.
        pass


class SupportContactForm(forms.ModelForm):
    class Meta:
        model = SupportContactOffer
        fields = ["offered_on", "status", "answered_on", "support_person"]
        widgets = {"offered_on": DateInput(), "answered_on": DateInput()}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["support_person"].queryset = Consultant.objects.visible_to(user).order_by("ref")

    def _post_clean(self):
        pass


class CaregiverSearchForm(forms.Form):
    q = forms.CharField(label=_("Label"), required=False, max_length=40)


class ErasureForm(forms.Form):
    """Erasing cannot be undone: the user confirms in so many words."""

    confirm = forms.BooleanField(
        label=_("I understand that the label and year of birth are erased for good and cannot be restored."),
        required=True,
        error_messages={"required": _("Tick the box to confirm the erasure. Nothing was erased.")},
    )
