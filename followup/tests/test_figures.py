"""Every follow-up figure against counts made by hand on a small fixed dataset."""

import datetime

import pytest
from django.utils import timezone

from caregivers.tests.factories import CaregiverFactory
from consultants.models import ConsultantRole
from consultants.tests.factories import ConsultantFactory
from districts.tests.factories import DistrictFactory
from figures.periods import Period
from followup.selectors import district_figures
from interventions.models import Referral
from interventions.tests.factories import (
    AdviceTypeFactory,
    ContactFactory,
    GroupFactory,
    GuidanceTalksTypeFactory,
    InterventionTypeFactory,
    OrganiserFactory,
)

MARCH = datetime.date(2026, 3, 10)
APRIL = datetime.date(2026, 4, 14)


@pytest.fixture
def dataset(db):
    """Bromma: two consultants (one a dementia nurse), three caregivers, talks up to the cap, a circle."""
    bromma, farsta = DistrictFactory(code="bromma", talk_cap=3), DistrictFactory(code="farsta")
    kim = ConsultantFactory(home_district=bromma, ref="K1")
    nurse = ConsultantFactory(home_district=bromma, ref="K2", role=ConsultantRole.DEMENTIA_NURSE)
    advice, talks = AdviceTypeFactory(), GuidanceTalksTypeFactory()
    circles = InterventionTypeFactory(code="circles")
    anna = CaregiverFactory(
        districts=[bromma], gender="woman", age_band="65-79", relation="partner", condition="dementia"
    )
    bo = CaregiverFactory(districts=[bromma], gender="man", age_band="45-64", relation="child", condition="dementia")
    cia = CaregiverFactory(
        districts=[bromma], gender="woman", age_band="30-44", relation="parent", condition="disability",
        target_group="under_65",
    )  # fmt: skip

    def contact(**values):
        defaults = {"district": bromma, "consultant": kim, "intervention_type": advice, "date": MARCH}
        return ContactFactory(**(defaults | values))

    contact(caregiver=anna, channel="phone", duration_minutes=10)
    contact(caregiver=anna, channel="phone", duration_minutes=20, date=APRIL)
    contact(caregiver=bo, channel="home_visit", duration_minutes=60, consultant=nurse)
    contact(caregiver=None, channel="phone", duration_minutes=5)
    contact(caregiver=cia, channel="email_sms", duration_minutes=5, target_group="under_65")
    # Anna's talks: one before the period, two in it; she reaches the cap of 3 in April and is referred.
    contact(caregiver=anna, intervention_type=talks, talk_number=1, talk_cap=3, date=datetime.date(2025, 12, 1))
    contact(caregiver=anna, intervention_type=talks, talk_number=2, talk_cap=3, channel="individual_meeting",
            duration_minutes=60)  # fmt: skip
    contact(caregiver=anna, intervention_type=talks, talk_number=3, talk_cap=3, channel="individual_meeting",
            duration_minutes=60, date=APRIL)  # fmt: skip
    after_cap = contact(caregiver=anna, channel="phone", duration_minutes=15, date=APRIL)
    Referral.objects.create(contact=after_cap, destination="psychologist")
    early = contact(caregiver=bo, channel="phone", duration_minutes=15)
    Referral.objects.create(contact=early, destination="respite")
    # Bo: one talk in the period.
    contact(caregiver=bo, intervention_type=talks, talk_number=1, talk_cap=3, channel="phone", duration_minutes=30)
    # Not counted: deleted, outside the period, another district.
    contact(caregiver=bo, channel="phone", deleted_at=timezone.now())
    contact(caregiver=bo, channel="phone", date=datetime.date(2026, 5, 2))
    contact(district=farsta, consultant=ConsultantFactory(home_district=farsta), channel="phone")
    # A circle of two meetings, both held in the period: at its maximum; 2 + 1 attendance.
    circle = GroupFactory(district=bromma, kind="circle", organiser=OrganiserFactory(), max_meetings=2)
    for day, attendees, unnamed in ((MARCH, [anna, bo], 0), (APRIL, [anna], 1)):
        meeting = circle.meetings.create(number=len(circle.meetings.all()) + 1, date=day, duration_minutes=90,
                                         consultant=kim, unnamed_count=unnamed)  # fmt: skip
        meeting.attendees.set(attendees)
        for person in [*attendees, *([None] * unnamed)]:
            contact(caregiver=person, meeting=meeting, channel="group_meeting", duration_minutes=90,
                    intervention_type=circles, date=day)  # fmt: skip
    return {"bromma": bromma, "farsta": farsta, "kim": kim, "nurse": nurse}


