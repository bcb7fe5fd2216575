"""Reports tell the truth about their workers: the atomic claim, the sweep of reports whose worker
died, and the notices when no worker is there at all."""

import datetime
import uuid

import pytest
import redis
from django.utils import timezone

from accounts.models import Role
from accounts.scoping import SYSTEM
from accounts.tests.factories import UserFactory
from consultants.tests.factories import ConsultantFactory
from districts.tests.factories import DistrictFactory
from figures.periods import Period
from followup.models import FollowupReport, ReportScope, ReportStatus
from followup.services import REPORT_MAX_RESTARTS, report_compile, report_order, report_sweep
from followup.tasks import sweep_reports
from interventions.tests.factories import ContactFactory
from operations.models import Heartbeat, HeartbeatKind


@pytest.fixture
def city(db):
    bromma = DistrictFactory(code="bromma", name="Bromma")
    consultant = ConsultantFactory(home_district=bromma)
    for day in range(3):
        ContactFactory(district=bromma, consultant=consultant, date=datetime.date(2025, 2, 1 + day))
    return bromma


def _ordered(**changes) -> FollowupReport:
    report = report_order(user=SYSTEM, period=Period.year(2025), scope=ReportScope.CITY, enqueue=False)
    if changes:
        FollowupReport.objects.filter(pk=report.pk).update(**changes)
        report.refresh_from_db()
    return report


def _ago(seconds: float) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(seconds=seconds)


def _beat(kind: str, seconds_ago: float) -> None:
    at = _ago(seconds_ago)
    Heartbeat.objects.update_or_create(kind=kind, name="host:1", defaults={"started_at": at, "beat_at": at})


@pytest.fixture
def idle_queue(celery_on_redis, redis_broker_url):
    """Tasks go to a Redis queue of this test's own that no worker reads: a message sent stays there."""
    app = celery_on_redis
    queue = f"test-idle-{uuid.uuid4().hex[:8]}"
    app.conf.task_default_queue = queue
    client = redis.Redis.from_url(redis_broker_url)
    yield lambda: client.llen(queue)
    app.conf.task_default_queue = "celery"
    client.delete(queue)


def test_a_second_delivery_of_a_report_running_with_a_live_heartbeat_does_nothing(city):
    run = uuid.uuid4()
    report = _ordered(status=ReportStatus.RUNNING, run=run, attempts=1, started_at=_ago(60), heartbeat_at=_ago(2))

    assert report_compile(report.pk) is None

    report.refresh_from_db()
    assert (report.status, report.attempts, report.run, report.content) == (ReportStatus.RUNNING, 1, run, None)


def test_a_delivery_takes_over_a_running_report_whose_heartbeat_is_stale(city):
    report = _ordered(status=ReportStatus.RUNNING, run=uuid.uuid4(), attempts=1, heartbeat_at=_ago(31))

    compiled = report_compile(report.pk)

    assert (compiled.status, compiled.attempts, compiled.restarts) == (ReportStatus.DONE, 2, 1)
    assert compiled.interrupted_at is not None
    assert compiled.content["figures"]["scope"]["contacts"] == 3


def test_a_retry_takes_back_its_own_run(city):
    """A transient error could not release the report (the database was down): the task's retry
    carries its run and resumes; any other delivery leaves it alone."""
    run = uuid.uuid4()
    report = _ordered(status=ReportStatus.RUNNING, run=run, attempts=1, heartbeat_at=_ago(1))

    assert report_compile(report.pk, run=uuid.uuid4()) is None
    compiled = report_compile(report.pk, run=run)

    assert (compiled.status, compiled.attempts, compiled.restarts) == (ReportStatus.DONE, 2, 0)


def test_a_failed_report_is_not_compiled_by_a_stray_message(city):
    report = _ordered(status=ReportStatus.FAILED, error="Kön gick inte att nå.")

    assert report_compile(report.pk) is None
    report.refresh_from_db()
    assert (report.status, report.attempts) == (ReportStatus.FAILED, 0)


def test_the_sweep_marks_a_report_whose_worker_died_interrupted_and_requeues_it_once(city, idle_queue):
    dead = _ordered(status=ReportStatus.RUNNING, run=uuid.uuid4(), attempts=1, progress=40, heartbeat_at=_ago(31))
    alive = _ordered(status=ReportStatus.RUNNING, run=uuid.uuid4(), attempts=1, progress=40, heartbeat_at=_ago(29))
    queued = _ordered()

    sent = report_sweep()
    again = report_sweep()

    assert (sent, again) == ([dead.pk], [])
    assert idle_queue() == 1  # one message, for the dead one
    dead.refresh_from_db()
    assert (dead.status, dead.restarts, dead.progress, dead.attempts) == (ReportStatus.INTERRUPTED, 1, 0, 1)
    assert dead.interrupted_at is not None and dead.requeued_at is not None
    assert FollowupReport.objects.get(pk=alive.pk).status == ReportStatus.RUNNING
    assert FollowupReport.objects.get(pk=queued.pk).status == ReportStatus.QUEUED


def test_beats_sweep_task_restarts_the_report(city):
    """In-process here, so the requeued report is compiled at once."""
    report = _ordered(status=ReportStatus.RUNNING, run=uuid.uuid4(), attempts=1, heartbeat_at=_ago(45))

    assert sweep_reports.apply().get() == 1

    report.refresh_from_db()
    assert (report.status, report.attempts, report.restarts) == (ReportStatus.DONE, 2, 1)


