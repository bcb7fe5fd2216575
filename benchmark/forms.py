from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .selectors import benchmark_years


class YearForm(forms.Form):
    """The benchmark's year (GET, so a view can be linked); the last complete year by default."""

    year = forms.TypedChoiceField(label=_("Year"), coerce=int, choices=())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["year"].choices = [(y, str(y)) for y in benchmark_years(today=today)]
        self.fields["year"].widget.attrs["class"] = "form-select"
        if not self.is_bound or "year" not in self.data:
            self.data = {"year": str(today.year - 1)}
            self.is_bound = True


class PublishForm(forms.Form):
    """Publish or withdraw the municipality's figures of a year."""

    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    action = forms.ChoiceField(choices=[("publish", _("Publish")), ("withdraw", _("Withdraw"))])
