"""The collaboration pages: recording through the forms, scoped choices, 404s, the admin, query counts."""

import datetime
import re

import pytest
from django.utils import translation

from accounts.models import Role
from accounts.tests.factories import UserFactory
from collaboration.models import CaseOfficerMeasurement, CollaborationActivity, OutreachActivity, Partner
from districts.tests.factories import DistrictFactory, NetworkFactory

from .factories import (
    CaseOfficerUnitFactory,
    CollaborationActivityFactory,
    MeasurementFactory,
    OutreachActivityFactory,
    PartnerFactory,
)


@pytest.fixture
def world(db):
    enskede, farsta, skarpnack, bromma = (
        DistrictFactory(code=c, name=n)
        for c, n in (("enskede", "Enskede"), ("farsta", "Farsta"), ("skarpnack", "Skarpnäck"), ("bromma", "Bromma"))
    )
    return {
        "enskede": enskede,
        "farsta": farsta,
        "skarpnack": skarpnack,
        "bromma": bromma,
        "sydost": NetworkFactory(name="Sydost", districts=[enskede, farsta, skarpnack]),
        "west": NetworkFactory(name="West", districts=[bromma]),
        "consultant": UserFactory(role=Role.CONSULTANT, districts=[farsta]),
        "manager": UserFactory(role=Role.MANAGER, districts=[farsta]),
        "strategist": UserFactory(role=Role.STRATEGIST),
    }


def _post_activity(client, world, **changes):
    data = {"kind": "joint_activity", "date": "2025-05-14", "title": "Anhörigcafé", "network": world["sydost"].pk,
            "participants_caregivers": "30", "participants_consultants": "3"}  # fmt: skip
    return client.post("/collaboration/new/", data | changes)


def test_a_consultant_records_a_networks_joint_activity_for_every_member(world, login):
    response = _post_activity(login(world["consultant"]), world)

    assert response.status_code == 302
    activity = CollaborationActivity.objects.get()
    assert set(activity.districts.values_list("code", flat=True)) == {"enskede", "farsta", "skarpnack"}
    assert dict(activity.participants.values_list("kind", "count")) == {"caregivers": 30, "consultants": 3}


def test_a_refused_activity_shows_the_message_on_the_field_and_saves_nothing(world, login, in_english):
    response = _post_activity(login(world["consultant"]), world, network="", districts=[])

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "districts": ["Choose the districts the activity belongs to, or a network."]
    }
    assert CollaborationActivity.objects.count() == 0


def test_the_forms_choices_are_the_users_own(world, login):
    PartnerFactory(name="Farsta församling", districts=[world["farsta"]])
    PartnerFactory(name="Bromma församling", districts=[world["bromma"]])
    PartnerFactory(name="Gammal partner", districts=[world["farsta"]], active=False)

    form = login(world["consultant"]).get("/collaboration/new/").context["form"]

    assert [d.name for d in form.fields["districts"].queryset] == ["Farsta"]
    assert [n.name for n in form.fields["network"].queryset] == ["Sydost"]
    assert [p.name for p in form.fields["partners"].queryset] == ["Farsta församling"]


def test_another_districts_choices_posted_anyway_are_refused(world, login):
    response = _post_activity(login(world["consultant"]), world, network=world["west"].pk)

    assert "network" in response.context["form"].errors
    assert CollaborationActivity.objects.count() == 0


def test_editing_a_network_activity_keeps_its_members(world, login):
    activity = CollaborationActivityFactory(network=world["sydost"], title="Old")
    client = login(world["consultant"])

    page = client.get(f"/collaboration/{activity.pk}/edit/")
    response = client.post(f"/collaboration/{activity.pk}/edit/", {"kind": "meeting", "date": "2025-05-14",
                           "title": "New", "network": world["sydost"].pk})  # fmt: skip

    assert page.context["form"].initial["districts"] == []
    assert response.status_code == 302
    activity.refresh_from_db()
    assert activity.title == "New"
    assert activity.districts.count() == 3


def test_other_districts_activities_answer_404_and_stay_as_they_were(world, login):
    bromma = CollaborationActivityFactory(districts=[world["bromma"]], title="Bromma's")
    outreach = OutreachActivityFactory(districts=[world["bromma"]])
    client = login(world["consultant"])

    assert client.get(f"/collaboration/{bromma.pk}/edit/").status_code == 404
    assert client.post(f"/collaboration/{bromma.pk}/edit/", {"title": "Mine"}).status_code == 404
    assert client.get(f"/collaboration/outreach/{outreach.pk}/edit/").status_code == 404
    bromma.refresh_from_db()
    assert bromma.title == "Bromma's"


