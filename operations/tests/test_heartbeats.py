"""Heartbeats: the thread beats with its own connection, survives a database blip, and a real worker
and beat write theirs and remove them on a clean shutdown."""

import os
import subprocess
import sys
import time
import uuid

import pytest
from django.db import connection
from django_celery_beat.models import PeriodicTask

from anhorigstod.tests.celery_worker import BASE_DIR, database_url, purge_default_queue, start_worker, wait_for
from operations.heartbeats import HeartbeatThread
from operations.models import Heartbeat, HeartbeatKind


def _beat_at(name: str):
    return Heartbeat.objects.filter(kind=HeartbeatKind.WORKER, name=name).values_list("beat_at", flat=True).first()


@pytest.mark.django_db(transaction=True)
def test_the_thread_beats_and_a_clean_stop_removes_the_row(tmp_path):
    thread = HeartbeatThread(kind=HeartbeatKind.WORKER, name="host-a:101", interval=0.2)
    thread.start()
    try:
        wait_for(lambda: thread.beats >= 3, timeout=10, what="three beats", log=tmp_path / "none.log")
        row = Heartbeat.objects.get(kind=HeartbeatKind.WORKER, name="host-a:101")
        first = row.beat_at
        wait_for(lambda: _beat_at("host-a:101") > first, timeout=10, what="a later beat", log=tmp_path / "none.log")
    finally:
        thread.stop()

    assert not thread.is_alive()
    assert row.started_at == thread.started_at
    assert Heartbeat.objects.count() == 0


def _heartbeat_backends() -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() "
            "AND query ILIKE %s",
            ["%operations_heartbeat%"],
        )
        return [pid for (pid,) in cursor.fetchall()]


@pytest.mark.django_db(transaction=True)
def test_the_thread_survives_a_database_blip(postgresql, tmp_path, caplog):
    log = tmp_path / "none.log"
    thread = HeartbeatThread(kind=HeartbeatKind.WORKER, name="host-b:202", interval=0.2)
    thread.start()
    try:
        wait_for(lambda: thread.beats >= 2 and _heartbeat_backends(), timeout=10, what="beats", log=log)
        # The blip: the thread's session is killed and, for a second, no new connection is possible.
        port = connection.settings_dict["PORT"]
        connection.settings_dict["PORT"] = "1"  # shared by every thread's connection to this alias
        try:
            with connection.cursor() as cursor:
                for pid in _heartbeat_backends():
                    cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
            time.sleep(1.0)
            beats_during = thread.beats
            failures = [r for r in caplog.records if "not written; retrying" in r.getMessage()]
        finally:
            connection.settings_dict["PORT"] = port
        before = _beat_at("host-b:202")
        wait_for(lambda: _beat_at("host-b:202") > before, timeout=10, what="a beat after the blip", log=log)
        assert thread.is_alive()
    finally:
        thread.stop()

    assert len(failures) >= 2  # it kept trying while the database was away
    assert beats_during <= thread.beats - 1


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_beats_and_removes_its_heartbeat_on_a_clean_shutdown(postgresql, redis_broker_url, tmp_path):
    log = tmp_path / "worker.log"
    worker = start_worker(redis_broker_url, f"test-{uuid.uuid4().hex[:8]}", log, env={"HEARTBEAT_SECONDS": "1"})
    try:
        row = wait_for(
            lambda: Heartbeat.objects.filter(kind=HeartbeatKind.WORKER).first(), timeout=60, what="a heartbeat", log=log
        )
        assert row.name.endswith(f":{worker.pid}")
        wait_for(lambda: _beat_at(row.name) > row.beat_at, timeout=10, what="the next beat", log=log)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    assert Heartbeat.objects.filter(kind=HeartbeatKind.WORKER).count() == 0


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_beat_beats_and_removes_its_heartbeat_on_a_clean_shutdown(postgresql, redis_broker_url, tmp_path):
    log = tmp_path / "beat.log"
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "anhorigstod.settings.test",
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": redis_broker_url,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "HEARTBEAT_SECONDS": "1",
    }
    command = [sys.executable, "-m", "celery", "-A", "anhorigstod", "beat", "--loglevel=INFO",
               "--schedule", str(tmp_path / "beat-schedule"), "--pidfile", ""]  # fmt: skip
    with log.open("ab") as out:
        beat = subprocess.Popen(command, cwd=BASE_DIR, env=env, stdout=out, stderr=subprocess.STDOUT)  # noqa: S603
    try:
        row = wait_for(
            lambda: Heartbeat.objects.filter(kind=HeartbeatKind.BEAT).first(),
            timeout=60,
            what="beat's heartbeat",
            log=log,
        )
        assert row.name.endswith(f":{beat.pid}")
        wait_for(
            lambda: Heartbeat.objects.get(pk=row.pk).beat_at > row.beat_at, timeout=10, what="the next beat", log=log
        )
    finally:
        beat.terminate()
        beat.wait(timeout=30)
        purge_default_queue(redis_broker_url)  # the scheduled tasks beat sent meanwhile
    assert Heartbeat.objects.filter(kind=HeartbeatKind.BEAT).count() == 0
    # Beat also installed the sweep of interrupted reports, every REPORT_STALE_SECONDS.
    sweep = PeriodicTask.objects.select_related("interval").get(name="sweep-reports")
    assert (sweep.task, sweep.interval.every, sweep.interval.period) == ("followup.sweep_reports", 30, "seconds")
