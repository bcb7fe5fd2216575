import datetime

import pytest

from accounts.models import Role
from accounts.tests.factories import UserFactory
from caregivers.tests.factories import CaregiverFactory
from consultants.tests.factories import AllocationFactory, ConsultantFactory
from districts.tests.factories import DistrictFactory
from figures.snapshots import figures_rebuild
from followup.forms import PeriodForm
from interventions.tests.factories import AdviceTypeFactory, ContactFactory, DistrictOfferingFactory


@pytest.fixture
def city(db):
    bromma, farsta, kista = (DistrictFactory(code=c, name=c.title()) for c in ("bromma", "farsta", "kista"))
    advice = AdviceTypeFactory()
    DistrictOfferingFactory(district=bromma, intervention_type=advice, target_group="65_plus")
    for district, n in ((bromma, 4), (farsta, 2), (kista, 6)):
        consultant = ConsultantFactory(home_district=district)
        AllocationFactory(consultant=consultant, percent=80)
        caregiver = CaregiverFactory(districts=[district])
        for i in range(n):
            ContactFactory(district=district, consultant=consultant, intervention_type=advice,
                           date=datetime.date(2026, 3, 1 + i), caregiver=caregiver if i % 2 else None)  # fmt: skip
    ContactFactory(district=bromma, consultant=bromma.allocations.get().consultant, intervention_type=advice,
                   date=datetime.date(2025, 6, 1))  # fmt: skip
    figures_rebuild()  # the factories write rows directly, as a bulk load would
    return {"bromma": bromma, "farsta": farsta, "kista": kista}


def _headline(response) -> dict:
    return {row["name"]: (row["value"], row["previous"], row["median"]) for row in response.context["headline"]}


def test_manager_sees_the_year_with_previous_year_and_city_median(city, login):
    manager = UserFactory(role=Role.MANAGER, districts=[city["bromma"]])

    response = login(manager).get("/dashboard/bromma/", {"kind": "year", "year": 2026})

    headline = _headline(response)
    assert headline["contacts"] == (4, 1, 4)  # Bromma 4, 2025 had 1; median of 4, 2, 6 is 4
    assert headline["caregivers"] == (1, 0, 1)
    assert headline["anonymous"] == (2, 1, 2)  # the median of 2, 1 and 3
    channel = next(t for t in response.context["tables"] if t.id == "channel")
    assert channel.rows == [["Telefon", 4, 1, 1, 4]]  # with 2025 (1) and the median of 4, 2 and 6
    html = response.content.decode()
    assert '<th scope="row">Telefon</th><td class="align-middle"><svg class="bar"' in html
    assert '<rect width="100.0" height="1"/>' in html
    assert response.context["profile"]["fte"] == 0.8
    assert response.context["profile"]["coverage_groups"] == ["65+ (äldre)"]
    coverage = response.context["profile"]["coverage"]
    assert [(row["component"].code, row["offered"]) for row in coverage] == [("advice", [("65_plus", True)])]


def test_periods_and_target_groups_narrow_the_figures(city, login):
    manager = UserFactory(role=Role.MANAGER, districts=[city["bromma"]])
    client = login(manager)

    march = _headline(client.get("/dashboard/bromma/", {"kind": "month", "year": 2026, "month": 3}))
    april = _headline(client.get("/dashboard/bromma/", {"kind": "month", "year": 2026, "month": 4}))
    custom = _headline(client.get("/dashboard/bromma/", {"kind": "custom", "year": 2026, "start": "2026-03-02",
                                                          "end": "2026-03-03"}))  # fmt: skip
    under_65 = _headline(client.get("/dashboard/bromma/", {"kind": "year", "year": 2026, "target_group": "under_65"}))

    assert march["contacts"] == (4, 0, 4)
    assert april["contacts"] == (0, 4, 0)
    assert custom["contacts"] == (2, 1, 2)  # the two days before hold Bromma's 1 March contact
    assert under_65["contacts"] == (0, 0, 0)


def test_a_custom_range_without_an_end_is_refused_on_the_field(city, login, in_english):
    client = login(UserFactory(role=Role.MANAGER, districts=[city["bromma"]]))

    response = client.get("/dashboard/bromma/", {"kind": "custom", "year": 2026, "start": "2026-03-02"})

    assert response.context["form"].errors == {"end": ["Give both dates of a custom range."]}
    assert "headline" not in response.context


def test_another_districts_dashboard_is_404_for_a_manager_but_open_to_a_strategist(city, login):
    assert (
        login(UserFactory(role=Role.MANAGER, districts=[city["bromma"]])).get("/dashboard/farsta/").status_code == 404
    )
    assert login(UserFactory(role=Role.STRATEGIST)).get("/dashboard/farsta/").status_code == 200


@pytest.mark.parametrize("extra", [0, 40])
def test_dashboard_query_count_does_not_grow_with_the_data(
    city, login, django_assert_num_queries, extra, moment_queries
):
    consultant = city["bromma"].allocations.get().consultant
    for i in range(extra):
        ContactFactory(district=city["bromma"], consultant=consultant, date=datetime.date(2026, 5, 1 + i % 28),
                       caregiver=CaregiverFactory(districts=[city["bromma"]]))  # fmt: skip
    figures_rebuild()
    client = login(UserFactory(role=Role.MANAGER, districts=[city["bromma"]]))

    # 29 (the follow-up figures of this period and the previous one, summed from the facts: 7 a period
    # for the range's facts, the talk series' history, the consultants', the intervention types' and
    # the caregivers' attribute maps, the meetings, the circles), 2 for the months' approval section (the lock
    # setting, the months), 9 for the outcomes (summed from the facts: 4 for this period, 4 for the
    # previous, and the intervention types' names), 1 for the goals, 3 for the representatives' section (register, 2018
    # reference, trainings, trained; it replaces the profile's 1), 5 for the collaboration section
    # (this period and the previous one read together).
    with django_assert_num_queries(50 + moment_queries):  # the period's budget is one
        client.get("/dashboard/bromma/", {"kind": "year", "year": 2026})


def test_period_form_builds_each_kind():
    def period(**data):
        form = PeriodForm({"year": 2026, **data})
        assert form.is_valid(), form.errors
        return form.cleaned_data["period"].key

    assert period(kind="year") == "2026"
    assert period(kind="tertial", tertial=2) == "2026-T2"
    assert period(kind="month", month=11) == "2026-11"
    assert period(kind="custom", start="2026-01-05", end="2026-02-01") == "2026-01-05..2026-02-01"


def test_each_table_downloads_as_csv_with_exactly_the_rows_shown(city, login):
    client = login(UserFactory(role=Role.MANAGER, districts=[city["bromma"]]))
    params = {"kind": "year", "year": 2026}
    page = client.get("/dashboard/bromma/", params)

    for table in page.context["tables"]:
        response = client.get(f"/dashboard/bromma/{table.id}.csv", params)
        text = response.content.decode("utf-8")
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert text.startswith("\ufeff")
        lines = text.lstrip("\ufeff").splitlines()
        assert lines[0].split(";") == [str(c) for c in table.columns]
        assert [line.split(";") for line in lines[1:]] == [[str(v) for v in row] for row in table.rows]
    assert client.get("/dashboard/bromma/nothing.csv", params).status_code == 404
    assert client.get("/dashboard/farsta/channel.csv", params).status_code == 404