def test_lists_show_the_users_districts_and_strategists_every_district(world, login):
    mine = CollaborationActivityFactory(network=world["sydost"])
    CollaborationActivityFactory(districts=[world["bromma"]])
    OutreachActivityFactory(districts=[world["farsta"]])
    OutreachActivityFactory(districts=[world["bromma"]])

    consultant = login(world["consultant"])
    assert [a.pk for a in consultant.get("/collaboration/").context["page"]] == [mine.pk]
    assert len(consultant.get("/collaboration/outreach/").context["page"]) == 1
    strategist = login(world["strategist"])
    assert len(strategist.get("/collaboration/").context["page"]) == 2
    assert len(strategist.get("/collaboration/outreach/").context["page"]) == 2


def test_outreach_with_unknown_reach_is_recorded_through_the_form(world, login):
    response = login(world["consultant"]).post(
        "/collaboration/outreach/new/",
        {"kind": "newsletter", "date": "2025-03-01", "title": "Nyhetsbrev mars", "districts": [world["farsta"].pk]},
    )

    assert response.status_code == 302
    assert OutreachActivity.objects.get().reach is None


def test_managers_enter_the_case_officers_measurement_on_the_units_behalf(world, login, in_english):
    unit = CaseOfficerUnitFactory(name="Farsta biståndsenhet", districts=[world["farsta"]])
    CaseOfficerUnitFactory(name="Bromma biståndsenhet", districts=[world["bromma"]])
    client = login(world["manager"])
    data = {"unit": unit.pk, "starts_on": "2025-01-01", "ends_on": "2025-06-30", "new_cases": "68",
            "informed_cases": "69"}  # fmt: skip

    form = client.get("/collaboration/case-officers/new/").context["form"]
    refused = client.post("/collaboration/case-officers/new/", data)
    saved = client.post("/collaboration/case-officers/new/", data | {"informed_cases": "29"})

    assert [u.name for u in form.fields["unit"].queryset] == ["Farsta biståndsenhet"]
    assert refused.context["form"].errors == {
        "informed_cases": ["The customers told cannot be more than the new cases."]
    }
    assert saved.status_code == 302
    assert CaseOfficerMeasurement.objects.get().share == 42.6
    listing = client.get("/collaboration/case-officers/")
    assert "42.6" in listing.content.decode()


def test_consultants_and_strategists_cannot_enter_measurements_or_partners(world, login):
    unit = CaseOfficerUnitFactory(districts=[world["farsta"]])
    measurement = MeasurementFactory(unit=unit)
    for role in ("consultant", "strategist"):
        client = login(world[role])
        assert client.get("/collaboration/case-officers/new/").status_code == 404
        assert client.get(f"/collaboration/case-officers/{measurement.pk}/edit/").status_code == 404
        assert client.get("/collaboration/partners/new/").status_code == 404
        assert client.get(f"/collaboration/partners/{unit.pk}/edit/").status_code == 404
        assert client.get("/collaboration/case-officers/").status_code == 200
    assert login(world["strategist"]).get("/collaboration/new/").status_code == 404


def test_a_manager_creates_a_partner_through_the_form(world, login, in_english):
    client = login(world["manager"])

    response = client.post(
        "/collaboration/partners/new/",
        {"name": "Minnesmottagningen", "kind": "memory_clinic", "districts": [world["farsta"].pk], "active": "on"},
    )
    refused = client.post("/collaboration/partners/new/", {"name": "X", "kind": "church", "active": "on"})

    assert response.status_code == 302
    assert list(Partner.objects.values_list("name", "kind")) == [("Minnesmottagningen", "memory_clinic")]
    assert refused.context["form"].errors == {"districts": ["Choose the districts the partner works with."]}


@pytest.mark.parametrize("rows", [1, 6])
@pytest.mark.parametrize(
    ("path", "queries"),
    [
        ("/collaboration/", 11),
        ("/collaboration/outreach/", 9),
        ("/collaboration/partners/", 9),
        ("/collaboration/case-officers/", 9),
    ],
)
def test_list_query_counts_do_not_grow_with_the_rows(world, login, django_assert_num_queries, path, queries, rows):
    for _n in range(rows):
        activity = CollaborationActivityFactory(network=world["sydost"])
        activity.partners.set([PartnerFactory(districts=[world["farsta"]])])
        OutreachActivityFactory(districts=[world["farsta"]])
        MeasurementFactory(unit=CaseOfficerUnitFactory(districts=[world["farsta"]]))
    client = login(world["manager"])

    with django_assert_num_queries(queries):
        client.get(path)


