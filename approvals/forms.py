from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, User
from districts.models import District


class ReopenForm(forms.Form):
    reason = forms.CharField(label=_("Why is the month reopened?"), max_length=300)


class ExceptionForm(forms.Form):
    granted_to = forms.ModelChoiceField(label=_("Consultant"), queryset=User.objects.none())
    valid_until = forms.DateField(
        label=_("Valid until"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("The last day the consultant may enter work into the month; at most two weeks ahead."),
    )
    reason = forms.CharField(label=_("Reason"), max_length=300)

    def __init__(self, *args, district: District, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the district's own consultants can be given an exception.
        self.fields["granted_to"].queryset = User.objects.filter(
            role=Role.CONSULTANT, is_active=True, districts=district
        ).order_by("username")
