"""A real Celery worker on Redis killed in the middle of a compile: the report's page says so within
REPORT_STALE_SECONDS, the report is requeued, and the next worker completes it exactly once."""

import datetime
import os
import re
import signal
import time
import uuid
from pathlib import Path

import psycopg
import pytest

from accounts.models import Role
from accounts.scoping import SYSTEM
from accounts.tests.factories import UserFactory
from anhorigstod.tests.celery_worker import database_url, start_worker, wait_for
from consultants.tests.factories import ConsultantFactory
from districts.tests.factories import DistrictFactory
from figures.periods import Period
from figures.snapshots import figures_rebuild
from followup.models import FollowupReport, ReportScope, ReportStatus
from followup.services import report_order
from interventions.tests.factories import ContactFactory

# Small heartbeats for the test (the defaults are 5 and 30 s). KILL_TEST_STALE_SECONDS=30
# KILL_TEST_HEARTBEAT_SECONDS=5 runs the same test with the defaults, to measure them.
STALE_SECONDS = int(os.environ.get("KILL_TEST_STALE_SECONDS", "3"))
HEARTBEAT_SECONDS = int(os.environ.get("KILL_TEST_HEARTBEAT_SECONDS", "1"))
_WORKER_ENV = {
    "REPORT_HEARTBEAT_SECONDS": str(HEARTBEAT_SECONDS),
    "REPORT_STALE_SECONDS": str(STALE_SECONDS),
    "HEARTBEAT_SECONDS": "1",
    # A message the killed worker held is handed out again after 2 seconds, swept for every second.
    "CELERY_VISIBILITY_TIMEOUT": "2",
    "CELERY_UNACKED_RESTORE_INTERVAL": "1",
    "CELERY_UNACKED_RESTORE_THROTTLE": "1",
}


def _start_worker(broker_url: str, queue: str, log: Path):
    return start_worker(broker_url, queue, log, env=_WORKER_ENV)


def _waiting_on_lock(lock: psycopg.Connection) -> list[int]:
    rows = lock.execute(
        "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' "
        "AND pid <> pg_backend_pid()"
    ).fetchall()
    return [pid for (pid,) in rows]


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_compile_is_told_and_the_next_worker_finishes_the_report_once(
    postgresql, celery_on_redis, tmp_path, client, settings
):
    settings.REPORT_STALE_SECONDS = STALE_SECONDS  # the page's side of the same rule
    app = celery_on_redis
    bromma, farsta = DistrictFactory(code="bromma"), DistrictFactory(code="farsta")
    for district, n in ((bromma, 7), (farsta, 4)):
        consultant = ConsultantFactory(home_district=district)
        for day in range(n):
            ContactFactory(district=district, consultant=consultant, date=datetime.date(2025, 3, 1 + day))
    figures_rebuild()
    client.force_login(UserFactory(role=Role.STRATEGIST))

    def status() -> dict:
        return client.get(f"/reports/{report.pk}/status/").json()

    queue = f"test-{uuid.uuid4().hex[:8]}"  # this test's own queue: no other test's messages
    app.conf.task_default_queue = queue
    # Hold the facts table so the first worker stops at the districts' figures (progress 5 %), after it
    # has claimed the report and opened its snapshot: in the middle of the compile.
    lock = psycopg.connect(database_url().replace("postgres://", "postgresql://"), autocommit=False)
    lock.execute("LOCK TABLE figures_occasionfact IN ACCESS EXCLUSIVE MODE")
    log = tmp_path / "workers.log"
    first = _start_worker(app.conf.broker_url, queue, log)
    try:
        report = report_order(user=SYSTEM, period=Period.year(2025), scope=ReportScope.CITY)
        wait_for(
            lambda: (
                FollowupReport.objects.filter(pk=report.pk, status=ReportStatus.RUNNING, progress=5).exists()
                and _waiting_on_lock(lock)
            ),
            timeout=60,
            what="the first worker to block mid-compile",
            log=log,
        )
        # Alive but slow: longer than REPORT_STALE_SECONDS in one step, and still truly running.
        time.sleep(STALE_SECONDS + 1.5)
        alive = status()
        report.refresh_from_db()
        assert (alive["status"], alive["progress"], report.restarts) == ("running", 5, 0)
        assert report.worker.endswith(f":{first.pid}")

        first.send_signal(signal.SIGKILL)
        killed_at = time.monotonic()
        first.wait(timeout=10)
        seen = []
        while (now := status())["status"] != ReportStatus.INTERRUPTED:  # polled as the page polls
            seen.append(now["status"])
            assert time.monotonic() - killed_at < STALE_SECONDS + 2 * HEARTBEAT_SECONDS + 5, seen
            time.sleep(0.2)
        told_after = time.monotonic() - killed_at
        for pid in _waiting_on_lock(lock):  # the killed worker's database session, still waiting
            lock.execute("SELECT pg_terminate_backend(%s)", [pid])
        lock.rollback()
    finally:
        if first.poll() is None:
            first.kill()
        lock.close()
    print(f"\nA worker kill was on the report's page after {told_after:.1f} s (REPORT_STALE_SECONDS={STALE_SECONDS})")
    assert set(seen) <= {"running"}
    assert told_after <= STALE_SECONDS + HEARTBEAT_SECONDS + 1.5
    assert now["status_label"] == "Avbruten, startas om"
    assert now["interruption"].startswith("Bakgrundsarbetaren som sammanställde rapporten stannade ")
    assert now["interruption"].endswith("; rapporten startas om (omstart 1).")
    assert (now["pending"], now["restarts"], now["progress"]) == (True, 1, 0)
    page = client.get(f"/reports/{report.pk}/").content.decode()
    assert "Avbruten, startas om" in page and "omstart 1" in page
    report.refresh_from_db()
    assert (report.status, report.attempts, report.content) == (ReportStatus.INTERRUPTED, 1, None)
    assert report.requeued_at is not None  # the page's read sent it to the queue again

    second = _start_worker(app.conf.broker_url, queue, log)
    statuses = []
    try:
        wait_for(
            lambda: statuses.append(status()["status"]) or statuses[-1] == ReportStatus.DONE,
            timeout=90,
            what="the second worker to complete the report",
            log=log,
        )
        report.refresh_from_db()
        finished = report.finished_at
        # Both messages reach the second worker: the sweep's and the killed worker's, redelivered.
        wait_for(
            lambda: len(re.findall(r"followup\.compile_report\[[^\]]+\] succeeded", log.read_text())) >= 2,
            timeout=30,
            what="the second delivery to be handled",
            log=log,
        )
    finally:
        second.terminate()
        second.wait(timeout=20)
        app.conf.task_default_queue = "celery"
    assert set(statuses) <= {"interrupted", "running", "done"}
    report.refresh_from_db()
    assert FollowupReport.objects.count() == 1
    assert (report.status, report.attempts, report.restarts, report.finished_at) == (ReportStatus.DONE, 2, 1, finished)
    assert report.worker.endswith(f":{second.pid}")
    figures = report.content["figures"]
    assert (figures["scope"]["contacts"], figures["districts"]["bromma"]["contacts"]) == (11, 7)
    assert figures["districts"]["farsta"]["contacts"] == 4
