"""In the browser: a second press sends nothing, and the log form's typing survives an error page."""

import pytest

from accounts.models import Role
from accounts.services import user_create
from caregivers.tests.factories import CaregiverFactory
from consultants.models import Consultant
from consultants.services import consultant_link_user
from districts.models import District
from interventions.models import Contact

PASSWORD = "a-long-e2e-password"
DRAFTS = "Object.keys(sessionStorage).filter(k => k.startsWith('draft:')).length"


@pytest.fixture
def consultant(transactional_db, reference_data):
    bromma = District.objects.get(code="bromma")
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


def _outage(route):
    if route.request.method == "POST":
        route.fulfill(status=503, content_type="text/html; charset=utf-8",
                      body="<h1>Tillfälligt otillgängligt: inget sparades</h1>")  # fmt: skip
    else:
        route.continue_()


@pytest.mark.parametrize("width", [360, 1280])
def test_what_was_typed_survives_an_error_page_and_is_saved_once(page, consultant, width):
    page.set_viewport_size({"width": width, "height": 800})
    _log_in(page)
    page.fill("#id_caregiver", "AL")
    page.fill("#id_duration_minutes", "25")

    page.route("**/log/", _outage)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "inget sparades" in page.inner_text("h1")
    page.unroute("**/log/")
    page.go_back()
    page.wait_for_function("document.getElementById('id_duration_minutes').value === '25'")
    assert page.input_value("#id_caregiver") == "AL"
    assert Contact.objects.count() == 0

    with page.expect_navigation():
        page.click("#contact-form button[type=submit]")
    assert "25 min" in page.inner_text(".alert-success")
    assert Contact.objects.get().duration_minutes == 25
    assert page.evaluate(DRAFTS) == 0  # saved: the tab keeps nothing more
    assert page.input_value("#id_caregiver") == ""  # ready for the next contact


def test_a_reload_brings_back_what_was_typed(page, consultant):
    _log_in(page)
    page.fill("#id_caregiver", "AL")
    page.fill("#id_duration_minutes", "35")

    page.reload()

    page.wait_for_function("document.getElementById('id_duration_minutes').value === '35'")
    assert page.input_value("#id_caregiver") == "AL"


def test_a_second_press_while_the_first_is_on_its_way_sends_nothing(page, consultant):
    _log_in(page)
    with page.expect_navigation():
        disabled = page.evaluate("""() => {
            const form = document.getElementById('contact-form');
            const button = form.querySelector('button[type=submit]');
            form.requestSubmit(button);
            const afterFirst = button.disabled;
            form.requestSubmit(button);
            return afterFirst;
        }""")
    assert disabled is True
    assert "Sparat" in page.inner_text(".alert-success")
    assert Contact.objects.count() == 1
