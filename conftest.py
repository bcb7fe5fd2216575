"""Shared fixtures. Tests that need a real service ask for it through a fixture here.

Locally (the embedded default) such tests are skipped when the service is not configured; with
REQUIRE_SERVICES=1 (as in .ci/run) a missing service fails the test and any skip fails the run.
"""

import os

import pytest

from accounts.scoping import forget_scope
from figures.moment_cache import cache_resume

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"


def _service_missing(message: str):
    if REQUIRE_SERVICES:
        pytest.fail(f"{message} (REQUIRE_SERVICES=1)")
    pytest.skip(message)


@pytest.fixture(autouse=True)
def _figures_cache_in_use():
    """Each test starts with the figures cache in use, whatever an earlier one made fail."""
    cache_resume()
    yield
    cache_resume()


@pytest.fixture
def redis_broker_url() -> str:
    url = os.environ.get("CELERY_BROKER_URL", "")
    if not url.startswith("redis://"):
        _service_missing("needs CELERY_BROKER_URL pointing at Redis")
    return url


@pytest.fixture
def celery_on_redis(redis_broker_url):
    """The Celery app publishing to Redis for real (tests otherwise run tasks in-process)."""
    from anhorigstod.celery import app

    app.conf.task_always_eager = False
    yield app
    app.conf.task_always_eager = True


@pytest.fixture
def postgresql():
    """The default connection, which must be PostgreSQL; combine with db or transactional_db."""
    from django.db import connection

    if connection.vendor != "postgresql":
        _service_missing("needs DATABASE_URL pointing at PostgreSQL")
    return connection


@pytest.fixture
def moment_queries(db) -> int:
    """The queries a page kept while the data is unchanged (``figures.moment_cache``) spends asking
    for the data's name: one on PostgreSQL, none on SQLite (which keeps nothing)."""
    from django.db import connection

    return 1 if connection.vendor == "postgresql" else 0


@pytest.fixture
def reference_data(db):
    """The Stockholm 2018 reference data, loaded with the product's own loader."""
    from reference.services import reference_data_load

    return reference_data_load(dataset="stockholm-2018")


@pytest.fixture
def login(client):
    """Log a user in on the test client and return the client."""

    def _login(user):
        forget_scope(user)
        client.force_login(user)
        return client

    return _login


@pytest.fixture
def in_english(client):
    """Choose English with the language switch's cookie (Swedish is the default)."""
    from django.conf import settings

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def pytest_sessionfinish(session, exitstatus):
    if not REQUIRE_SERVICES:
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if skipped:
        reporter.write_line(f"REQUIRE_SERVICES=1 but {len(skipped)} test(s) were skipped: failing the run.", red=True)
        session.exitstatus = 1
