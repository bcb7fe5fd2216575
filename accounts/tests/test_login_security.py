"""Login protection: lockout after repeated failures, session expiry, strong passwords, password change."""

import runpy
from datetime import timedelta
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import Role, User
from accounts.tests.factories import UserFactory
from anhorigstod.middleware import RENEWED_AT

PASSWORD = "a-long-test-password"
NEW_PASSWORD = "another-long-secret-9"
LOGIN = "/login/"

# One weak password per validator, each failing that validator alone, with its message.
WEAK_PASSWORDS = [
    pytest.param("Kort-ord1", "This password is too short. It must contain at least 12 characters.", id="short"),
    pytest.param("password1234", "This password is too common.", id="common"),
    pytest.param("482915736048", "This password is entirely numeric.", id="numeric"),
    pytest.param("annika.svensson1", "The password is too similar to the username.", id="similar"),
]


@pytest.fixture(autouse=True)
def _english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


def _client() -> Client:
    other = Client()
    other.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return other


def _login(client, username, password, address="10.0.0.1", url=LOGIN):
    return client.post(url, {"username": username, "password": password}, REMOTE_ADDR=address)


def _logged_in_user_id(client):
    return client.session.get(SESSION_KEY)


# --- Lockout ---------------------------------------------------------------------------------


def test_failures_on_one_account_lock_it_even_with_the_right_password(db, client):
    user = UserFactory(username="anna")
    # From a different address each time, so only the account can be what is locked.
    for n in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _login(client, "anna", "wrong", address=f"10.0.1.{n}").status_code == 200

    locked = _login(client, "anna", "wrong", address="10.0.1.200")
    right = _login(client, "anna", PASSWORD, address="10.0.2.1")

    assert locked.status_code == 429
    assert right.status_code == 429
    assert b"Login locked" in right.content
    assert f"after {settings.AXES_FAILURE_LIMIT} failed attempts".encode() in right.content
    assert b"Wait 15 min and try again" in right.content
    assert _logged_in_user_id(client) is None
    # Another account logs in from the same addresses undisturbed.
    UserFactory(username="bo")
    assert _login(_client(), "bo", PASSWORD, address="10.0.1.0").status_code == 302
    user.refresh_from_db()
    assert user.last_login is None


def test_the_lock_lifts_after_the_cool_off(db, client):
    user = UserFactory(username="anna")
    for n in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "anna", "wrong", address=f"10.0.1.{n}")
    assert _login(client, "anna", PASSWORD).status_code == 429

    # Move the attempts back past the cool-off instead of waiting for it.
    AccessAttempt.objects.update(attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - timedelta(seconds=1))
    response = _login(client, "anna", PASSWORD)

    assert response.status_code == 302
    assert _logged_in_user_id(client) == str(user.pk)


def test_the_lock_holds_until_the_cool_off_is_over(db, client):
    UserFactory(username="anna")
    for n in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "anna", "wrong", address=f"10.0.1.{n}")

    AccessAttempt.objects.update(attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME + timedelta(seconds=30))

    assert _login(client, "anna", PASSWORD).status_code == 429
    assert _logged_in_user_id(client) is None


def test_an_attempt_during_the_lock_starts_the_wait_over(db, client):
    UserFactory(username="anna")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "anna", "wrong")
    nearly_over = timezone.now() - settings.AXES_COOLOFF_TIME + timedelta(seconds=30)
    AccessAttempt.objects.update(attempt_time=nearly_over)

    before = timezone.now()
    assert _login(client, "anna", PASSWORD).status_code == 429

    # The one record of these attempts now dates from this attempt: the wait is counted from here.
    [attempt] = AccessAttempt.objects.all()
    assert attempt.attempt_time >= before
    assert attempt.failures_since_start == settings.AXES_FAILURE_LIMIT + 1


def test_a_successful_login_resets_the_count(db, client):
    user = UserFactory(username="anna")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _login(client, "anna", "wrong")
    assert _login(client, "anna", PASSWORD).status_code == 302
    client.post("/logout/")

    # As many failures again as before: had the count survived, the account would now be locked.
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _login(client, "anna", "wrong").status_code == 200
    response = _login(client, "anna", PASSWORD)

    assert response.status_code == 302
    assert _logged_in_user_id(client) == str(user.pk)


