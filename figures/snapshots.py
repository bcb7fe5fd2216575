"""Keeping the precomputed figures (FigureSnapshot, CitySnapshot) true to their definitions.

The sections are registered by the apps that define them (``figures.registry``); the engine stores
each section's figures per district and standard period, and the city's per standard period, since
a dashboard that computed them on each request would slow down with every year of contacts.

Writes of logged work mark the months they reach stale (``mark_months``; which months is the
definitions' own rule, kept by the apps above: see ``followup.upkeep``). ``figures_refresh``
recomputes every section of the standard periods touching the stale months; ``figures_rebuild``
recomputes all of them. Both store exactly what the selectors return, so a rebuild equals the kept
result.
"""

from __future__ import annotations

import datetime
import logging
from collections import defaultdict
from collections.abc import Iterable

from celery import current_app
from django.db import connection, transaction
from django.db.models import Min
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerUnavailable

from districts.models import District
from operations.selectors import liveness

from . import registry
from .models import CitySnapshot, FigureSnapshot, SnapshotSection, StaleMonth
from .periods import MONTH, TERTIAL, YEAR, Period
from .read_snapshot import in_read_snapshot

logger = logging.getLogger(__name__)

# The task that refreshes (``figures.tasks``), named as the beat schedule knows it.
REFRESH_TASK = "followup.refresh_figures"
# With a broker, Celery beat has a worker refresh every 20 seconds. While a worker is alive a web
# request never refreshes; if marks grow older than this (beat is down), a read asks a worker to.
READ_REFRESH_AFTER = datetime.timedelta(seconds=40)
# The key of the PostgreSQL advisory lock that lets one figures refresh run at a time.
REFRESH_LOCK_KEY = 7_015_001


def month_of(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def months_from(day: datetime.date, *, onwards: bool) -> list[datetime.date]:
    """The month of ``day``; with ``onwards`` every month from it to the current one."""
    if not onwards:
        return [month_of(day)]
    last = month_of(max(day, timezone.localdate()))
    return Period.custom(month_of(day), last).months()


def mark_months(pairs: Iterable[tuple[int, datetime.date]]) -> None:
    """Upsert stale marks for (district, first day of month) pairs, in one statement."""
    now = timezone.now()
    StaleMonth.objects.bulk_create(
        [StaleMonth(district_id=district_id, month=month, marked_at=now) for district_id, month in set(pairs)],
        update_conflicts=True,
        unique_fields=["district", "month"],
        update_fields=["marked_at"],
    )


def _periods_of(month: datetime.date) -> list[Period]:
    return [Period.containing(kind, month) for kind in (MONTH, TERTIAL, YEAR)]


def _store(period: Period, district_ids: Iterable[int], now) -> None:
    district_ids = list(district_ids)
    for section, registered in registry.sections().items():
        if not registered.precomputed:
            continue
        for target_group in registered.target_groups:
            figures = registered.selector(period=period, target_group=target_group or None, district_ids=district_ids)
            keep = [d for d in district_ids if d in figures]
            key = {"section": section, "period_key": period.key, "target_group": target_group}
            FigureSnapshot.objects.filter(**key, district_id__in=district_ids).exclude(district_id__in=keep).delete()
            FigureSnapshot.objects.bulk_create(
                [FigureSnapshot(**key, district_id=d, figures=figures[d], computed_at=now) for d in keep],
                update_conflicts=True,
                unique_fields=["section", "period_key", "target_group", "district"],
                update_fields=["figures", "computed_at"],
            )


def _store_city(period: Period, now) -> None:
    CitySnapshot.objects.update_or_create(
        period_key=period.key, defaults={"figures": registry.city_selector()(period=period), "computed_at": now}
    )


def _refresh_lock(*, wait: bool) -> bool:
    """Take the figures refresh's lock for the current transaction; False if another refresh holds it
    and ``wait`` is off. PostgreSQL: a transaction-level advisory lock. SQLite: its one writer lock
    serializes writing transactions anyway."""
    if connection.vendor != "postgresql":
        return True
    with connection.cursor() as cursor:
        if wait:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [REFRESH_LOCK_KEY])
            return True
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [REFRESH_LOCK_KEY])
        return bool(cursor.fetchone()[0])


