"""Filters for the contact list: period, district, channel, intervention, mine."""

import datetime

import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anhorigstod.widgets import DateInput
from districts.models import District

from .models import Channel, Contact, InterventionType


def _my_districts(request):
    return request.user.districts.order_by("name") if request else District.objects.none()


def period_bounds(period: str, today: datetime.date) -> tuple[datetime.date, datetime.date] | None:
    """The first and last day of "today", "this week", "this month" or "this year"."""
    if period == "today":
        return today, today
    if period == "week":
        return today - datetime.timedelta(days=today.weekday()), today
    if period == "month":
        return today.replace(day=1), today
    if period == "year":
        return today.replace(month=1, day=1), today
    return None


class ContactFilter(django_filters.FilterSet):
    period = django_filters.ChoiceFilter(
        label=_("Period"),
        empty_label=_("Any time"),
        choices=[("today", _("Today")), ("week", _("This week")), ("month", _("This month")), ("year", _("This year"))],
        method="filter_period",
    )
    date_from = django_filters.DateFilter(field_name="date", lookup_expr="gte", label=_("From"), widget=DateInput())
    date_to = django_filters.DateFilter(field_name="date", lookup_expr="lte", label=_("To"), widget=DateInput())
    district = django_filters.ModelChoiceFilter(label=_("District"), queryset=_my_districts, empty_label=_("All"))
    channel = django_filters.ChoiceFilter(label=_("Channel"), choices=Channel.choices, empty_label=_("All"))
    intervention_type = django_filters.ModelChoiceFilter(
        label=_("Intervention"), queryset=InterventionType.objects.order_by("position"), empty_label=_("All")
    )
    mine = django_filters.BooleanFilter(
        label=_("Only mine"),
        method="filter_mine",
        widget=django_filters.widgets.BooleanWidget(),
    )

    class Meta:
        model = Contact
        fields = ["period", "date_from", "date_to", "district", "channel", "intervention_type", "mine"]

    def filter_period(self, queryset, name, value):
        bounds = period_bounds(value, timezone.localdate())
        return queryset.filter(date__range=bounds) if bounds else queryset

    def filter_mine(self, queryset, name, value):
        return queryset.filter(created_by=self.request.user) if value else queryset
