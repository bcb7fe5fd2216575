"""Publication variants of the dashboard's and the city overview's CSV downloads (issue 7, part 8)."""

import datetime

import pytest
from django.utils import translation

from accounts.models import Role
from accounts.tests.factories import UserFactory
from caregivers.tests.factories import CaregiverFactory
from consultants.tests.factories import AllocationFactory, ConsultantFactory
from districts.tests.factories import DistrictFactory
from figures.periods import Period
from figures.snapshots import figures_rebuild
from figures.tables import Line
from followup.publication import MARK, NOTE, _determined, suppress_tables_for_publication
from followup.selectors import district_dashboard
from followup.tables import dashboard_links, dashboard_tables
from interventions.tests.factories import AdviceTypeFactory, ContactFactory

PARAMS = {"kind": "year", "year": 2026}


@pytest.fixture
def city(db):
    """Bromma reached 7 caregivers (5 women, 2 men), Farsta 3 women, Kista nobody."""
    advice = AdviceTypeFactory()
    districts = {}
    for code, genders in (("bromma", ["woman"] * 5 + ["man"] * 2), ("farsta", ["woman"] * 3), ("kista", [])):
        district = DistrictFactory(code=code, name=code.title())
        consultant = ConsultantFactory(home_district=district)
        AllocationFactory(consultant=consultant, percent=100)
        for i, gender in enumerate(genders):
            caregiver = CaregiverFactory(districts=[district], gender=gender)
            ContactFactory(district=district, consultant=consultant, intervention_type=advice, caregiver=caregiver,
                           date=datetime.date(2026, 3, 1 + i))  # fmt: skip
        districts[code] = district
    figures_rebuild()
    return districts


def _csv(response) -> list[list[str]]:
    assert response.status_code == 200
    return [line.split(";") for line in response.content.decode("utf-8").lstrip("\ufeff").splitlines()]


def test_the_dashboards_publication_csv_hides_small_person_counts_and_their_giveaways(city, login, in_english):
    client = login(UserFactory(role=Role.MANAGER, districts=[city["bromma"]]))

    internal = _csv(client.get("/dashboard/bromma/gender.csv", PARAMS))
    published = client.get("/dashboard/bromma/gender.publication.csv", PARAMS)
    headline = _csv(client.get("/dashboard/bromma/headline.publication.csv", PARAMS))
    channel = _csv(client.get("/dashboard/bromma/channel.publication.csv", PARAMS))

    # The true counts inside: 5 women, 2 men; a city median of 3 women (5, 3, 0) and 0 men.
    assert internal[1:] == [["Woman", "5", "0", "3"], ["Man", "2", "0", "0"]]
    assert published["Content-Disposition"] == 'attachment; filename="bromma-2026-gender-publication.csv"'
    rows = _csv(published)
    # 2 men hidden; then 5 women, or the 7 caregivers reached (the headline) would give the 2 away.
    assert rows[1:] == [["Woman", MARK, "0", MARK], ["Man", MARK, "0", "0"], [str(NOTE)]]
    caregivers = next(row for row in headline if row[0] == "Caregivers reached (unique)")
    contacts = next(row for row in headline if row[0] == "Contact occasions")
    assert caregivers == ["Caregivers reached (unique)", "7", "0", MARK]  # the city median of 3 hidden
    assert contacts[1] == "7"  # occasions are published as they are
    # By channel: 7 contacts and 7 caregivers by phone, both 5 or more.
    assert channel[1][:3] == ["Phone", "7", "7"]


def test_no_hidden_cell_of_the_dashboard_can_be_worked_out_from_its_totals(city):
    with translation.override("en"):
        data = district_dashboard(district=city["bromma"], period=Period.year(2026))
        tables = dashboard_tables(data=data, period=Period.year(2026))
    links = dashboard_links(tables, data)

    published = suppress_tables_for_publication(tables, links)

    hidden = {(t.id, r, c) for t in published for r, row in enumerate(t.rows) for c, v in enumerate(row) if v == MARK}
    own = [Line((t.id, *line.total), tuple((t.id, *p) for p in line.parts)) for t in tables for line in t.lines]
    # The 5 women and 2 men; city medians of 3 (Bromma 7, Farsta 3, Kista 0) are person counts too.
    assert sorted(hidden) == [
        ("age_band", 0, 3),
        ("condition", 0, 3),
        ("gender", 0, 1),
        ("gender", 0, 3),
        ("gender", 1, 1),
        ("headline", 1, 3),
        ("relation", 0, 3),
    ]
    assert _determined(hidden, [*own, *links]) == set()
    for line in [*own, *links]:
        assert sum(cell in hidden for cell in line.cells) != 1, line
    for table, shown in zip(tables, published, strict=True):
        for r, row in enumerate(shown.rows):
            for c, value in enumerate(row):
                true = table.rows[r][c]
                assert value == true or (value == MARK and isinstance(true, int)), (table.id, r, c)


def test_the_city_publication_csv_hides_small_caregiver_counts_with_their_per_fte_values(city, login, in_english):
    client = login(UserFactory(role=Role.STRATEGIST))

    internal = _csv(client.get("/city/figures.csv", PARAMS))
    published = _csv(client.get("/city/figures.publication.csv", PARAMS))
    coverage = _csv(client.get("/city/coverage.publication.csv", PARAMS))

    header = internal[0]
    at = header.index("Caregivers reached (unique)")
    assert header[at : at + 4] == ["Caregivers reached (unique)", "per FTE", "per 1,000 inhabitants", "outlier"]
    assert [row[at : at + 2] for row in internal[1:]] == [["7", "7"], ["3", "3"], ["0", "0"]]
    # Farsta's 3 hidden, and its value per FTE (3 on one post) and the rest that would tell it.
    assert [row[at : at + 4] for row in published[1:4]] == [
        ["7", "7", "", ""],
        [MARK, MARK, MARK, MARK],
        ["0", "0", "", ""],
    ]
    contacts = header.index("Contact occasions")
    assert [row[contacts] for row in published[1:4]] == ["7", "3", "0"]  # occasions as they are
    assert published[4] == [str(NOTE)]
    assert coverage == _csv(client.get("/city/coverage.csv", PARAMS))  # nothing to hide there


def test_the_internal_csvs_are_unchanged_and_the_pages_link_the_publication_variants(city, login):
    client = login(UserFactory(role=Role.STRATEGIST))

    internal = client.get("/dashboard/bromma/gender.csv", PARAMS).content.decode()
    dashboard = client.get("/dashboard/bromma/", PARAMS).content.decode()
    overview = client.get("/city/", PARAMS).content.decode()

    assert MARK not in internal
    assert "/dashboard/bromma/gender.publication.csv?" in dashboard
    assert "/dashboard/bromma/headline.publication.csv?" in dashboard
    assert "/city/figures.publication.csv?" in overview
    assert "/city/coverage.publication.csv?" in overview


def test_the_publication_csvs_follow_the_internal_ones_access(city, login):
    manager = login(UserFactory(role=Role.MANAGER, districts=[city["bromma"]]))
    assert manager.get("/dashboard/farsta/gender.publication.csv", PARAMS).status_code == 404
    assert manager.get("/dashboard/bromma/nothing.publication.csv", PARAMS).status_code == 404
    assert manager.get("/city/figures.publication.csv", PARAMS).status_code == 404
