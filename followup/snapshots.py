"""Keeping the precomputed figures (FigureSnapshot) true to their selectors.

Three selectors are precomputed per district and standard period (``SECTIONS``): ``district_figures``
(per target group), ``outcome_figures`` and the support-contact offers; and ``city_figures`` per
standard period (CitySnapshot). All grow with the logged work, so a dashboard that computed them on
each request would slow down with every year of contacts.

Writes of logged work mark their district's month stale (``figures_mark_stale``); changes whose
effect runs on (a guidance talk counts in every later period's "talks used"; a circle's meetings in
whether it is at its maximum) mark every month from theirs to the current one, and changes whose
effect runs back (a talk series' ORS change counts in the period of its last scored talk; a
follow-up answer in every period its caregiver was reached in) mark the months they reach.
``figures_refresh`` recomputes every section of the standard periods touching the stale months;
``figures_rebuild`` recomputes all of them. Both store exactly what the selectors return, so a
rebuild equals the kept result.
"""

from __future__ import annotations

import datetime
import logging
from collections import defaultdict
from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import Exists, Max, Min, OuterRef, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from caregivers.models import Caregiver, SupportContactOffer
from caregivers.selectors import support_contact_offer_counts
from districts.models import District, TargetGroup
from interventions.models import Contact
from operations.selectors import liveness

from .models import CitySnapshot, FigureSnapshot, SnapshotSection, StaleMonth
from .periods import MONTH, TERTIAL, YEAR, Period
from .read_snapshot import in_read_snapshot
from .selectors import city_figures, district_figures

logger = logging.getLogger(__name__)

TARGET_GROUPS: tuple[str, ...] = ("", *TargetGroup.values)  # "" is all target groups


def _outcome_figures(*, period: Period, target_group: str | None, district_ids: list[int] | None) -> dict[int, dict]:
    from outcomes.selectors import outcome_figures  # outcomes reads its figures from here: imported late

    return outcome_figures(period=period, district_ids=district_ids)


def _offer_figures(*, period: Period, target_group: str | None, district_ids: list[int] | None) -> dict[int, dict]:
    counts = support_contact_offer_counts(start=period.start, end=period.end, district_ids=district_ids)
    return {district_id: {"offers": n} for district_id, n in counts.items()}


# What each section caches: the selector, and the target groups it is kept for (the outcome
# figures and the offers are of all target groups only).
SECTIONS: dict[str, tuple] = {
    SnapshotSection.FIGURES: (district_figures, TARGET_GROUPS),
    SnapshotSection.OUTCOMES: (_outcome_figures, ("",)),
    SnapshotSection.OFFERS: (_offer_figures, ("",)),
}
# With a broker, Celery beat has a worker refresh every 20 seconds. While a worker is alive a web
# request never refreshes; if marks grow older than this (beat is down), a read asks a worker to.
READ_REFRESH_AFTER = datetime.timedelta(seconds=40)
# The key of the PostgreSQL advisory lock that lets one figures refresh run at a time.
REFRESH_LOCK_KEY = 7_015_001


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


def _contact_months(contacts) -> set[tuple[int, datetime.date]]:
    """The (district, month) pairs the contacts are dated in."""
    months = contacts.annotate(month=TruncMonth("date")).values_list("district_id", "month").distinct().order_by()
    return {(district_id, _month(month)) for district_id, month in months}


def _series_months(district_id: int, caregiver_id: int | None) -> set[tuple[int, datetime.date]]:
    """The months of a caregiver's guidance talks with an ORS in a district: where the series' ORS
    change can count (the period of its last scored talk, which an edit can move back or on)."""
    if caregiver_id is None:
        return set()
    series = Contact.objects.filter(district_id=district_id, caregiver_id=caregiver_id, talk_number__isnull=False)
    return _contact_months(series.filter(outcome_score__ors__isnull=False))


def figures_mark_contact(contact: Contact, *, series: bool = False) -> None:
    """Mark the months a contact counts in: talks and meetings count on into later periods too.

    With ``series`` (a guidance talk edited or deleted: a new talk has no score yet) also the months
    of the caregiver's scored talks in the district, where the series' ORS change may count.
    """
    onwards = contact.talk_number is not None or contact.meeting_id is not None
    pairs = {(contact.district_id, month) for month in _months_from(contact.date, onwards=onwards)}
    if series and contact.talk_number is not None:
        pairs |= _series_months(contact.district_id, contact.caregiver_id)
    _mark(pairs)


def figures_mark_talk_score(talk: Contact) -> None:
    """A talk's ORS or SRS changed: its month (talks scored) and its series' scored months."""
    _mark({(talk.district_id, _month(talk.date)), *_series_months(talk.district_id, talk.caregiver_id)})


def _reached_months(answers) -> set[tuple[int, datetime.date]]:
    """The months in which the answers' caregivers were reached by talks or groups in the answers'
    districts: where an answer counts (caregivers followed up count answers on or after a period's start)."""
    same = answers.filter(caregiver_id=OuterRef("caregiver_id"), district_id=OuterRef("district_id"))
    reached = Contact.objects.filter(Q(talk_number__isnull=False) | Q(meeting__isnull=False))
    return _contact_months(reached.filter(Exists(same)))


