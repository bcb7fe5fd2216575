"""Outcome figures against counts made by hand on a small fixed dataset (see ``dataset``)."""

import datetime

import pytest

from caregivers.tests.factories import CaregiverFactory
from consultants.models import ConsultantRole
from consultants.tests.factories import ConsultantFactory
from districts.tests.factories import DistrictFactory
from figures.definitions import SCOPE
from figures.periods import Period
from followup.occasions import facts_rebuild
from interventions.models import GroupKind, GroupMeeting
from interventions.tests.factories import (
    ContactFactory,
    GroupFactory,
    GuidanceTalksTypeFactory,
    InterventionTypeFactory,
    OrganiserFactory,
)
from outcomes.selectors import (
    flat,
    mean_ors_change,
    ors_change,
    outcome_figures,
    share_desired,
    share_followed_up,
    share_scored,
)
from outcomes.tests.factories import FollowUpAnswerFactory, GuidanceTalkFactory, TalkScoreFactory
from outcomes.tests.recount import outcome_recount

YEAR = Period.year(2026)
T1 = Period.tertial(2026, 1)  # January to April


def d(month: int, day: int = 1, year: int = 2026) -> datetime.date:
    return datetime.date(year, month, day)


@pytest.fixture
def dataset(db):
    """Bromma and Farsta, 2026.

    Bromma (consultant Kim 65+, dementia nurse Nora), talks and ORS:
      Anna  1 (Jan 10, Kim, ORS 15)  2 (Feb 10, Kim, SRS 30 only)  3 (Mar 10, Nora, ORS 25)  -> +10
      Bo    1 (2025-11-01, Kim, ORS 20)  2 (Jan 15, Kim, ORS 18)                            -> -2
      Cia   1 (Apr 1, Kim, ORS 12)                                      -> no second ORS: not measured
      Dan   1 (Feb 1, Kim, ORS 10)  2 (May 1, Kim, ORS 16)                                 -> +6
      Fay   1 (Feb 1, Kim, ORS 30)  2 (Mar 1, Kim, no score)            -> no second ORS: not measured
      Ivy   1 (2025-10-01, Kim): only in 2025
    Farsta (consultant Li, all ages), talks and ORS:
      Dan   1 (Mar 1, ORS 20)  2 (Jun 1, ORS 20)                                            -> 0
      Eva   1 (Feb 1, ORS 22)  2 (Jun 1, ORS 26)  3 (Jul 1, ORS 40, deleted)               -> +4
    Groups: Bromma's own group met Mar 5 (Nora) with Anna and Gus; Farsta's circle met Apr 2 (Li)
    with Hal and Dan.
    Follow-up answers:
      Anna after talks (Bromma, Nora, Apr 1, yes); Bo after talks (Bromma, Kim, Feb 1, no);
      Anna after the group (Nora, Mar 20, partly); an unnamed group participant (Nora, Mar 20, yes);
      Dan after talks in Farsta (Li, Jul 1, yes); Hal after the circle (Li, May 1, yes);
      Ivy after talks (Bromma, Kim, 2025-12-20, yes): before the period.
    """
    bromma, farsta = DistrictFactory(code="bromma"), DistrictFactory(code="farsta")
    kim = ConsultantFactory(ref="KIM", home_district=bromma, target_group="65_plus")
    nora = ConsultantFactory(ref="NORA", home_district=bromma, role=ConsultantRole.DEMENTIA_NURSE)
    li = ConsultantFactory(ref="LI", home_district=farsta, target_group="all")
    talks = GuidanceTalksTypeFactory()
    own_groups = InterventionTypeFactory(code="own_groups", name="Anhöriggrupp")
    circles = InterventionTypeFactory(code="circles", name="Anhörigcirkel")
    people = {
        name: CaregiverFactory(label=name, districts=[bromma])
        for name in ("Anna", "Bo", "Cia", "Dan", "Fay", "Gus", "Ivy")
    }
    people |= {name: CaregiverFactory(label=name, districts=[farsta]) for name in ("Eva", "Hal")}
    people["Dan"].districts.add(farsta)

    def talk(name, number, date, consultant, ors=None, srs=None, **extra):
        contact = GuidanceTalkFactory(
            caregiver=people[name], talk_number=number, date=date, consultant=consultant,
            district=consultant.home_district, intervention_type=talks, **extra,
        )  # fmt: skip
        if ors is not None or srs is not None:
            TalkScoreFactory(talk=contact, ors=ors, srs=srs)
        return contact

    talk("Anna", 1, d(1, 10), kim, ors=15)
    talk("Anna", 2, d(2, 10), kim, srs=30)
    talk("Anna", 3, d(3, 10), nora, ors=25)
    talk("Bo", 1, d(11, 1, 2025), kim, ors=20)
    talk("Bo", 2, d(1, 15), kim, ors=18)
    talk("Cia", 1, d(4, 1), kim, ors=12)
    talk("Dan", 1, d(2, 1), kim, ors=10)
    talk("Dan", 2, d(5, 1), kim, ors=16)
    talk("Fay", 1, d(2, 1), kim, ors=30)
    talk("Fay", 2, d(3, 1), kim)
    talk("Ivy", 1, d(10, 1, 2025), kim)
    talk("Dan", 1, d(3, 1), li, ors=20)
    talk("Dan", 2, d(6, 1), li, ors=20)
    talk("Eva", 1, d(2, 1), li, ors=22)
    talk("Eva", 2, d(6, 1), li, ors=26)
    talk("Eva", 3, d(7, 1), li, ors=40, deleted_at=datetime.datetime(2026, 7, 2, tzinfo=datetime.UTC))

    group = GroupFactory(district=bromma, kind=GroupKind.OWN_GROUP)
    circle = GroupFactory(district=farsta, kind=GroupKind.CIRCLE, organiser=OrganiserFactory(), max_meetings=4)
    for g, date, consultant, names, kind_type in (
        (group, d(3, 5), nora, ("Anna", "Gus"), own_groups),
        (circle, d(4, 2), li, ("Hal", "Dan"), circles),
    ):
        meeting = GroupMeeting.objects.create(group=g, number=1, date=date, duration_minutes=90, consultant=consultant)
        meeting.attendees.set([people[n] for n in names])
        for n in names:
            ContactFactory(
                meeting=meeting, caregiver=people[n], date=date, consultant=consultant, district=g.district,
                intervention_type=kind_type, channel="group_meeting", duration_minutes=90,
            )  # fmt: skip

    def answer(name, consultant, date, result, group=None, intervention_type=talks):
        FollowUpAnswerFactory(
            caregiver=people[name] if name else None, consultant=consultant, district=consultant.home_district,
            date=date, result=result, group=group, intervention_type=intervention_type,
        )  # fmt: skip

    answer("Anna", nora, d(4, 1), "yes")
    answer("Bo", kim, d(2, 1), "no")
    answer("Anna", nora, d(3, 20), "partly", group=group, intervention_type=own_groups)
    answer(None, nora, d(3, 20), "yes", group=group, intervention_type=own_groups)
    answer("Dan", li, d(7, 1), "yes")
    answer("Hal", li, d(5, 1), "yes", group=circle, intervention_type=circles)
    answer("Ivy", kim, d(12, 20, 2025), "yes")
    return bromma, farsta


