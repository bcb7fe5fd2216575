import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from accounts.models import Role, User
from districts.tests.factories import DistrictFactory

PASSWORD = "a-long-test-password"


@pytest.fixture(autouse=True)
def _english():
    """Assert on the English messages; the Swedish ones are checked in the i18n tests."""
    with translation.override("en"):
        yield


@pytest.fixture
def districts(db):
    return DistrictFactory(code="bromma"), DistrictFactory(code="farsta")


def test_add_user_takes_the_password_from_the_environment(districts, monkeypatch):
    monkeypatch.setenv("ANHORIGSTOD_PASSWORD", PASSWORD)

    call_command("add_user", "anna", "--role", "consultant", "--district", "bromma", "--email", "anna@example.org")

    user = User.objects.get(username="anna")
    assert user.role == Role.CONSULTANT
    assert list(user.districts.values_list("code", flat=True)) == ["bromma"]
    assert user.email == "anna@example.org"
    assert user.check_password(PASSWORD)


def test_add_user_prompts_for_the_password_twice(districts, monkeypatch):
    monkeypatch.delenv("ANHORIGSTOD_PASSWORD", raising=False)
    answers = iter([PASSWORD, PASSWORD])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    monkeypatch.setattr(
        "accounts.management.commands.add_user.Command.stdin_is_interactive", staticmethod(lambda: True)
    )

    call_command("add_user", "bo", "--role", "manager", "--district", "bromma", "--district", "farsta")

    user = User.objects.get(username="bo")
    assert sorted(user.districts.values_list("code", flat=True)) == ["bromma", "farsta"]
    assert user.check_password(PASSWORD)


def test_add_user_refuses_differing_prompted_passwords(districts, monkeypatch):
    monkeypatch.delenv("ANHORIGSTOD_PASSWORD", raising=False)
    answers = iter([PASSWORD, PASSWORD + "x"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    monkeypatch.setattr(
        "accounts.management.commands.add_user.Command.stdin_is_interactive", staticmethod(lambda: True)
    )

    with pytest.raises(CommandError, match="differ"):
        call_command("add_user", "bo", "--role", "manager", "--district", "bromma")
    assert not User.objects.filter(username="bo").exists()


def test_add_user_without_terminal_or_variable_says_how_to_give_a_password(districts, monkeypatch):
    monkeypatch.delenv("ANHORIGSTOD_PASSWORD", raising=False)
    monkeypatch.setattr(
        "accounts.management.commands.add_user.Command.stdin_is_interactive", staticmethod(lambda: False)
    )

    with pytest.raises(CommandError, match="ANHORIGSTOD_PASSWORD"):
        call_command("add_user", "bo", "--role", "manager", "--district", "bromma")


def test_add_user_has_no_password_option(districts):
    with pytest.raises(CommandError):
        call_command("add_user", "bo", "--role", "strategist", "--password", PASSWORD)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--role", "consultant", "--district", "nowhere"], "Unknown district code"),
        (["--role", "consultant"], "at least one district"),
        (["--role", "manager", "--district", "bromma", "--email", "not-an-address"], "email"),
    ],
)
def test_add_user_rejects_bad_input_and_saves_nothing(districts, monkeypatch, args, message):
    monkeypatch.setenv("ANHORIGSTOD_PASSWORD", PASSWORD)

    with pytest.raises(CommandError, match=message):
        call_command("add_user", "cia", *args)
    assert not User.objects.filter(username="cia").exists()


def test_add_user_rejects_a_weak_password(districts, monkeypatch):
    monkeypatch.setenv("ANHORIGSTOD_PASSWORD", "12345")

    with pytest.raises(CommandError, match="too short"):
        call_command("add_user", "cia", "--role", "strategist")
    assert not User.objects.filter(username="cia").exists()


def test_add_user_rejects_an_existing_username(districts, monkeypatch):
    monkeypatch.setenv("ANHORIGSTOD_PASSWORD", PASSWORD)
    call_command("add_user", "dora", "--role", "strategist")

    with pytest.raises(CommandError, match="username"):
        call_command("add_user", "dora", "--role", "admin")
    assert User.objects.get(username="dora").role == Role.STRATEGIST


def test_add_user_for_strategist_and_admin_needs_no_district(districts, monkeypatch):
    monkeypatch.setenv("ANHORIGSTOD_PASSWORD", PASSWORD)

    call_command("add_user", "stina", "--role", "strategist")
    call_command("add_user", "ada", "--role", "admin")

    assert User.objects.get(username="stina").is_city_wide
    assert User.objects.get(username="ada").is_superuser
