from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anhorigstod.widgets import DateInput
from districts.models import TargetGroup

from .periods import CUSTOM, MONTH, TERTIAL, YEAR, Period


class PeriodForm(forms.Form):
    """The dashboard's choice of period and target group; GET parameters, so a view can be linked."""

    kind = forms.ChoiceField(
        label=_("Period"),
        choices=[(YEAR, _("Year")), (TERTIAL, _("Tertial")), (MONTH, _("Month")), (CUSTOM, _("Custom range"))],
    )
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    tertial = forms.TypedChoiceField(
        label=_("Tertial"), coerce=int, required=False, choices=[(1, "T1"), (2, "T2"), (3, "T3")]
    )
    month = forms.TypedChoiceField(
        label=_("Month"), coerce=int, required=False, choices=[(m, f"{m:02d}") for m in range(1, 13)]
    )
    start = forms.DateField(label=_("From"), required=False, widget=DateInput())
    end = forms.DateField(label=_("To"), required=False, widget=DateInput())
    target_group = forms.ChoiceField(
        label=_("Target group"), required=False, choices=[("", _("All target groups")), *TargetGroup.choices]
    )

    @classmethod
    def initial_for_today(cls) -> dict:
        today = timezone.localdate()
        return {"kind": YEAR, "year": today.year, "tertial": (today.month - 1) // 4 + 1, "month": today.month}

    def clean(self):
        cleaned = super().clean()
        kind, year = cleaned.get("kind"), cleaned.get("year")
        if kind is None or year is None:
            return cleaned
        if kind == YEAR:
            cleaned["period"] = Period.year(year)
        elif kind == TERTIAL:
            cleaned["period"] = Period.tertial(year, cleaned.get("tertial") or 1)
        elif kind == MONTH:
            cleaned["period"] = Period.month(year, cleaned.get("month") or 1)
        else:
            start, end = cleaned.get("start"), cleaned.get("end")
            if not start or not end:
                self.add_error("start" if not start else "end", _("Give both dates of a custom range."))
            elif end < start:
                self.add_error("end", _("The end must not be before the start."))
            elif (end - start).days > 3 * 366:
                self.add_error("end", _("A custom range can be at most three years."))
            else:
                cleaned["period"] = Period.custom(start, end)
        return cleaned
