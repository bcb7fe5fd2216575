import random
import uuid

from celery import shared_task
from django.utils.translation import gettext as _

from .services import TRANSIENT_ERRORS, report_compile, report_fail, report_release, report_schedule, report_sweep

REPORT_RETRIES = 5


@shared_task(bind=True, name="followup.compile_report", ignore_result=True, acks_late=True, max_retries=REPORT_RETRIES)
def compile_report(self, report_id: int, run: str | None = None) -> None:
    """Compile one report (idempotent: see ``report_compile``), retrying transient database errors.

    Acknowledged late, so a worker killed mid-compile leaves the message to be delivered again; the
    report's stopped heartbeat gets it requeued much sooner (``report_sweep``). A retry carries the
    run it retries, so that it may take the report back even if it could not be released.
    """
    run = run or str(uuid.uuid4())
    try:
        report_compile(report_id, run=run)
    except TRANSIENT_ERRORS as exc:
        # Celery's Django fixup closes a broken connection after the task, so the retry opens a new one.
        if self.request.retries >= self.max_retries:
            reason = _("The database could not be reached; the report was tried %(n)d times. Order it again later.")
            report_fail(report_id, reason=reason % {"n": self.request.retries + 1})
            raise
        report_release(report_id, run=run)
        backoff = min(300, 5 * 2**self.request.retries) * random.uniform(0.8, 1.2)  # noqa: S311 - jitter
        raise self.retry(exc=exc, countdown=backoff, args=[report_id], kwargs={"run": run}) from exc


@shared_task(name="followup.sweep_reports", ignore_result=True, time_limit=60, soft_time_limit=50)
def sweep_reports() -> int:
    """Celery beat's sweep (every REPORT_STALE_SECONDS): requeue the reports whose worker died."""
    return len(report_sweep())


@shared_task(name="followup.compile_scheduled_report", ignore_result=True, acks_late=True)
def compile_scheduled_report(kind: str) -> None:
    """Celery beat's yearly or tertial city-wide report; a second delivery makes no second report."""
    report_schedule(kind=kind)
