"""The delivery of the base level: occasions and unique caregivers by intervention type, on the
dashboard (table ``intervention`` and its CSV), the city page and the report; the coverage matrix
sets what a district declares beside what it delivered."""

import csv
import datetime
import io

import pytest

from accounts.models import Role
from accounts.tests.factories import UserFactory
from caregivers.tests.factories import CaregiverFactory
from consultants.tests.factories import ConsultantFactory
from districts.tests.factories import DistrictFactory
from figures.periods import Period
from figures.snapshots import figures_rebuild
from followup.reports import report_content, report_tables
from followup.selectors import Delivery, delivery_mark, district_figures
from interventions.tests.factories import (
    AdviceTypeFactory,
    ContactFactory,
    DistrictOfferingFactory,
    InterventionTypeFactory,
)

YEAR = Period.year(2026)


@pytest.fixture
def delivery(db):
    """Bromma declares advice and lectures; it delivers advice and home visits, no lectures."""
    advice = AdviceTypeFactory(position=1)
    lectures = InterventionTypeFactory(code="lectures", name="Föreläsningar", position=2)
    visits = InterventionTypeFactory(code="home_visits", name="Hembesök", position=3)
    bromma, kista = DistrictFactory(code="bromma", name="Bromma"), DistrictFactory(code="kista", name="Kista")
    for kind in (advice, lectures):
        DistrictOfferingFactory(district=bromma, intervention_type=kind, target_group="65_plus")
    DistrictOfferingFactory(district=kista, intervention_type=visits, target_group="under_65")
    consultant = ConsultantFactory(home_district=bromma)
    anna, bo = CaregiverFactory(districts=[bromma, kista]), CaregiverFactory(districts=[bromma])
    day = datetime.date(2026, 3, 2)
    for caregiver, kind in ((anna, advice), (anna, advice), (bo, advice), (None, advice), (anna, visits)):
        ContactFactory(district=bromma, consultant=consultant, intervention_type=kind, caregiver=caregiver, date=day)
    ContactFactory(district=kista, consultant=ConsultantFactory(home_district=kista), intervention_type=visits,
                   caregiver=anna, date=day)  # fmt: skip
    ContactFactory(district=bromma, consultant=consultant, intervention_type=advice, date=datetime.date(2025, 5, 5))
    figures_rebuild()
    return {"bromma": bromma, "kista": kista}


def test_occasions_and_unique_caregivers_by_intervention_add_up_to_the_headline(delivery):
    figures = district_figures(period=YEAR)
    bromma = figures[delivery["bromma"].pk]
    assert bromma["by_intervention"] == {
        "advice": {"contacts": 4, "caregivers": 2},
        "home_visits": {"contacts": 1, "caregivers": 1},
    }
    assert sum(v["contacts"] for v in bromma["by_intervention"].values()) == bromma["contacts"] == 5
    city = district_figures(period=YEAR, combined=True)[0]
    # Anna had home visits in both districts: one caregiver of the city.
    assert city["by_intervention"]["home_visits"] == {"contacts": 2, "caregivers": 1}


def test_delivery_mark_is_the_one_rule():
    assert delivery_mark(offered=True, occasions=0) == Delivery.NOT_DELIVERED
    assert delivery_mark(offered=False, occasions=3) == Delivery.UNDECLARED
    assert delivery_mark(offered=True, occasions=3) == ""
    assert delivery_mark(offered=False, occasions=0) == ""


def test_the_dashboard_shows_the_intervention_table_and_its_csv(delivery, login):
    client = login(UserFactory(role=Role.MANAGER, districts=[delivery["bromma"]]))
    query = {"kind": "year", "year": 2026}

    response = client.get("/dashboard/bromma/", query)

    table = next(t for t in response.context["tables"] if t.id == "intervention")
    # Every type of the catalogue in its order; occasions first, then caregivers, the previous year
    # and the median of Bromma's 5 and Kista's 1 (advice) or 1 and 1 (visits).
    assert table.rows == [
        ["Råd och vägledning", 4, 2, 1, 2.0],
        ["Föreläsningar", 0, 0, 0, 0],
        ["Hembesök", 1, 1, 0, 1.0],
    ]
    headline = {row["name"]: row["value"] for row in response.context["headline"]}
    assert sum(row[1] for row in table.rows) == headline["contacts"] == 5
    coverage = next(t for t in response.context["tables"] if t.id == "coverage")
    assert coverage.rows == [
        ["Råd och vägledning", "erbjuds", 4, ""],
        ["Föreläsningar", "erbjuds", 0, "erbjuds, inget levererat"],
        ["Hembesök", "saknas", 1, "levererat, ej deklarerat"],
    ]
    assert 'id="t-intervention"' in response.content.decode()

    download = client.get("/dashboard/bromma/intervention.csv", query)
    rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Insats", "Kontakter", "Anhöriga"]
    assert [r[:3] for r in rows[1:]] == [["Råd och vägledning", "4", "2"], ["Föreläsningar", "0", "0"],
                                         ["Hembesök", "1", "1"]]  # fmt: skip


def test_the_city_page_shows_delivery_and_marks_the_coverage(delivery, login):
    client = login(UserFactory(role=Role.STRATEGIST))
    query = {"kind": "year", "year": 2026}

    response = client.get("/city/", query)

    coverage = {row["district"]["code"]: row for row in response.context["overview"]["coverage"]}
    assert [(c["occasions"], c["mark"]) for c in coverage["bromma"]["cells"]] == [
        (4, ""),
        (0, Delivery.NOT_DELIVERED),
        (1, Delivery.UNDECLARED),
    ]
    assert [(c["occasions"], c["mark"]) for c in coverage["kista"]["cells"]] == [(0, ""), (0, ""), (1, "")]
    html = response.content.decode()
    assert 'data-delivery="not_delivered"' in html and "erbjuds, inget levererat" in html
    download = client.get("/city/intervention.csv", query)
    rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[1:] == [["Bromma", "4", "0", "1", "5"], ["Kista", "0", "0", "1", "1"], ["Staden", "4", "0", "2", "6"]]


def test_the_report_carries_the_delivery_and_marks_its_coverage(delivery):
    content = report_content(period=YEAR, district_ids=[delivery["bromma"].pk, delivery["kista"].pk])

    tables = {t.id: t for t in report_tables(content)}
    rows = [r[:4] for r in tables["intervention"].rows]
    assert ["Bromma", "Råd och vägledning", 4, 1] in rows
    assert ["Bromma", "Hembesök", 1, 0] in rows
    scope = [r for r in tables["intervention"].rows if r[0].startswith("Totalt")]
    assert sum(r[2] for r in scope) == content["figures"]["scope"]["contacts"] == 6
    coverage = {row[0]: row for row in tables["coverage"].rows}
    assert coverage["Bromma"][2:] == ["65+", "65+ (erbjuds, inget levererat)", "– (levererat, ej deklarerat)"]
