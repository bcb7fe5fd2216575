"""The register's pages: managers maintain their districts' register, consultants read it, others get 404."""

import datetime

import pytest
from django.utils import timezone

from accounts.models import Role
from accounts.tests.factories import UserFactory
from districts.tests.factories import DistrictFactory, NetworkFactory, RepresentativeCountFactory
from representatives.models import Representative, RepresentativeTraining
from representatives.tests.factories import RepresentativeFactory, RepresentativeTrainingFactory

VALID = {"unit_kind": "home_care", "unit_name": "Hemtjänst Norr", "label": "HN-1", "target_group": "65_plus",
         "trained_on": "2026-02-01", "next_refresher": "", "ended_on": ""}  # fmt: skip


@pytest.fixture
def farsta(db):
    return DistrictFactory(code="farsta", name="Farsta")


@pytest.fixture
def manager(farsta):
    return UserFactory(role=Role.MANAGER, districts=[farsta])


def test_a_manager_adds_a_representative_with_the_default_refresher(farsta, manager, login):
    client = login(manager)

    response = client.post("/representatives/farsta/new/", VALID)

    assert response.status_code == 302
    rep = Representative.objects.get()
    assert (rep.district, rep.label, rep.next_refresher) == (farsta, "HN-1", datetime.date(2027, 2, 1))


def test_bad_input_is_shown_on_the_field_and_nothing_saved(farsta, manager, login, in_english):
    client = login(manager)

    response = client.post("/representatives/farsta/new/", VALID | {"next_refresher": "2026-01-01"})

    assert response.status_code == 200
    assert response.context["form"].errors == {"next_refresher": ["The next refresher must come after the training."]}
    assert Representative.objects.count() == 0
    assert client.post("/representatives/farsta/new/", VALID).status_code == 302


def test_a_manager_changes_and_ends_a_representative(farsta, manager, login):
    rep = RepresentativeFactory(district=farsta)

    response = login(manager).post(
        f"/representatives/farsta/{rep.pk}/edit/", VALID | {"ended_on": "2026-05-01", "next_refresher": "2027-01-15"}
    )

    assert response.status_code == 302
    rep.refresh_from_db()
    assert (rep.unit_name, rep.ended_on, rep.next_refresher) == (
        "Hemtjänst Norr",
        datetime.date(2026, 5, 1),
        datetime.date(2027, 1, 15),
    )


def test_recording_a_training_on_the_page_moves_the_dates(farsta, manager, login):
    kista = DistrictFactory(code="kista")
    network = NetworkFactory(districts=[farsta, kista])
    rep = RepresentativeFactory(district=farsta, trained_on=None, next_refresher=None)
    RepresentativeFactory(district=farsta, ended_on=datetime.date(2026, 1, 1))  # not offered

    client = login(manager)
    form = client.get("/representatives/farsta/trainings/new/").context["form"]
    response = client.post(
        "/representatives/farsta/trainings/new/",
        {"date": "2026-04-20", "kind": "initial", "title": "Grundutbildning", "network": network.pk,
         "representatives": [rep.pk], "participants": "9"},
    )  # fmt: skip

    assert list(form.fields["representatives"].queryset) == [rep]
    assert response.status_code == 302
    training = RepresentativeTraining.objects.get()
    assert sorted(d.code for d in training.districts.all()) == ["farsta", "kista"]
    assert training.participants == 9
    rep.refresh_from_db()
    assert (rep.trained_on, rep.next_refresher) == (datetime.date(2026, 4, 20), datetime.date(2027, 4, 20))


def test_too_few_participants_are_refused_on_the_field(farsta, manager, login, in_english):
    reps = RepresentativeFactory.create_batch(2, district=farsta)
    data = {"date": "2026-04-20", "kind": "refresher", "title": "Refresher", "representatives": [r.pk for r in reps]}

    response = login(manager).post("/representatives/farsta/trainings/new/", data | {"participants": "1"})

    assert response.context["form"].errors == {
        "participants": ["Participants cannot be fewer than the representatives trained (2)."]
    }
    assert RepresentativeTraining.objects.count() == 0


def test_consultants_read_the_register_but_do_not_change_it(farsta, login):
    rep = RepresentativeFactory(district=farsta, label="XY")
    client = login(UserFactory(role=Role.CONSULTANT, districts=[farsta]))

    page = client.get("/representatives/farsta/")

    assert page.status_code == 200
    assert [r.label for r in page.context["representatives"]] == ["XY"]
    assert page.context["can_change"] is False
    assert client.get("/representatives/farsta/new/").status_code == 404
    assert client.post("/representatives/farsta/new/", VALID).status_code == 404
    assert client.post(f"/representatives/farsta/{rep.pk}/edit/", VALID).status_code == 404
    assert client.post("/representatives/farsta/trainings/new/", {"title": "T"}).status_code == 404
    assert Representative.objects.count() == 1
    assert RepresentativeTraining.objects.count() == 0


def test_another_districts_register_answers_404_like_a_missing_one(farsta, manager, login):
    kista = DistrictFactory(code="kista")
    theirs = RepresentativeFactory(district=kista)
    ours = RepresentativeFactory(district=farsta)
    client = login(manager)

    assert client.get("/representatives/kista/").status_code == 404
    assert client.get("/representatives/nowhere/").status_code == 404
    assert client.post("/representatives/kista/new/", VALID).status_code == 404
    assert client.get(f"/representatives/kista/{theirs.pk}/edit/").status_code == 404
    # Through one's own district's address neither: the representative is looked up in the district.
    assert client.post(f"/representatives/farsta/{theirs.pk}/edit/", VALID).status_code == 404
    assert client.get(f"/representatives/farsta/{ours.pk}/edit/").status_code == 200
    assert Representative.objects.filter(district=kista).count() == 1


@pytest.mark.parametrize("n", [2, 12])
def test_the_register_page_takes_a_fixed_number_of_queries(farsta, manager, login, django_assert_num_queries, n):
    reps = RepresentativeFactory.create_batch(n, district=farsta)

    for i in range(n):
        RepresentativeTrainingFactory(districts=[farsta], representatives=reps[: i + 1])
    client = login(manager)

    # session, user, districts in scope, the district, representatives, counts, trainings,
    # session renewal (3)
    with django_assert_num_queries(10):
        response = client.get("/representatives/farsta/")

    assert len(response.context["representatives"]) == n
    assert sorted(t.trained for t in response.context["trainings"]) == list(range(1, n + 1))


def test_the_district_page_and_dashboard_mark_the_reference_and_show_the_register(farsta, manager, login):
    RepresentativeCountFactory(district=farsta, target_group="65_plus", count=6)
    client = login(manager)

    reference = client.get("/districts/farsta/").content.decode()
    RepresentativeFactory(district=farsta, next_refresher=timezone.localdate() - datetime.timedelta(days=1))
    register = client.get("/districts/farsta/").content.decode()
    dashboard = client.get("/dashboard/farsta/")

    assert 'data-source="reference_2018"' in reference
    assert 'data-source="reference_2018"' not in register and 'data-source="register"' in register
    section = dashboard.context["profile"]["representatives"]
    assert (section["source"], section["by_target_group"], section["overdue"], section["due"]) == (
        "register",
        {"65_plus": 1},
        1,
        0,
    )
    assert 'data-figure="overdue">1<' in dashboard.content.decode()
