"""The collaboration figures against hand counts: a network's activity once per district, once combined."""

import datetime

import pytest

from collaboration.models import ActivityParticipants
from collaboration.selectors import activity_units, collaboration_figures
from districts.tests.factories import DistrictFactory, NetworkFactory
from figures.definitions import SCOPE
from figures.periods import Period

from .factories import (
    CaseOfficerUnitFactory,
    CollaborationActivityFactory,
    MeasurementFactory,
    OutreachActivityFactory,
    PartnerFactory,
)

YEAR = Period.year(2025)


@pytest.fixture
def city(db):
    """Sydost (Enskede, Farsta, Skarpnäck) and Bromma outside it."""
    enskede, farsta, skarpnack, bromma = (
        DistrictFactory(code=c, name=n)
        for c, n in (
            ("enskede", "Enskede-Årsta-Vantör"),
            ("farsta", "Farsta"),
            ("skarpnack", "Skarpnäck"),
            ("bromma", "Bromma"),
        )
    )
    sydost = NetworkFactory(code="sydost", name="Sydost", districts=[enskede, farsta, skarpnack])
    return {"enskede": enskede, "farsta": farsta, "skarpnack": skarpnack, "bromma": bromma, "sydost": sydost}


def _participants(activity, **counts):
    for kind, count in counts.items():
        ActivityParticipants.objects.create(activity=activity, kind=kind, count=count)


def test_the_counting_rule_counts_an_activity_once_per_district_and_once_combined():
    pairs = [(1, 10), (1, 11), (1, 12), (2, 10), (3, 13)]

    assert activity_units(pairs, combined=False) == {10: {1, 2}, 11: {1}, 12: {1}, 13: {3}}
    assert activity_units(pairs, combined=True) == {SCOPE: {1, 2, 3}}


def test_a_networks_joint_activity_counts_once_in_each_member_and_once_city_wide(city):
    joint = CollaborationActivityFactory(kind="joint_activity", network=city["sydost"])
    _participants(joint, caregivers=30, consultants=3)
    CollaborationActivityFactory(kind="meeting", districts=[city["bromma"]])
    ids = [city[c].pk for c in ("enskede", "farsta", "skarpnack", "bromma")]

    per_district = collaboration_figures(period=YEAR, district_ids=ids)
    city_wide = collaboration_figures(period=YEAR, combined=True)[SCOPE]
    network = collaboration_figures(period=YEAR, district_ids=[city[c].pk for c in ("enskede", "farsta", "skarpnack")],
                                    combined=True)[SCOPE]  # fmt: skip

    assert sorted(joint.districts.values_list("code", flat=True)) == ["enskede", "farsta", "skarpnack"]
    for code in ("enskede", "farsta", "skarpnack"):
        assert per_district[city[code].pk]["activities"] == 1
        assert per_district[city[code].pk]["activities_by_kind"] == {"joint_activity": 1}
        assert per_district[city[code].pk]["participants"] == 33
    assert per_district[city["bromma"].pk]["activities_by_kind"] == {"meeting": 1}
    # The districts add up to 4; the city held 2 activities, the network 1.
    assert sum(f["activities"] for f in per_district.values()) == 4
    assert city_wide["activities"] == 2
    assert city_wide["activities_by_kind"] == {"joint_activity": 1, "meeting": 1}
    assert city_wide["participants_by_kind"] == {"caregivers": 30, "consultants": 3}
    assert network["activities"] == 1
    assert network["participants"] == 33


def test_chosen_districts_combined_count_a_shared_activity_once(city):
    CollaborationActivityFactory(districts=[city["farsta"], city["bromma"]])

    chosen = collaboration_figures(period=YEAR, district_ids=[city["farsta"].pk, city["bromma"].pk], combined=True)
    one = collaboration_figures(period=YEAR, district_ids=[city["farsta"].pk], combined=True)

    assert chosen[SCOPE]["activities"] == 1
    assert one[SCOPE]["activities"] == 1
    assert list(chosen) == [SCOPE]


def test_partners_involved_are_distinct_partners_by_kind(city):
    clinic = PartnerFactory(kind="memory_clinic", districts=[city["farsta"]])
    church = PartnerFactory(kind="church", districts=[city["farsta"], city["bromma"]])
    CollaborationActivityFactory(districts=[city["farsta"]]).partners.set([clinic, church])
    CollaborationActivityFactory(districts=[city["bromma"]]).partners.set([church])

    figures = collaboration_figures(period=YEAR, district_ids=[city["farsta"].pk, city["bromma"].pk])
    city_wide = collaboration_figures(period=YEAR, combined=True)[SCOPE]

    assert figures[city["farsta"].pk]["partners_by_kind"] == {"memory_clinic": 1, "church": 1}
    assert figures[city["bromma"].pk]["partners_by_kind"] == {"church": 1}
    assert city_wide["partners"] == 2


