import datetime

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anhorigstod.widgets import DateInput
from districts.models import District, Network, TargetGroup
from figures.periods import CUSTOM, MONTH, TERTIAL, YEAR, Period

from .models import ReportScope

FIRST_YEAR, LAST_YEAR = 2000, 2100
# Custom ranges stay within the years a period may have: the previous period of a range starting
# in year 1 does not exist (OverflowError), and nothing was recorded before 2000 anyway.
_DATE_RANGE = [
    MinValueValidator(datetime.date(FIRST_YEAR, 1, 1)),
    MaxValueValidator(datetime.date(LAST_YEAR, 12, 31)),
]


class PeriodForm(forms.Form):
    """The dashboard's choice of period and target group; GET parameters, so a view can be linked."""

    kind = forms.ChoiceField(
        label=_("Period"),
        choices=[(YEAR, _("Year")), (TERTIAL, _("Tertial")), (MONTH, _("Month")), (CUSTOM, _("Custom range"))],
    )
    year = forms.IntegerField(label=_("Year"), min_value=FIRST_YEAR, max_value=LAST_YEAR)
    tertial = forms.TypedChoiceField(
        label=_("Tertial"), coerce=int, required=False, choices=[(1, "T1"), (2, "T2"), (3, "T3")]
    )
    month = forms.TypedChoiceField(
        label=_("Month"), coerce=int, required=False, choices=[(m, f"{m:02d}") for m in range(1, 13)]
    )
    start = forms.DateField(label=_("From"), required=False, widget=DateInput(), validators=_DATE_RANGE)
    end = forms.DateField(label=_("To"), required=False, widget=DateInput(), validators=_DATE_RANGE)
    target_group = forms.ChoiceField(
        label=_("Target group"), required=False, choices=[("", _("All target groups")), *TargetGroup.choices]
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Bootstrap's classes on the widgets themselves: the dashboards render this form on every
        # view without crispy's field template, which costed a fifth of the page (_period_field.html).
        for field in self.fields.values():
            field.widget.attrs.setdefault(
                "class", "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            )

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()

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
                missing = "start" if not start else "end"
                if missing not in self.errors:  # An invalid date already says so.
                    self.add_error(missing, _("Give both dates of a custom range."))
            elif end < start:
                self.add_error("end", _("The end must not be before the start."))
            elif (end - start).days > 3 * 366:
                self.add_error("end", _("A custom range can be at most three years."))
            else:
                cleaned["period"] = Period.custom(start, end)
        return cleaned


class ReportOrderForm(PeriodForm):
    """Order a follow-up report: period, scope and target groups. Choices follow the user's scope."""

    kind = forms.ChoiceField(
        label=_("Period"), choices=[(YEAR, _("Year")), (TERTIAL, _("Tertial")), (CUSTOM, _("Custom range"))]
    )
    target_group = None
    scope = forms.ChoiceField(label=_("Scope"), choices=ReportScope.choices, widget=forms.RadioSelect)
    network = forms.ModelChoiceField(label=_("Network"), queryset=Network.objects.none(), required=False)
    districts = forms.ModelMultipleChoiceField(
        label=_("Districts"), queryset=District.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    target_groups = forms.MultipleChoiceField(
        label=_("Target groups"),
        choices=TargetGroup.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None chosen: all target groups."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["districts"].queryset = District.objects.visible_to(user).order_by("name")
        if user.is_city_wide:
            self.fields["network"].queryset = Network.objects.order_by("name")
        else:
            # Managers report on their own districts: a city or network report would show others'.
            self.fields["scope"].choices = [(ReportScope.DISTRICTS, ReportScope.DISTRICTS.label)]
            del self.fields["network"]

    @classmethod
    def initial_for_today(cls) -> dict:
        return super().initial_for_today() | {"year": timezone.localdate().year - 1, "scope": ReportScope.CITY}

    def clean(self):
        cleaned = super().clean()
        scope = cleaned.get("scope")
        if scope == ReportScope.NETWORK and not cleaned.get("network"):
            self.add_error("network", _("Choose a network."))
        if scope == ReportScope.DISTRICTS and not cleaned.get("districts"):
            self.add_error("districts", _("Choose at least one district."))
        return cleaned
