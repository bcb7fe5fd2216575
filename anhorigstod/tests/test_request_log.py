"""The request id and the one JSON log line per request (anhorigstod/request_log.py)."""

import io
import json
import logging
import re
import uuid

import pytest
from django.http import HttpResponse
from django.test import override_settings
from django.urls import path

from accounts.tests.factories import UserFactory
from anhorigstod.request_log import JsonFormatter, RequestContextFilter

HEX_ID = re.compile(r"[0-9a-f]{32}")
REQUEST_LINE_FIELDS = {
    *("time", "level", "logger", "message"),
    *("request_id", "user_id", "method", "path", "status", "duration_ms"),
}


def _fails(request):
    raise RuntimeError("the view broke")


def _logs_inside(request):
    logging.getLogger("anhorigstod.tests.view").warning("inside the view")
    return HttpResponse("ok")


urlpatterns = [path("fails/", _fails), path("logs-inside/", _logs_inside)]


@pytest.fixture
def json_lines():
    """The root logger's records as production writes them: JSON through the request filter."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestContextFilter())
    root = logging.getLogger()
    root.addHandler(handler)

    def lines() -> list[dict]:
        return [json.loads(line) for line in stream.getvalue().splitlines()]

    yield lines
    root.removeHandler(handler)


def _request_lines(lines: list[dict]) -> list[dict]:
    return [line for line in lines if line["logger"] == "anhorigstod.request"]


@pytest.mark.django_db
def test_one_json_line_per_request_with_the_user_id_and_no_name_nor_query(login, json_lines):
    user = UserFactory(username="annika.svensson", first_name="Annika", last_name="Svensson")
    client = login(user)

    response = client.get("/caregivers/?q=Annika+Svensson", headers={"x-request-id": "proxy-4f2a9c"})

    assert response.status_code == 200
    (line,) = _request_lines(json_lines())
    assert set(line) == REQUEST_LINE_FIELDS
    assert line["level"] == "INFO"
    assert line["request_id"] == "proxy-4f2a9c"
    assert line["user_id"] == user.pk
    assert line["method"] == "GET"
    assert line["path"] == "/caregivers/"
    assert line["status"] == 200
    assert isinstance(line["duration_ms"], float) and 0 < line["duration_ms"] < 60_000
    assert line["message"] == f"GET /caregivers/ 200 {line['duration_ms']} ms"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00", line["time"])
    everything = json.dumps(json_lines()).lower()
    assert "annika" not in everything and "svensson" not in everything


@pytest.mark.django_db
def test_an_anonymous_request_has_no_user_id(client, json_lines):
    response = client.get("/login/")

    assert response.status_code == 200
    (line,) = _request_lines(json_lines())
    assert line["user_id"] is None
    assert line["status"] == 200


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=__name__)
def test_every_record_of_the_request_carries_its_id(client, json_lines):
    response = client.get("/logs-inside/", headers={"x-request-id": "abc-123"})

    assert response.status_code == 200
    lines = json_lines()
    inside = [line for line in lines if line["logger"] == "anhorigstod.tests.view"]
    assert [(line["message"], line["request_id"], line["user_id"]) for line in inside] == [
        ("inside the view", "abc-123", None)
    ]
    assert [line["request_id"] for line in _request_lines(lines)] == ["abc-123"]


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=__name__)
def test_an_exception_is_logged_with_its_request_id_and_the_request_line_says_500(client, json_lines):
    client.raise_request_exception = False

    response = client.get("/fails/", headers={"x-request-id": "boom-1"})

    assert response.status_code == 500
    assert response.headers["X-Request-ID"] == "boom-1"
    lines = json_lines()
    (error,) = [line for line in lines if line["logger"] == "django.request"]
    assert error["level"] == "ERROR"
    assert error["request_id"] == "boom-1"
    assert "RuntimeError: the view broke" in error["exc_info"]
    # Django's record carries the request object: never written (its repr holds the query string).
    assert "request" not in error
    (line,) = _request_lines(lines)
    assert (line["status"], line["level"], line["path"]) == (500, "WARNING", "/fails/")


@pytest.mark.django_db
def test_a_404_is_logged_with_its_status(client, json_lines):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    lines = json_lines()
    (line,) = _request_lines(lines)
    assert (line["status"], line["path"]) == (404, "/no-such-page/")
    # Django's own record of the answer, written after the middleware returned, carries the id too.
    (django_line,) = [line for line in lines if line["logger"] == "django.request"]
    assert (django_line["message"], django_line["request_id"]) == ("Not Found: /no-such-page/", line["request_id"])


# The request id's round trip


@pytest.mark.django_db
@pytest.mark.parametrize("given", ["0f6c2d1e9b8a4c7d", "3e1d0c49-5d8e-4b4e-9f63-7a0c3a2f1b55", "req_1.a-B"])
def test_a_sane_request_id_comes_back_on_the_response(client, given):
    response = client.get("/login/", headers={"x-request-id": given})

    assert response.headers["X-Request-ID"] == given


@pytest.mark.django_db
@pytest.mark.parametrize("given", [None, "", "has space", "<script>", "a" * 65, "-leading-dash", "ä-non-ascii"])
def test_a_missing_or_odd_request_id_is_replaced_by_a_new_one(client, given, json_lines):
    headers = {} if given is None else {"x-request-id": given}

    first = client.get("/login/", headers=headers)
    second = client.get("/login/", headers=headers)

    assert HEX_ID.fullmatch(first.headers["X-Request-ID"])
    assert HEX_ID.fullmatch(second.headers["X-Request-ID"])
    assert first.headers["X-Request-ID"] != second.headers["X-Request-ID"]
    logged = [line["request_id"] for line in _request_lines(json_lines())]
    assert logged == [first.headers["X-Request-ID"], second.headers["X-Request-ID"]]


def test_a_record_outside_any_request_has_no_request_id(json_lines):
    logging.getLogger("anhorigstod.tests.outside").warning("no request here")

    (line,) = [line for line in json_lines() if line["logger"] == "anhorigstod.tests.outside"]
    assert set(line) == {"time", "level", "logger", "message"}


def test_extras_that_are_objects_are_left_out_of_the_json_line(json_lines):
    logging.getLogger("anhorigstod.tests.outside").warning(
        "with extras", extra={"count": 3, "names": ["a", "b"], "thing": object()}
    )

    (line,) = [line for line in json_lines() if line["logger"] == "anhorigstod.tests.outside"]
    assert line["count"] == 3
    assert line["names"] == ["a", "b"]
    assert "thing" not in line


# A Celery worker's lines


@pytest.mark.django_db(transaction=True)
def test_a_workers_lines_are_json_with_log_format_json(postgresql, celery_on_redis, tmp_path):
    from django.conf import settings

    from anhorigstod.tests.celery_worker import start_worker, wait_for

    app = celery_on_redis
    queue = f"test-{uuid.uuid4().hex[:8]}"
    log = tmp_path / "worker.log"
    worker = start_worker(app.conf.broker_url, queue, log, env={"LOG_FORMAT": "json"})
    try:
        result = app.send_task(settings.CELERY_BEAT_SCHEDULE["erase-expired-caregivers"]["task"], queue=queue)

        def succeeded():
            lines = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
            return [line for line in lines if "succeeded" in line["message"]] and lines

        lines = wait_for(succeeded, timeout=60, what="the task's success line", log=log)
    finally:
        worker.terminate()
        worker.wait(timeout=20)

    ready = [line for line in lines if line["logger"] == "celery.apps.worker" and line["message"].endswith(" ready.")]
    assert len(ready) == 1
    (done,) = [line for line in lines if line["logger"] == "celery.app.trace"]
    assert (done["task_id"], done["task_name"]) == (result.id, "caregivers.erase_expired_caregivers")
    assert set(done) == {"time", "level", "logger", "message", "task_id", "task_name"}
    # No line in Celery's own format ("[2026-01-01 10:00:00,000: INFO/MainProcess] ...") is left.
    assert not [line for line in log.read_text().splitlines() if re.match(r"\[\d{4}-\d\d-\d\d ", line)]
