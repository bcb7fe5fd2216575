"""Configuration from the environment, production hardening and the real services."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import override_settings

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    """Run manage.py in a fresh process with only the given settings variables set."""
    unset = {"DJANGO_SETTINGS_MODULE", "SECRET_KEY", "DEBUG", "DATABASE_URL", "CELERY_BROKER_URL", "ALLOWED_HOSTS"}
    unset.add("DJANGO_ALLOW_ASYNC_UNSAFE")
    clean = {k: v for k, v in os.environ.items() if k not in unset}
    return subprocess.run(  # noqa: S603 - a fixed command line of our own
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _setting(expression: str, **env: str) -> str:
    code = f"from django.conf import settings; print(settings.{expression})"
    result = _manage("shell", "--no-imports", "-c", code, **env)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_production_settings_pass_check_deploy():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_SETTINGS_MODULE="anhorigstod.settings.production",
        SECRET_KEY="x7!Qp2@vL9#rT4$wZ8^mN3&bK6*hJ1(cF5)gD0_sA-yE+uR=iO",
        ALLOWED_HOSTS="anhorigstod.example.org",
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_settings_demand_a_secret_key():
    result = _manage(
        "check", DJANGO_SETTINGS_MODULE="anhorigstod.settings.production", ALLOWED_HOSTS="anhorigstod.example.org"
    )

    assert result.returncode != 0
    assert "Set the SECRET_KEY environment variable" in result.stderr


def test_embedded_default_is_sqlite_under_var_with_tasks_in_process():
    # Django's SQLite backend, wrapped so that an id past 64 bits finds nothing (anhorigstod/sqlite_backend).
    assert _setting("DATABASES['default']['ENGINE']") == "anhorigstod.sqlite_backend"
    assert _setting("DATABASES['default']['NAME']") == str(BASE_DIR / "var" / "anhorigstod.sqlite3")
    assert _setting("CELERY_TASK_ALWAYS_EAGER") == "True"
    assert _setting("DEBUG") == "True"


def test_database_url_and_broker_come_from_the_environment():
    env = {
        "DJANGO_SETTINGS_MODULE": "anhorigstod.settings.local",
        "DATABASE_URL": "postgres://someone@db.example:5433/anhorig",
        "CELERY_BROKER_URL": "redis://cache.example:6379/2",
    }

    assert _setting("DATABASES['default']['ENGINE']", **env) == "django.db.backends.postgresql"
    assert _setting("DATABASES['default']['NAME']", **env) == "anhorig"
    assert _setting("CELERY_TASK_ALWAYS_EAGER", **env) == "False"
    assert _setting("DEBUG", DEBUG="false") == "False"
    assert _setting("ALLOWED_HOSTS", ALLOWED_HOSTS="a.example,b.example") == "['a.example', 'b.example']"


def test_tests_run_on_postgresql_when_configured(db, postgresql):
    with postgresql.cursor() as cursor:
        cursor.execute("SHOW server_version_num")
        assert int(cursor.fetchone()[0]) >= 130000


def test_health_reports_database_and_redis(db, redis_broker_url, client, settings):
    settings.CELERY_BROKER_URL = redis_broker_url

    response = client.get("/health/")

    assert response.status_code == 200
    assert response.json() == {"database": "ok", "broker": "ok"}


@pytest.mark.django_db
def test_health_reports_an_unreachable_broker(client):
    with override_settings(CELERY_BROKER_URL="redis://127.0.0.1:1/0"):
        response = client.get("/health/")

    assert response.status_code == 503
    assert response.json() == {"database": "ok", "broker": "error"}


def test_a_real_celery_worker_on_redis_runs_the_apps_tasks(redis_broker_url, celery_on_redis):
    from celery.contrib.testing import tasks  # noqa: F401 - registers celery.ping, used by start_worker
    from celery.contrib.testing.worker import start_worker

    from anhorigstod.celery import app

    @app.task(name="anhorigstod.tests.add")
    def add(a: int, b: int) -> int:
        return a + b

    assert app.conf.broker_url == redis_broker_url
    assert not app.conf.task_always_eager
    with start_worker(app, pool="solo", perform_ping_check=True, shutdown_timeout=10):
        assert add.delay(20, 22).get(timeout=20) == 42