def _part(**values) -> dict:
    fields = ("talks", "talks_scored", "series", "change_sum", "improved", "caregivers", "followed_up")
    return dict.fromkeys((*fields, "answers", "desired", "partly"), 0) | values


def test_ors_change_on_the_fixed_dataset(dataset, django_assert_num_queries):
    bromma, farsta = dataset

    with django_assert_num_queries(4):  # two reads of the facts, the consultants and the types
        figures = outcome_figures(period=YEAR)

    assert figures[bromma.pk]["ors"] == {"series": 3, "change_sum": 14, "improved": 2}  # +10, -2, +6
    assert figures[farsta.pk]["ors"] == {"series": 2, "change_sum": 4, "improved": 1}  # 0, +4
    assert mean_ors_change(figures[bromma.pk]["ors"]) == 4.7  # 14 / 3
    assert mean_ors_change(figures[farsta.pk]["ors"]) == 2.0


def test_ors_change_counts_in_the_period_of_the_last_scored_talk(dataset):
    bromma, farsta = dataset

    figures = outcome_figures(period=T1)

    # Anna's last ORS is in March, Bo's in January; Dan's (May, June) and Eva's (June) are later.
    assert figures[bromma.pk]["ors"] == {"series": 2, "change_sum": 8, "improved": 1}
    assert figures[farsta.pk]["ors"] == {"series": 0, "change_sum": 0, "improved": 0}