def test_a_report_whose_worker_keeps_dying_fails_with_the_reason(city, idle_queue):
    report = _ordered(status=ReportStatus.RUNNING, restarts=REPORT_MAX_RESTARTS, heartbeat_at=_ago(31))

    assert report_sweep() == []

    report.refresh_from_db()
    assert (report.status, report.restarts, idle_queue()) == (ReportStatus.FAILED, REPORT_MAX_RESTARTS + 1, 0)
    assert report.error == (
        "Rapporten avbröts 4 gånger: bakgrundsarbetaren stannade medan den sammanställdes. Beställ den igen; "
        "om den stannar igen, kontakta systemadministratören."
    )


@pytest.fixture
def strategist(city, login):
    return login(UserFactory(role=Role.STRATEGIST))


def test_the_status_read_tells_and_requeues_an_interrupted_report(strategist, idle_queue, django_assert_num_queries):
    _beat(HeartbeatKind.WORKER, seconds_ago=5)
    report = _ordered(status=ReportStatus.RUNNING, run=uuid.uuid4(), attempts=1, progress=20, heartbeat_at=_ago(40))

    status = strategist.get(f"/reports/{report.pk}/status/").json()
    # The session (renewed once a minute at most: not again), the user, the scope (the strategist's
    # municipality's districts), the report, the heartbeats.
    with django_assert_num_queries(5):
        again = strategist.get(f"/reports/{report.pk}/status/").json()

    assert status == again
    assert (status["status"], status["status_label"], status["progress"], status["restarts"]) == (
        "interrupted", "Avbruten, startas om", 0, 1,
    )  # fmt: skip
    assert status["interruption"].endswith("rapporten startas om (omstart 1).")
    assert status["notice"] == ""  # a worker is alive: it will take it
    assert idle_queue() == 1
    listed = strategist.get("/reports/").content.decode()
    assert "Avbruten, startas om" in listed and "1 omstart" in listed


def test_the_report_list_never_says_running_for_a_report_nobody_runs(strategist, idle_queue):
    report = _ordered(status=ReportStatus.RUNNING, run=uuid.uuid4(), attempts=1, progress=20, heartbeat_at=_ago(40))

    page = strategist.get("/reports/").content.decode()

    report.refresh_from_db()
    assert report.status == ReportStatus.INTERRUPTED
    assert "Avbruten, startas om" in page and "Pågår" not in page
    assert idle_queue() == 1


def _order(client, capture):
    with capture(execute=True):
        response = client.post("/reports/", {"kind": "year", "year": 2025, "scope": "city"})
    return client.get(response["Location"]).content.decode()


def test_ordering_with_no_worker_at_all_says_so(strategist, idle_queue, django_capture_on_commit_callbacks):
    page = _order(strategist, django_capture_on_commit_callbacks)
    report = FollowupReport.objects.get()
    notice = "Ingen bakgrundsarbetare har svarat ännu; rapporten sammanställs när en är igång. Kontakta IT-supporten."

    assert report.status == ReportStatus.QUEUED and idle_queue() == 1
    assert notice in page
    assert strategist.get(f"/reports/{report.pk}/status/").json()["notice"] == notice
    assert notice in strategist.get("/reports/").content.decode()


def test_ordering_when_the_worker_stopped_beating_says_since_when(
    strategist, idle_queue, django_capture_on_commit_callbacks
):
    _beat(HeartbeatKind.WORKER, seconds_ago=121)
    since = timezone.localtime(Heartbeat.objects.get().beat_at).strftime("%Y-%m-%d %H:%M")

    page = _order(strategist, django_capture_on_commit_callbacks)

    assert (
        f"Ingen bakgrundsarbetare har svarat sedan {since}; rapporten sammanställs när den är igång igen. "
        "Kontakta IT-supporten."
    ) in page


def test_with_a_live_worker_or_in_process_nothing_is_said(strategist, django_capture_on_commit_callbacks, request):
    in_process = _order(strategist, django_capture_on_commit_callbacks)  # the embedded default
    request.getfixturevalue("idle_queue")
    _beat(HeartbeatKind.WORKER, seconds_ago=119)
    with_worker = _order(strategist, django_capture_on_commit_callbacks)

    assert "Ingen bakgrundsarbetare" not in in_process
    assert "Ingen bakgrundsarbetare" not in with_worker
    assert FollowupReport.objects.filter(status=ReportStatus.QUEUED).count() == 1  # waiting for the worker


def test_the_admin_front_page_says_when_workers_and_beat_are_gone(db, login, idle_queue):
    admin = login(UserFactory(role=Role.ADMIN))
    _beat(HeartbeatKind.BEAT, seconds_ago=600)
    since = timezone.localtime(Heartbeat.objects.get().beat_at).strftime("%Y-%m-%d %H:%M")

    page = admin.get("/admin/").content.decode()

    assert "Ingen bakgrundsarbetare har svarat ännu: beställda rapporter och andra bakgrundsjobb väntar." in page
    assert f"Schemaläggaren (Celery beat) har inte svarat sedan {since}:" in page
    _beat(HeartbeatKind.WORKER, seconds_ago=1)
    _beat(HeartbeatKind.BEAT, seconds_ago=1)
    assert "data-liveness-notice" not in admin.get("/admin/").content.decode()
