import datetime

import pytest

from accounts.models import Role
from accounts.tests.factories import UserFactory
from consultants.tests.factories import AllocationFactory, ConsultantFactory
from districts.tests.factories import DistrictFactory
from figures.snapshots import figures_rebuild
from interventions.tests.factories import AdviceTypeFactory, ContactFactory, DistrictOfferingFactory


@pytest.fixture
def city(db):
    advice = AdviceTypeFactory()
    districts = []
    for n, contacts in enumerate((10, 11, 12, 13, 14, 80)):
        district = DistrictFactory(code=f"d{n}", name=f"D{n}", inhabitants=50_000 if n == 0 else None)
        consultant = ConsultantFactory(home_district=district)
        AllocationFactory(consultant=consultant, percent=100)
        for i in range(contacts):
            ContactFactory(district=district, consultant=consultant, intervention_type=advice,
                           date=datetime.date(2026, 2, 1 + i % 28))  # fmt: skip
        districts.append(district)
    DistrictOfferingFactory(district=districts[0], intervention_type=advice, target_group="all")
    DistrictOfferingFactory(district=districts[1], intervention_type=advice, target_group="65_plus")
    figures_rebuild()
    return districts


def test_strategist_sees_every_district_side_by_side_with_outliers_marked(city, login):
    response = login(UserFactory(role=Role.STRATEGIST)).get("/city/", {"kind": "year", "year": 2026})

    rows = response.context["overview"]["rows"]
    assert [(r["district"]["code"], r["values"]["contacts"], r["fte"]) for r in rows] == [
        ("d0", 10, 1.0), ("d1", 11, 1.0), ("d2", 12, 1.0), ("d3", 13, 1.0), ("d4", 14, 1.0), ("d5", 80, 1.0),
    ]  # fmt: skip
    assert [r["district"]["code"] for r in rows if "contacts" in r["outliers"]] == ["d5"]
    assert rows[0]["per_1000"]["contacts"] == 10 * 1000 / 50_000
    assert rows[1]["per_1000"]["contacts"] is None
    assert response.context["overview"]["medians"]["contacts"] == 12.5
    coverage = {row["district"]["code"]: row["cells"][0] for row in response.context["overview"]["coverage"]}
    # Declared, and delivered in the year (every contact of the fixture is advice).
    assert coverage["d0"] == {"under_65": True, "over_65": True, "occasions": 10, "mark": ""}
    assert coverage["d1"] == {"under_65": False, "over_65": True, "occasions": 11, "mark": ""}
    assert coverage["d2"] == {"under_65": False, "over_65": False, "occasions": 12, "mark": "undeclared"}


def test_city_overview_is_for_strategists_only(city, login):
    assert login(UserFactory(role=Role.MANAGER, districts=[city[0]])).get("/city/").status_code == 404


@pytest.mark.parametrize("extra", [0, 50])
def test_city_overview_query_count_does_not_grow(city, login, django_assert_num_queries, extra, moment_queries):
    for i in range(extra):
        ContactFactory(district=city[2], consultant=city[2].allocations.get().consultant,
                       date=datetime.date(2026, 3, 1 + i % 28))  # fmt: skip
    figures_rebuild()
    client = login(UserFactory(role=Role.STRATEGIST))

    # 16 (the follow-up figures, summed from the facts: the range's facts, the talk series' history,
    # the consultants', the intervention types' and the caregivers' attribute maps, the meetings, the circles), 4 for
    # the outcomes (summed from the facts: the range's, the answers' from its first day, the consultants' roles and
    # the intervention types'), 1 for the goals (the districts are the page's), 5 for the
    # collaboration section (per district and for the city as one, from the same rows).
    with django_assert_num_queries(26 + moment_queries):
        client.get("/city/", {"kind": "year", "year": 2026})


def test_city_tables_download_as_csv_as_shown(city, login):
    client = login(UserFactory(role=Role.STRATEGIST))
    params = {"kind": "year", "year": 2026}

    figures = client.get("/city/figures.csv", params).content.decode("utf-8").lstrip("\ufeff").splitlines()
    coverage = client.get("/city/coverage.csv", params).content.decode("utf-8").lstrip("\ufeff").splitlines()

    assert len(figures) == 1 + 6
    assert figures[1].split(";")[:6] == ["D0", "1.0", "10", "10", "0.2", ""]
    assert figures[6].split(";")[:6] == ["D5", "1.0", "80", "80", "", "ja"]
    assert [line.split(";")[:2] for line in coverage[1:3]] == [["D0", "båda"], ["D1", "65+"]]
    assert (
        login(UserFactory(role=Role.MANAGER, districts=[city[0]])).get("/city/figures.csv", params).status_code == 404
    )
