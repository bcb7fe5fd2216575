"""The app as production runs it: gunicorn under the production settings, with Sentry and JSON logs.

One gunicorn serves every test here: its DATABASE_URL points at a port where nothing listens (any
request that needs the database fails as in an outage), its SENTRY_DSN at a small HTTP server in
this process that keeps what Sentry's SDK sends, and its static files were collected into a
temporary STATIC_ROOT first, as a fresh clone's deployment would.
"""

import http.client
import json
import os
import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from anhorigstod.tests.sentry_receiver import dsn, sentry_receiver, wait_for_events

BASE_DIR = Path(__file__).resolve().parent.parent.parent
SESSION_KEY = "k" + secrets.token_hex(15)
NAME = "Ingrid Lindqvist"  # typed by the consultant: must reach neither Sentry nor the logs
# Variables the test decides; the rest of the environment (PATH, locale) is kept.
DECIDED = {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE", "SECRET_KEY", "DEBUG", "ALLOWED_HOSTS",
           "DATABASE_URL", "CELERY_BROKER_URL", "STATIC_ROOT", "LOG_FORMAT", "SENTRY_DSN", "SENTRY_ENVIRONMENT",
           "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS"}  # fmt: skip


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def sentry():
    with sentry_receiver() as server:
        yield server


@pytest.fixture(scope="module")
def nowhere():
    """A port bound but never listening: connecting to it is refused, as to a database that is down."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield sock.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory, sentry, nowhere):
    """gunicorn under the production settings; yields (port, its log's path)."""
    tmp = tmp_path_factory.mktemp("production")
    port = _free_port()
    env = {name: value for name, value in os.environ.items() if name not in DECIDED} | {
        "DJANGO_SETTINGS_MODULE": "anhorigstod.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:{nowhere}/anhorigstod",
        "CELERY_BROKER_URL": f"redis://127.0.0.1:{nowhere}/0",
        "STATIC_ROOT": str(tmp / "var" / "static"),
        "SENTRY_DSN": dsn(sentry),
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    collected = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert collected.returncode == 0, collected.stderr
    log = tmp / "gunicorn.log"
    command = [sys.executable, "-m", "gunicorn", "anhorigstod.wsgi", "--bind", f"127.0.0.1:{port}",
               "--workers", "1", "--timeout", "60", "--graceful-timeout", "5"]  # fmt: skip
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=BASE_DIR, env=env, stdout=out, stderr=subprocess.STDOUT)  # noqa: S603
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, log.read_text()
            try:
                _request(port, "GET", "/static/favicon.svg")
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail(f"gunicorn did not answer in 60 s:\n{log.read_text()}")
                time.sleep(0.2)
        yield port, log
    finally:
        process.terminate()
        process.wait(timeout=30)


def _request(port: int, method: str, url: str, body: str = "", headers: dict | None = None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        # As the TLS proxy sends it (production redirects plain HTTP to HTTPS).
        connection.request(method, url, body=body, headers={"X-Forwarded-Proto": "https", **(headers or {})})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def _json_lines(log: Path) -> list[dict]:
    lines = []
    for line in log.read_text().splitlines():
        if line.startswith("{"):
            lines.append(json.loads(line))
    return lines


def test_a_database_outage_in_a_request_reaches_sentry_without_anything_personal(server, sentry):
    port, _ = server
    body = f"note={NAME.replace(' ', '+')}+ringde&csrfmiddlewaretoken=abc"

    status, headers, content = _request(
        port,
        "POST",
        f"/log/?q={NAME.replace(' ', '+')}",
        body=body,
        headers={
            "Cookie": f"__Host-sessionid={SESSION_KEY}",
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Request-ID": "outage-7f3a",
            "Authorization": "Basic c2VjcmV0OnNlY3JldA==",
        },
    )

    # The app's own answer to an unreachable database (anhorigstod/errors.py).
    assert status == 503, content.decode()
    assert headers["X-Request-ID"] == "outage-7f3a"
    wait_for_events(sentry, 1)
    time.sleep(1)  # the SDK sends from a thread: let any second event arrive too
    events = wait_for_events(sentry, 1)
    # One event per exception: the two-factor check's read of the session and, as the session is
    # saved on every request, SessionMiddleware's second read on the way out; both the outage.
    assert 1 <= len(events) <= 2
    for event, _ in events:
        assert [(value["module"], value["type"]) for value in event["exception"]["values"]][-1] == (
            "django.db.utils",
            "OperationalError",
        )
        assert event["environment"] == "production"
        assert event["tags"]["request_id"] == "outage-7f3a"
        assert event["user"] == {}
        assert event["request"] == {
            "url": f"https://127.0.0.1:{port}/log/",
            "method": "POST",
            "headers": {
                "Host": f"127.0.0.1:{port}",
                "Content-Length": str(len(body)),
                "Content-Type": "application/x-www-form-urlencoded",
                "X-Request-Id": "outage-7f3a",
            },
        }
        for value in event["exception"]["values"]:
            assert all("vars" not in frame for frame in value["stacktrace"]["frames"])
        assert all("data" not in crumb for crumb in event["breadcrumbs"]["values"])
    # Nothing personal anywhere in what was sent: not the name, the cookie nor the credentials.
    text = b"".join(raw for _, raw in sentry.envelopes).decode()
    for secret in ("Ingrid", "Lindqvist", "ringde", SESSION_KEY, "c2VjcmV0", "csrfmiddlewaretoken"):
        assert secret not in text, secret


def test_the_request_is_one_json_line_in_the_servers_log(server, sentry):
    port, log = server

    search = f"/caregivers/?q={NAME.replace(' ', '+')}"

    status, _, _ = _request(port, "GET", search, headers={"X-Request-ID": "list-9"})

    assert status == 302  # to the login page: no session cookie, so no database either
    lines = [line for line in _json_lines(log) if line.get("request_id") == "list-9"]
    assert [(line["logger"], line["method"], line["path"], line["status"], line["user_id"]) for line in lines] == [
        ("anhorigstod.request", "GET", "/caregivers/", 302, None)
    ]
    assert set(lines[0]) == {"time", "level", "logger", "message", "request_id", "user_id", "method", "path",
                             "status", "duration_ms"}  # fmt: skip
    assert "Ingrid" not in log.read_text()


def test_whitenoise_serves_the_static_files_collected_into_static_root(server):
    port, _ = server
    manifest = json.loads((Path(_static_root(server)) / "staticfiles.json").read_text())["paths"]

    status, headers, content = _request(port, "GET", f"/static/{manifest['favicon.svg']}")

    assert status == 200
    assert headers["Content-Type"].startswith("image/svg+xml")
    assert content == (BASE_DIR / "static" / "favicon.svg").read_bytes()
    assert "immutable" in headers["Cache-Control"]


def _static_root(server) -> Path:
    _, log = server
    return log.parent / "var" / "static"