def test_ors_change_by_role_and_intervention_type(dataset):
    bromma, farsta = dataset

    figures = outcome_figures(period=YEAR)

    # Anna's last ORS was given by the dementia nurse; Bo's and Dan's by Kim (65+).
    bromma_roles = figures[bromma.pk]["by_role"]
    assert {k: (v["series"], v["change_sum"], v["improved"]) for k, v in bromma_roles.items()} == {
        "dementia_nurse": (1, 10, 1),
        "consultant_65_plus": (2, 4, 1),
    }
    assert mean_ors_change(bromma_roles["consultant_65_plus"]) == 2.0
    farsta_talks = figures[farsta.pk]["by_type"]["guidance_talks"]
    assert (farsta_talks["series"], farsta_talks["change_sum"], farsta_talks["improved"]) == (2, 4, 1)
    assert figures[farsta.pk]["by_role"]["consultant_all"]["series"] == 2


def test_talks_and_talks_scored(dataset):
    bromma, farsta = dataset

    figures = outcome_figures(period=YEAR)

    # Bromma: Anna 3, Bo 1, Cia 1, Dan 2, Fay 2 talks in 2026; all scored but Fay's second.
    assert (figures[bromma.pk]["talks"], figures[bromma.pk]["talks_scored"]) == (9, 8)
    # Farsta: Dan 2, Eva 2 (her third is deleted).
    assert (figures[farsta.pk]["talks"], figures[farsta.pk]["talks_scored"]) == (4, 4)
    roles = figures[bromma.pk]["by_role"]
    assert (roles["consultant_65_plus"]["talks"], roles["consultant_65_plus"]["talks_scored"]) == (8, 7)
    assert (roles["dementia_nurse"]["talks"], roles["dementia_nurse"]["talks_scored"]) == (1, 1)
    assert share_scored(flat(figures[bromma.pk])) == 88.9  # 8 / 9


def test_followup_shares_per_district(dataset):
    bromma, farsta = dataset

    figures = outcome_figures(period=YEAR)

    # Bromma reached Anna, Bo, Cia, Dan, Fay (talks) and Gus (group); Anna and Bo were followed up there.
    assert figures[bromma.pk]["followup"] == {
        "caregivers": 6, "followed_up": 2, "answers": 4, "desired": 2, "partly": 1,
    }  # fmt: skip
    # Farsta reached Dan, Eva (talks), Hal (circle); Dan and Hal were followed up.
    assert figures[farsta.pk]["followup"] == {
        "caregivers": 3, "followed_up": 2, "answers": 2, "desired": 2, "partly": 0,
    }  # fmt: skip
    assert share_followed_up(flat(figures[bromma.pk])) == 33.3
    assert share_desired(flat(figures[bromma.pk])) == 50.0
    assert share_desired(flat(figures[farsta.pk])) == 100.0


def test_followup_by_intervention_type_and_role(dataset):
    bromma, farsta = dataset

    figures = outcome_figures(period=YEAR)

    by_type = figures[bromma.pk]["by_type"]
    assert by_type["guidance_talks"] == _part(
        talks=9, talks_scored=8, series=3, change_sum=14, improved=2,
        caregivers=5, followed_up=2, answers=2, desired=1,
    )  # fmt: skip
    assert by_type["own_groups"] == _part(caregivers=2, followed_up=1, answers=2, desired=1, partly=1)
    circles = figures[farsta.pk]["by_type"]["circles"]
    # Dan was followed up after his talks, not after the circle.
    assert (circles["caregivers"], circles["followed_up"], circles["answers"]) == (2, 1, 1)
    roles = figures[bromma.pk]["by_role"]
    assert (roles["dementia_nurse"]["answers"], roles["dementia_nurse"]["desired"]) == (3, 2)
    assert (roles["consultant_65_plus"]["answers"], roles["consultant_65_plus"]["desired"]) == (1, 0)