def test_outreach_reach_of_a_shared_activity_counts_once_and_unknown_reach_is_counted_apart(city):
    OutreachActivityFactory(kind="carers_day", network=city["sydost"], reach=120)
    OutreachActivityFactory(kind="newsletter", districts=[city["farsta"]], reach=None)
    OutreachActivityFactory(kind="public_lecture", districts=[city["bromma"]], reach=35)
    OutreachActivityFactory(kind="public_lecture", districts=[city["bromma"]], date=datetime.date(2024, 12, 31))

    figures = collaboration_figures(period=YEAR, district_ids=[city["farsta"].pk, city["skarpnack"].pk])
    city_wide = collaboration_figures(period=YEAR, combined=True)[SCOPE]

    farsta = figures[city["farsta"].pk]
    assert (farsta["outreach"], farsta["reach"], farsta["unknown_reach"]) == (2, 120, 1)
    assert farsta["outreach_by_kind"] == {
        "carers_day": {"activities": 1, "reach": 120, "unknown_reach": 0},
        "newsletter": {"activities": 1, "reach": 0, "unknown_reach": 1},
    }
    assert figures[city["skarpnack"].pk]["reach"] == 120
    # The carers' day reached 120 people once, not three times.
    assert (city_wide["outreach"], city_wide["reach"], city_wide["unknown_reach"]) == (3, 155, 1)


def test_the_case_officers_share_sums_the_units_measurements_overlapping_the_period(city):
    """213 of 500 new cases: 42.6 %, Nacka's share; not the mean of the units' shares (43.25 %)."""
    north = CaseOfficerUnitFactory(districts=[city["farsta"]])
    south = CaseOfficerUnitFactory(districts=[city["farsta"]])
    MeasurementFactory(unit=north, new_cases=300, informed_cases=120)  # 40.0 %
    MeasurementFactory(unit=south, new_cases=200, informed_cases=93, starts_on=datetime.date(2024, 9, 1),
                       ends_on=datetime.date(2025, 2, 28))  # fmt: skip  # 46.5 %, overlapping 2025
    MeasurementFactory(unit=south, new_cases=50, informed_cases=50, starts_on=datetime.date(2024, 1, 1),
                       ends_on=datetime.date(2024, 8, 31))  # fmt: skip  # outside 2025
    bromma_unit = CaseOfficerUnitFactory(districts=[city["bromma"]])
    MeasurementFactory(unit=bromma_unit, new_cases=100, informed_cases=50)

    farsta = collaboration_figures(period=YEAR, district_ids=[city["farsta"].pk])[city["farsta"].pk]
    city_wide = collaboration_figures(period=YEAR, combined=True)[SCOPE]
    nobody = collaboration_figures(period=YEAR, district_ids=[city["skarpnack"].pk])[city["skarpnack"].pk]

    assert farsta["case_officers"] == {
        "units": 2,
        "measurements": 2,
        "new_cases": 500,
        "informed_cases": 213,
        "share": 42.6,
    }
    assert city_wide["case_officers"]["new_cases"] == 600
    assert city_wide["case_officers"]["share"] == 43.8  # 263 of 600
    assert nobody["case_officers"]["share"] is None


def test_nackas_published_share_is_reproduced_from_a_measurement(city):
    """Report 003: 42.6 % of new cases. 29 of 68 gives 42.65 %, shown as 42.6."""
    unit = CaseOfficerUnitFactory(districts=[city["farsta"]])
    measurement = MeasurementFactory(unit=unit, new_cases=68, informed_cases=29)

    assert measurement.share == 42.6


def test_figures_take_five_queries_whatever_the_data(city, django_assert_num_queries):
    for n in range(5):
        activity = CollaborationActivityFactory(network=city["sydost"])
        _participants(activity, caregivers=n + 1)
        activity.partners.set([PartnerFactory(districts=[city["farsta"]])])
        OutreachActivityFactory(districts=[city["bromma"]])
        MeasurementFactory(unit=CaseOfficerUnitFactory(districts=[city["farsta"]]))

    with django_assert_num_queries(5):
        collaboration_figures(period=YEAR)
    with django_assert_num_queries(5):
        collaboration_figures(period=YEAR, district_ids=[city["farsta"].pk], combined=True)
