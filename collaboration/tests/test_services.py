"""The rules of partners, activities and measurements: each refusal on its field, nothing half-saved."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from accounts.models import Role
from accounts.tests.factories import UserFactory
from collaboration.models import ActivityParticipants, CaseOfficerMeasurement, CollaborationActivity, Partner
from collaboration.services import (
    case_officer_measurement_save,
    collaboration_activity_save,
    outreach_activity_save,
    partner_create,
    partner_update,
)
from districts.tests.factories import DistrictFactory, NetworkFactory

from .factories import CaseOfficerUnitFactory, CollaborationActivityFactory, MeasurementFactory, PartnerFactory

DAY = datetime.date(2025, 5, 14)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def world(db):
    enskede, farsta, skarpnack, bromma = (DistrictFactory(code=c) for c in ("enskede", "farsta", "skarpnack", "bromma"))
    return {
        "enskede": enskede,
        "farsta": farsta,
        "skarpnack": skarpnack,
        "bromma": bromma,
        "sydost": NetworkFactory(districts=[enskede, farsta, skarpnack]),
        "consultant": UserFactory(role=Role.CONSULTANT, districts=[farsta]),
        "manager": UserFactory(role=Role.MANAGER, districts=[farsta]),
    }


def _fields(error: ValidationError) -> dict:
    return {field: [str(m) for m in messages] for field, messages in error.message_dict.items()}


def _activity(world, **changes):
    values = {"user": world["consultant"], "kind": "meeting", "date": DAY, "title": "Samverkansmöte",
              "districts": [world["farsta"]], "participants": {"consultants": 2, "partner_staff": 5}}  # fmt: skip
    return collaboration_activity_save(**(values | changes))


def test_an_activity_is_saved_with_its_participants_by_kind(world):
    activity = _activity(world)

    assert list(activity.districts.all()) == [world["farsta"]]
    assert dict(activity.participants.values_list("kind", "count")) == {"consultants": 2, "partner_staff": 5}
    assert activity.created_by == world["consultant"]


def test_a_networks_activity_gets_every_member_district_whoever_records_it(world):
    activity = _activity(world, districts=[], network=world["sydost"], kind="joint_activity")

    assert set(activity.districts.all()) == {world["enskede"], world["farsta"], world["skarpnack"]}


def test_a_network_activity_refuses_a_district_outside_the_network(world):
    with pytest.raises(ValidationError) as error:
        _activity(world, network=world["sydost"], districts=[world["bromma"]])

    assert list(_fields(error.value)) == ["districts"]
    assert CollaborationActivity.objects.count() == 0


def test_a_network_of_other_districts_is_refused(world):
    west = NetworkFactory(districts=[world["bromma"]])

    with pytest.raises(ValidationError) as error:
        _activity(world, network=west, districts=[])

    assert _fields(error.value) == {"network": ["You can only record activities of your own districts' networks."]}


def test_another_districts_activity_is_refused_and_nothing_saved(world):
    with pytest.raises(ValidationError) as error:
        _activity(world, districts=[world["bromma"]])

    assert _fields(error.value) == {"districts": ["You can only choose your own districts."]}
    assert (CollaborationActivity.objects.count(), ActivityParticipants.objects.count()) == (0, 0)


def test_an_activity_without_districts_or_network_is_refused(world):
    with pytest.raises(ValidationError) as error:
        _activity(world, districts=[])

    assert _fields(error.value) == {"districts": ["Choose the districts the activity belongs to, or a network."]}


def test_a_future_date_is_refused_on_the_date(world):
    with pytest.raises(ValidationError) as error:
        _activity(world, date=timezone.localdate() + datetime.timedelta(days=1))

    assert _fields(error.value) == {"date": ["The date cannot be in the future."]}


def test_another_districts_partner_is_refused(world):
    other = PartnerFactory(districts=[world["bromma"]])

    with pytest.raises(ValidationError) as error:
        _activity(world, partners=[other])

    assert _fields(error.value) == {"partners": ["You can only choose your own districts' partners."]}


def test_editing_keeps_the_districts_and_partners_the_user_cannot_see(world):
    bromma_partner = PartnerFactory(districts=[world["bromma"]])
    activity = CollaborationActivityFactory(districts=[world["farsta"], world["bromma"]])
    activity.partners.set([bromma_partner])

    _activity(world, activity=activity, title="Changed", districts=[world["farsta"]], partners=[])

    activity.refresh_from_db()
    assert activity.title == "Changed"
    assert set(activity.districts.all()) == {world["farsta"], world["bromma"]}
    assert list(activity.partners.all()) == [bromma_partner]


def test_outreach_reach_may_be_unknown(world):
    activity = outreach_activity_save(
        user=world["consultant"], kind="newsletter", date=DAY, title="Nyhetsbrev", districts=[world["farsta"]]
    )

    assert activity.reach is None


def test_a_case_officer_unit_belongs_to_exactly_one_district(world):
    with pytest.raises(ValidationError) as error:
        partner_create(user=world["manager"], name="Biståndsenheten", kind="case_officer_unit",
                       districts=[world["farsta"], world["farsta"].__class__.objects.get(code="enskede")])  # fmt: skip

    assert _fields(error.value) == {"districts": ["You can only choose your own districts."]}
    manager = UserFactory(role=Role.MANAGER, districts=[world["farsta"], world["enskede"]])
    with pytest.raises(ValidationError) as error:
        partner_create(user=manager, name="Biståndsenheten", kind="case_officer_unit",
                       districts=[world["farsta"], world["enskede"]])  # fmt: skip

    assert _fields(error.value) == {"districts": ["A case-officer unit belongs to exactly one district."]}
    assert Partner.objects.count() == 0


def test_a_partner_shared_with_another_district_keeps_it_when_edited(world):
    partner = PartnerFactory(kind="church", districts=[world["farsta"], world["bromma"]])

    partner_update(partner=partner, user=world["manager"], name="Farsta församling", kind="church",
                   districts=[world["farsta"]], active=False)  # fmt: skip

    partner.refresh_from_db()
    assert (partner.name, partner.active) == ("Farsta församling", False)
    assert set(partner.districts.all()) == {world["farsta"], world["bromma"]}


def _measurement(world, **changes):
    values = {"user": world["manager"], "unit": world.get("unit"), "starts_on": datetime.date(2025, 1, 1),
              "ends_on": datetime.date(2025, 6, 30), "new_cases": 167, "informed_cases": 71}  # fmt: skip
    return case_officer_measurement_save(**(values | changes))


@pytest.fixture
def unit(world):
    world["unit"] = CaseOfficerUnitFactory(districts=[world["farsta"]])
    return world["unit"]


def test_a_measurement_is_entered_by_the_manager_on_the_units_behalf(world, unit):
    measurement = _measurement(world)

    assert (measurement.new_cases, measurement.informed_cases, measurement.share) == (167, 71, 42.5)
    assert measurement.created_by == world["manager"]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"informed_cases": 168}, "informed_cases", "The customers told cannot be more than the new cases."),
        ({"ends_on": datetime.date(2024, 12, 31)}, "ends_on", "The end date must not be before the start date."),
    ],
)
def test_measurement_refusals_land_on_their_field(world, unit, changes, field, message):
    with pytest.raises(ValidationError) as error:
        _measurement(world, **changes)

    assert _fields(error.value) == {field: [message]}
    assert CaseOfficerMeasurement.objects.count() == 0


def test_a_measurement_of_a_partner_that_is_no_case_officer_unit_is_refused(world, unit):
    clinic = PartnerFactory(kind="memory_clinic", districts=[world["farsta"]])

    with pytest.raises(ValidationError) as error:
        _measurement(world, unit=clinic)

    assert _fields(error.value) == {"unit": ["Choose a case-officer unit."]}


def test_overlapping_measurements_of_a_unit_are_refused(world, unit):
    _measurement(world)

    with pytest.raises(ValidationError) as error:
        _measurement(world, starts_on=datetime.date(2025, 6, 1), ends_on=datetime.date(2025, 12, 31))
    _measurement(world, starts_on=datetime.date(2025, 7, 1), ends_on=datetime.date(2025, 12, 31))

    assert list(_fields(error.value)) == ["starts_on"]
    assert CaseOfficerMeasurement.objects.count() == 2


def test_another_districts_unit_is_refused(world):
    other = CaseOfficerUnitFactory(districts=[world["bromma"]])

    with pytest.raises(ValidationError) as error:
        _measurement(world, unit=other)

    assert _fields(error.value) == {"unit": ["You can only enter measurements of your own districts' units."]}


def test_a_unit_with_measurements_stays_a_case_officer_unit(world, unit):
    MeasurementFactory(unit=unit)

    with pytest.raises(ValidationError) as error:
        partner_update(partner=unit, user=world["manager"], name=unit.name, kind="other",
                       districts=[world["farsta"]], active=True)  # fmt: skip

    assert list(_fields(error.value)) == ["kind"]
    unit.refresh_from_db()
    assert unit.kind == "case_officer_unit"
