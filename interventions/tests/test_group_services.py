import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from accounts.models import Role
from accounts.tests.factories import UserFactory
from caregivers.tests.factories import CaregiverFactory
from consultants.tests.factories import ConsultantFactory
from districts.tests.factories import DistrictFactory
from interventions.models import Contact, GroupMeeting
from interventions.services import group_create, group_meeting_delete, group_meeting_record
from interventions.tests.factories import GroupFactory, InterventionTypeFactory, OrganiserFactory

TODAY = datetime.date(2026, 3, 16)


@pytest.fixture(autouse=True)
def _setup(monkeypatch, db):
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: TODAY)
    InterventionTypeFactory(code="own_groups", category="knowledge_and_community")
    InterventionTypeFactory(code="circles", category="knowledge_and_community")
    with translation.override("en"):
        yield


@pytest.fixture
def district():
    return DistrictFactory(code="farsta", name="Farsta")


@pytest.fixture
def me(district):
    user = UserFactory(role=Role.CONSULTANT, districts=[district])
    ConsultantFactory(home_district=district, user=user)
    return user


def _meeting(user, group, **overrides):
    values = {"group": group, "user": user, "consultant": user.consultant, "date": TODAY, "duration_minutes": 90}
    return group_meeting_record(**(values | overrides))


def test_recording_a_meeting_logs_a_contact_per_attendee_in_one_step(me, district):
    group = GroupFactory(district=district, kind="own_group")
    named = CaregiverFactory.create_batch(3, districts=[district])

    meeting = _meeting(me, group, attendees=named, unnamed_count=2)

    contacts = Contact.objects.filter(meeting=meeting)
    assert meeting.number == 1
    assert contacts.count() == 5
    assert {c.caregiver for c in contacts if c.caregiver} == set(named)
    assert sum(1 for c in contacts if c.caregiver is None) == 2
    assert {(c.channel, c.intervention_type.code, c.duration_minutes, c.district) for c in contacts} == {
        ("group_meeting", "own_groups", 90, district)
    }


def test_a_circle_refuses_meetings_past_its_maximum(me, district):
    circle = group_create(
        user=me, kind="circle", name="Anhörigcirkel demens", district=district, target_group="65_plus",
        topic="dementia", starts_on=datetime.date(2026, 1, 1), organiser=OrganiserFactory(), max_meetings=2,
    )  # fmt: skip
    for _ in range(2):
        _meeting(me, circle, unnamed_count=6)

    with pytest.raises(ValidationError) as excinfo:
        _meeting(me, circle, unnamed_count=6)

    assert excinfo.value.messages == ["Anhörigcirkel demens has had all its 2 meetings; no more can be recorded."]
    assert GroupMeeting.objects.count() == 2
    assert Contact.objects.filter(intervention_type__code="circles").count() == 12


def test_a_deleted_meeting_frees_its_number_and_leaves_the_counts(me, district):
    circle = GroupFactory(district=district, kind="circle", organiser=OrganiserFactory(), max_meetings=2)
    first = _meeting(me, circle, unnamed_count=3)
    _meeting(me, circle, unnamed_count=3)

    group_meeting_delete(meeting=first, user=me)
    again = _meeting(me, circle, unnamed_count=4)

    assert again.number == 1
    assert Contact.objects.alive().count() == 7
    assert Contact.objects.filter(meeting=first, deleted_by=me).count() == 3


def test_a_circle_needs_an_organiser_and_a_maximum(me, district):
    with pytest.raises(ValidationError) as excinfo:
        group_create(
            user=me, kind="circle", name="Cirkel", district=district, target_group="65_plus", topic="dementia",
            starts_on=TODAY,
        )  # fmt: skip

    assert set(excinfo.value.message_dict) == {"organiser", "max_meetings"}


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"date": TODAY + datetime.timedelta(days=1)}, "date"),
        ({"date": datetime.date(2025, 12, 31)}, "date"),
        ({"unnamed_count": 0}, "attendees"),
        ({"duration_minutes": 500}, "duration_minutes"),
    ],
)
def test_bad_meeting_input_is_refused_on_its_field(me, district, overrides, field):
    group = GroupFactory(district=district, starts_on=datetime.date(2026, 1, 1))

    with pytest.raises(ValidationError) as excinfo:
        _meeting(me, group, **({"unnamed_count": 4} | overrides))

    assert field in excinfo.value.message_dict
    assert GroupMeeting.objects.count() == 0
    assert Contact.objects.count() == 0


def test_an_attendee_of_another_district_is_refused(me, district):
    group = GroupFactory(district=district)
    stranger = CaregiverFactory(districts=[DistrictFactory()])

    with pytest.raises(ValidationError) as excinfo:
        _meeting(me, group, attendees=[stranger])

    assert excinfo.value.message_dict == {"attendees": ["This caregiver belongs to another district."]}
    assert GroupMeeting.objects.count() == 0
