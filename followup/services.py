"""Writes of the follow-up app: ordering and compiling reports."""

from __future__ import annotations

import datetime
import logging
import threading
import uuid
from collections.abc import Sequence

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import InterfaceError, OperationalError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError as BrokerUnavailable

from accounts.scoping import SYSTEM, district_ids_in_scope, user_municipality_id
from districts.models import District, Network
from districts.selectors import district_ids_of, municipality_ids_with_districts, only_municipality_id
from figures.periods import TERTIAL, YEAR, Period
from operations.heartbeats import process_name

from .models import FollowupReport, ReportOrigin, ReportScope, ReportStatus
from .reports import report_content

logger = logging.getLogger(__name__)
# Errors worth another try: the database went away or refused a connection for a moment.
TRANSIENT_ERRORS = (OperationalError, InterfaceError)


def report_scope_districts(
    *, scope: str, municipality_id: int | None = None, network: Network | None = None, districts=()
) -> list[int]:
    """The ids of the districts a scope covers: all of a municipality's ("the city"), a network's
    members, or those chosen."""
    if scope == ReportScope.CITY:
        ids = district_ids_of(municipality_id=municipality_id)
        if not ids:
            raise ValidationError({"scope": _("Name the municipality whose districts the report covers.")})
        return ids
    if scope == ReportScope.NETWORK:
        if network is None:
            raise ValidationError({"network": _("Choose a network.")})
        ids = list(network.districts.values_list("pk", flat=True))
        if not ids:
            raise ValidationError({"network": _("The network has no districts.")})
        return ids
    ids = [d.pk if isinstance(d, District) else d for d in districts]
    if not ids:
        raise ValidationError({"districts": _("Choose at least one district.")})
    return ids


def report_order(
    *,
    user,
    period: Period,
    scope: str,
    network: Network | None = None,
    districts=(),
    target_groups: Sequence[str] = (),
    origin: str = ReportOrigin.ORDERED,
    schedule_key: str | None = None,
    enqueue: bool = True,
    municipality_id: int | None = None,
) -> FollowupReport:
    """Record a report order and hand it to a worker once the order is committed.

    ``user`` must be allowed to see every district of the scope (strategists: all; managers: their
    own). If the task queue cannot be reached the report is marked failed with the reason, which
    the caller shows; nothing else is lost, and the report can be ordered again.
    """
    # The city is the user's municipality's districts (for ``SYSTEM``: the one named, or the only one).
    municipality_id = municipality_id or user_municipality_id(user) or only_municipality_id()
    district_ids = report_scope_districts(
        scope=scope, municipality_id=municipality_id, network=network, districts=districts
    )
    allowed = district_ids_in_scope(user)
    if allowed is not None and not set(district_ids) <= allowed:
        raise PermissionDenied(_("You may order reports only for your own districts."))
    with transaction.atomic():
        report = FollowupReport.objects.create(
            period_kind=period.kind,
            period_start=period.start,
            period_end=period.end,
            scope=scope,
            network=network if scope == ReportScope.NETWORK else None,
            target_groups=list(target_groups),
            origin=origin,
            schedule_key=schedule_key,
            ordered_by=user if getattr(user, "pk", None) else None,
        )
        report.districts.set(district_ids)
    if enqueue:
        transaction.on_commit(lambda: report_enqueue(report))
    return report


def report_enqueue(report: FollowupReport) -> bool:
    """Send the report to the task queue; with the queue down, mark it failed and say why."""
    try:
        _send(report.pk)
    except BrokerUnavailable:
        logger.exception("Could not queue report %s", report.pk)
        report_fail(
            report.pk,
            reason=_(
                "The report could not be queued: the job queue is not reachable right now. Nothing was "
                "compiled. Order it again in a few minutes; if it keeps failing, tell the system administrator."
            ),
        )
        report.refresh_from_db()
        return False
    return True


def _send(report_id: int) -> None:
    from .tasks import compile_report  # tasks call the services: imported late to avoid a cycle

    compile_report.apply_async(args=[report_id])


