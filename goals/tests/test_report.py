"""The goals in the follow-up report: the scope's goals with status and figure as of compilation."""

import datetime

import pytest
from django.utils import translation

from accounts.scoping import SYSTEM
from caregivers.tests.factories import CaregiverFactory
from figures.periods import Period
from followup.models import ReportScope
from followup.publication import MARK, suppress_tables_for_publication
from followup.reports import report_links, report_tables
from followup.services import report_compile, report_order
from goals.models import Measure, Status
from goals.reports import goals_report_tables
from interventions.services import contact_log

from .factories import GoalFactory


def _log(city, district, caregiver):
    consultant = city["consultants"][district.code]
    contact_log(
        user=consultant.user,
        consultant=consultant,
        date=datetime.date(2026, 3, 2),
        channel="phone",
        duration_minutes=15,
        intervention_type=city["advice"],
        district=district,
        target_group="65_plus",
        caregiver=caregiver,
    )


@pytest.fixture
def goals(city):
    bromma, farsta = city["bromma"], city["farsta"]
    shared = CaregiverFactory(districts=[bromma, farsta])
    for district, caregiver in ((bromma, shared), (bromma, CaregiverFactory(districts=[bromma])), (farsta, shared)):
        _log(city, district, caregiver)
    return {
        "bromma": GoalFactory(district=bromma, title="Bromma reaches 2", target=2),
        "farsta": GoalFactory(district=farsta, title="Farsta reaches 5", target=5),
        "city": GoalFactory(district=None, title="The city reaches 2", target=2),
        "hand": GoalFactory(
            district=bromma,
            title="Good support",
            measure=Measure.BY_HAND,
            target=None,
            assessed_status=Status.IN_PROGRESS,
            comment="Survey in the autumn",
        ),
        "other_year": GoalFactory(district=bromma, year=2025, title="Last year", target=1),
    }


def _report(scope, districts=()):
    report = report_order(user=SYSTEM, period=Period.year(2026), scope=scope, districts=districts, enqueue=False)
    report_compile(report.pk)
    report.refresh_from_db()
    return report


def _goals_table(content):
    return next(t for t in report_tables(content) if t.id == "goals")


def test_a_city_report_holds_the_city_wide_and_every_districts_goals_of_its_year(goals):
    report = _report(ReportScope.CITY)

    stored = {
        (g["district"], g["title"]): (g["figure"], g["target"], g["status"]) for g in report.content["goals"]["goals"]
    }
    assert report.content["goals"]["years"] == [2026]
    assert stored == {
        (None, "The city reaches 2"): (2, 2, "met"),  # the shared caregiver once
        ("bromma", "Bromma reaches 2"): (2, 2, "met"),
        ("bromma", "Good support"): (None, None, "in_progress"),
        ("farsta", "Farsta reaches 5"): (1, 5, "in_progress" if datetime.date.today().year == 2026 else "not_met"),
    }


def test_a_district_report_holds_only_its_districts_goals(goals, city):
    report = _report(ReportScope.DISTRICTS, districts=[city["bromma"].pk])

    titles = [g["title"] for g in report.content["goals"]["goals"]]
    assert titles == ["Bromma reaches 2", "Good support"]


def test_the_goals_table_rows_and_its_person_column(goals):
    report = _report(ReportScope.CITY)

    with translation.override("en"):
        table = _goals_table(report.content)

    assert table.columns[5] == "Caregivers reached so far (unique)"
    assert table.person_columns == frozenset({5})
    reached = "Unique caregivers reached in the year"
    assert [row[:9] for row in table.rows] == [
        ["The whole city", "2026", "The city reaches 2", reached, 2, 2, "–", "number", "Met"],
        ["Bromma", "2026", "Bromma reaches 2", reached, 2, 2, "–", "number", "Met"],
        ["Bromma", "2026", "Good support", "Assessed by hand", "–", "–", "–", "", "In progress"],
        ["Farsta", "2026", "Farsta reaches 5", reached, 5, 1, "–", "number", table.rows[3][8]],
    ]  # fmt: skip
    assert table.rows[2][9] == "Survey in the autumn"


def test_for_publication_small_caregiver_figures_are_hidden_and_targets_shown(goals):
    report = _report(ReportScope.CITY)
    tables = report_tables(report.content)

    published = next(t for t in suppress_tables_for_publication(tables, report_links(tables)) if t.id == "goals")

    assert [row[5] for row in published.rows] == [MARK, MARK, "–", MARK]
    assert [row[4] for row in published.rows] == [2, 2, "–", 5]


def test_other_figures_are_not_person_counts(city):
    GoalFactory(district=city["bromma"], measure=Measure.COMPONENTS_OFFERED, target=1)
    report = _report(ReportScope.CITY)
    tables = report_tables(report.content)

    published = next(t for t in suppress_tables_for_publication(tables, report_links(tables)) if t.id == "goals")

    assert [(row[5], row[6]) for row in published.rows] == [("–", 0)]


def test_a_report_compiled_before_goals_has_no_goals_table():
    assert goals_report_tables({"figures": {}}) == []
