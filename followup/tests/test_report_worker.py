"""A real Celery worker on Redis killed in the middle of a compile: the next worker completes the report once."""

import datetime
import signal
import uuid
from pathlib import Path

import psycopg
import pytest

from accounts.scoping import SYSTEM
from anhorigstod.tests.celery_worker import database_url, start_worker, wait_for
from consultants.tests.factories import ConsultantFactory
from districts.tests.factories import DistrictFactory
from followup.models import FollowupReport, ReportScope, ReportStatus
from followup.periods import Period
from followup.services import report_order
from followup.snapshots import figures_rebuild
from interventions.tests.factories import ContactFactory

# A message the killed worker held is handed out again after 2 seconds, swept for every second.
_REDELIVERY = {
    "CELERY_VISIBILITY_TIMEOUT": "2",
    "CELERY_UNACKED_RESTORE_INTERVAL": "1",
    "CELERY_UNACKED_RESTORE_THROTTLE": "1",
}


def _start_worker(broker_url: str, queue: str, log: Path):
    return start_worker(broker_url, queue, log, env=_REDELIVERY)


def _waiting_on_lock(lock: psycopg.Connection) -> list[int]:
    rows = lock.execute(
        "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' "
        "AND pid <> pg_backend_pid()"
    ).fetchall()
    return [pid for (pid,) in rows]


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_compile_leaves_the_report_to_the_next_worker(postgresql, celery_on_redis, tmp_path):
    app = celery_on_redis
    bromma, farsta = DistrictFactory(code="bromma"), DistrictFactory(code="farsta")
    for district, n in ((bromma, 7), (farsta, 4)):
        consultant = ConsultantFactory(home_district=district)
        for day in range(n):
            ContactFactory(district=district, consultant=consultant, date=datetime.date(2025, 3, 1 + day))
    figures_rebuild()  # the districts' figures are precomputed; the scope's are read from the contacts

    queue = f"test-{uuid.uuid4().hex[:8]}"  # this test's own queue: no other test's messages
    app.conf.task_default_queue = queue
    # Hold the contacts table so the first worker stops at the scope's figures (progress 20 %), after
    # it has claimed the report and read the districts' figures: in the middle of the compile.
    lock = psycopg.connect(database_url().replace("postgres://", "postgresql://"), autocommit=False)
    lock.execute("LOCK TABLE interventions_contact IN ACCESS EXCLUSIVE MODE")
    log = tmp_path / "workers.log"
    first = _start_worker(app.conf.broker_url, queue, log)
    try:
        report = report_order(user=SYSTEM, period=Period.year(2025), scope=ReportScope.CITY)
        wait_for(
            lambda: (
                FollowupReport.objects.filter(pk=report.pk, status=ReportStatus.RUNNING, progress=20).exists()
                and _waiting_on_lock(lock)
            ),
            timeout=60,
            what="the first worker to block mid-compile",
            log=log,
        )
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
        for pid in _waiting_on_lock(lock):  # the killed worker's database session, still waiting
            lock.execute("SELECT pg_terminate_backend(%s)", [pid])
        lock.rollback()
    finally:
        if first.poll() is None:
            first.kill()
        lock.close()
    report.refresh_from_db()
    assert (report.status, report.attempts, report.content) == (ReportStatus.RUNNING, 1, None)

    second = _start_worker(app.conf.broker_url, queue, log)
    try:
        wait_for(
            lambda: FollowupReport.objects.filter(pk=report.pk, status=ReportStatus.DONE).exists(),
            timeout=90,
            what="the second worker to complete the report",
            log=log,
        )
    finally:
        second.terminate()
        second.wait(timeout=20)
        app.conf.task_default_queue = "celery"
    report.refresh_from_db()
    assert FollowupReport.objects.count() == 1
    assert report.attempts == 2
    figures = report.content["figures"]
    assert (figures["scope"]["contacts"], figures["districts"]["bromma"]["contacts"]) == (11, 7)
    assert figures["districts"]["farsta"]["contacts"] == 4
