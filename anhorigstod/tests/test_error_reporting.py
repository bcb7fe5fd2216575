"""What Sentry may receive (anhorigstod/error_reporting.py): the event as the SDK builds it, stripped.

test_production_server.py sends real events from gunicorn; here each rule of the stripping is
shown on one event as sentry-sdk's Django integration shapes it, inside a real request.
"""

import uuid

import pytest
from django.http import HttpResponse
from django.test import override_settings
from django.urls import path

from accounts.tests.factories import UserFactory
from anhorigstod.error_reporting import strip_personal_data
from anhorigstod.tests.sentry_receiver import dsn, sentry_receiver, wait_for_events

stripped = []


def _event() -> dict:
    return {
        "level": "error",
        "request": {
            "url": "https://anhorigstod.example.se/log/",
            "method": "POST",
            "query_string": "q=Ingrid+Lindqvist",
            "data": {"note": "Ingrid Lindqvist ringde"},
            "cookies": {"__Host-sessionid": "abc123"},
            "env": {"REMOTE_ADDR": "10.0.0.7"},
            "headers": {
                "Host": "anhorigstod.example.se",
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": "__Host-sessionid=abc123",
                "Referer": "https://anhorigstod.example.se/caregivers/?q=Ingrid",
                "User-Agent": "Firefox",
                "X-Request-Id": "r-1",
            },
        },
        "user": {"id": "7", "username": "ingrid.l", "email": "ingrid@example.se"},
        "exception": {
            "values": [
                {
                    "type": "IntegrityError",
                    "value": 'duplicate key value violates unique constraint "label"\n'
                    "DETAIL:  Key (label)=(Ingrid Lindqvist) already exists.",
                }
            ]
        },
        "extra": {"count": 3, "request": object()},
        "breadcrumbs": {"values": [{"category": "query", "message": "SELECT 1", "data": {"params": ["Ingrid"]}}]},
    }


def _strip_in_the_request(request):
    stripped.append(strip_personal_data(_event(), {}))
    return HttpResponse("ok")


urlpatterns = [path("strip/", _strip_in_the_request)]


@pytest.fixture(autouse=True)
def _fresh():
    stripped.clear()


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=__name__)
def test_an_event_keeps_the_bug_and_the_ids_and_loses_everything_personal(login):
    user = UserFactory(username="ingrid.l")
    client = login(user)

    response = client.get("/strip/", headers={"x-request-id": "r-1"})

    assert response.status_code == 200
    (event,) = stripped
    assert event["request"] == {
        "url": "https://anhorigstod.example.se/log/",
        "method": "POST",
        "headers": {
            "Host": "anhorigstod.example.se",
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Request-Id": "r-1",
        },
    }
    assert event["tags"] == {"request_id": "r-1"}
    assert event["exception"]["values"][0]["value"] == 'duplicate key value violates unique constraint "label"'
    assert event["extra"] == {"count": 3}
    assert event["breadcrumbs"]["values"] == [{"category": "query", "message": "SELECT 1"}]
    assert "Ingrid" not in repr(event) and "ingrid" not in repr(event)


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=__name__)
def test_the_signed_in_users_id_is_all_sentry_learns_of_them(login):
    user = UserFactory(username="ingrid.l")
    client = login(user)

    # The two-factor middleware has loaded the user by the time the view runs.
    client.get("/strip/")

    assert stripped[0]["user"] == {"id": str(user.pk)}


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=__name__)
def test_an_anonymous_request_sends_no_user(client):
    client.get("/strip/")

    assert stripped[0]["user"] == {}


def test_an_event_outside_any_request_keeps_no_user_and_gets_no_request_id():
    event = strip_personal_data({**_event(), "request": None}, {})

    assert event["user"] == {}
    assert "tags" not in event
    assert event["request"] is None


# A task's failure in a real worker


@pytest.mark.django_db(transaction=True)
def test_a_task_failing_in_a_real_worker_reaches_sentry(postgresql, celery_on_redis, tmp_path):
    from django.conf import settings

    from anhorigstod.tests.celery_worker import start_worker

    app = celery_on_redis
    queue = f"test-{uuid.uuid4().hex[:8]}"
    log = tmp_path / "worker.log"
    task = settings.CELERY_BEAT_SCHEDULE["erase-expired-caregivers"]["task"]
    with sentry_receiver() as sentry:
        # The local settings start Sentry (the tests' own never do); the worker runs on the test database.
        env = {"DJANGO_SETTINGS_MODULE": "anhorigstod.settings.local", "SENTRY_DSN": dsn(sentry)}
        worker = start_worker(app.conf.broker_url, queue, log, env=env)
        try:
            # An argument the task does not take: it fails in the worker with a TypeError.
            app.send_task(task, kwargs={"label": "Ingrid Lindqvist"}, queue=queue)
            ((event, raw),) = wait_for_events(sentry, 1, timeout=60)
        finally:
            worker.terminate()
            worker.wait(timeout=20)

    assert event["exception"]["values"][-1]["type"] == "TypeError"
    assert event["exception"]["values"][-1]["mechanism"]["type"] == "celery"
    assert event["environment"] == "local"
    assert event["user"] == {}
    assert b"Ingrid" not in raw and b"Lindqvist" not in raw, raw
