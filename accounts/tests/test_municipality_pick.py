"""A hosting organisation's user serves several municipalities and works in one at a time (issue 17)."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from accounts.models import Role, User
from accounts.services import user_create
from accounts.tests.factories import UserFactory
from districts.tests.factories import DistrictFactory, MunicipalityFactory

PASSWORD = "a-long-pass-phrase"


@pytest.fixture
def two(db):
    stockholm = MunicipalityFactory(code="0180", name="Stockholm")
    nacka = MunicipalityFactory(code="0182", name="Nacka")
    DistrictFactory(code="bromma", name="Bromma", municipality=stockholm)
    DistrictFactory(code="nacka-ac", name="Anhörigcenter Nacka", municipality=nacka)
    return stockholm, nacka


def test_a_hosting_strategist_picks_a_municipality_and_sees_its_districts_alone(two, monkeypatch, login):
    stockholm, nacka = two
    monkeypatch.setenv("ANHORIGSTOD_PASSWORD", PASSWORD)
    call_command(
        "add_user", "region", "--role", "strategist", "--serves", "0180", "--serves", "0182", stdout=io.StringIO()
    )
    user = User.objects.get(username="region")
    assert user.municipality == stockholm  # the first one served
    client = login(user)
    assert "Bromma" in client.get(reverse("followup:city") + "?kind=year&year=2025").content.decode()

    response = client.post(reverse("accounts:municipality"), {"municipality": "0182"}, follow=True)

    assert response.redirect_chain[-1][0] == reverse("followup:overview")
    body = response.content.decode()
    assert '<span class="small fw-normal" id="current-municipality">Nacka</span>' in body
    city = client.get(reverse("followup:city") + "?kind=year&year=2025").content.decode()
    assert "Anhörigcenter Nacka" in city and "Bromma" not in city
    user.refresh_from_db()
    assert user.municipality == nacka


def test_nobody_picks_a_municipality_they_do_not_serve(two, login):
    stockholm, _nacka = two
    strategist = UserFactory(role=Role.STRATEGIST, municipality=stockholm)
    strategist.serves_municipalities.set([stockholm])
    client = login(strategist)

    response = client.post(reverse("accounts:municipality"), {"municipality": "0182"})

    assert response.status_code == 400
    assert "Du arbetar inte i den kommunen." in response.content.decode()
    strategist.refresh_from_db()
    assert strategist.municipality == stockholm


def test_only_strategists_and_administrators_serve_several_municipalities(two):
    with pytest.raises(ValidationError) as excinfo:
        user_create(
            username="k", role=Role.MANAGER, password=PASSWORD, district_codes=["bromma"], serves_codes=["0180", "0182"]
        )
    assert excinfo.value.message_dict == {
        "municipality": ["Bara strateger och administratörer arbetar i flera kommuner."]
    }
    assert not User.objects.filter(username="k").exists()
