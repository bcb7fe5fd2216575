"""One figures refresh at a time (a PostgreSQL advisory lock): a second one skips (beat, a dashboard
read) or waits (a report), and a dashboard read shows the stored figures with their as-of meanwhile.

The precomputed section here is the support contacts offered (the follow-up figures are summed from
the facts, never precomputed)."""

import datetime
import threading

import psycopg
import pytest
from django.db import connection

from anhorigstod.tests.celery_worker import database_url, wait_for
from caregivers.models import SupportContactOffer
from caregivers.tests.factories import CaregiverFactory
from districts.tests.factories import DistrictFactory
from figures.models import FigureSnapshot, SnapshotSection, StaleMonth
from figures.periods import Period
from figures.snapshots import figures_for, figures_refresh


def _waiting_on_lock(_blocker=None) -> list[int]:
    # Read on the test's own connection (autocommit): a transaction keeps one snapshot of the activity.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' "
            "AND pid <> pg_backend_pid()"
        )
        return [pid for (pid,) in cursor.fetchall()]


def _in_thread(results: dict, key: str, **kwargs) -> threading.Thread:
    def run():
        try:
            results[key] = figures_refresh(**kwargs)
        finally:
            connection.close()  # the thread's own connection

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def _offers_in_march(district, days=(1, 2)) -> None:
    caregiver = CaregiverFactory(districts=[district])
    for day in days:  # each marks its month (followup.upkeep)
        SupportContactOffer.objects.create(
            caregiver=caregiver, offered_on=datetime.date(2026, 3, day), status="offered"
        )


def _offers(period: Period) -> tuple[dict, datetime.datetime]:
    return figures_for(period=period, target_group=None, section=SnapshotSection.OFFERS)


@pytest.fixture
def marked(transactional_db, postgresql):
    bromma = DistrictFactory(code="bromma")
    _offers_in_march(bromma)
    return bromma


def test_two_refreshes_at_once_one_does_the_work(marked, tmp_path):
    # Hold the snapshot table so the first refresh stops in the middle of its work, holding the lock.
    blocker = psycopg.connect(database_url().replace("postgres://", "postgresql://"), autocommit=False)
    blocker.execute("LOCK TABLE followup_figuresnapshot IN ACCESS EXCLUSIVE MODE")
    log = tmp_path / "activity.log"
    log.write_text("")
    results: dict[str, int] = {}
    try:
        first = _in_thread(results, "first", wait=False)
        wait_for(lambda: _waiting_on_lock(blocker), timeout=20, what="the first refresh to be working", log=log)
        second = _in_thread(results, "second", wait=False)  # beat's, or a dashboard read's: never waits
        second.join(timeout=10)
        assert not second.is_alive()
        assert results == {"second": 0}
    finally:
        blocker.rollback()
        blocker.close()
    first.join(timeout=30)

    assert results == {"second": 0, "first": 1}
    assert StaleMonth.objects.count() == 0
    stored = FigureSnapshot.objects.filter(section=SnapshotSection.OFFERS, district=marked, period_key="2026-03")
    assert stored.get().figures == {"offers": 2}


def test_a_report_waits_for_a_running_refresh_and_then_finds_nothing_left(marked, tmp_path):
    blocker = psycopg.connect(database_url().replace("postgres://", "postgresql://"), autocommit=False)
    blocker.execute("LOCK TABLE followup_figuresnapshot IN ACCESS EXCLUSIVE MODE")
    log = tmp_path / "activity.log"
    log.write_text("")
    results: dict[str, int] = {}
    try:
        first = _in_thread(results, "beat", wait=False)
        wait_for(lambda: _waiting_on_lock(blocker), timeout=20, what="the first refresh to be working", log=log)
        report = _in_thread(results, "report", wait=True)
        wait_for(lambda: len(_waiting_on_lock(blocker)) == 2, timeout=20, what="the report to wait", log=log)
        assert results == {}
    finally:
        blocker.rollback()
        blocker.close()
    first.join(timeout=30)
    report.join(timeout=30)

    assert results == {"beat": 1, "report": 0}  # the report's refresh read the marks after the first
    assert StaleMonth.objects.count() == 0


def test_a_dashboard_read_does_not_wait_for_a_running_refresh(marked, tmp_path):
    """With no worker (in-process here) a read refreshes itself, but not while another refresh runs:
    it shows the stored figures as of the oldest change still waiting."""
    oldest = StaleMonth.objects.order_by("marked_at").values_list("marked_at", flat=True).first()
    holder = psycopg.connect(database_url().replace("postgres://", "postgresql://"), autocommit=False)
    holder.execute("SELECT pg_advisory_xact_lock(7015001)")  # a refresh in progress elsewhere
    try:
        figures, as_of = _offers(Period.month(2026, 3))
    finally:
        holder.rollback()
        holder.close()
    refreshed, now = _offers(Period.month(2026, 3))

    assert (figures, as_of) == ({}, oldest)
    assert refreshed[marked.pk] == {"offers": 2} and now > oldest


@pytest.fixture
def idle_queue(celery_on_redis, redis_broker_url, settings):
    """Tasks go to a Redis queue of this test's own that no worker reads: a message sent stays there."""
    import uuid

    import redis

    settings.CELERY_BROKER_URL = redis_broker_url
    app = celery_on_redis
    queue = f"test-idle-{uuid.uuid4().hex[:8]}"
    app.conf.task_default_queue = queue
    client = redis.Redis.from_url(redis_broker_url)
    yield lambda: client.llen(queue)
    app.conf.task_default_queue = "celery"
    client.delete(queue)


def test_with_a_worker_alive_and_beat_gone_an_old_mark_asks_the_worker_to_refresh(db, idle_queue):
    from django.utils import timezone

    from operations.models import Heartbeat, HeartbeatKind

    _offers_in_march(DistrictFactory(code="bromma"), days=(1,))
    now = timezone.now()
    Heartbeat.objects.create(kind=HeartbeatKind.WORKER, name="w:1", started_at=now, beat_at=now)
    Heartbeat.objects.create(kind=HeartbeatKind.BEAT, name="b:1", started_at=now, beat_at=now - datetime.timedelta(
        minutes=5))  # fmt: skip

    _offers(Period.month(2026, 3))  # a fresh mark: beat's turn (if it ran)
    sent_for_fresh = idle_queue()
    StaleMonth.objects.update(marked_at=now - datetime.timedelta(seconds=41))
    figures, _as_of = _offers(Period.month(2026, 3))

    assert (sent_for_fresh, idle_queue(), figures) == (0, 1, {})  # the worker refreshes, not the request
    assert StaleMonth.objects.count() == 1