def figures_mark_followup(*, district_id: int, caregiver_id: int | None, day: datetime.date) -> None:
    """A follow-up answer changed: its month (answers), and every month its caregiver was reached by
    talks or groups in the district (``_reached_months``)."""
    from outcomes.models import FollowUpAnswer  # outcomes imports this module

    pairs = {(district_id, _month(day))}
    if caregiver_id is not None:
        pairs |= _reached_months(FollowUpAnswer.objects.filter(district_id=district_id, caregiver_id=caregiver_id))
    _mark(pairs)


def figures_mark_offers(
    *, caregiver_ids: Iterable[int], district_ids: Iterable[int] | None = None, day: datetime.date | None = None
) -> None:
    """Caregivers' support-contact offers count in each of their districts: mark the months of their
    offers (and ``day``, an offer's date before a change) in the districts (theirs, unless given).
    Two queries however many caregivers."""
    caregiver_ids = list(caregiver_ids)
    if district_ids is None:
        links = Caregiver.districts.through.objects.filter(caregiver_id__in=caregiver_ids)
        pairs = set(links.values_list("caregiver_id", "district_id"))
    else:
        pairs = {(c, d) for c in caregiver_ids for d in district_ids}
    months: dict[int, set[datetime.date]] = defaultdict(set)
    offers = SupportContactOffer.objects.filter(caregiver_id__in=caregiver_ids)
    for caregiver_id, offered_on in offers.values_list("caregiver_id", "offered_on"):
        months[caregiver_id].add(_month(offered_on))
    if day is not None:
        for caregiver_id in caregiver_ids:
            months[caregiver_id].add(_month(day))
    _mark((district_id, month) for caregiver_id, district_id in pairs for month in months[caregiver_id])


def figures_mark_districts(district_ids: Iterable[int]) -> None:
    """Every month with contacts in the districts: after rows were bulk-written past the services."""
    _mark(_contact_months(Contact.objects.filter(district_id__in=list(district_ids))))


def figures_mark_caregiver(caregiver_id: int) -> None:
    """A caregiver's gender, age band, relation or condition changed: every month they were met in."""
    _mark(_contact_months(Contact.objects.filter(caregiver_id=caregiver_id)))


def figures_mark_consultant(consultant_id: int) -> None:
    """A consultant's role or target group changed: figures break their work down by it (the report
    role). Marks the months of their contacts, and of their follow-up answers with the months those
    caregivers were reached (``_reached_months``). Three queries."""
    from outcomes.models import FollowUpAnswer  # outcomes imports this module

    answers = FollowUpAnswer.objects.filter(consultant_id=consultant_id)
    pairs = _contact_months(Contact.objects.filter(consultant_id=consultant_id))
    pairs |= {(district_id, _month(day)) for district_id, day in answers.values_list("district_id", "date")}
    _mark(pairs | _reached_months(answers.exclude(caregiver=None)))


def _periods_of(month: datetime.date) -> list[Period]:
    return [Period.containing(kind, month) for kind in (MONTH, TERTIAL, YEAR)]


def _store(period: Period, district_ids: Iterable[int], now) -> None:
    district_ids = list(district_ids)
    for section, (selector, target_groups) in SECTIONS.items():
        for target_group in target_groups:
            figures = selector(period=period, target_group=target_group or None, district_ids=district_ids)
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
        period_key=period.key, defaults={"figures": city_figures(period=period), "computed_at": now}
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
    """Recompute every standard period from the first contact to today; return the periods stored."""
    now = timezone.now()
    StaleMonth.objects.filter(marked_at__lte=now).delete()
    FigureSnapshot.objects.all().delete()
    CitySnapshot.objects.all().delete()
    # From the first contact or support-contact offer (the offers are a section too) to today.
    bounds = [
        *Contact.objects.aggregate(Min("date"), Max("date")).values(),
        *SupportContactOffer.objects.aggregate(Min("offered_on"), Max("offered_on")).values(),
    ]
    dates = [day for day in bounds if day is not None]
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
    custom ones (``district_figures`` by default; the outcome figures take no target group).

    Returns ``(figures by district, as_of)``, where ``as_of`` is the moment the figures are true
    for. Stale months of the period that are due are refreshed first (``_refreshed``). Two queries.
    Inside a read snapshot (a report) the figures are computed from the snapshot's rows.
    """
    selector, _target_groups = SECTIONS[section]
    if district_ids is not None:
        district_ids = list(district_ids)
    if not period.is_standard or in_read_snapshot():
        return selector(period=period, target_group=target_group, district_ids=district_ids), timezone.now()
    as_of = _refreshed(period, district_ids)
    snapshots = FigureSnapshot.objects.filter(section=section, period_key=period.key, target_group=target_group or "")
    if district_ids is not None:
        snapshots = snapshots.filter(district_id__in=district_ids)
    return dict(snapshots.values_list("district_id", "figures")), as_of


def city_figures_for(*, period: Period) -> tuple[dict, datetime.datetime]:
    """``city_figures`` of a period: precomputed for standard periods, live for custom ones (and for a
    standard period not stored yet). Returns ``(figures, as_of)`` as ``figures_for`` does."""
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
    from kombu.exceptions import OperationalError as BrokerUnavailable

    from .tasks import refresh_figures  # the task calls figures_refresh: imported late to avoid a cycle

    try:
        refresh_figures.apply_async()
    except BrokerUnavailable:
        logger.warning("Could not ask a worker to refresh the figures")
