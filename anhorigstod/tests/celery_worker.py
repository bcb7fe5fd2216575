"""A real Celery worker in a subprocess, for tests that must see a task run outside the test process."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

BASE_DIR = Path(__file__).resolve().parents[2]


def database_url() -> str:
    """The test database, for the worker to use the same one."""
    s = connection.settings_dict
    return f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def start_worker(broker_url: str, queue: str, log: Path, env: dict[str, str] | None = None) -> subprocess.Popen:
    """A solo worker consuming only ``queue`` (the test's own), logging to ``log``."""
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "anhorigstod.settings.test",
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": broker_url,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        **(env or {}),
    }
    command = [sys.executable, "-m", "celery", "-A", "anhorigstod", "worker", "--pool=solo", "-Q", queue,
               "--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel=INFO"]  # fmt: skip
    with log.open("ab") as out:  # the worker's log, shown if the test fails
        return subprocess.Popen(command, cwd=BASE_DIR, env=env, stdout=out, stderr=subprocess.STDOUT)  # noqa: S603


def wait_for(condition, timeout: float, what: str, log: Path):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    pytest.fail(f"Timed out after {timeout} s waiting for {what}; the workers' log:\n{log.read_text()[-6000:]}")


def purge_default_queue(broker_url: str) -> None:
    """Empty the default queue: what a test's beat sent there must not reach a later test's worker."""
    from kombu import Connection

    with Connection(broker_url) as conn:
        conn.default_channel.queue_purge("celery")
