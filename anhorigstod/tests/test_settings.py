"""Configuration from the environment, production hardening and the real services."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent.parent


# Every variable the settings read that a test here decides; the rest of the environment is kept.
SETTINGS_VARIABLES = {
    "DJANGO_SETTINGS_MODULE",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "SECRET_KEY",
    "DEBUG",
    "DATABASE_URL",
    "CELERY_BROKER_URL",
    "ALLOWED_HOSTS",
    "STATIC_ROOT",
    "LOG_FORMAT",
    "SENTRY_DSN",
    "SENTRY_ENVIRONMENT",
    "DATABASE_CONNECT_TIMEOUT",
}
# A complete production environment; nothing listens at these addresses and nothing here connects.
PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "anhorigstod.settings.production",
    "SECRET_KEY": "x7!Qp2@vL9#rT4$wZ8^mN3&bK6*hJ1(cF5)gD0_sA-yE+uR=iO",
    "ALLOWED_HOSTS": "anhorigstod.example.org",
    "DATABASE_URL": "postgres://anhorigstod@127.0.0.1:9/anhorigstod",
    "CELERY_BROKER_URL": "redis://127.0.0.1:9/0",
}


def _clean_environment(**env: str) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if k not in SETTINGS_VARIABLES}
    return {**clean, "PYTHONDONTWRITEBYTECODE": "1", **env}


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    """Run manage.py in a fresh process with only the given settings variables set."""
    return subprocess.run(  # noqa: S603 - a fixed command line of our own
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=_clean_environment(**env),
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
    result = _manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize("variable", ["SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "CELERY_BROKER_URL"])
@pytest.mark.parametrize("value", [None, "", " "], ids=["unset", "empty", "blank"])
def test_production_settings_refuse_to_start_without_each_variable_naming_it(variable, value):
    env = {name: given for name, given in PRODUCTION.items() if name != variable}
    if value is not None:
        env[variable] = value

    result = _manage("check", **env)

    assert result.returncode == 1
    assert result.stdout == ""
    last_line = result.stderr.strip().splitlines()[-1]
    assert last_line == (
        f"django.core.exceptions.ImproperlyConfigured: Set the {variable} environment variable: "
        "production settings do not start without it (README.md, Configuration)."
    )


def test_production_settings_refuse_a_list_of_no_hosts():
    result = _manage("check", **{**PRODUCTION, "ALLOWED_HOSTS": " , "})

    assert result.returncode == 1
    assert "Set the ALLOWED_HOSTS environment variable" in result.stderr


@pytest.mark.parametrize("url", ["sqlite:////srv/anhorigstod/db.sqlite3", "mysql://u:p@127.0.0.1:3306/anhorigstod"])
def test_production_settings_refuse_a_database_other_than_postgresql(url):
    result = _manage("check", **{**PRODUCTION, "DATABASE_URL": url})

    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == (
        "django.core.exceptions.ImproperlyConfigured: DATABASE_URL must name a PostgreSQL database "
        "(postgres://USER:PASSWORD@HOST:5432/NAME) in production; the SQLite default is for local work and "
        "tests only."
    )


def test_gunicorn_does_not_start_under_production_settings_without_a_database_url():
    env = _clean_environment(**{name: value for name, value in PRODUCTION.items() if name != "DATABASE_URL"})
    command = [sys.executable, "-m", "gunicorn", "anhorigstod.wsgi", "--bind", "127.0.0.1:0", "--workers", "1"]

    result = subprocess.run(command, cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=60, check=False)  # noqa: S603

    assert result.returncode != 0
    assert "ImproperlyConfigured: Set the DATABASE_URL environment variable" in result.stderr
    assert "Worker failed to boot" in result.stderr


def test_production_logs_json_lines_by_default_and_local_text():
    assert _setting("LOGGING['handlers']['console']['formatter']", **PRODUCTION) == "json"
    assert _setting("LOGGING['handlers']['console']['formatter']", **PRODUCTION, LOG_FORMAT="text") == "text"
    assert _setting("LOGGING['handlers']['console']['formatter']") == "text"
    assert _setting("LOGGING['handlers']['console']['formatter']", LOG_FORMAT="json") == "json"
    # An empty value (as copied from .env.example) is the default.
    assert _setting("LOGGING['handlers']['console']['formatter']", **PRODUCTION, LOG_FORMAT="") == "json"


def test_an_unknown_log_format_is_refused():
    result = _manage("check", LOG_FORMAT="xml")

    assert result.returncode == 1
    assert "ImproperlyConfigured: LOG_FORMAT must be text or json, not 'xml'." in result.stderr


def test_production_settings_demand_a_secret_key():
    result = _manage("check", **{name: value for name, value in PRODUCTION.items() if name != "SECRET_KEY"})

    assert result.returncode != 0
    assert "Set the SECRET_KEY environment variable" in result.stderr


# Nothing is written when the settings are imported

_IMPORT_SETTINGS = """
import json, sys
made = []
sys.addaudithook(lambda event, args: made.append(str(args[0])) if event in ("os.mkdir", "os.makedirs") else None)
import django
django.setup()
from django.conf import settings
print(json.dumps({"made": made, "static_root": str(settings.STATIC_ROOT),
                  "database": str(settings.DATABASES["default"]["NAME"])}))