PERIOD = Period.custom(datetime.date(2026, 3, 1), datetime.date(2026, 4, 30))


def test_occasions_and_unique_caregivers(dataset):
    f = district_figures(period=PERIOD)[dataset["bromma"].pk]

    # 5 advice + 3 talks in the period + 1 after the cap + 1 early + 4 at the circle = 14 occasions
    assert (f["contacts"], f["caregivers"], f["anonymous"]) == (14, 3, 2)
    assert f["minutes"] == 10 + 20 + 60 + 5 + 5 + 60 + 60 + 15 + 15 + 30 + 4 * 90
    assert f["by_channel"] == {
        "phone": {"contacts": 6, "caregivers": 2},
        "home_visit": {"contacts": 1, "caregivers": 1},
        "email_sms": {"contacts": 1, "caregivers": 1},
        "individual_meeting": {"contacts": 2, "caregivers": 1},
        "group_meeting": {"contacts": 4, "caregivers": 2},
    }
    assert f["by_month"] == {"2026-03": {"contacts": 9, "caregivers": 3}, "2026-04": {"contacts": 5, "caregivers": 1}}
    assert f["by_consultant"] == {
        str(dataset["kim"].pk): {"contacts": 13, "caregivers": 3},
        str(dataset["nurse"].pk): {"contacts": 1, "caregivers": 1},
    }
    assert f["by_role"] == {
        "consultant": {"contacts": 13, "caregivers": 3},
        "dementia_nurse": {"contacts": 1, "caregivers": 1},
    }


def test_caregivers_by_gender_age_relation_and_condition(dataset):
    f = district_figures(period=PERIOD)[dataset["bromma"].pk]

    assert f["caregivers_by"] == {
        "gender": {"woman": 2, "man": 1},
        "age_band": {"65-79": 1, "45-64": 1, "30-44": 1},
        "relation": {"partner": 1, "child": 1, "parent": 1},
        "condition": {"dementia": 2, "disability": 1},
    }


def test_talks_against_the_cap_and_referrals(dataset):
    f = district_figures(period=PERIOD)[dataset["bromma"].pk]

    # Anna has used 3 talks by the end of the period (one before it), Bo 1.
    assert f["talks"] == {"talks": 3, "used": {"3": 1, "1": 1}, "caregivers": 2, "at_cap": 1, "referrals_after_cap": 1}
    assert f["referrals"] == {"psychologist": 1, "respite": 1}


def test_groups_and_circles(dataset):
    f = district_figures(period=PERIOD)[dataset["bromma"].pk]

    # Two named at the first meeting; one named and one unnamed at the second.
    assert f["groups"] == {
        "meetings": 2,
        "attendance": 4,
        "circles_at_max": 1,
        "by_kind": {"circle": {"groups": 1, "meetings": 2, "attendance": 4}},
    }
    march_only = district_figures(period=Period.month(2026, 3))[dataset["bromma"].pk]
    assert march_only["groups"] == {
        "meetings": 1,
        "attendance": 2,
        "circles_at_max": 0,
        "by_kind": {"circle": {"groups": 1, "meetings": 1, "attendance": 2}},
    }


def test_target_group_and_district_filters(dataset):
    under_65 = district_figures(period=PERIOD, target_group="under_65")

    assert list(under_65) == [dataset["bromma"].pk]
    assert (under_65[dataset["bromma"].pk]["contacts"], under_65[dataset["bromma"].pk]["caregivers"]) == (1, 1)
    farsta_only = district_figures(period=PERIOD, district_ids=[dataset["farsta"].pk])
    assert list(farsta_only) == [dataset["farsta"].pk]
    assert farsta_only[dataset["farsta"].pk]["contacts"] == 1


def test_figures_take_a_fixed_number_of_queries(dataset, django_assert_num_queries):
    # The facts of the range and the talk series' history, the consultants', the intervention types'
    # and the caregivers' attribute maps, the meetings, the circles.
    with django_assert_num_queries(7):
        district_figures(period=PERIOD)