def test_the_scope_as_one_counts_a_caregiver_once(dataset, django_assert_num_queries):
    with django_assert_num_queries(4):  # two reads of the facts, the consultants and the types
        combined = outcome_figures(period=YEAR, combined=True)

    scope = combined[SCOPE]
    assert list(combined) == [SCOPE]
    assert (scope["talks"], scope["talks_scored"]) == (13, 12)
    # A series is a district's: Dan's two series stay two.
    assert scope["ors"] == {"series": 5, "change_sum": 18, "improved": 3}
    # Dan, reached in both districts, counts once: Anna, Bo, Cia, Dan, Fay, Gus, Eva, Hal.
    assert scope["followup"] == {"caregivers": 8, "followed_up": 4, "answers": 6, "desired": 4, "partly": 1}
    assert share_followed_up(flat(scope)) == 50.0
    assert mean_ors_change(scope["ors"]) == 3.6
    assert (scope["by_type"]["guidance_talks"]["caregivers"], scope["by_type"]["guidance_talks"]["followed_up"]) == (
        6,
        3,
    )


def test_an_earlier_period_and_a_subset_of_districts(dataset):
    bromma, farsta = dataset

    earlier = outcome_figures(period=Period.year(2025))
    only_farsta = outcome_figures(period=YEAR, district_ids=[farsta.pk])

    # 2025: Bo's first talk and Ivy's, no series measured. Both were followed up on or after the
    # period's first day: Ivy in December, Bo in February 2026 (follow-up comes after the talks).
    assert (earlier[bromma.pk]["talks"], earlier[bromma.pk]["ors"]["series"]) == (2, 0)
    assert earlier[bromma.pk]["followup"] == {
        "caregivers": 2, "followed_up": 2, "answers": 1, "desired": 1, "partly": 0,
    }  # fmt: skip
    assert list(only_farsta) == [farsta.pk]
    assert outcome_figures(period=Period.year(2024)) == {}


@pytest.mark.parametrize(
    ("scores", "expected"),
    [
        ({1: 15, 3: 25}, 10),
        ({1: 20, 2: 18}, -2),
        ({1: 12}, None),  # one ORS only
        ({2: 12, 4: 30}, None),  # no ORS at the first talk
        ({1: 20, 2: 20}, 0),
        ({1: 10, 2: 30, 3: 14}, 4),  # the last one counts, not the best
    ],
)
def test_ors_change_definition(scores, expected):
    assert ors_change(scores) == expected


def test_shares_without_a_denominator_are_none():
    empty = _part()
    assert (share_scored(empty), share_followed_up(empty), share_desired(empty), mean_ors_change(empty)) == (
        None,
        None,
        None,
        None,
    )


@pytest.mark.django_db
def test_a_district_without_talks_is_absent():
    bromma = DistrictFactory(code="bromma")
    ConsultantFactory(home_district=bromma)
    assert outcome_figures(period=YEAR, district_ids=[bromma.pk]) == {}


def test_the_figures_summed_from_the_facts_equal_a_recount_of_the_rows_at_any_range(dataset):
    """Standard periods and ranges that cut months and years, per district and as one scope; then
    after a rebuild of the facts from the rows."""
    ranges = [
        YEAR, T1, Period.year(2025), Period.month(2026, 3),
        Period.custom(d(2, 15), d(6, 10)), Period.custom(d(12, 15, 2025), d(3, 9)), Period.custom(d(3, 20), d(3, 20)),
    ]  # fmt: skip
    for period in ranges:
        for combined in (False, True):
            assert outcome_figures(period=period, combined=combined) == outcome_recount(
                period=period, combined=combined
            ), (period, combined)
        bromma = dataset[0].pk
        assert outcome_figures(period=period, district_ids=[bromma]) == outcome_recount(
            period=period, district_ids=[bromma]
        )
    kept = {period: outcome_figures(period=period) for period in ranges}
    facts_rebuild()
    assert kept == {period: outcome_figures(period=period) for period in ranges}
    assert kept[YEAR]  # not an empty comparison