def report_reorder(*, user, report: FollowupReport) -> FollowupReport:
    """Order a failed (or any) report again, with the same period, scope and target groups."""
    districts = list(report.districts.values_list("pk", "municipality_id"))
    return report_order(
        user=user,
        period=report.period,
        scope=report.scope,
        network=report.network,
        districts=[pk for pk, _municipality in districts],
        target_groups=report.target_groups,
        municipality_id=districts[0][1] if districts else None,
    )


def report_fail(report_id: int, *, reason: str) -> None:
    FollowupReport.objects.filter(pk=report_id).exclude(status=ReportStatus.DONE).update(
        status=ReportStatus.FAILED, error=reason, finished_at=timezone.now()
    )


# A report whose worker dies this many times is failed instead of restarted once more: it may be the
# report itself that kills its worker (memory), and it must not take every worker down in turn.
REPORT_MAX_RESTARTS = 3


def _stale_before(now: datetime.datetime | None = None) -> datetime.datetime:
    return (now or timezone.now()) - datetime.timedelta(seconds=settings.REPORT_STALE_SECONDS)


def _running_without_worker(stale_before: datetime.datetime) -> models.Q:
    """Running, with a heartbeat older than REPORT_STALE_SECONDS: its worker is gone."""
    stale = models.Q(heartbeat_at__lt=stale_before) | models.Q(heartbeat_at=None, started_at__lt=stale_before)
    return models.Q(status=ReportStatus.RUNNING) & stale


def report_is_orphaned(report: FollowupReport, now: datetime.datetime | None = None) -> bool:
    """Is the report running with nobody running it (no query: the row as read)?"""
    if report.status != ReportStatus.RUNNING:
        return False
    beat = report.heartbeat_at or report.started_at
    return beat is None or beat < _stale_before(now)


class _ReportHeartbeat(threading.Thread):
    """Writes the report's heartbeat every REPORT_HEARTBEAT_SECONDS while its compile runs, with the
    thread's own database connection, for as long as the run holds the report.

    It writes the compile's progress too, as soon as it is told (``progress``): the compile itself
    reads in a read-only snapshot and cannot write."""

    def __init__(self, report_id: int, claim: uuid.UUID):
        super().__init__(name=f"report-heartbeat-{report_id}", daemon=True)
        self.report_id, self.claim = report_id, claim
        self._done = threading.Event()
        self._told = threading.Event()
        self._percent: int | None = None

    def progress(self, percent: int) -> None:
        self._percent = percent
        self._told.set()

    def _write(self) -> None:
        percent, self._percent = self._percent, None
        running = FollowupReport.objects.filter(pk=self.report_id, run=self.claim)
        running.exclude(status__in=[ReportStatus.DONE, ReportStatus.FAILED]).update(heartbeat_at=timezone.now())
        if percent is not None:
            running.filter(status=ReportStatus.RUNNING).update(progress=percent)

    def run(self) -> None:
        from django.db import connection

        try:
            while not self._done.is_set():
                self._told.wait(settings.REPORT_HEARTBEAT_SECONDS)
                self._told.clear()
                if self._done.is_set():
                    break
                try:
                    self._write()
                except Exception:  # a database blip must not end the heartbeat
                    logger.warning("Heartbeat of report %s not written; retrying", self.report_id, exc_info=True)
                    connection.close()
        finally:
            connection.close()

    def stop(self) -> None:
        self._done.set()
        self._told.set()
        self.join(timeout=10)