def figures_refresh(
    *, district_ids: Iterable[int] | None = None, months: Iterable[datetime.date] | None = None, wait: bool = True
) -> int:
    """Recompute the standard periods touching stale months; return how many marks were cleared.

    One refresh runs at a time: the work starts by taking a lock (``_refresh_lock``). With ``wait``
    (a report, which must read current figures) it waits for a running refresh to end; without (beat,
    a dashboard read) it skips and returns 0, leaving the marks to the refresh that runs or the next.
    Marks made while the refresh runs are kept for the next one. Inside a read snapshot (a report)
    nothing is refreshed: the snapshot computes its figures from its own rows.
    """
    if in_read_snapshot():
        return 0
    started = timezone.now()
    marks = StaleMonth.objects.filter(marked_at__lte=started)
    if district_ids is not None:
        marks = marks.filter(district_id__in=list(district_ids))
    if months is not None:
        marks = marks.filter(month__in=list(months))
    if not marks.exists():
        return 0
    with transaction.atomic():
        if not _refresh_lock(wait=wait):
            return 0
        # Read under the lock: a refresh that ran meanwhile has cleared what it did.
        started = timezone.now()
        marks = list(marks.filter(marked_at__lte=started).values_list("pk", "district_id", "month"))
        if not marks:
            return 0
        periods: dict[Period, set[int]] = defaultdict(set)
        for _pk, district_id, month in marks:
            for period in _periods_of(month):
                periods[period].add(district_id)
        for period, districts in periods.items():
            _store(period, districts, started)
            _store_city(period, started)  # any district's change is the city's
        StaleMonth.objects.filter(pk__in=[pk for pk, _d, _m in marks], marked_at__lte=started).delete()
    return len(marks)


@transaction.atomic
def figures_rebuild() -> int:
    """Recompute the facts, then every standard period from the first contact to today; return the
    periods stored."""
    registry.facts_rebuild()
    now = timezone.now()
    StaleMonth.objects.filter(marked_at__lte=now).delete()
    FigureSnapshot.objects.all().delete()
    CitySnapshot.objects.all().delete()
    # From the first day any registered history has (contacts, offers...) to today.
    dates = registry.history_dates()
    if not dates:
        return 0
    district_ids = list(District.objects.values_list("pk", flat=True))
    months = Period.custom(min(dates), max(*dates, timezone.localdate())).months()
    periods = sorted({p for month in months for p in _periods_of(month)}, key=lambda p: (p.start, p.kind))
    for period in periods:
        _store(period, district_ids, now)
        _store_city(period, now)
    return len(periods)


def figures_for(
    *,
    period: Period,
    target_group: str | None,
    district_ids: Iterable[int] | None = None,
    section: str = SnapshotSection.FIGURES,
):
    """A section's figures of a period for the dashboards: precomputed for standard periods, live for
    custom ones and for a section that is not precomputed (``district_figures`` by default, summed
    from the facts; the outcome figures take no target group).

    Returns ``(figures by district, as_of)``, where ``as_of`` is the moment the figures are true
    for. Stale months of the period that are due are refreshed first (``_refreshed``). Two queries.
    Inside a read snapshot (a report) the figures are computed from the snapshot's rows.
    """
    registered = registry.section(section)
    selector = registered.selector
    if district_ids is not None:
        district_ids = list(district_ids)
    if not (period.is_standard and registered.precomputed) or in_read_snapshot():
        return selector(period=period, target_group=target_group, district_ids=district_ids), timezone.now()
    as_of = _refreshed(period, district_ids)
    snapshots = FigureSnapshot.objects.filter(section=section, period_key=period.key, target_group=target_group or "")
    if district_ids is not None:
        snapshots = snapshots.filter(district_id__in=district_ids)
    return dict(snapshots.values_list("district_id", "figures")), as_of


def city_figures_for(*, period: Period) -> tuple[dict, datetime.datetime]:
    """The registered city figures of a period: precomputed for standard periods, live for custom ones (and for a
    standard period not stored yet). Returns ``(figures, as_of)`` as ``figures_for`` does."""
    city_figures = registry.city_selector()
    if not period.is_standard or in_read_snapshot():
        return city_figures(period=period), timezone.now()
    as_of = _refreshed(period, None)
    stored = CitySnapshot.objects.filter(period_key=period.key).values_list("figures", flat=True).first()
    return (city_figures(period=period) if stored is None else stored), as_of


def _refreshed(period: Period, district_ids: list[int] | None) -> datetime.datetime:
    """Refresh the period's stale months of the districts (all, given None) when no worker can;
    return the moment the stored figures are true for: the oldest mark still pending, else now.

    A web request refreshes only when no worker is alive (or tasks run in-process), and then does not
    wait for a refresh already running (it shows the stored figures with their as-of). While a worker
    is alive, beat has it refresh; marks older than READ_REFRESH_AFTER (beat is down) send it the
    refresh task instead.
    """
    months = period.months()
    pending = StaleMonth.objects.filter(month__in=months)
    if district_ids is not None:
        pending = pending.filter(district_id__in=district_ids)
    oldest_pending = pending.aggregate(m=Min("marked_at"))["m"]
    if oldest_pending is None:
        return timezone.now()
    alive = liveness()
    if alive.in_process or not alive.worker_alive:
        if figures_refresh(district_ids=district_ids, months=months, wait=False):
            oldest_pending = pending.aggregate(m=Min("marked_at"))["m"]  # marks made meanwhile stay
    elif not alive.beat_alive and oldest_pending <= timezone.now() - READ_REFRESH_AFTER:
        _ask_a_worker_to_refresh()
    return oldest_pending or timezone.now()


def _ask_a_worker_to_refresh() -> None:
    try:
        current_app.send_task(REFRESH_TASK)  # by name: the task module imports this one
    except BrokerUnavailable:
        logger.warning("Could not ask a worker to refresh the figures")
