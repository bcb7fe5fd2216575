"""gunicorn with real workers in a subprocess, for tests that go over real HTTP."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(env: dict[str, str], log: Path, workers: int = 2) -> tuple[subprocess.Popen, str]:
    """gunicorn serving the app on a free port with the test settings; returns the process and base URL."""
    port = free_port()
    env = os.environ | {"DJANGO_SETTINGS_MODULE": "anhorigstod.settings.test", "CONN_MAX_AGE": "60", **env}
    command = [sys.executable, "-m", "gunicorn", "anhorigstod.wsgi:application", "--bind", f"127.0.0.1:{port}",
               "--workers", str(workers), "--timeout", "30", "--graceful-timeout", "2"]  # fmt: skip
    with log.open("ab") as out:
        process = subprocess.Popen(command, cwd=BASE_DIR, env=env, stdout=out, stderr=subprocess.STDOUT)  # noqa: S603
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"gunicorn exited: {log.read_text()[-4000:]}")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return process, f"http://127.0.0.1:{port}"
        time.sleep(0.1)
    process.kill()
    pytest.fail(f"gunicorn did not start: {log.read_text()[-4000:]}")


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
