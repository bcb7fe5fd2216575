"""Goals on the district dashboard and the city page."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Role
from accounts.tests.factories import UserFactory
from goals.models import Measure, Status
from interventions.tests.factories import InterventionTypeFactory

from .factories import GoalFactory


@pytest.fixture
def goals(city):
    bromma, farsta = city["bromma"], city["farsta"]
    hand = {"measure": Measure.BY_HAND, "target": None, "comment": "Survey"}
    return {
        "bromma": GoalFactory(district=bromma, title="Bromma's goal", **hand, assessed_status=Status.MET),
        "bromma_2": GoalFactory(district=bromma, title="Bromma's other", **hand, assessed_status=Status.NOT_MET),
        "farsta": GoalFactory(district=farsta, title="Farsta's goal", **hand, assessed_status=Status.IN_PROGRESS),
        "city": GoalFactory(district=None, title="The city's goal", **hand, assessed_status=Status.IN_PROGRESS),
        "last_year": GoalFactory(district=bromma, year=2025, title="Last year's", **hand, assessed_status=Status.MET),
    }


def test_the_dashboard_shows_the_districts_and_the_citys_goals_of_the_periods_year(city, goals, login):
    client = login(UserFactory(role=Role.MANAGER, districts=[city["bromma"]]))

    year = client.get("/dashboard/bromma/", {"kind": "year", "year": 2026})
    tertial = client.get("/dashboard/bromma/", {"kind": "tertial", "year": 2025, "tertial": 2})

    assert [(r.goal.title, r.status.status) for r in year.context["goals"]] == [
        ("The city's goal", "in_progress"),
        ("Bromma's goal", "met"),
        ("Bromma's other", "not_met"),
    ]
    assert 'id="dashboard-goals"' in year.content.decode()
    assert "Farsta&#x27;s goal" not in year.content.decode()
    assert [r.goal.title for r in tertial.context["goals"]] == ["Last year's"]


def test_the_city_page_shows_the_city_wide_goals_and_each_districts_count_by_status(city, goals, login):
    client = login(UserFactory(role=Role.STRATEGIST))

    response = client.get("/city/", {"kind": "year", "year": 2026})

    summary = response.context["city_goals"]
    assert [row.goal.title for row in summary["city"]] == ["The city's goal"]
    assert [(d["district"]["code"], d["total"], d["counts"]) for d in summary["districts"]] == [
        ("bromma", 2, {"met": 1, "not_met": 1, "in_progress": 0}),
        ("farsta", 1, {"met": 0, "not_met": 0, "in_progress": 1}),
    ]


def _queries(client, url, params) -> int:
    with CaptureQueriesContext(connection) as captured:
        client.get(url, params)
    return len(captured)


def test_the_dashboards_goal_queries_do_not_grow_with_the_goals(city, login):
    InterventionTypeFactory(code="talks")
    client = login(UserFactory(role=Role.MANAGER, districts=[city["bromma"]]))
    page = ("/dashboard/bromma/", {"kind": "year", "year": 2026})
    _queries(client, *page)
    without_goals = _queries(client, *page)
    for measure, target in ((Measure.DESCRIPTIONS_SHARE, 100), (Measure.COMPONENTS_OFFERED, 1)):
        GoalFactory(district=city["bromma"], measure=measure, target=target)

    few = _queries(client, *page)
    for n in range(5):
        GoalFactory(district=city["bromma"], measure=Measure.COMPONENTS_OFFERED, target=1, title=f"c{n}")
        GoalFactory(district=None, measure=Measure.DESCRIPTIONS_SHARE, target=100, title=f"d{n}")
    many = _queries(client, *page)

    # 2 for the descriptions (allocations, documented) and 3 for the coverage (districts, offerings,
    # components), however many goals; the goals' own query is there without goals too.
    assert (few - without_goals, many - without_goals) == (5, 5)
