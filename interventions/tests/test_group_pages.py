import pytest
from django.utils import timezone

from accounts.models import Role
from accounts.tests.factories import UserFactory
from caregivers.tests.factories import CaregiverFactory
from consultants.tests.factories import ConsultantFactory
from districts.tests.factories import DistrictFactory
from interventions.models import Contact, Group
from interventions.tests.factories import GroupFactory, InterventionTypeFactory, OrganiserFactory


@pytest.fixture
def farsta(db):
    InterventionTypeFactory(code="own_groups")
    InterventionTypeFactory(code="circles")
    return DistrictFactory(code="farsta")


@pytest.fixture
def me(farsta):
    user = UserFactory(role=Role.CONSULTANT, districts=[farsta])
    ConsultantFactory(home_district=farsta, user=user)
    return user


def test_creating_a_circle_and_recording_its_meetings_up_to_the_maximum(me, farsta, login, in_english):
    client = login(me)
    organiser = OrganiserFactory()
    response = client.post("/groups/new/", {
        "kind": "circle", "name": "Demenscirkel", "district": farsta.pk, "target_group": "65_plus",
        "topic": "dementia", "organiser": organiser.pk, "max_meetings": 1, "starts_on": "2026-01-01",
    })  # fmt: skip
    circle = Group.objects.get()
    assert response["Location"] == f"/groups/{circle.pk}/"
    attendees = CaregiverFactory.create_batch(2, districts=[farsta])
    today = timezone.localdate().isoformat()
    meeting = {"date": today, "duration_minutes": 120, "attendees": [a.pk for a in attendees], "unnamed_count": 3}

    first = client.post(f"/groups/{circle.pk}/", meeting)
    second = client.post(f"/groups/{circle.pk}/", meeting)

    assert first.status_code == 302
    assert Contact.objects.filter(meeting__group=circle).count() == 5
    assert second.status_code == 200
    assert second.context["form"].non_field_errors() == [
        "Demenscirkel has had all its 1 meetings; no more can be recorded."
    ]
    assert Contact.objects.count() == 5


def test_a_circle_without_organiser_is_refused_on_the_field(me, farsta, login, in_english):
    response = login(me).post("/groups/new/", {
        "kind": "circle", "name": "C", "district": farsta.pk, "target_group": "65_plus", "topic": "dementia",
        "max_meetings": 4, "starts_on": "2026-01-01",
    })  # fmt: skip

    assert list(response.context["form"].errors) == ["organiser"]
    assert Group.objects.count() == 0


def test_groups_of_another_district_are_404(me, login):
    other = GroupFactory(district=DistrictFactory())

    assert login(me).get(f"/groups/{other.pk}/").status_code == 404


def test_a_strategist_sees_a_groups_meetings_but_not_who_attended(me, farsta, login):
    group = GroupFactory(district=farsta)
    from interventions.services import group_meeting_record

    group_meeting_record(
        group=group, user=me, consultant=me.consultant, date=timezone.localdate(), duration_minutes=60,
        attendees=[CaregiverFactory(districts=[farsta], label="SECRET")], unnamed_count=1,
    )  # fmt: skip

    response = login(UserFactory(role=Role.STRATEGIST)).get(f"/groups/{group.pk}/")

    assert response.status_code == 200
    assert "SECRET" not in response.content.decode()
    assert [m.contact_count for m in response.context["meetings"]] == [2]