def report_compile(report_id: int, *, run: uuid.UUID | str | None = None) -> FollowupReport | None:
    """Compile a report: the work of the Celery task and of ``compile_followup_report``.

    The claim is one UPDATE: a queued or interrupted report, a running one whose heartbeat is stale
    (its worker died), or one held by ``run`` (this run's own retry after a transient error). A
    second delivery of a report that is running with a live heartbeat, done or failed does nothing.
    While it compiles, a thread writes the report's heartbeat (``_ReportHeartbeat``).

    The numbers are written in one transaction together with the status, and only by the run that
    holds the report, so a compile that dies half-way leaves nothing behind and a report is finished
    exactly once. Transient database errors are raised for the task to retry; any other error fails
    the report with a reason. Returns the report, or None when there was nothing to do.
    """

    run = uuid.UUID(str(run)) if run else uuid.uuid4()
    now = timezone.now()
    claimable = (
        models.Q(status__in=[ReportStatus.QUEUED, ReportStatus.INTERRUPTED])
        | _running_without_worker(_stale_before(now))
        | models.Q(status=ReportStatus.RUNNING, run=run)
    )
    # Taking over a running report whose worker died (before the sweep marked it) is a restart too.
    took_over = models.Q(status=ReportStatus.RUNNING) & ~models.Q(run=run)
    claimed = (
        FollowupReport.objects.filter(claimable, pk=report_id)
        .update(
            status=ReportStatus.RUNNING,
            progress=0,
            error="",
            started_at=now,
            heartbeat_at=now,
            worker=process_name(),
            run=run,
            attempts=models.F("attempts") + 1,
            restarts=models.Case(
                models.When(took_over, then=models.F("restarts") + 1),
                default=models.F("restarts"),
                output_field=models.PositiveSmallIntegerField(),
            ),
            interrupted_at=models.Case(
                models.When(took_over, then=models.Value(now)),
                default=models.F("interrupted_at"),
                output_field=models.DateTimeField(),
            ),
        )
    )  # fmt: skip
    if not claimed:
        return None
    heartbeat = _ReportHeartbeat(report_id, run)
    heartbeat.start()
    try:
        return _report_compile_claimed(report_id, run, report_content, heartbeat.progress)
    finally:
        heartbeat.stop()


def _report_compile_claimed(report_id: int, run: uuid.UUID, report_content, progress) -> FollowupReport | None:
    report = FollowupReport.objects.select_related("network").get(pk=report_id)
    scope = {"kind": report.scope} | ({"name": report.network.name} if report.network else {})
    try:
        content = report_content(
            period=report.period,
            district_ids=list(report.districts.values_list("pk", flat=True)),
            target_groups=report.target_groups,
            scope=scope,
            progress=progress,
        )
    except TRANSIENT_ERRORS:
        raise
    except Exception as exc:
        logger.exception("Report %s failed", report_id)
        report_fail(
            report_id, reason=_("The report could not be compiled (%(error)s).") % {"error": type(exc).__name__}
        )
        return FollowupReport.objects.get(pk=report_id)
    with transaction.atomic():
        report = FollowupReport.objects.select_for_update().get(pk=report_id)
        if report.status in (ReportStatus.DONE, ReportStatus.FAILED) or report.run != run:
            return None  # another run holds it (this one was taken for dead), or it is finished
        report.content = content
        report.definitions_version = content["definitions_version"]
        report.status = ReportStatus.DONE
        report.progress = 100
        report.error = ""
        report.finished_at = timezone.now()
        report.save()
    return report


def report_release(report_id: int, *, run: uuid.UUID | str) -> None:
    """Put a report whose run hit a transient database error back in the queue while the task waits
    to retry (best effort: with the database still down, the retry resumes the run instead)."""
    try:
        FollowupReport.objects.filter(pk=report_id, run=run, status=ReportStatus.RUNNING).update(
            status=ReportStatus.QUEUED, progress=0, heartbeat_at=None
        )
    except TRANSIENT_ERRORS:
        logger.warning("Report %s left running while its task waits to retry", report_id, exc_info=True)


def report_interrupt(report_id: int, *, now: datetime.datetime | None = None) -> bool:
    """Mark a running report whose worker died (stale heartbeat) interrupted, or failed once it has
    been restarted REPORT_MAX_RESTARTS times; True when it is to be sent to a worker again.

    One conditional UPDATE: of several sweeps at once (beat and page reads) one marks it."""
    now = now or timezone.now()
    orphaned = FollowupReport.objects.filter(_running_without_worker(_stale_before(now)), pk=report_id)
    reason = _(
        "The report was interrupted %(n)d times: its worker stopped while compiling it. Order it again; "
        "if it stops again, tell the system administrator."
    ) % {"n": REPORT_MAX_RESTARTS + 1}
    if orphaned.filter(restarts__gte=REPORT_MAX_RESTARTS).update(
        status=ReportStatus.FAILED, error=reason, finished_at=now, interrupted_at=now,
        restarts=models.F("restarts") + 1,
    ):  # fmt: skip
        return False
    return bool(
        orphaned.update(
            status=ReportStatus.INTERRUPTED,
            progress=0,
            interrupted_at=now,
            requeued_at=None,
            restarts=models.F("restarts") + 1,
        )
    )


