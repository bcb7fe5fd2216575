"""Each role's scope in the pages and the admin, on the real reference data."""

import pytest

from accounts.models import Role
from accounts.tests.factories import UserFactory
from consultants.models import Consultant
from districts.models import District


@pytest.fixture
def bromma_consultant(reference_data):
    return UserFactory(role=Role.CONSULTANT, districts=[District.objects.get(code="bromma")])


@pytest.fixture
def bromma_manager(reference_data):
    return UserFactory(role=Role.MANAGER, districts=[District.objects.get(code="bromma")])


@pytest.fixture
def strategist(reference_data):
    return UserFactory(role=Role.STRATEGIST)


def _farsta_consultant() -> Consultant:
    return Consultant.objects.get(ref="K03")


def test_bromma_consultant_gets_404_for_a_farsta_consultants_record(bromma_consultant, login):
    client = login(bromma_consultant)
    own = Consultant.objects.get(ref="K01")

    assert client.get(f"/consultants/{own.pk}/").status_code == 200
    assert client.get(f"/consultants/{_farsta_consultant().pk}/").status_code == 404
    # A missing id answers exactly like an out-of-scope one.
    assert client.get("/consultants/999999/").status_code == 404


def test_bromma_consultant_gets_404_for_a_farsta_consultant_in_the_admin(bromma_consultant, login):
    client = login(bromma_consultant)

    response = client.get(f"/admin/consultants/consultant/{_farsta_consultant().pk}/change/")

    assert response.status_code == 404


def test_bromma_manager_gets_404_for_a_farsta_consultant_in_the_admin(bromma_manager, login):
    client = login(bromma_manager)
    own = Consultant.objects.get(ref="K01")

    assert client.get(f"/admin/consultants/consultant/{own.pk}/change/").status_code == 200
    assert client.get(f"/admin/consultants/consultant/{_farsta_consultant().pk}/change/").status_code == 404
    assert client.get(f"/admin/consultants/consultant/{_farsta_consultant().pk}/history/").status_code == 404
    farsta = District.objects.get(code="farsta")
    assert client.get(f"/admin/districts/district/{farsta.pk}/change/").status_code == 404


def test_manager_cannot_change_an_out_of_scope_object_by_posting(bromma_manager, login):
    client = login(bromma_manager)
    farsta_consultant = _farsta_consultant()

    response = client.post(
        f"/admin/consultants/consultant/{farsta_consultant.pk}/change/",
        {"ref": "HACKED", "employment_percent": 1},
    )

    assert response.status_code == 404
    farsta_consultant.refresh_from_db()
    assert farsta_consultant.ref == "K03"


def test_admin_changelist_shows_only_the_managers_districts(bromma_manager, login):
    client = login(bromma_manager)

    response = client.get("/admin/consultants/consultant/")

    assert response.status_code == 200
    assert [c.ref for c in response.context["cl"].result_list] == ["K01"]
    response = client.get("/admin/districts/district/")
    assert [d.code for d in response.context["cl"].result_list] == ["bromma"]


def test_admin_form_choices_offer_only_districts_in_scope(bromma_manager, login):
    client = login(bromma_manager)

    response = client.get("/admin/consultants/consultant/add/")

    form = response.context["adminform"].form
    assert [d.code for d in form.fields["home_district"].queryset] == ["bromma"]
    allocation_form = response.context["inline_admin_formsets"][0].formset.empty_form
    assert [d.code for d in allocation_form.fields["district"].queryset] == ["bromma"]


def test_manager_cannot_create_an_allocation_in_another_district(bromma_manager, login):
    client = login(bromma_manager)
    k01 = Consultant.objects.get(ref="K01")
    farsta = District.objects.get(code="farsta")

    response = client.post(
        "/admin/consultants/allocation/add/",
        {"consultant": k01.pk, "district": farsta.pk, "target_group": "all", "percent": 10},
    )

    assert response.status_code == 200
    assert "district" in response.context["adminform"].form.errors
    assert not k01.allocations.filter(district=farsta).exists()


def test_strategist_sees_every_district_and_consultant(strategist, login):
    client = login(strategist)

    response = client.get("/consultants/")
    assert len(response.context["consultants"]) == 18
    response = client.get("/admin/districts/district/")
    assert response.context["cl"].result_count == 14
    assert client.get(f"/consultants/{_farsta_consultant().pk}/").status_code == 200


def test_consultant_list_shows_shared_consultants_in_each_district(reference_data, login):
    alvsjo = UserFactory(role=Role.MANAGER, districts=[District.objects.get(code="alvsjo")])

    response = login(alvsjo).get("/consultants/")

    # Älvsjö buys its support: its consultants are Hägersten-Liljeholmen's K04, K05, K06, and the
    # allocated share is of their whole post (to compare with the employment percent).
    assert [(c.ref, c.allocated_percent, c.employment_percent) for c in response.context["consultants"]] == [
        ("K04", 90, 90),
        ("K05", 30, 30),
        ("K06", 80, 80),
    ]


def test_anonymous_visitor_is_sent_to_login(reference_data, client):
    response = client.get("/consultants/")

    assert response.status_code == 302
    assert response["Location"].startswith("/login/")
