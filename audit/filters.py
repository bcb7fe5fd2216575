"""Filters for the audit log page: period, action, object type, user and object id."""

import datetime

import django_filters
from django import forms
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from anhorigstod.widgets import DateInput

from .models import ACTION_LABELS, AuditEntry
from .registry import audited_models

# The largest object id the database column holds; a larger one is an input error, not a 500.
_MAX_ID = 2**63 - 1


def _day_start(day: datetime.date) -> datetime.datetime:
    """Midnight starting ``day`` in the site's time zone (Stockholm), where the log page's days begin."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def object_type_choices() -> list[tuple[int, str]]:
    types = ContentType.objects.get_for_models(*audited_models())
    choices = {(ct.pk, capfirst(model._meta.verbose_name)) for model, ct in types.items()}
    return sorted(choices, key=lambda choice: str(choice[1]))


def _actors(request):
    """Only users who appear in the entries the requester may read."""
    if request is None:
        return User.objects.none()
    visible = AuditEntry.objects.visible_to(request.user).filter(actor__isnull=False).values("actor")
    return User.objects.filter(pk__in=visible).order_by("first_name", "last_name", "username")


class _ActorField(django_filters.fields.ModelChoiceField):
    def label_from_instance(self, user) -> str:
        return f"{user} ({user.get_role_display()})"


class _ActorFilter(django_filters.ModelChoiceFilter):
    field_class = _ActorField


class _IdFilter(django_filters.Filter):
    field_class = forms.IntegerField


class AuditFilterForm(forms.Form):
    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The end date must not be before the start date."))
        return cleaned


class AuditEntryFilter(django_filters.FilterSet):
    # Whole local days as a timestamp range (not a date cast), so the timestamp index serves them.
    date_from = django_filters.DateFilter(method="filter_from", label=_("From"), widget=DateInput())
    date_to = django_filters.DateFilter(method="filter_to", label=_("To"), widget=DateInput())
    action = django_filters.ChoiceFilter(label=_("Action"), choices=list(ACTION_LABELS.items()), empty_label=_("All"))
    object_type = django_filters.ChoiceFilter(
        field_name="content_type", label=_("Object type"), choices=object_type_choices, empty_label=_("All")
    )
    actor = _ActorFilter(label=_("User"), queryset=_actors, empty_label=_("All"))
    object_id = _IdFilter(field_name="object_id", label=_("Object id"), min_value=1, max_value=_MAX_ID)

    def filter_from(self, queryset, name, value: datetime.date):
        return queryset.filter(timestamp__gte=_day_start(value))

    def filter_to(self, queryset, name, value: datetime.date):
        if value >= datetime.date.max:
            return queryset
        return queryset.filter(timestamp__lt=_day_start(value + datetime.timedelta(days=1)))

    class Meta:
        model = AuditEntry
        form = AuditFilterForm
        fields = ["date_from", "date_to", "action", "object_type", "actor", "object_id"]