def _requeue(report_id: int) -> bool:
    """Send an interrupted report to the queue again; with the queue down, the next sweep tries again."""
    try:
        _send(report_id)
    except BrokerUnavailable:
        logger.warning("Could not requeue interrupted report %s; the next sweep tries again", report_id)
        return False
    FollowupReport.objects.filter(pk=report_id, status=ReportStatus.INTERRUPTED, requeued_at=None).update(
        requeued_at=timezone.now()
    )
    return True


def report_sweep(*, report_ids: Sequence[int] | None = None) -> list[int]:
    """Requeue the reports whose worker died: mark each running report with a stale heartbeat
    interrupted and send it again, and send again those interrupted but not yet requeued (the queue
    was down). Run by beat every REPORT_STALE_SECONDS and by a report page's status read (for its
    own report), so it works with beat down too. Returns the ids sent."""
    now = timezone.now()
    reports = FollowupReport.objects.all() if report_ids is None else FollowupReport.objects.filter(pk__in=report_ids)
    orphaned = list(reports.filter(_running_without_worker(_stale_before(now))).values_list("pk", flat=True))
    for report_id in orphaned:
        report_interrupt(report_id, now=now)
    unsent = reports.filter(status=ReportStatus.INTERRUPTED, requeued_at=None).values_list("pk", flat=True)
    return [report_id for report_id in list(unsent) if _requeue(report_id)]


def report_recover(report: FollowupReport) -> FollowupReport:
    """The report as it truly is: one running without a worker is interrupted and sent again first
    (no query unless it is; for the report's page and its status)."""
    if report_is_orphaned(report) or (report.status == ReportStatus.INTERRUPTED and report.requeued_at is None):
        report_sweep(report_ids=[report.pk])
        report.refresh_from_db()
    return report


def last_complete_period(kind: str, today: datetime.date | None = None) -> Period:
    """The latest year or tertial that has ended: what a scheduled report covers."""
    today = today or timezone.localdate()
    if kind == YEAR:
        return Period.year(today.year - 1)
    if kind == TERTIAL:
        return Period.containing(TERTIAL, today).previous()
    raise ValueError(f"No scheduled reports of kind {kind!r}.")


def report_schedule(*, kind: str, today: datetime.date | None = None) -> list[FollowupReport]:
    """Each municipality's city-wide report of the last complete year or tertial, ordered by the
    schedule (once each)."""
    period = last_complete_period(kind, today)
    municipality_ids = municipality_ids_with_districts()  # read once, not once per municipality
    return [
        _scheduled_report(period=period, municipality_id=municipality_id, first=index == 0)
        for index, municipality_id in enumerate(municipality_ids)
    ]


def _scheduled_report(*, period: Period, municipality_id: int, first: bool) -> FollowupReport:
    # Before municipalities, the key named only the period: the first municipality (the one of
    # those installations) keeps it, so a schedule that already ran is not run again.
    key = f"scheduled:{period.key}:city" + ("" if first else f":{municipality_id}")
    existing = FollowupReport.objects.filter(schedule_key=key).first()
    if existing is not None:
        if existing.status != ReportStatus.DONE:
            # A failed one is tried again (a compile claims only queued, interrupted or orphaned reports).
            FollowupReport.objects.filter(pk=existing.pk, status=ReportStatus.FAILED).update(
                status=ReportStatus.QUEUED, error="", restarts=0
            )
            transaction.on_commit(lambda: report_enqueue(existing))
        return existing
    return report_order(
        user=SYSTEM,
        period=period,
        scope=ReportScope.CITY,
        origin=ReportOrigin.SCHEDULED,
        schedule_key=key,
        municipality_id=municipality_id,
    )
