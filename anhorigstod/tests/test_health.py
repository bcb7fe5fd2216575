"""``/health/``: the database, the broker, and the workers' and beat's heartbeat ages, 503 when any is
down or stale; fast when a service is unreachable."""

import datetime
import time

import pytest
from django.db import connection
from django.utils import timezone

from operations.models import Heartbeat, HeartbeatKind


def _beat(kind: str, seconds_ago: float, name: str = "host:1") -> None:
    at = timezone.now() - datetime.timedelta(seconds=seconds_ago)
    Heartbeat.objects.update_or_create(kind=kind, name=name, defaults={"started_at": at, "beat_at": at})


@pytest.fixture
def with_broker(celery_on_redis, redis_broker_url, settings):
    """Tasks go to Redis and run in a worker: the heartbeats matter."""
    settings.CELERY_BROKER_URL = redis_broker_url
    return settings


def test_everything_up_answers_200_with_the_heartbeat_ages(db, with_broker, client):
    _beat(HeartbeatKind.WORKER, seconds_ago=30, name="old:1")
    _beat(HeartbeatKind.WORKER, seconds_ago=4)  # the freshest worker counts
    _beat(HeartbeatKind.BEAT, seconds_ago=7)

    response = client.get("/health/")

    assert response.status_code == 200
    status = response.json()
    assert 4 <= status.pop("worker_age_seconds") < 6
    assert 7 <= status.pop("beat_age_seconds") < 9
    assert status == {"database": "ok", "broker": "ok", "worker": "ok", "beat": "ok", "stale_after_seconds": 120}
    assert response["Cache-Control"].startswith("max-age=0")


def test_a_stale_worker_heartbeat_answers_503(db, with_broker, client):
    _beat(HeartbeatKind.WORKER, seconds_ago=121)
    _beat(HeartbeatKind.BEAT, seconds_ago=3)

    response = client.get("/health/")

    assert response.status_code == 503
    assert (response.json()["worker"], response.json()["beat"]) == ("stale", "ok")
    assert 121 <= response.json()["worker_age_seconds"] < 123


def test_a_stale_beat_or_no_worker_at_all_answers_503(db, with_broker, client):
    _beat(HeartbeatKind.BEAT, seconds_ago=500)

    response = client.get("/health/")

    assert response.status_code == 503
    status = response.json()
    assert (status["worker"], status["worker_age_seconds"], status["beat"]) == ("missing", None, "stale")


def test_the_broker_unreachable_answers_503_fast(db, with_broker, client, settings):
    _beat(HeartbeatKind.WORKER, seconds_ago=1)
    _beat(HeartbeatKind.BEAT, seconds_ago=1)
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1

    started = time.monotonic()
    response = client.get("/health/")
    elapsed = time.monotonic() - started

    assert response.status_code == 503
    assert (response.json()["broker"], response.json()["worker"]) == ("error", "ok")
    assert elapsed < 1.5


@pytest.mark.django_db(transaction=True)
def test_the_database_unreachable_answers_503(with_broker, client, settings):
    port = connection.settings_dict["PORT"]
    connection.close()
    connection.settings_dict["PORT"] = "1"  # the app's own connection: nothing listens there
    try:
        started = time.monotonic()
        response = client.get("/health/")
        elapsed = time.monotonic() - started
    finally:
        connection.close()
        connection.settings_dict["PORT"] = port

    assert response.status_code == 503
    assert response.json() == {
        "database": "error", "broker": "ok", "worker": "unknown", "beat": "unknown", "worker_age_seconds": None,
        "beat_age_seconds": None, "stale_after_seconds": 120,
    }  # fmt: skip
    assert elapsed < 1.5


def test_on_the_embedded_default_workers_and_beat_are_in_process(db, client, settings):
    settings.CELERY_BROKER_URL = ""

    response = client.get("/health/")

    assert response.status_code == 200
    assert response.json() == {
        "database": "ok", "broker": "in-process", "worker": "in-process", "beat": "in-process",
        "worker_age_seconds": None, "beat_age_seconds": None, "stale_after_seconds": 120,
    }  # fmt: skip
