"""A manager erases a caregiver on request and reads the audit log; a user turns on two-factor login.

The new pages of issue 6 in a real browser: what they show, that they work, and no serious
accessibility violation (axe-core) on any of them.
"""

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Role
from accounts.services import user_create
from caregivers.models import Caregiver
from caregivers.tests.factories import CaregiverFactory
from districts.models import District

from .conftest import serious_violations

PASSWORD = "a-long-e2e-password"


@pytest.fixture
def farsta_manager(transactional_db, reference_data):
    return user_create(username="bo", role=Role.MANAGER, password=PASSWORD, district_codes=["farsta"])


def _log_in(page, username: str) -> None:
    page.goto("/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_a_manager_erases_a_caregiver_on_request_and_finds_it_in_the_audit_log(page, farsta_manager):
    caregiver = CaregiverFactory(label="Gunnel V", birth_year=1948, districts=[District.objects.get(code="farsta")])
    _log_in(page, "bo")

    page.goto(f"/caregivers/{caregiver.pk}/")
    assert "Gunnel V" in page.inner_text("main")
    assert serious_violations(page) == []
    page.click("text=Radera")
    page.wait_for_url(f"**/caregivers/{caregiver.pk}/erase/")
    assert serious_violations(page) == []
    page.click("text=Radera för gott")  # without the box ticked: refused, with the reason on the box
    assert "Kryssa i rutan" in page.inner_text("main")
    assert Caregiver.objects.get(pk=caregiver.pk).erased_at is None
    page.check("input[type=checkbox]")
    with page.expect_navigation():
        page.click("text=Radera för gott")

    assert "identifierande uppgifter raderades" in page.inner_text("main")
    assert "Gunnel V" not in page.content()
    assert serious_violations(page) == []
    caregiver.refresh_from_db()
    assert (caregiver.erased_at is not None, caregiver.birth_year) == (True, None)

    page.click("text=Granskningslogg")
    page.wait_for_url("**/audit/")
    log = page.inner_text("main")
    assert f"Anhörig #{caregiver.pk}" in log and "Gunnel V" not in log
    assert serious_violations(page) == []


def test_a_consultant_turns_on_two_factor_login_and_is_asked_for_a_code_next_time(
    page, transactional_db, reference_data
):
    user = user_create(username="anna", role=Role.CONSULTANT, password=PASSWORD, district_codes=["bromma"])
    _log_in(page, "anna")

    page.click("text=anna")  # the user name in the menu leads to the account page
    page.wait_for_url("**/account/")
    assert serious_violations(page) == []
    page.click("text=Ställ in tvåstegsinloggning")
    page.wait_for_url("**/account/two-factor/setup/")
    assert page.locator("img[alt='QR-kod för din autentiseringsapp']").is_visible()
    assert serious_violations(page) == []
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    code = TOTP(device.bin_key, device.step, device.t0, device.digits).token()
    page.fill("input[name=otp_token]", f"{code:06d}")
    with page.expect_navigation():
        page.click("text=Slå på tvåstegsinloggning")
    assert "Tvåstegsinloggning är på" in page.inner_text("main")

    page.click("text=Logga ut")
    _log_in(page, "anna")
    page.wait_for_url("**/account/two-factor/verify/**")
    assert serious_violations(page) == []
