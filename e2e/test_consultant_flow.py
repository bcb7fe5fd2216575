"""A consultant logs in, logs a phone call and guidance talks with the keyboard, hits the cap and refers."""

import pytest

from accounts.models import Role
from accounts.services import user_create
from caregivers.tests.factories import CaregiverFactory
from consultants.models import Consultant
from consultants.services import consultant_link_user
from districts.models import District
from interventions.models import Contact, Referral

from .conftest import serious_violations

PASSWORD = "a-long-e2e-password"


@pytest.fixture
def consultant(transactional_db, reference_data):
    bromma = District.objects.get(code="bromma")
    bromma.talk_cap = 3
    bromma.save()
    user = user_create(username="kim", role=Role.CONSULTANT, password=PASSWORD, district_codes=["bromma"])
    consultant_link_user(consultant=Consultant.objects.get(ref="K01"), user=user)
    CaregiverFactory(districts=[bromma], label="AL", target_group="65_plus")
    return user


def _log_in(page):
    page.goto("/login/")
    page.fill("#id_username", "kim")
    page.fill("#id_password", PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url("**/log/")


def _press_enter_and_wait(page):
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_consultant_logs_calls_and_talks_hits_the_cap_and_refers(page, consultant):
    _log_in(page)
    assert serious_violations(page) == []

    # A phone call with the defaults: the caregiver field has the focus, Enter saves.
    assert page.evaluate("document.activeElement.id") == "id_caregiver"
    _press_enter_and_wait(page)
    assert "Sparat: telefon, 15 min." in page.inner_text(".alert-success")
    assert Contact.objects.count() == 1

    # Guidance talks, typed: label, Tab to the intervention, pick it by its first letters, Enter.
    for n in (1, 2, 3):
        page.keyboard.type("AL")
        page.wait_for_function(
            "text => document.getElementById('talk-status').textContent.includes(text)", arg=f"samtal {n} av 3"
        )
        page.keyboard.press("Tab")
        page.keyboard.type("Enskilda")
        _press_enter_and_wait(page)
        assert f"Vägledande samtal {n} av 3 sparat för AL." in page.inner_text(".alert-success")

    # The fourth talk is refused past the cap, with the offer of a referral instead.
    page.keyboard.type("AL")
    page.keyboard.press("Tab")
    page.keyboard.type("Enskilda")
    _press_enter_and_wait(page)
    assert "taket är nått" in page.inner_text("#contact-form")
    assert serious_violations(page) == []
    page.select_option("#id_destination", "psychologist")
    with page.expect_navigation():
        page.click("button[name=as_referral]")
    assert "Sparat: telefon, 15 min." in page.inner_text(".alert-success")

    talks = Contact.objects.filter(talk_number__isnull=False).order_by("talk_number")
    assert [(t.talk_number, t.talk_cap) for t in talks] == [(1, 3), (2, 3), (3, 3)]
    referral = Referral.objects.get()
    assert (referral.destination, referral.contact.intervention_type.code) == ("psychologist", "advice")
    assert Contact.objects.count() == 5


def test_pages_work_on_a_360_px_phone_without_serious_accessibility_violations(browser, live_server, consultant):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 360, "height": 740}, locale="sv-SE")
    page = context.new_page()
    _log_in(page)
    caregiver = consultant.districts.get().caregivers.get()
    for path in ("/log/", "/contacts/", "/caregivers/", f"/caregivers/{caregiver.pk}/", "/groups/", "/caregivers/new/"):
        page.goto(path)
        assert page.evaluate("document.documentElement.scrollWidth") <= 360, path
        assert serious_violations(page) == [], path
    context.close()
