"""Collaboration in the dashboards and the follow-up report: a network's activity once in any scope."""

import datetime

import pytest
from django.utils import translation

from accounts.models import Role
from accounts.scoping import SYSTEM
from accounts.tests.factories import UserFactory
from collaboration.models import ActivityParticipants
from collaboration.reports import collaboration_report_tables
from districts.tests.factories import DistrictFactory, NetworkFactory
from figures.periods import Period
from followup.models import ReportScope, ReportStatus
from followup.publication import MARK, suppress_tables_for_publication
from followup.reports import report_tables
from followup.services import report_order

from .factories import CaseOfficerUnitFactory, CollaborationActivityFactory, MeasurementFactory, OutreachActivityFactory


@pytest.fixture
def city(db):
    enskede, farsta, skarpnack, bromma = (
        DistrictFactory(code=c, name=n)
        for c, n in (("enskede", "Enskede"), ("farsta", "Farsta"), ("skarpnack", "Skarpnäck"), ("bromma", "Bromma"))
    )
    sydost = NetworkFactory(code="sydost", name="Sydost", districts=[enskede, farsta, skarpnack])
    joint = CollaborationActivityFactory(kind="joint_activity", network=sydost, date=datetime.date(2025, 9, 10))
    ActivityParticipants.objects.create(activity=joint, kind="caregivers", count=30)
    ActivityParticipants.objects.create(activity=joint, kind="consultants", count=3)
    CollaborationActivityFactory(kind="meeting", districts=[bromma], date=datetime.date(2025, 2, 3))
    CollaborationActivityFactory(kind="meeting", districts=[farsta], date=datetime.date(2024, 2, 3))
    OutreachActivityFactory(kind="carers_day", network=sydost, reach=120, date=datetime.date(2025, 10, 6))
    OutreachActivityFactory(kind="newsletter", districts=[bromma], reach=None, date=datetime.date(2025, 3, 1))
    unit = CaseOfficerUnitFactory(districts=[farsta])
    MeasurementFactory(unit=unit, new_cases=500, informed_cases=213)
    return {"enskede": enskede, "farsta": farsta, "skarpnack": skarpnack, "bromma": bromma, "sydost": sydost}


def _compiled(django_capture_on_commit_callbacks, **order):
    with django_capture_on_commit_callbacks(execute=True):
        report = report_order(user=SYSTEM, period=Period.year(2025), **order)
    report.refresh_from_db()
    assert report.status == ReportStatus.DONE, report.error
    return report


def test_the_district_dashboard_shows_the_districts_figures_and_the_case_officers_share(city, login):
    manager = UserFactory(role=Role.MANAGER, districts=[city["farsta"]])

    response = login(manager).get("/dashboard/farsta/", {"kind": "year", "year": 2025})

    data = response.context["collaboration"]
    assert data["figures"]["activities"] == 1
    assert data["previous"]["activities"] == 1
    assert data["figures"]["participants"] == 33
    assert data["figures"]["reach"] == 120
    assert data["figures"]["case_officers"]["share"] == 42.6
    html = response.content.decode()
    assert 'id="case-officer-share"' in html
    assert "42,6 %" in html  # Swedish decimal comma


def test_the_city_page_counts_a_networks_activity_once(city, login):
    strategist = UserFactory(role=Role.STRATEGIST)

    response = login(strategist).get("/city/", {"kind": "year", "year": 2025})

    data = response.context["collaboration"]
    by_code = {row["district"]["code"]: row["figures"]["activities"] for row in data["rows"]}
    assert by_code == {"bromma": 1, "enskede": 1, "farsta": 1, "skarpnack": 1}
    assert data["districts_added"] == 4
    assert data["city"]["activities"] == 2
    assert data["city"]["reach"] == 120
    assert data["city"]["unknown_reach"] == 1
    assert 'id="city-collaboration-total"' in response.content.decode()


def test_the_city_report_holds_each_district_and_the_city_once(city, django_capture_on_commit_callbacks):
    report = _compiled(django_capture_on_commit_callbacks, scope=ReportScope.CITY)

    part = report.content["collaboration"]
    assert {code: d["figures"]["activities"] for code, d in part["districts"].items()} == {
        "bromma": 1, "enskede": 1, "farsta": 1, "skarpnack": 1,
    }  # fmt: skip
    assert part["scope"]["figures"]["activities"] == 2
    assert part["scope"]["figures"]["participants"] == 33
    assert part["scope"]["figures"]["reach"] == 120
    assert part["scope"]["previous"]["activities"] == 1
    assert part["scope"]["figures"]["case_officers"]["share"] == 42.6


def test_a_network_report_counts_its_joint_activity_once(city, django_capture_on_commit_callbacks):
    report = _compiled(django_capture_on_commit_callbacks, scope=ReportScope.NETWORK, network=city["sydost"])

    with translation.override("en"):
        table = next(t for t in report_tables(report.content) if t.id == "collaboration")

    assert table.rows[-1] == ["Total: Network Sydost", "All kinds", 1, 1]
    assert [row[2] for row in table.rows if row[1] == "All kinds"] == [1, 1, 1, 1]


def test_the_report_tables_mark_persons_and_derive_the_share(city, django_capture_on_commit_callbacks):
    report = _compiled(django_capture_on_commit_callbacks, scope=ReportScope.CITY)

    with translation.override("en"):
        tables = {t.id: t for t in collaboration_report_tables(report.content)}

    assert list(tables) == ["collaboration", "collaboration_participants", "partners", "outreach", "case_officers"]
    assert tables["collaboration"].person_columns == frozenset()
    assert tables["collaboration_participants"].person_columns == frozenset({2, 3})
    assert tables["outreach"].person_columns == frozenset({4, 5})
    assert tables["case_officers"].person_columns == frozenset({2, 3, 4, 5})
    assert tables["case_officers"].derived_columns == {6: (2, 4), 7: (3, 5)}
    assert tables["case_officers"].rows[-1] == ["Total: The whole city", 1, 500, 0, 213, 0, 42.6, "–"]
    outreach_total = tables["outreach"].rows[-1]
    assert outreach_total == ["Total: The whole city", "All kinds", 2, 0, 120, 0, 1, 0]


def test_publication_hides_small_participant_counts(city, django_capture_on_commit_callbacks):
    report = _compiled(django_capture_on_commit_callbacks, scope=ReportScope.NETWORK, network=city["sydost"])
    tables = collaboration_report_tables(report.content)

    published = {t.id: t for t in suppress_tables_for_publication(tables)}

    consultants = [row for row in published["collaboration_participants"].rows if row[2] == MARK]
    assert consultants  # 3 consultants at the joint activity: hidden
    assert all(row[2] in (MARK, 0) or row[2] >= 5 for row in published["collaboration_participants"].rows)


def test_reports_compiled_before_collaboration_have_no_collaboration_tables(city, django_capture_on_commit_callbacks):
    report = _compiled(django_capture_on_commit_callbacks, scope=ReportScope.CITY)
    content = dict(report.content)
    del content["collaboration"]

    assert collaboration_report_tables(content) == []
    ids = [t.id for t in report_tables(content)]
    assert "consultants" in ids and not any(i in ids for i in ("collaboration", "outreach", "case_officers"))
