"""Two-factor login with TOTP (django-otp): enrolment, verification, the required roles, turning it off."""

import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Role
from accounts.tests.factories import UserFactory
from accounts.two_factor import HAS_DEVICE_SESSION_KEY, two_factor_required
from districts.tests.factories import MunicipalityFactory

PASSWORD = "a-long-test-password"
SETUP = reverse("accounts:two_factor_setup")
VERIFY = reverse("accounts:two_factor_verify")
DISABLE = reverse("accounts:two_factor_disable")
SECURITY = reverse("accounts:security")
WRONG_CODE = "The code is wrong or has expired. Enter the code your app shows now."


@pytest.fixture(autouse=True)
def _english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


def code_for(device: TOTPDevice, steps_ahead: int = 0) -> str:
    """The code the user's app shows now (or `steps_ahead` time steps later)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def wrong_code_for(device: TOTPDevice) -> str:
    valid = {code_for(device, steps) for steps in (-1, 0, 1)}
    return next(code for code in (f"{n:06d}" for n in range(1000)) if code not in valid)


def enrolled(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)


def verified_login(client, user, device):
    """A session that has passed both the password and the code."""
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def password_login(client, user):
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return client


# --- The rule --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "setting", "required"),
    [
        (Role.CONSULTANT, True, False),
        (Role.MANAGER, True, False),
        (Role.STRATEGIST, True, True),
        (Role.ADMIN, True, True),
        (Role.STRATEGIST, False, False),
        (Role.ADMIN, False, False),
    ],
)
def test_two_factor_is_required_for_strategists_and_administrators_when_switched_on(settings, role, setting, required):
    settings.TWO_FACTOR_REQUIRED = setting

    assert two_factor_required(UserFactory.build(role=role)) is required


# --- Optional enrolment ----------------------------------------------------------------------


def test_the_account_page_says_two_factor_login_is_off_and_offers_it(db, login, django_assert_num_queries):
    client = login(UserFactory())

    # Session, user, the devices; then the renewed session is saved (savepoint, update, release).
    # The two-factor middleware adds none: the session knows from the login whether there is a device.
    with django_assert_num_queries(6):
        response = client.get(SECURITY)

    assert response.context["device"] is None
    assert b"Off" in response.content
    assert f'href="{SETUP}"'.encode() in response.content


def test_a_consultant_may_enrol_with_a_qr_code_and_a_code(db, login):
    user = UserFactory()
    client = login(user)

    page = client.get(SETUP)
    device = TOTPDevice.objects.get(user=user)
    response = client.post(SETUP, {"otp_token": code_for(device)}, follow=True)

    assert page.status_code == 200
    assert device.confirmed is False
    assert b'<img src="data:image/svg+xml' in page.content
    assert b"style=" not in page.content
    assert page.context["secret"].replace(" ", "") in device.config_url
    assert response.redirect_chain == [(SECURITY, 302)]
    device.refresh_from_db()
    assert device.confirmed is True
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    assert response.context["device"] == device
    assert b"On" in response.content
    # The session is verified: pages open without asking for a code.
    assert client.get("/account/password/").status_code == 200


def test_reloading_the_setup_keeps_the_same_key(db, login):
    user = UserFactory()
    client = login(user)

    first = client.get(SETUP).context["secret"]
    second = client.get(SETUP).context["secret"]

    assert first == second
    assert TOTPDevice.objects.filter(user=user).count() == 1


def test_a_wrong_code_at_setup_leaves_the_device_unconfirmed(db, login):
    user = UserFactory()
    client = login(user)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=user)

    response = client.post(SETUP, {"otp_token": wrong_code_for(device)})

    assert response.status_code == 200
    assert response.context["form"].errors == {"otp_token": [WRONG_CODE]}
    device.refresh_from_db()
    assert device.confirmed is False
    assert DEVICE_ID_SESSION_KEY not in client.session


def test_a_code_that_is_not_six_digits_is_refused_on_the_field(db, login):
    user = UserFactory()
    client = login(user)
    client.get(SETUP)

    response = client.post(SETUP, {"otp_token": "12a456"})

    assert response.context["form"].errors == {"otp_token": ["Enter the six digits shown in your authenticator app."]}
    assert TOTPDevice.objects.get(user=user).throttling_failure_count == 0


def test_an_optional_user_is_not_sent_to_setup(db, settings, login):
    settings.TWO_FACTOR_REQUIRED = True
    client = login(UserFactory(role=Role.MANAGER))

    assert client.get(SECURITY).status_code == 200


# --- Required roles --------------------------------------------------------------------------

PAGES = ["/", "/account/", "/account/password/", "/caregivers/", "/admin/", "/admin/accounts/user/"]


@pytest.mark.parametrize("role", [Role.STRATEGIST, Role.ADMIN])
@pytest.mark.parametrize("page", PAGES)
def test_a_required_role_is_sent_to_setup_from_every_page(db, settings, login, role, page):
    settings.TWO_FACTOR_REQUIRED = True
    client = login(UserFactory(role=role))

    response = client.get(page)

    assert response.status_code == 302
    assert response["Location"] == f"{SETUP}?next={page.replace('/', '%2F')}"


@pytest.mark.parametrize("role", [Role.STRATEGIST, Role.ADMIN])
def test_a_required_role_may_still_set_up_log_out_and_switch_language(db, settings, login, role):
    settings.TWO_FACTOR_REQUIRED = True
    client = login(UserFactory(role=role))

    assert client.get(SETUP).status_code == 200
    assert client.get("/health/").status_code == 200
    assert client.post("/i18n/setlang/", {"language": "sv", "next": SECURITY}).status_code == 302
    logout = client.post("/logout/")
    assert logout.status_code == 302
    assert SESSION_KEY not in client.session


@pytest.mark.parametrize("role", [Role.STRATEGIST, Role.ADMIN])
def test_without_the_setting_a_strategist_or_administrator_is_not_sent_to_setup(db, settings, login, role):
    settings.TWO_FACTOR_REQUIRED = False
    client = login(UserFactory(role=role))

    assert client.get(SECURITY).status_code == 200
    assert client.get("/admin/").status_code == 200


def test_a_required_role_enrols_and_returns_to_the_page_asked_for(db, settings, login):
    settings.TWO_FACTOR_REQUIRED = True
    user = UserFactory(role=Role.STRATEGIST)
    client = login(user)
    client.get(f"{SETUP}?next=/admin/")
    device = TOTPDevice.objects.get(user=user)

    response = client.post(SETUP, {"otp_token": code_for(device), "next": "/admin/"})

    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_setup_refuses_to_return_to_another_site(db, login):
    user = UserFactory()
    client = login(user)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=user)

    response = client.post(SETUP, {"otp_token": code_for(device), "next": "https://evil.example/"})

    assert response["Location"] == SECURITY


# --- Verification after the password --------------------------------------------------------


def test_an_enrolled_user_must_enter_a_code_before_any_page(db, client):
    user = UserFactory()
    device = enrolled(user)
    password_login(client, user)

    blocked = client.get("/caregivers/")
    form = client.get(f"{VERIFY}?next=/caregivers/")
    passed = client.post(VERIFY, {"otp_token": code_for(device), "next": "/caregivers/"})

    assert blocked.status_code == 302
    assert blocked["Location"] == f"{VERIFY}?next=%2Fcaregivers%2F"
    assert form.status_code == 200
    assert passed.status_code == 302
    assert passed["Location"] == "/caregivers/"
    assert client.get("/caregivers/").status_code == 200


def test_the_admin_asks_for_the_code_too(db, client):
    user = UserFactory(role=Role.ADMIN)
    enrolled(user)
    response = client.post("/admin/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302

    response = client.get("/admin/")

    assert response.status_code == 302
    assert response["Location"] == f"{VERIFY}?next=%2Fadmin%2F"


def test_a_wrong_code_is_refused_and_counts_towards_throttling(db, client):
    user = UserFactory()
    device = enrolled(user)
    password_login(client, user)

    response = client.post(VERIFY, {"otp_token": wrong_code_for(device)})

    assert response.status_code == 200
    assert response.context["form"].errors == {"otp_token": [WRONG_CODE]}
    device.refresh_from_db()
    assert device.throttling_failure_count == 1
    assert DEVICE_ID_SESSION_KEY not in client.session
    assert client.get(SECURITY).status_code == 302


def test_throttling_refuses_even_the_right_code_for_a_while(db, client):
    user = UserFactory()
    device = enrolled(user)
    password_login(client, user)
    # Three wrong codes just now: django-otp asks for a wait of 4 seconds.
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_count=3, throttling_failure_timestamp=timezone.now()
    )

    response = client.post(VERIFY, {"otp_token": code_for(device)})

    assert response.status_code == 200
    [message] = response.context["form"].errors["otp_token"]
    assert message.startswith("Too many wrong codes. Try again in ")
    assert DEVICE_ID_SESSION_KEY not in client.session

    # Once the wait is over, the right code is accepted.
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=timezone.now() - timedelta(seconds=5))
    response = client.post(VERIFY, {"otp_token": code_for(device)})
    assert response.status_code == 302
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id


def test_a_code_is_accepted_only_once(db, client):
    user = UserFactory()
    device = enrolled(user)
    code = code_for(device)
    password_login(client, user)
    client.post(VERIFY, {"otp_token": code})
    other = Client()
    other.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    password_login(other, user)

    response = other.post(VERIFY, {"otp_token": code})

    assert response.status_code == 200
    assert response.context["form"].errors == {"otp_token": [WRONG_CODE]}


def test_a_verified_session_opens_pages_without_asking_again(db, login, client):
    user = UserFactory()
    device = enrolled(user)
    verified_login(client, user, device)

    assert client.get(SECURITY).status_code == 200
    assert client.get(VERIFY)["Location"] == reverse(settings.LOGIN_REDIRECT_URL)


# --- Turning it off --------------------------------------------------------------------------


def test_a_consultant_turns_two_factor_login_off_with_a_current_code(db, client):
    user = UserFactory()
    device = enrolled(user)
    verified_login(client, user, device)

    response = client.post(DISABLE, {"otp_token": code_for(device)}, follow=True)

    assert response.redirect_chain == [(SECURITY, 302)]
    assert [str(m) for m in response.context["messages"]] == ["Two-factor login is off."]
    assert TOTPDevice.objects.filter(user=user).count() == 0
    assert client.session[HAS_DEVICE_SESSION_KEY] is False
    assert client.get("/account/password/").status_code == 200


def test_turning_off_with_a_wrong_code_is_refused(db, client):
    user = UserFactory()
    device = enrolled(user)
    verified_login(client, user, device)

    response = client.post(DISABLE, {"otp_token": wrong_code_for(device)})

    assert response.status_code == 200
    assert response.context["disable_form"].errors == {"otp_token": [WRONG_CODE]}
    assert list(TOTPDevice.objects.filter(user=user)) == [device]


def test_turning_off_when_it_is_not_on_says_so(db, client):
    user = UserFactory()
    client.force_login(user)

    response = client.post(DISABLE, {"otp_token": "123456"}, follow=True)

    assert response.redirect_chain == [(SECURITY, 302)]
    assert [str(m) for m in response.context["messages"]] == ["Two-factor login is not on."]


@pytest.mark.parametrize("role", [Role.STRATEGIST, Role.ADMIN])
def test_a_required_role_cannot_turn_two_factor_login_off(db, settings, client, role):
    settings.TWO_FACTOR_REQUIRED = True
    user = UserFactory(role=role)
    device = enrolled(user)
    verified_login(client, user, device)

    response = client.post(DISABLE, {"otp_token": code_for(device)})

    assert response.status_code == 200
    assert response.context["disable_form"].errors == {
        "otp_token": ["Two-factor login is required for your role and cannot be turned off."]
    }
    assert list(TOTPDevice.objects.filter(user=user)) == [device]


def test_disabling_answers_only_post(db, client):
    user = UserFactory()
    device = enrolled(user)
    verified_login(client, user, device)

    assert client.get(DISABLE).status_code == 405
    assert TOTPDevice.objects.filter(user=user).count() == 1


# --- Lost phone: the administrator removes the device ----------------------------------------

DEVICE_ADMIN = reverse("admin:otp_totp_totpdevice_changelist")


@pytest.mark.parametrize("role", [Role.MANAGER, Role.STRATEGIST])
def test_only_administrators_see_the_device_admin(db, login, role):
    client = login(UserFactory(role=role))

    assert client.get(DEVICE_ADMIN).status_code == 403


def test_an_administrator_removes_a_users_device_and_the_user_logs_in_without_a_code(db, client, login):
    user = UserFactory()
    device = enrolled(user)
    password_login(client, user)
    assert client.get(SECURITY).status_code == 302
    admin_client = login(UserFactory(role=Role.ADMIN))
    assert admin_client.get(DEVICE_ADMIN).status_code == 200

    response = admin_client.post(
        reverse("admin:otp_totp_totpdevice_delete", args=[device.pk]),
        {"post": "yes"},
    )

    assert response.status_code == 302
    assert TOTPDevice.objects.filter(user=user).count() == 0
    # The user's session still expected a code; the verify page lets them through.
    assert client.get(f"{VERIFY}?next=/account/")["Location"] == "/account/"
    assert client.get(SECURITY).status_code == 200


def test_a_session_from_before_two_factor_login_is_asked_once_and_then_remembered(db, client):
    user = UserFactory()
    enrolled(user)
    client.force_login(user)
    session = client.session
    del session[HAS_DEVICE_SESSION_KEY]
    session.save()

    response = client.get(SECURITY)

    assert response.status_code == 302
    assert response["Location"] == f"{VERIFY}?next=%2Faccount%2F"
    assert client.session[HAS_DEVICE_SESSION_KEY] is True


def test_an_anonymous_visitor_is_sent_to_login_from_every_two_factor_page(db, client):
    for url in (SETUP, VERIFY, DISABLE):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == f"{reverse('login')}?next={url}"
    assert TOTPDevice.objects.count() == 0


@pytest.mark.parametrize(("installation", "municipality", "required"), [(False, True, True), (True, False, False)])
def test_a_municipalitys_own_two_factor_setting_rules_its_strategists(
    db, settings, login, installation, municipality, required
):
    settings.TWO_FACTOR_REQUIRED = installation
    nacka = MunicipalityFactory(code="0182", name="Nacka", two_factor_required=municipality)
    stockholm_strategist = UserFactory(role=Role.STRATEGIST)  # Stockholm sets nothing: the installation's
    nacka_strategist = UserFactory(role=Role.STRATEGIST, municipality=nacka)

    assert two_factor_required(nacka_strategist) is required
    assert two_factor_required(stockholm_strategist) is installation
    response = login(nacka_strategist).get("/account/")
    assert (response.status_code == 302 and response["Location"].startswith(SETUP)) is required
