"""Goal status from real figures: work logged through the services, counted by hand here."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext

from caregivers.services import support_contact_record
from caregivers.tests.factories import CaregiverFactory
from consultants.tests.factories import (
    AllocationFactory,
    AssignmentDescriptionFactory,
    ConsultantFactory,
    DescriptionAssignmentFactory,
)
from districts.tests.factories import DistrictFactory
from figures.snapshots import figures_rebuild
from goals.models import Measure, Status
from goals.selectors import goal_status, goal_statuses
from interventions.models import InterventionType
from interventions.services import contact_log
from interventions.tests.factories import DistrictOfferingFactory, InterventionTypeFactory
from outcomes.tests.factories import GuidanceTalkFactory, TalkScoreFactory

from .conftest import AFTER_YEAR, MID_YEAR
from .factories import GoalFactory


def _log(city, district, caregiver=None, day=datetime.date(2026, 3, 2)):
    consultant = city["consultants"][district.code]
    contact = contact_log(
        user=consultant.user,
        consultant=consultant,
        date=day,
        channel="phone",
        duration_minutes=15,
        intervention_type=city["advice"],
        district=district,
        target_group="65_plus",
        caregiver=caregiver,
    )
    return contact


def _status(goal, today):
    s = goal_status(goal, today=today)
    return s.status, s.figure


# --- Caregivers reached ------------------------------------------------------------------------------


def test_caregivers_reached_is_met_mid_year_as_soon_as_the_figure_reaches_the_target(city):
    bromma = city["bromma"]
    anna, bo, cia = (CaregiverFactory(districts=[bromma]) for _ in range(3))
    for caregiver in (anna, anna, anna, bo, cia):  # five contacts, three caregivers
        _log(city, bromma, caregiver)
    _log(city, bromma)  # anonymous: an occasion, nobody counted
    _log(city, bromma, anna, day=datetime.date(2025, 12, 30))  # the year before
    met = GoalFactory(district=bromma, measure=Measure.CAREGIVERS_REACHED, target=3)
    short = GoalFactory(district=bromma, measure=Measure.CAREGIVERS_REACHED, target=4)

    assert _status(met, MID_YEAR) == (Status.MET, 3)
    assert _status(short, MID_YEAR) == (Status.IN_PROGRESS, 3)
    assert _status(short, AFTER_YEAR) == (Status.NOT_MET, 3)


def test_a_city_wide_goal_counts_a_caregiver_met_in_two_districts_once(city):
    bromma, farsta = city["bromma"], city["farsta"]
    shared = CaregiverFactory(districts=[bromma, farsta])
    only_bromma, only_farsta = CaregiverFactory(districts=[bromma]), CaregiverFactory(districts=[farsta])
    for district, caregiver in ((bromma, shared), (bromma, only_bromma), (farsta, shared), (farsta, only_farsta)):
        _log(city, district, caregiver)
    city_goal = GoalFactory(district=None, measure=Measure.CAREGIVERS_REACHED, target=4)
    bromma_goal = GoalFactory(district=bromma, measure=Measure.CAREGIVERS_REACHED, target=2)

    assert _status(city_goal, MID_YEAR) == (Status.IN_PROGRESS, 3)  # 2 + 2 in the districts, 3 people
    assert _status(city_goal, AFTER_YEAR) == (Status.NOT_MET, 3)
    assert _status(bromma_goal, MID_YEAR) == (Status.MET, 2)


# --- Guidance talks followed up with an outcome score --------------------------------------------------


def test_share_of_talks_scored_is_settled_when_the_year_is_over(city):
    bromma, farsta = city["bromma"], city["farsta"]
    kim = city["consultants"]["bromma"]
    talks = [GuidanceTalkFactory(consultant=kim, district=bromma) for _ in range(4)]
    for talk in talks[:3]:
        TalkScoreFactory(talk=talk, ors=22)
    GuidanceTalkFactory(consultant=kim, district=bromma, date=datetime.date(2025, 11, 3))  # the year before
    reached = GoalFactory(district=bromma, measure=Measure.TALKS_SCORED_SHARE, target=75)
    higher = GoalFactory(district=bromma, measure=Measure.TALKS_SCORED_SHARE, target=80)
    no_talks = GoalFactory(district=farsta, measure=Measure.TALKS_SCORED_SHARE, target=50)
    figures_rebuild()  # the factories' talks bypass the services' stale marks

    assert _status(reached, MID_YEAR) == (Status.IN_PROGRESS, 75.0)  # a share can still fall
    assert _status(reached, AFTER_YEAR) == (Status.MET, 75.0)
    assert _status(higher, AFTER_YEAR) == (Status.NOT_MET, 75.0)
    assert _status(no_talks, MID_YEAR) == (Status.IN_PROGRESS, None)  # no talks: no figure yet
    assert _status(no_talks, AFTER_YEAR) == (Status.NOT_MET, None)


def test_city_wide_share_of_talks_scored_adds_up_the_districts(city):
    bromma, farsta = city["bromma"], city["farsta"]
    TalkScoreFactory(talk=GuidanceTalkFactory(consultant=city["consultants"]["bromma"], district=bromma))
    GuidanceTalkFactory(consultant=city["consultants"]["farsta"], district=farsta)
    goal = GoalFactory(district=None, measure=Measure.TALKS_SCORED_SHARE, target=50)
    figures_rebuild()  # the factories' talks bypass the services' stale marks

    status = goal_status(goal, today=AFTER_YEAR)

    assert (status.status, status.figure, status.part, status.whole) == (Status.MET, 50.0, 1, 2)


# --- Consultants with a current assignment description ------------------------------------------------


def test_share_of_consultants_with_a_current_description(city):
    bromma = city["bromma"]
    kim = city["consultants"]["bromma"]
    second = ConsultantFactory(home_district=city["farsta"])
    AllocationFactory(consultant=second, district=bromma, percent=50)  # serves Bromma too
    description = AssignmentDescriptionFactory(district=bromma, adopted_on=datetime.date(2026, 1, 10))
    DescriptionAssignmentFactory(consultant=kim, description=description, valid_from=datetime.date(2026, 2, 1))
    # Valid only from 2027: not current within 2026.
    DescriptionAssignmentFactory(consultant=second, description=description, valid_from=datetime.date(2027, 1, 1))
    goal = GoalFactory(district=bromma, measure=Measure.DESCRIPTIONS_SHARE, target=100)
    half = GoalFactory(district=bromma, measure=Measure.DESCRIPTIONS_SHARE, target=50)
    city_goal = GoalFactory(district=None, measure=Measure.DESCRIPTIONS_SHARE, target=100)

    assert _status(goal, MID_YEAR) == (Status.IN_PROGRESS, 50.0)
    assert _status(goal, AFTER_YEAR) == (Status.NOT_MET, 50.0)  # on 31 December 2026: 1 of 2
    assert _status(half, AFTER_YEAR) == (Status.MET, 50.0)
    assert _status(city_goal, AFTER_YEAR) == (Status.NOT_MET, 33.3)  # Bromma's two and Farsta's own: 1 of 3


# --- Base-level components offered --------------------------------------------------------------------


def test_components_offered_per_district_and_in_every_district(city):
    bromma, farsta = city["bromma"], city["farsta"]
    advice = city["advice"]
    talks, groups = InterventionTypeFactory(code="talks"), InterventionTypeFactory(code="groups")
    DistrictOfferingFactory(district=bromma, intervention_type=advice, target_group="65_plus")
    DistrictOfferingFactory(district=bromma, intervention_type=talks, target_group="all")
    DistrictOfferingFactory(district=bromma, intervention_type=groups, target_group="young_carers")  # not counted
    DistrictOfferingFactory(district=farsta, intervention_type=advice, target_group="under_65")
    bromma_goal = GoalFactory(district=bromma, measure=Measure.COMPONENTS_OFFERED, target=2)
    farsta_goal = GoalFactory(district=farsta, measure=Measure.COMPONENTS_OFFERED, target=3)
    city_goal = GoalFactory(district=None, measure=Measure.COMPONENTS_OFFERED, target=1)

    assert InterventionType.objects.count() == 3
    assert _status(bromma_goal, MID_YEAR) == (Status.MET, 2)
    assert _status(farsta_goal, MID_YEAR) == (Status.IN_PROGRESS, 1)
    assert _status(farsta_goal, AFTER_YEAR) == (Status.NOT_MET, 1)
    assert _status(city_goal, MID_YEAR) == (Status.MET, 1)  # only advice is offered in both districts


# --- Support contacts offered -------------------------------------------------------------------------


def test_support_contacts_offered_in_the_year(city):
    bromma, farsta = city["bromma"], city["farsta"]
    user = city["consultants"]["bromma"].user
    shared = CaregiverFactory(districts=[bromma, farsta])
    for caregiver, day in (
        (CaregiverFactory(districts=[bromma]), datetime.date(2026, 2, 1)),
        (shared, datetime.date(2026, 4, 1)),
        (CaregiverFactory(districts=[bromma]), datetime.date(2025, 12, 1)),  # the year before
    ):
        support_contact_record(caregiver=caregiver, user=user, offered_on=day, status="offered")
    support_contact_record(
        caregiver=shared,
        user=user,
        offered_on=datetime.date(2026, 5, 1),
        status="declined",
        answered_on=datetime.date(2026, 5, 2),
    )
    bromma_goal = GoalFactory(district=bromma, measure=Measure.SUPPORT_CONTACTS_OFFERED, target=3)
    farsta_goal = GoalFactory(district=farsta, measure=Measure.SUPPORT_CONTACTS_OFFERED, target=3)
    city_goal = GoalFactory(district=None, measure=Measure.SUPPORT_CONTACTS_OFFERED, target=3)
    figures_rebuild()  # as the worker keeps them: with a broker, fresh marks wait for it

    assert _status(bromma_goal, MID_YEAR) == (Status.MET, 3)
    assert _status(farsta_goal, MID_YEAR) == (Status.IN_PROGRESS, 2)  # the shared caregiver's two
    assert _status(farsta_goal, AFTER_YEAR) == (Status.NOT_MET, 2)
    assert _status(city_goal, MID_YEAR) == (Status.MET, 3)  # each offer once


# --- Assessed by hand, and years not begun -------------------------------------------------------------


def test_a_goal_assessed_by_hand_takes_its_status_and_comment(city):
    goal = GoalFactory(
        district=city["bromma"],
        measure=Measure.BY_HAND,
        target=None,
        assessed_status=Status.MET,
        comment="The caregivers' survey: 87 % experience good support.",
    )

    status = goal_status(goal, today=AFTER_YEAR)

    assert (status.status, status.figure, status.target, status.comment) == (
        Status.MET,
        None,
        None,
        "The caregivers' survey: 87 % experience good support.",
    )


def test_a_goal_of_a_year_not_begun_is_in_progress_without_a_figure_and_costs_no_query(city, django_assert_num_queries):
    goal = GoalFactory(district=city["bromma"], year=2030, measure=Measure.CAREGIVERS_REACHED, target=5)

    with django_assert_num_queries(0):
        status = goal_status(goal, today=MID_YEAR)

    assert (status.status, status.figure) == (Status.IN_PROGRESS, None)


# --- Batching -----------------------------------------------------------------------------------------


def _goals_of_every_measure(districts, year):
    goals = []
    for district in [*districts, None]:
        for measure, target in (
            (Measure.CAREGIVERS_REACHED, 5),
            (Measure.TALKS_SCORED_SHARE, 50),
            (Measure.DESCRIPTIONS_SHARE, 100),
            (Measure.COMPONENTS_OFFERED, 1),
            (Measure.SUPPORT_CONTACTS_OFFERED, 2),
        ):
            goals.append(GoalFactory(district=district, year=year, measure=measure, target=target))
        goals.append(
            GoalFactory(district=district, year=year, measure=Measure.BY_HAND, target=None, assessed_status="met")
        )
    return goals


def _queries(goals) -> int:
    with CaptureQueriesContext(connection) as captured:
        goal_statuses(goals, today=MID_YEAR)
    return len(captured)


def test_the_status_of_many_goals_costs_the_same_queries_as_of_few(city):
    InterventionTypeFactory(code="talks")
    few = _goals_of_every_measure([city["bromma"]], 2026)
    more_districts = [city["farsta"], *(DistrictFactory() for _ in range(5))]
    many = few + _goals_of_every_measure(more_districts, 2026)
    _queries(few)

    assert len(many) == 8 * 6 + 6
    # Per year: the districts' caregivers (summed from the facts, 1 query); the outcome figures (summed
    # from the facts: the year's, the answers' from its first day, the consultants' roles and the
    # intervention types', 4); the city's (its caregivers and offers, read once for both city-wide
    # measures: 2), the districts' offers (1); 2 for descriptions (and the allocations), 3 for the coverage.
    assert _queries(few) == 13
    assert _queries(many) == 13


def test_goals_of_two_years_cost_each_selector_once_per_year(city):
    one_year = _goals_of_every_measure([city["bromma"]], 2026)
    two_years = one_year + _goals_of_every_measure([city["bromma"], city["farsta"]], 2025)
    _queries(two_years)

    # The second year reads everything again but the allocations and the coverage (not dated).
    assert (_queries(one_year), _queries(two_years)) == (13, 13 + 10)
