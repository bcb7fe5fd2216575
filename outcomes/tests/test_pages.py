"""The outcomes on the district dashboard and the city page: aggregates, for whoever sees the page."""

import pytest
from django.utils import translation

from accounts.models import Role
from accounts.tests.factories import UserFactory
from districts.models import District
from figures.snapshots import figures_rebuild
from outcomes.selectors import outcome_city, outcome_dashboard
from outcomes.tests.test_selectors import YEAR
from outcomes.tests.test_selectors import dataset as fixed_dataset  # noqa: F401 - the fixed dataset

PERIOD = {"kind": "year", "year": 2026}


@pytest.fixture
def dataset(fixed_dataset):  # noqa: F811
    """The fixed dataset, its facts rebuilt (the pages sum the outcome figures from them)."""
    figures_rebuild()
    return fixed_dataset


def test_the_dashboard_selector_sets_the_previous_period_beside(dataset):
    bromma, _farsta = dataset

    with translation.override("en"):
        data = outcome_dashboard(district=bromma, period=YEAR)
        roles = [(str(r["label"]), r["answers"]) for r in data["by_role"]]

    assert (data["now"]["series"], data["now"]["mean_change"], data["now"]["improved"]) == (3, 4.7, 2)
    assert (data["now"]["share_followed_up"], data["now"]["share_desired"]) == (33.3, 50.0)
    assert (data["previous"]["talks"], data["previous"]["mean_change"]) == (2, None)
    assert roles == [("Consultant 65+", 1), ("Dementia nurse", 3)]
    assert [r["label"] for r in data["by_type"]] == ["Anhöriggrupp", "Enskilda (vägledande) samtal"]


def test_the_district_dashboard_shows_the_outcomes(dataset, login):
    bromma, _farsta = dataset
    manager = login(UserFactory(role=Role.MANAGER, districts=[bromma]))

    response = manager.get(f"/dashboard/{bromma.code}/", PERIOD)

    assert response.status_code == 200
    assert response.context["outcomes"]["now"]["talks"] == 9
    assert 'id="outcomes-headline"' in response.content.decode()


def test_a_strategist_sees_every_districts_outcomes_side_by_side(dataset, login):
    strategist = login(UserFactory(role=Role.STRATEGIST))

    response = strategist.get("/city/", PERIOD)

    rows = {row["district"]["code"]: row["now"] for row in response.context["outcomes"]}
    assert response.status_code == 200
    assert (rows["bromma"]["mean_change"], rows["farsta"]["mean_change"]) == (4.7, 2.0)
    assert (rows["bromma"]["share_desired"], rows["farsta"]["share_desired"]) == (50.0, 100.0)
    districts = list(District.objects.order_by("name").values("pk", "code", "name"))
    assert rows == {r["district"]["code"]: r["now"] for r in outcome_city(period=YEAR, districts=districts)}