def test_failures_spread_over_accounts_from_one_address_lock_the_address(db, client):
    UserFactory(username="anna")
    for n in range(settings.AXES_FAILURE_LIMIT):
        _login(client, f"guess{n}", "wrong", address="192.0.2.7")

    from_there = _login(client, "anna", PASSWORD, address="192.0.2.7")
    elsewhere = _client()
    from_elsewhere = _login(elsewhere, "anna", PASSWORD, address="192.0.2.8")

    assert from_there.status_code == 429
    assert b"Login locked" in from_there.content
    assert _logged_in_user_id(client) is None
    assert from_elsewhere.status_code == 302
    assert _logged_in_user_id(elsewhere) is not None


def test_the_admin_login_locks_out_too(db, client):
    UserFactory(username="ada", role=Role.ADMIN)
    for n in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "ada", "wrong", address=f"10.0.3.{n}", url="/admin/login/")

    response = _login(client, "ada", PASSWORD, address="10.0.4.1", url="/admin/login/")

    assert response.status_code == 429
    assert b"Login locked" in response.content
    assert _logged_in_user_id(client) is None


# --- Session expiry --------------------------------------------------------------------------


def _session_row(client) -> Session:
    return Session.objects.get(session_key=client.session.session_key)


@pytest.mark.parametrize(
    ("idle", "expired"),
    [
        pytest.param(timedelta(seconds=settings.SESSION_COOKIE_AGE + 1), True, id="past-the-age"),
        pytest.param(timedelta(seconds=settings.SESSION_COOKIE_AGE - 60), False, id="within-the-age"),
    ],
)
def test_a_session_idle_longer_than_the_cookie_age_sends_the_user_to_login(db, client, idle, expired):
    UserFactory(username="anna")
    _login(client, "anna", PASSWORD)
    assert client.get("/account/").status_code == 200

    # The last request was `idle` ago: the session then ran to that moment plus the cookie age.
    last_request = timezone.now() - idle
    Session.objects.filter(pk=_session_row(client).pk).update(
        expire_date=last_request + timedelta(seconds=settings.SESSION_COOKIE_AGE)
    )
    response = client.get("/account/")

    if expired:
        assert response.status_code == 302
        assert response["Location"] == f"{reverse('login')}?next=/account/"
    else:
        assert response.status_code == 200


def test_a_request_renews_the_session_at_most_once_a_minute(db, client):
    UserFactory(username="anna")
    _login(client, "anna", PASSWORD)
    row = _session_row(client)
    Session.objects.filter(pk=row.pk).update(expire_date=timezone.now() + timedelta(seconds=60))

    before = timezone.now()
    assert client.get("/account/").status_code == 200

    renewed = _session_row(client).expire_date
    assert before + timedelta(seconds=settings.SESSION_COOKIE_AGE) <= renewed
    assert renewed <= timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE)

    # Within the minute a request writes nothing (a read leaves the data as it was).
    assert client.get("/account/").status_code == 200
    assert _session_row(client).expire_date == renewed

    # A minute after the last renewal, the next request renews again.
    session = client.session
    session[RENEWED_AT] -= settings.SESSION_RENEW_SECONDS
    session.save()
    assert client.get("/account/").status_code == 200
    assert _session_row(client).expire_date > renewed


def test_an_anonymous_visitor_gets_no_session_made(db, client):
    assert client.get(LOGIN).status_code == 200

    assert Session.objects.count() == 0


@pytest.mark.parametrize(("value", "expected"), [(None, 1800), ("600", 600)])
def test_the_session_age_comes_from_the_environment_with_30_minutes_by_default(monkeypatch, value, expected):
    if value is None:
        monkeypatch.delenv("SESSION_COOKIE_AGE", raising=False)
    else:
        monkeypatch.setenv("SESSION_COOKIE_AGE", value)

    base = Path(settings.BASE_DIR) / "anhorigstod" / "settings" / "base.py"
    namespace = runpy.run_path(str(base))

    assert namespace["SESSION_COOKIE_AGE"] == expected
    assert namespace["SESSION_RENEW_SECONDS"] == 60  # renewed when a request comes a minute after the last renewal