# --- The admin -------------------------------------------------------------------------------------


def test_the_admin_fills_a_network_activitys_districts_and_keeps_its_participants(world, login):
    client = login(world["manager"])
    data = {
        "kind": "training",
        "date": "2025-04-02",
        "title": "Utbildning för anhörigombud",
        "network": world["sydost"].pk,
        "districts": [world["farsta"].pk],
        "participants-TOTAL_FORMS": "1",
        "participants-INITIAL_FORMS": "0",
        "participants-0-kind": "representatives",
        "participants-0-count": "14",
    }

    response = client.post("/admin/collaboration/collaborationactivity/add/", data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    activity = CollaborationActivity.objects.get()
    assert set(activity.districts.values_list("code", flat=True)) == {"enskede", "farsta", "skarpnack"}
    assert list(activity.participants.values_list("kind", "count")) == [("representatives", 14)]
    assert activity.created_by == world["manager"]


def test_the_admin_refuses_a_measurement_as_the_form_does(world, login):
    unit = CaseOfficerUnitFactory(districts=[world["farsta"]])
    client = login(world["manager"])

    data = {"unit": unit.pk, "starts_on": "2025-01-01", "ends_on": "2024-12-31", "new_cases": "5",
            "informed_cases": "6", "note": ""}  # fmt: skip

    with translation.override("en"):
        response = client.post("/admin/collaboration/caseofficermeasurement/add/", data)

    errors = response.context["adminform"].form.errors
    assert set(errors) == {"ends_on", "informed_cases"}
    assert CaseOfficerMeasurement.objects.count() == 0


def test_the_admin_shows_a_manager_only_the_districts_rows(world, login):
    CollaborationActivityFactory(network=world["sydost"])
    CollaborationActivityFactory(districts=[world["bromma"]])
    MeasurementFactory(unit=CaseOfficerUnitFactory(districts=[world["bromma"]]))

    client = login(world["manager"])
    activities = client.get("/admin/collaboration/collaborationactivity/").context["cl"].queryset
    measurements = client.get("/admin/collaboration/caseofficermeasurement/").context["cl"].queryset

    assert activities.count() == 1
    assert measurements.count() == 0


def test_the_admin_keeps_a_shared_partners_other_district(world, login):
    partner = PartnerFactory(kind="church", name="Församlingen", districts=[world["farsta"], world["bromma"]])
    client = login(world["manager"])

    response = client.post(
        f"/admin/collaboration/partner/{partner.pk}/change/",
        {"name": "Församlingen", "kind": "church", "districts": [world["farsta"].pk], "active": "on", "note": ""},
    )

    assert response.status_code == 302
    assert set(partner.districts.values_list("code", flat=True)) == {"farsta", "bromma"}


def test_activity_dates_of_the_future_are_refused_in_the_admin_too(world, login):
    client = login(world["manager"])
    tomorrow = datetime.date.today() + datetime.timedelta(days=2)

    response = client.post(
        "/admin/collaboration/outreachactivity/add/",
        {"kind": "newsletter", "date": tomorrow.isoformat(), "title": "X", "districts": [world["farsta"].pk]},
    )

    assert set(response.context["adminform"].form.errors) == {"date"}
    assert OutreachActivity.objects.count() == 0


def test_the_forms_carry_no_inline_script_or_style(world, login):
    client = login(world["manager"])
    for path in ("/collaboration/new/", "/collaboration/outreach/new/", "/collaboration/partners/new/",
                 "/collaboration/case-officers/new/"):  # fmt: skip
        html = client.get(path).content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), path
        assert not re.search(r"\sstyle=", html), path
        assert not re.search(r"\son[a-z]+=", html), path


def test_a_shared_activity_lists_only_the_partners_of_the_users_districts(world, login):
    activity = CollaborationActivityFactory(network=world["sydost"], title="Sydost joint day")
    own = PartnerFactory(name="Farsta church", districts=[world["farsta"]])
    other = PartnerFactory(name="Enskede memory clinic", districts=[world["enskede"]])
    activity.partners.set([own, other])

    html = login(world["consultant"]).get("/collaboration/").content.decode()

    assert ("Sydost joint day" in html, "Farsta church" in html, "Enskede memory clinic" in html) == (True, True, False)
