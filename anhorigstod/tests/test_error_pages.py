"""The app's own error pages: Swedish first, English when chosen, in the app's look, nothing from other hosts."""

import re

import pytest
from django.test import Client

from accounts.models import Role
from accounts.tests.factories import UserFactory
from districts.tests.factories import DistrictFactory

ASSETS = re.compile(r'(?:src|href)="([^"]+)"')


def _assets(html: str) -> list[str]:
    return ASSETS.findall(html)


def _only_own_assets(html: str) -> bool:
    return all(url.startswith("/") and not url.startswith("//") for url in _assets(html))


@pytest.fixture
def failing_client(db, settings):
    settings.ROOT_URLCONF = "anhorigstod.tests.error_urls"
    return Client(raise_request_exception=False)


def test_a_missing_page_is_a_swedish_404_in_the_apps_look(client, db):
    response = client.get("/no-such-page/")

    html = response.content.decode()
    assert (response.status_code, "Sidan finns inte" in html, "Fel 404" in html) == (404, True, True)
    assert "/static/css/app.css" in html
    assert _only_own_assets(html)


def test_the_404_is_english_when_english_is_chosen(client, db, in_english):
    html = client.get("/no-such-page/").content.decode()

    assert ("Page not found" in html, '<html lang="en">' in html) == (True, True)


def test_a_database_outage_is_a_503_saying_nothing_was_saved(failing_client):
    response = failing_client.post("/test-errors/database/", {"caregiver": "AL"})

    html = response.content.decode()
    assert (response.status_code, response["Retry-After"]) == (503, "10")
    assert "inget sparades" in html.lower()
    assert "Försök igen" in html or "försök igen" in html
    assert _only_own_assets(html)


def test_a_bug_is_a_swedish_500_page(failing_client):
    response = failing_client.get("/test-errors/bug/")

    html = response.content.decode()
    assert (response.status_code, "Något gick fel" in html) == (500, True)
    assert "Server Error" not in html
    assert _only_own_assets(html)


def test_an_expired_form_is_a_swedish_403(db):
    user = UserFactory(role=Role.CONSULTANT, districts=[DistrictFactory()])
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)

    response = client.post("/log/", {"caregiver": "AL"})

    html = response.content.decode()
    assert (response.status_code, "Formuläret hade gått ut" in html, "Inget sparades" in html) == (403, True, True)


def test_a_refused_request_is_a_swedish_400(client, db):
    response = client.get("/no-such-page/", HTTP_HOST="evil.example.org")  # not in ALLOWED_HOSTS

    html = response.content.decode()
    assert (response.status_code, "Begäran kunde inte läsas" in html) == (400, True)


def test_the_429_page_is_swedish(db):
    from django.template import loader

    html = loader.get_template("429.html").render({})

    assert "För många förfrågningar" in html
    assert _only_own_assets(html)


@pytest.fixture
def consultant_client(db, client):
    from consultants.tests.factories import ConsultantFactory
    from interventions.tests.factories import AdviceTypeFactory, GuidanceTalksTypeFactory

    bromma = DistrictFactory(code="bromma")
    AdviceTypeFactory()
    GuidanceTalksTypeFactory()
    user = UserFactory(role=Role.CONSULTANT, districts=[bromma])
    ConsultantFactory(home_district=bromma, user=user, target_group="65_plus")
    client.force_login(user)
    return client, bromma


def _session_save_fails_with(monkeypatch, error):
    from django.contrib.sessions.models import Session

    def save(self, *args, **kwargs):
        raise error

    monkeypatch.setattr(Session, "save", save)


def test_a_save_whose_session_renewal_meets_a_database_outage_answers_what_was_done(consultant_client, monkeypatch):
    from django.db import OperationalError
    from django.utils import timezone

    from interventions.models import Contact, InterventionType

    client, bromma = consultant_client
    data = {"caregiver": "", "intervention_type": InterventionType.objects.get(code="advice").pk, "channel": "phone",
            "duration_minutes": "15", "date": timezone.localdate().isoformat(), "district": bromma.pk,
            "target_group": "", "referral_destination": ""}  # fmt: skip
    # The database goes away after the view committed, when the session is renewed on the way out.
    _session_save_fails_with(monkeypatch, OperationalError("server closed the connection unexpectedly"))

    response = client.post("/log/", data)

    assert (response.status_code, response["Location"], Contact.objects.count()) == (302, "/log/", 1)


def test_a_session_deleted_meanwhile_is_still_djangos_400(consultant_client, monkeypatch):
    from django.db import DatabaseError

    client, _bromma = consultant_client
    _session_save_fails_with(monkeypatch, DatabaseError("Forced update did not affect any rows."))

    response = Client(raise_request_exception=False)
    response.cookies = client.cookies
    answer = response.get("/log/")

    assert answer.status_code == 400
