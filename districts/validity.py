"""Rows in force from one day to another (allocations, budgets): which are in force when, the rules
every such row keeps, and their values' mean over a period."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Hashable, Iterable

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.scoping import DistrictScopedQuerySet


def in_force_during(start: datetime.date, end: datetime.date, *, through: str = "") -> Q:
    """Rows in force on some day of ``start``..``end`` (one day: ``start == end``); ``through`` names
    the relation they are reached by (``"allocations"`` from a district or a consultant)."""
    p = f"{through}__" if through else ""
    return Q(**{f"{p}valid_from__lte": end}) & (Q(**{f"{p}valid_to__isnull": True}) | Q(**{f"{p}valid_to__gte": start}))


class InForceQuerySet(DistrictScopedQuerySet):
    def valid_on(self, day: datetime.date) -> InForceQuerySet:
        """The rows in force on ``day``."""
        return self.filter(in_force_during(day, day))

    def valid_during(self, start: datetime.date, end: datetime.date) -> InForceQuerySet:
        """The rows in force on some day of ``start``..``end``."""
        return self.filter(in_force_during(start, end))

    def current(self) -> InForceQuerySet:
        return self.valid_on(timezone.localdate())


def valid_range_constraint(name: str) -> models.CheckConstraint:
    """The last day in force is not before the first."""
    return models.CheckConstraint(condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")), name=name)


def check_in_force(row: models.Model, same: models.QuerySet, overlap_message) -> None:
    """A row's days are a range (its last not before its first) and no other row of ``same`` (the
    same consultant, district and target group; the same district) is in force on any of them: the
    message goes on the first day's field."""
    if row.valid_from and row.valid_to and row.valid_to < row.valid_from:
        raise ValidationError({"valid_to": _("The last day must not be before the first.")})
    if (
        row.valid_from
        and same.filter(in_force_during(row.valid_from, row.valid_to or datetime.date.max)).exclude(pk=row.pk).exists()
    ):
        raise ValidationError({"valid_from": overlap_message})


Valid = tuple[Hashable, float, datetime.date, datetime.date | None]  # key, value, first day, last day


def _overlap(start: datetime.date, end: datetime.date, first: datetime.date, last: datetime.date | None) -> int:
    return max(0, (min(end, last or end) - max(start, first)).days + 1)


def mean_over_period(rows: Iterable[Valid], *, start: datetime.date, end: datetime.date) -> dict[Hashable, float]:
    """Per key, the values in force added up and averaged over every day of ``start``..``end``: a
    value in force for half the period counts half. Days without any row count as zero (an FTE
    nobody held). Rounded to 4 decimals, so whole-period values come out as they were entered."""
    days = (end - start).days + 1
    totals: dict[Hashable, float] = defaultdict(float)
    for key, value, first, last in rows:
        totals[key] += value * _overlap(start, end, first, last)
    return {key: round(total / days, 4) for key, total in totals.items()}


def mean_over_covered_days(rows: Iterable[Valid], *, start: datetime.date, end: datetime.date) -> dict[Hashable, float]:
    """Per key, the mean of the values in force over the days of ``start``..``end`` that some row
    covers (a budget known for part of the period is that part's budget); keys with no row in the
    period are absent (unknown)."""
    weighted: dict[Hashable, float] = defaultdict(float)
    covered: dict[Hashable, int] = defaultdict(int)
    for key, value, first, last in rows:
        days = _overlap(start, end, first, last)
        weighted[key] += value * days
        covered[key] += days
    return {key: round(weighted[key] / covered[key], 4) for key in weighted if covered[key]}
