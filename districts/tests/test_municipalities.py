"""Municipalities above districts (issue 17): every district and user belongs to one."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import translation

from accounts.models import Role
from accounts.services import user_create
from accounts.tests.factories import UserFactory
from districts.models import Municipality
from districts.tests.factories import DistrictFactory, MunicipalityFactory

BEFORE = [
    ("districts", "0003_budget_history"),
    ("accounts", "0001_initial"),
    ("goals", "0001_initial"),
    ("consultants", "0003_allocation_validity"),
    ("caregivers", "0002_erasure_and_retention"),
]
AFTER = [
    ("districts", "0005_district_municipality_required"),
    ("accounts", "0002_user_municipality"),
    ("goals", "0003_goal_municipality_required"),
    ("consultants", "0005_assignmentdescription_municipality_required"),
    ("caregivers", "0004_caregiver_municipality_required"),
]


@pytest.mark.django_db(transaction=True)
def test_the_migration_makes_the_districts_and_users_already_here_stockholms():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    district = old.get_model("districts", "District").objects.create(code="bromma", name="Bromma")
    user = old.get_model("accounts", "User").objects.create(username="strateg", role=Role.STRATEGIST)
    goal = old.get_model("goals", "Goal")
    goals = [goal.objects.create(district=d, year=2026, title="t", measure="by_hand") for d in (district, None)]
    template = old.get_model("consultants", "AssignmentDescription").objects.create(series="s", title="t")
    caregiver = old.get_model("caregivers", "Caregiver").objects.create(
        label="AB", relation="partner", condition="dementia", target_group="65_plus"
    )
    caregiver.districts.add(district)

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps

    stockholm = new.get_model("districts", "Municipality").objects.get()
    assert (stockholm.code, stockholm.name) == ("0180", "Stockholm")
    assert new.get_model("districts", "District").objects.get(pk=district.pk).municipality_id == stockholm.pk
    assert new.get_model("accounts", "User").objects.get(pk=user.pk).municipality_id == stockholm.pk
    for model, pks in (("goals.Goal", [g.pk for g in goals]), ("consultants.AssignmentDescription", [template.pk]),
                       ("caregivers.Caregiver", [caregiver.pk])):  # fmt: skip
        rows = new.get_model(*model.split(".")).objects.filter(pk__in=pks)
        assert set(rows.values_list("municipality_id", flat=True)) == {stockholm.pk}, model
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.fixture
def english():
    with translation.override("en"):
        yield


def test_a_new_user_belongs_to_the_municipality_of_their_districts(db, english):
    nacka = MunicipalityFactory(code="0182", name="Nacka")
    centre = DistrictFactory(code="nacka-anhorigcenter", municipality=nacka)
    bromma = DistrictFactory(code="bromma")

    consultant = user_create(username="k", role=Role.CONSULTANT, password="a-long-test-password",
                             district_codes=["nacka-anhorigcenter"])  # fmt: skip
    strategist = user_create(username="s", role=Role.STRATEGIST, password="a-long-test-password",
                             municipality_code="0182")  # fmt: skip

    assert (consultant.municipality, strategist.municipality) == (nacka, nacka)
    assert list(consultant.districts.all()) == [centre]
    with pytest.raises(ValidationError) as mixed:
        user_create(username="m", role=Role.MANAGER, password="a-long-test-password",
                    district_codes=["bromma", "nacka-anhorigcenter"])  # fmt: skip
    assert mixed.value.message_dict == {"districts": ["A user's districts must all belong to one municipality."]}
    with pytest.raises(ValidationError) as other:
        user_create(username="o", role=Role.MANAGER, password="a-long-test-password",
                    district_codes=["bromma"], municipality_code="0182")  # fmt: skip
    assert other.value.message_dict == {"municipality": ["The districts belong to another municipality."]}
    with pytest.raises(ValidationError) as unnamed:
        user_create(username="u", role=Role.STRATEGIST, password="a-long-test-password")
    assert unnamed.value.message_dict == {"municipality": ["Name the municipality the user works in."]}
    with pytest.raises(ValidationError) as unknown:
        user_create(username="x", role=Role.ADMIN, password="a-long-test-password", municipality_code="9999")
    assert unknown.value.message_dict == {"municipality": ["Unknown municipality code 9999."]}
    assert sorted(Municipality.objects.get(code="0180").users.values_list("username", flat=True)) == []
    assert bromma.municipality.code == "0180"


def test_with_one_municipality_a_user_without_districts_is_its_own(db):
    first = user_create(username="first", role=Role.ADMIN, password="a-long-test-password")
    DistrictFactory(code="bromma")

    admin = user_create(username="a", role=Role.ADMIN, password="a-long-test-password")

    assert first.municipality is None  # an installation with no municipality yet
    assert admin.municipality.code == "0180"


def test_every_page_names_the_users_municipality_without_another_query(db, login, django_assert_num_queries):
    nacka = MunicipalityFactory(code="0182", name="Nacka")
    manager = UserFactory(role=Role.MANAGER, districts=[DistrictFactory(code="nacka-centre", municipality=nacka)])
    client = login(manager)
    client.get("/districts/")

    # The session, the user with their municipality (one query), the scope, the districts, their networks.
    with django_assert_num_queries(5) as queries:
        html = client.get("/districts/").content.decode()

    assert '"districts_municipality"."name"' in queries.captured_queries[1]["sql"]

    assert '<span class="small fw-normal" id="current-municipality">Nacka</span>' in html


def test_an_administrator_gives_users_only_their_own_municipalitys_districts(db, login, in_english):
    nacka = MunicipalityFactory(code="0182", name="Nacka")
    centre = DistrictFactory(code="nacka-centre", municipality=nacka)
    bromma = DistrictFactory(code="bromma")
    stockholm_user = UserFactory(username="sthlm", districts=[bromma])
    client = login(UserFactory(role=Role.ADMIN, districts=[centre]))
    form = {"username": "ny", "role": Role.MANAGER, "password1": "a-long-test-password-1",
            "password2": "a-long-test-password-1", "email": "", "municipality": ""}  # fmt: skip

    refused = client.post("/admin/accounts/user/add/", form | {"districts": [centre.pk, bromma.pk]})
    added = client.post("/admin/accounts/user/add/", form | {"districts": [centre.pk]})
    strategist = client.post("/admin/accounts/user/add/", form | {"username": "strateg", "role": Role.STRATEGIST})
    listed = client.get("/admin/accounts/user/").context["cl"].queryset

    assert refused.status_code == 200
    errors = refused.context["adminform"].form.errors["districts"]
    assert errors[0] == f"Select a valid choice. {bromma.pk} is not one of the available choices."
    assert added.status_code == 302
    assert centre.users.get(username="ny").municipality == nacka  # from the district, not typed
    assert strategist.status_code == 302
    assert nacka.users.filter(username="strateg").exists()  # no districts: the administrator's municipality
    assert stockholm_user not in listed and {u.municipality for u in listed} == {nacka}
    assert client.get(f"/admin/accounts/user/{stockholm_user.pk}/change/").status_code == 302  # "not found"


def test_a_caregiver_added_in_the_admin_is_of_the_administrators_municipality(db, login):
    from caregivers.models import Caregiver

    nacka = MunicipalityFactory(code="0182", name="Nacka")
    centre = DistrictFactory(code="nacka-centre", municipality=nacka)
    client = login(UserFactory(role=Role.ADMIN, districts=[centre]))

    response = client.post("/admin/caregivers/caregiver/add/", {
        "label": "NA1", "districts": [centre.pk], "age_band": "65-79", "gender": "woman",
        "relation": "partner", "condition": "dementia", "target_group": "65_plus",
    })  # fmt: skip

    assert response.status_code == 302
    assert Caregiver.objects.get(label="NA1").municipality == nacka


def test_a_municipality_is_added_by_command_with_its_unit_and_works_at_once(db):
    from django.core.management import call_command

    call_command("add_municipality", "0138", "Tyresö", "--inhabitants", "48000", "--district", "tyreso-ac=Tyresö AC")

    tyreso = Municipality.objects.get(code="0138")
    assert (tyreso.name, tyreso.inhabitants) == ("Tyresö", 48_000)
    assert list(tyreso.districts.values_list("code", "name")) == [("tyreso-ac", "Tyresö AC")]
    user = user_create(
        username="tyreso-k", role=Role.CONSULTANT, password="a-long-pass-phrase", district_codes=["tyreso-ac"]
    )
    assert user.municipality == tyreso


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["182", "Nacka"], "code: "),
        (["0182", "Nacka", "--district", "bad"], "CODE=NAME"),
        (["0182", "Nacka", "--district", "taken=Bromma"], "districts: taken:"),
    ],
)
def test_a_bad_municipality_names_what_is_wrong_and_adds_nothing(db, args, message):
    from django.core.management import CommandError, call_command

    DistrictFactory(code="bromma", name="Bromma")
    before = Municipality.objects.count()

    with pytest.raises(CommandError, match=message):
        call_command("add_municipality", *args)

    assert Municipality.objects.count() == before
