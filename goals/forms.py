"""The goal form: which districts a goal may be set for follows from who sets it."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from accounts.scoping import user_municipality_id
from districts.models import District

from .models import Goal


class GoalForm(forms.ModelForm):
    class Meta:
        model = Goal
        fields = ("district", "year", "title", "measure", "target", "assessed_status", "comment")
        widgets = {"comment": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            self.initial.setdefault("year", timezone.localdate().year)
        if self.instance.municipality_id is None:
            # A goal without a district is the user's municipality's (a district's goal takes its district's).
            self.instance.municipality_id = user_municipality_id(user)
        if user.is_superuser:
            self.fields["district"].queryset = District.objects.visible_to(user).order_by("name")
            self.fields["district"].empty_label = _("The whole city")
        elif user.role == Role.STRATEGIST:
            # Strategists set the city-wide goals; the districts set their own.
            del self.fields["district"]
        else:
            self.fields["district"].queryset = District.objects.visible_to(user).order_by("name")
            self.fields["district"].required = True
            self.fields["district"].help_text = ""
        self.fields["target"].widget.attrs["min"] = 1
        self.fields["comment"].help_text = _(
            "Required for a goal assessed by hand: what the assessment rests on. Optional otherwise."
        )
