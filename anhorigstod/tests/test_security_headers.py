"""What production sends: security headers, cookies, the HTTPS redirect, and no redirect off-site.

The header tests run in this process with the security settings of anhorigstod.settings.production
itself (imported with a production-like environment, see `production`), not with copied values:
a change to production.py is a change these tests see. Storage and the database stay the test
run's own, which decide nothing about headers.
"""

import importlib
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client, override_settings

from accounts.tests.factories import UserFactory

BASE_DIR = Path(__file__).resolve().parent.parent.parent
HOST = "anhorigstod.example.se"
ONE_YEAR = 60 * 60 * 24 * 365
PASSWORD = "a-long-test-password"
# Settings that decide what a response carries; taken from the production module as they are.
SECURITY_SETTINGS = re.compile(
    r"^(DEBUG|ALLOWED_HOSTS|MIDDLEWARE|X_FRAME_OPTIONS|CONTENT_SECURITY_POLICY|PERMISSIONS_POLICY"
    r"|SECURE_.*|SESSION_COOKIE_.*|CSRF_.*|LANGUAGE_COOKIE_.*)$"
)


def _production_environment() -> dict[str, str]:
    """The test run's environment (its database) as production sees it, with production's defaults."""
    dropped = {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS"}
    keep = {k: v for k, v in os.environ.items() if k not in dropped}
    # Production refuses to start without PostgreSQL and a broker: a run on the embedded default
    # lends it addresses where nothing listens (nothing here connects to either).
    if not keep.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        keep["DATABASE_URL"] = "postgres://postgres@127.0.0.1:9/unused"
    keep["CELERY_BROKER_URL"] = keep.get("CELERY_BROKER_URL") or "redis://127.0.0.1:9/0"
    return {
        **keep,
        "DJANGO_SETTINGS_MODULE": "anhorigstod.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": HOST,
        "CSRF_TRUSTED_ORIGINS": f"https://{HOST}",
    }


@pytest.fixture
def production(monkeypatch):
    """The production module's security settings in force, and a client that comes as the proxy sends."""
    monkeypatch.delenv("SECURE_SSL_REDIRECT", raising=False)
    monkeypatch.delenv("SECURE_HSTS_SECONDS", raising=False)
    for name, value in _production_environment().items():
        if name != "DJANGO_SETTINGS_MODULE":
            monkeypatch.setenv(name, value)
    module = importlib.reload(importlib.import_module("anhorigstod.settings.production"))
    values = {name: getattr(module, name) for name in dir(module) if SECURITY_SETTINGS.match(name)}
    with override_settings(**values):
        yield Client(headers={"host": HOST, "x-forwarded-proto": "https"})


def _directives(header: str) -> dict[str, list[str]]:
    parts = (directive.split() for directive in header.split(";") if directive.strip())
    return {name: sources for name, *sources in parts}


# check --deploy


def test_check_deploy_finds_nothing_with_the_production_settings():
    """Run as the server would start: its own process, a real secret, the test run's database."""
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=_production_environment(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == "System check identified no issues (0 silenced).", result.stdout
    assert "WARNING" not in result.stderr, result.stderr


# Headers


@pytest.mark.django_db
def test_every_page_carries_a_strict_content_security_policy(production):
    response = production.get("/login/")

    assert response.status_code == 200
    header = response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in header and "unsafe-eval" not in header, header
    directives = _directives(header)
    assert directives == {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
    # No host anywhere: only the keywords, and data: for Bootstrap's icons.
    sources = {source for name, values in directives.items() for source in values}
    assert sources == {"'self'", "'none'", "data:"}


@pytest.mark.django_db
def test_production_sends_hsts_for_a_year_and_the_frame_type_referrer_and_opener_policies(production):
    response = production.get("/login/")

    hsts = dict(part.strip().partition("=")[::2] for part in response.headers["Strict-Transport-Security"].split(";"))
    assert int(hsts["max-age"]) >= ONE_YEAR
    assert set(hsts) == {"max-age", "includeSubDomains", "preload"}
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"
    permissions = dict(item.split("=", 1) for item in response.headers["Permissions-Policy"].split(", "))
    assert permissions["camera"] == permissions["microphone"] == permissions["geolocation"] == "()"
    assert set(permissions.values()) == {"()"}


@pytest.mark.django_db
def test_plain_http_is_redirected_to_https_with_the_security_headers(production):
    response = production.get("/caregivers/?q=1", headers={"x-forwarded-proto": "http"})

    assert response.status_code == 301
    assert response.headers["Location"] == f"https://{HOST}/caregivers/?q=1"
    assert "Permissions-Policy" in response.headers
    # No HSTS over plain HTTP (browsers ignore it there); it comes with the HTTPS answer.
    assert "Strict-Transport-Security" not in response.headers


@pytest.mark.django_db
def test_another_host_is_refused(production):
    response = production.get("/login/", headers={"host": "evil.example"})

    assert response.status_code == 400


@pytest.mark.django_db
def test_session_csrf_and_language_cookies_are_secure_httponly_and_samesite(production):
    UserFactory(username="sara", password=PASSWORD)
    login_page = production.get("/login/")
    response = production.post("/login/", {"username": "sara", "password": PASSWORD})
    switched = production.post("/i18n/setlang/", {"language": "en", "next": "/"})

    assert response.status_code == 302
    cookies = {**login_page.cookies, **response.cookies, **switched.cookies}
    assert set(cookies) == {"__Host-csrftoken", "__Host-sessionid", "__Host-language"}
    for name, cookie in cookies.items():
        assert cookie["secure"] is True, name
        assert cookie["httponly"] is True, name
        assert cookie["samesite"] == "Lax", name
        assert cookie["path"] == "/", name
        assert cookie["domain"] == "", name  # host-only, as the __Host- prefix demands


# No redirect to another host


@pytest.mark.django_db
@pytest.mark.parametrize(
    "next_url", ["https://evil.example/", "//evil.example/", "http://anhorigstod.example.se/", "\\\\evil.example"]
)
def test_the_language_switch_never_redirects_off_site(production, next_url):
    response = production.post("/i18n/setlang/", {"language": "en", "next": next_url})

    assert response.status_code == 302
    assert response.headers["Location"] == "/"


@pytest.mark.django_db
def test_the_language_switch_follows_a_next_on_this_site(production):
    response = production.post("/i18n/setlang/", {"language": "en", "next": "/caregivers/"})

    assert response.status_code == 302
    assert response.headers["Location"] == "/caregivers/"


@pytest.mark.django_db
@pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example/", "/caregivers/"])
def test_login_redirects_only_within_the_site(production, next_url):
    UserFactory(username="sara", password=PASSWORD)

    response = production.post(f"/login/?next={next_url}", {"username": "sara", "password": PASSWORD})

    assert response.status_code == 302
    assert response.headers["Location"] == ("/caregivers/" if next_url == "/caregivers/" else "/start/")
