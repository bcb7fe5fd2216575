"""Keeping the precomputed figures (FigureSnapshot) true to ``district_figures``.

Writes of logged work mark their district's month stale (``figures_mark_stale``); changes whose
effect runs on (a guidance talk counts in every later period's "talks used"; a circle's meetings in
whether it is at its maximum) mark every month from theirs to the current one. ``figures_refresh``
recomputes the standard periods touching the stale months; ``figures_rebuild`` recomputes all of
them. Both store exactly what ``district_figures`` returns, so a rebuild equals the kept result.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.db.models import Max, Min
from django.db.models.functions import TruncMonth
from django.utils import timezone

from districts.models import District, TargetGroup
from interventions.models import Contact

from .models import FigureSnapshot, StaleMonth
from .periods import MONTH, TERTIAL, YEAR, Period
from .selectors import district_figures

TARGET_GROUPS: tuple[str, ...] = ("", *TargetGroup.values)  # "" is all target groups
# With a broker, Celery beat refreshes every 20 seconds; marks older than this are refreshed on
# read, so a newly logged contact shows within a minute even if the worker lags.
READ_REFRESH_AFTER = datetime.timedelta(seconds=40)


def _month(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def _months_from(day: datetime.date, *, onwards: bool) -> list[datetime.date]:
    if not onwards:
        return [_month(day)]
    last = _month(max(day, timezone.localdate()))
    return Period.custom(_month(day), last).months()


def _mark(pairs: Iterable[tuple[int, datetime.date]]) -> None:
    """Upsert stale marks for (district, first day of month) pairs, in one statement."""
    now = timezone.now()
    StaleMonth.objects.bulk_create(
        [StaleMonth(district_id=district_id, month=month, marked_at=now) for district_id, month in set(pairs)],
        update_conflicts=True,
        unique_fields=["district", "month"],
        update_fields=["marked_at"],
    )


def figures_mark_stale(*, district_id: int, day: datetime.date, onwards: bool = False) -> None:
    """Mark a district's month (and with ``onwards`` every month after it) for recomputation."""
    _mark((district_id, month) for month in _months_from(day, onwards=onwards))


def figures_mark_contact(contact: Contact) -> None:
    """Mark the months a contact counts in: talks and meetings count on into later periods too."""
    onwards = contact.talk_number is not None or contact.meeting_id is not None
    figures_mark_stale(district_id=contact.district_id, day=contact.date, onwards=onwards)


def figures_mark_caregiver(caregiver_id: int) -> None:
    """A caregiver's gender, age band, relation or condition changed: every month they were met in."""
    months = (
        Contact.objects.filter(caregiver_id=caregiver_id)
        .annotate(month=TruncMonth("date"))
        .values_list("district_id", "month")
        .distinct()
        .order_by()
    )
    _mark((district_id, _month(month)) for district_id, month in months)


def _periods_of(month: datetime.date) -> list[Period]:
    return [Period.containing(kind, month) for kind in (MONTH, TERTIAL, YEAR)]


def _store(period: Period, district_ids: Iterable[int], now) -> None:
    district_ids = list(district_ids)
    for target_group in TARGET_GROUPS:
        figures = district_figures(period=period, target_group=target_group or None, district_ids=district_ids)
        keep = [d for d in district_ids if d in figures]
        FigureSnapshot.objects.filter(
            period_key=period.key, target_group=target_group, district_id__in=district_ids
        ).exclude(district_id__in=keep).delete()
        FigureSnapshot.objects.bulk_create(
            [
                FigureSnapshot(
                    period_key=period.key, target_group=target_group, district_id=d, figures=figures[d], computed_at=now
                )
                for d in keep
            ],
            update_conflicts=True,
            unique_fields=["period_key", "target_group", "district"],
            update_fields=["figures", "computed_at"],
        )


def figures_refresh(*, district_ids: Iterable[int] | None = None, months: Iterable[datetime.date] | None = None) -> int:
    """Recompute the standard periods touching stale months; return how many marks were cleared.

    Marks made while the refresh runs are kept for the next one.
    """
    started = timezone.now()
    marks = StaleMonth.objects.filter(marked_at__lte=started)
    if district_ids is not None:
        marks = marks.filter(district_id__in=list(district_ids))
    if months is not None:
        marks = marks.filter(month__in=list(months))
    marks = list(marks.values_list("pk", "district_id", "month"))
    if not marks:
        return 0
    periods: dict[Period, set[int]] = defaultdict(set)
    for _pk, district_id, month in marks:
        for period in _periods_of(month):
            periods[period].add(district_id)
    with transaction.atomic():
        for period, districts in periods.items():
            _store(period, districts, started)
        StaleMonth.objects.filter(pk__in=[pk for pk, _d, _m in marks], marked_at__lte=started).delete()
    return len(marks)


@transaction.atomic
def figures_rebuild() -> int:
    """Recompute every standard period from the first contact to today; return the periods stored."""
    now = timezone.now()
    StaleMonth.objects.filter(marked_at__lte=now).delete()
    FigureSnapshot.objects.all().delete()
    bounds = Contact.objects.aggregate(first=Min("date"), last=Max("date"))
    if bounds["first"] is None:
        return 0
    district_ids = list(District.objects.values_list("pk", flat=True))
    months = Period.custom(bounds["first"], max(bounds["last"], timezone.localdate())).months()
    periods = sorted({p for month in months for p in _periods_of(month)}, key=lambda p: (p.start, p.kind))
    for period in periods:
        _store(period, district_ids, now)
    return len(periods)


def figures_for(*, period: Period, target_group: str | None, district_ids: Iterable[int] | None = None):
    """The figures of a period for the dashboards: precomputed for standard periods, live for custom ones.

    Returns ``(figures by district, as_of)``, where ``as_of`` is the moment the figures are true
    for. Stale months of the period older than READ_REFRESH_AFTER (or any, without a worker) are
    refreshed first.
    """
    if not period.is_standard:
        return district_figures(period=period, target_group=target_group, district_ids=district_ids), timezone.now()
    months = period.months()
    stale = StaleMonth.objects.filter(month__in=months)
    if district_ids is not None:
        stale = stale.filter(district_id__in=list(district_ids))
    if settings.CELERY_BROKER_URL:
        stale = stale.filter(marked_at__lte=timezone.now() - READ_REFRESH_AFTER)
    if stale.exists():
        figures_refresh(district_ids=district_ids, months=months)
    snapshots = FigureSnapshot.objects.filter(period_key=period.key, target_group=target_group or "")
    if district_ids is not None:
        snapshots = snapshots.filter(district_id__in=list(district_ids))
    figures = dict(snapshots.values_list("district_id", "figures"))
    pending = StaleMonth.objects.filter(month__in=months)
    if district_ids is not None:
        pending = pending.filter(district_id__in=list(district_ids))
    oldest_pending = pending.aggregate(m=Min("marked_at"))["m"]
    return figures, oldest_pending or timezone.now()