# --- Strong passwords ------------------------------------------------------------------------


@pytest.mark.parametrize(("password", "message"), WEAK_PASSWORDS)
def test_the_password_change_page_refuses_a_weak_password(db, client, password, message):
    user = UserFactory(username="annika.svensson")
    _login(client, "annika.svensson", PASSWORD)

    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": password, "new_password2": password},
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {"new_password2": [message]}
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


@pytest.mark.parametrize(("password", "message"), WEAK_PASSWORDS)
def test_the_admin_add_user_form_refuses_a_weak_password(db, login, password, message):
    client = login(UserFactory(role=Role.ADMIN))

    response = client.post(
        reverse("admin:accounts_user_add"),
        {"username": "annika.svensson", "role": Role.STRATEGIST, "password1": password, "password2": password},
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"password2": [message]}
    assert not User.objects.filter(username="annika.svensson").exists()


def test_the_admin_add_user_form_accepts_a_strong_password(db, login):
    client = login(UserFactory(role=Role.ADMIN))

    response = client.post(
        reverse("admin:accounts_user_add"),
        {"username": "annika.svensson", "role": Role.STRATEGIST, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    assert User.objects.get(username="annika.svensson").check_password(NEW_PASSWORD)


@pytest.mark.parametrize(("password", "message"), WEAK_PASSWORDS)
def test_the_admin_password_form_refuses_a_weak_password(db, login, password, message):
    user = UserFactory(username="annika.svensson")
    client = login(UserFactory(role=Role.ADMIN))

    response = client.post(
        reverse("admin:auth_user_password_change", args=[user.pk]),
        {"password1": password, "password2": password},
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {"password2": [message]}
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


@pytest.mark.parametrize(("password", "message"), WEAK_PASSWORDS)
def test_the_add_user_command_refuses_a_weak_password(db, monkeypatch, password, message):
    monkeypatch.setenv("ANHORIGSTOD_PASSWORD", password)

    with pytest.raises(CommandError) as raised:
        call_command("add_user", "annika.svensson", "--role", "strategist")

    assert message in str(raised.value)
    assert not User.objects.filter(username="annika.svensson").exists()


# --- Password change ends the other sessions -------------------------------------------------


def test_the_account_page_links_to_the_password_change(db, login):
    client = login(UserFactory())

    response = client.get(reverse("accounts:security"))

    assert f'href="{reverse("accounts:password_change")}"'.encode() in response.content


def test_changing_the_password_keeps_this_session_and_ends_the_others(db, client):
    user = UserFactory(username="anna")
    here, elsewhere = client, _client()
    _login(here, "anna", PASSWORD, address="10.0.5.1")
    _login(elsewhere, "anna", PASSWORD, address="10.0.5.2")
    assert elsewhere.get("/account/").status_code == 200

    response = here.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        follow=True,
    )

    assert response.redirect_chain == [(reverse("accounts:security"), 302)]
    assert [str(m) for m in response.context["messages"]] == [
        "Your password was changed. Any other sessions where you were logged in have ended."
    ]
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert here.get("/account/").status_code == 200
    ended = elsewhere.get("/account/")
    assert ended.status_code == 302
    assert ended["Location"] == f"{reverse('login')}?next=/account/"


def test_an_administrator_setting_a_password_ends_that_users_sessions(db, client, login):
    user = UserFactory(username="anna")
    users_client = _client()
    _login(users_client, "anna", PASSWORD)
    assert users_client.get("/account/").status_code == 200
    admin_client = login(UserFactory(role=Role.ADMIN))

    response = admin_client.post(
        reverse("admin:auth_user_password_change", args=[user.pk]),
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    ended = users_client.get("/account/")
    assert ended.status_code == 302
    assert ended["Location"] == f"{reverse('login')}?next=/account/"
    # The administrator's own session is untouched.
    assert admin_client.get("/account/").status_code == 200