"""


@pytest.mark.parametrize("module", ["local", "test", "production"])
def test_importing_the_settings_creates_no_folder(tmp_path, module):
    """Python's audit hook sees every mkdir: none while Django sets up (and tmp_path stays empty)."""
    env = PRODUCTION if module == "production" else {"DJANGO_SETTINGS_MODULE": f"anhorigstod.settings.{module}"}
    env = {**env, "STATIC_ROOT": str(tmp_path / "var" / "static")}
    if module != "production":
        env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'var' / 'anhorigstod.sqlite3'}"

    result = subprocess.run(  # noqa: S603 - a fixed command line of our own
        [sys.executable, "-c", _IMPORT_SETTINGS],
        cwd=BASE_DIR,
        env=_clean_environment(**env),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    imported = json.loads(result.stdout.strip().splitlines()[-1])
    assert imported["made"] == []
    assert imported["static_root"] == str(tmp_path / "var" / "static")
    assert list(tmp_path.iterdir()) == []


def test_the_writable_paths_come_from_the_environment(tmp_path):
    env = {"STATIC_ROOT": str(tmp_path / "static"), "DATABASE_URL": f"sqlite:///{tmp_path / 'db' / 'a.sqlite3'}"}

    assert _setting("STATIC_ROOT", **env) == str(tmp_path / "static")
    assert _setting("DATABASES['default']['NAME']", **env) == str(tmp_path / "db" / "a.sqlite3")
    assert _setting("STATIC_ROOT") == str(BASE_DIR / "var" / "static")
    assert _setting("STATIC_ROOT", STATIC_ROOT="") == str(BASE_DIR / "var" / "static")
    assert _setting("STATIC_ROOT", STATIC_ROOT="srv/static") == str(BASE_DIR / "srv" / "static")


def test_a_fresh_clone_gets_its_sqlite_folder_on_first_connection_and_static_files_on_collectstatic(tmp_path):
    var = tmp_path / "var"
    env = {"DATABASE_URL": f"sqlite:///{var / 'anhorigstod.sqlite3'}", "STATIC_ROOT": str(var / "static")}
    connect = "from django.db import connection; connection.ensure_connection()"

    connected = _manage("shell", "--no-imports", "-c", connect, **env)
    collected = _manage("collectstatic", "--noinput", "--verbosity", "0", **env)

    assert connected.returncode == 0, connected.stderr
    assert collected.returncode == 0, collected.stderr
    assert (var / "anhorigstod.sqlite3").is_file()
    assert (var / "static" / "staticfiles.json").is_file()
    assert (var / "static" / "css").is_dir()


def test_the_sqlite_backend_leaves_memory_databases_and_uris_alone():
    from anhorigstod.sqlite_backend.base import _file_database

    assert _file_database(":memory:") is None
    assert _file_database("file:memorydb_default?mode=memory&cache=shared") is None
    assert _file_database("/srv/anhorigstod/var/db.sqlite3") == Path("/srv/anhorigstod/var/db.sqlite3")


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


# The health check (database, broker, heartbeats) is tested in test_health.py.


def test_a_real_celery_worker_on_redis_runs_the_apps_tasks(redis_broker_url, celery_on_redis, tmp_path):
    import time
    import uuid

    from celery.contrib.testing.worker import start_worker

    from anhorigstod.celery import app
    from anhorigstod.tests.celery_worker import purge_default_queue

    out = tmp_path / "sum"

    @app.task(name="anhorigstod.tests.add")
    def add(a: int, b: int) -> None:
        out.write_text(str(a + b))

    assert app.conf.broker_url == redis_broker_url
    assert not app.conf.task_always_eager
    queue = f"test-settings-{uuid.uuid4().hex}"
    purge_default_queue(redis_broker_url)
    # The task's own side effect shows it ran, not the result backend: the backend's consumer is the
    # test process's, shared with every earlier test that waited on a result.
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10, queues=[queue]):
        add.apply_async(args=(20, 22), queue=queue)
        deadline = time.monotonic() + 30
        while not out.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
    assert out.read_text() == "42"


def test_a_silent_database_host_answers_503_within_the_connect_timeout(tmp_path):
    """A host that takes the connection and never answers (a dropped route, a hung server) fails the
    connection after DATABASE_CONNECT_TIMEOUT, so a web worker is not held until the OS gives up."""
    import socket

    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)  # accepts at the TCP level, never says a word
        port = silent.getsockname()[1]
        env = _clean_environment(
            DJANGO_SETTINGS_MODULE="anhorigstod.settings.test",
            DATABASE_URL=f"postgres://postgres@127.0.0.1:{port}/anhorigstod",
            DATABASE_CONNECT_TIMEOUT="2",
        )
        code = (
            "import django; django.setup()\n"
            "from django.db import connection, OperationalError\n"
            "print(connection.get_connection_params()['connect_timeout'])\n"
            "try:\n    connection.ensure_connection()\n"
            "except OperationalError as e:\n    print('refused:', 'timeout' in str(e))\n"
        )
        # The bound is only there so a regression fails instead of hanging the suite.
        result = subprocess.run([sys.executable, "-c", code], cwd=BASE_DIR, env=env, capture_output=True,  # noqa: S603
                                text=True, timeout=60)  # fmt: skip

    assert result.stdout.splitlines() == ["2", "refused: True"], result.stderr[-3000:]
