"""Follow-up reports: their numbers against the source reports and hand counts, snapshots, idempotency."""

import datetime
import io
import json

import pytest
from celery.exceptions import Retry
from django.core.management import call_command
from django.db import OperationalError
from django.utils import translation
from django.utils.translation import gettext
from openpyxl import load_workbook

from accounts.scoping import SYSTEM
from caregivers.tests.factories import CaregiverFactory
from consultants.models import ConsultantRole
from consultants.tests.factories import AllocationFactory, ConsultantFactory
from districts.tests.factories import DistrictFactory, NetworkFactory
from figures.periods import Period
from followup import services
from followup.models import FollowupReport, ReportOrigin, ReportScope, ReportStatus
from followup.occasions import facts_rebuild
from followup.report_files import SHEET_NAMES, WRITERS
from followup.reports import report_tables
from followup.services import report_compile, report_order, report_schedule
from followup.tasks import REPORT_RETRIES, compile_report
from interventions.models import Contact
from interventions.tests.factories import AdviceTypeFactory, ContactFactory
from reference.schema import REFERENCE_DIR

NACKA = json.loads((REFERENCE_DIR / "nacka_2022.json").read_text())
ROLE_LABELS = {"consultant_65_plus": "Konsulent 65+", "consultant_under_65": "Konsulent under 65",
               "dementia_nurse": "Demenssjuksköterska"}  # fmt: skip


def _mark_as_services_would() -> None:
    """Rows bulk-written bypass the upkeep of the facts: rebuild them."""
    facts_rebuild()


def _table(content: dict, table_id: str):
    return next(t for t in report_tables(content) if t.id == table_id)


def _compiled(django_capture_on_commit_callbacks, **order) -> FollowupReport:
    """Order a report as a user would; without a broker the task runs in-process once committed."""
    with django_capture_on_commit_callbacks(execute=True):
        report = report_order(user=SYSTEM, **order)
    report.refresh_from_db()
    assert report.status == ReportStatus.DONE, report.error
    return report


@pytest.fixture
def nacka(db):
    """Nacka's 2022 contacts (report 003) built through the model layer: role x channel as reported."""
    district = DistrictFactory(code="nacka", name="Nacka")
    consultants = {
        "consultant_65_plus": ConsultantFactory(ref="N1", home_district=district, target_group="65_plus"),
        "consultant_under_65": ConsultantFactory(ref="N2", home_district=district, target_group="under_65"),
        "dementia_nurse": ConsultantFactory(
            ref="N3", home_district=district, target_group="65_plus", role=ConsultantRole.DEMENTIA_NURSE
        ),
    }
    advice = AdviceTypeFactory()
    caregivers = [CaregiverFactory(districts=[district]) for _ in range(40)]
    contacts = []
    for role, channels in NACKA["contacts"].items():
        for channel, count in channels.items():
            for i in range(count):
                contacts.append(
                    Contact(
                        date=datetime.date(2022, 1, 1) + datetime.timedelta(days=i % 365),
                        channel=channel,
                        duration_minutes=20,
                        intervention_type=advice,
                        consultant=consultants[role],
                        district=district,
                        target_group=consultants[role].target_group,
                        # Most calls are anonymous; every third contact is with a known caregiver.
                        caregiver=caregivers[i % 40] if i % 3 == 0 else None,
                    )
                )
    Contact.objects.bulk_create(contacts)
    _mark_as_services_would()
    return district


def test_nacka_2022_role_by_channel_table_equals_report_003(nacka, django_capture_on_commit_callbacks):
    report = _compiled(
        django_capture_on_commit_callbacks, period=Period.year(2022), scope=ReportScope.DISTRICTS, districts=[nacka]
    )
    table = _table(report.content, "role_channel")
    channels = ["phone", "individual_meeting", "home_visit"]
    # Columns: district, role, then (value, previous) per channel of Channel's order; the first three
    # channels are report 003's.
    scope_rows = {row[1]: row for row in table.rows if row[0].startswith("Totalt")}
    for role, counts in NACKA["contacts"].items():
        row = scope_rows[ROLE_LABELS[role]]
        assert [row[2 + 2 * i] for i in range(3)] == [counts[c] for c in channels]
    total = scope_rows["Alla roller"]
    assert [total[2 + 2 * i] for i in range(3)] == [NACKA["totals"][c] for c in channels]
    assert total[-2] == NACKA["totals"]["all"] == 2089
    assert report.content["figures"]["scope"]["contacts"] == 2089
    # The district's own rows say the same as the scope's: Nacka is the whole scope.
    assert [r[2:] for r in table.rows if r[0] == "Nacka"] == [r[2:] for r in table.rows if r[0].startswith("Totalt")]


def test_stockholm_2018_counts_18_unique_consultants_in_22_rows(reference_data, django_capture_on_commit_callbacks):
    report = _compiled(django_capture_on_commit_callbacks, period=Period.year(2018), scope=ReportScope.CITY)
    consultants = report.content["consultants"]
    assert (consultants["unique"], consultants["district_rows"]) == (18, 22)
    assert consultants["documented"] == 1
    total = _table(report.content, "consultants").rows[-1]
    assert total[1:3] == [18, 22]
    assert len(report.content["districts"]) == 14
    # Per district the rows add up to 22: a consultant serving three districts is in three rows.
    assert sum(row[1] for row in _table(report.content, "consultants").rows[:-1]) == 22


@pytest.fixture
def two_districts(db):
    """Bromma and Farsta; Anna is met in both, Bo only in Bromma, plus one anonymous call in Farsta."""
    bromma = DistrictFactory(code="bromma", name="Bromma", budget_sek_per_year=200_000)
    farsta = DistrictFactory(code="farsta", name="Farsta", budget_sek_per_year=None)
    kim = ConsultantFactory(ref="K1", home_district=bromma, target_group="65_plus")
    AllocationFactory(consultant=kim, district=bromma, percent=50)
    AllocationFactory(consultant=kim, district=farsta, percent=50)
    anna = CaregiverFactory(districts=[bromma, farsta], gender="woman")
    bo = CaregiverFactory(districts=[bromma], gender="man")
    advice = AdviceTypeFactory()
    day = datetime.date(2025, 3, 3)
    for district, caregiver, channel in (
        (bromma, anna, "phone"),
        (bromma, anna, "home_visit"),
        (bromma, bo, "phone"),
        (farsta, anna, "phone"),
        (farsta, None, "phone"),
    ):
        ContactFactory(district=district, caregiver=caregiver, channel=channel, consultant=kim, date=day,
                       intervention_type=advice)  # fmt: skip
    ContactFactory(
        district=bromma, caregiver=bo, consultant=kim, date=datetime.date(2024, 5, 5), intervention_type=advice
    )
    _mark_as_services_would()
    return bromma, farsta


def test_a_caregiver_met_in_two_districts_counts_once_in_the_scope(two_districts, django_capture_on_commit_callbacks):
    report = _compiled(django_capture_on_commit_callbacks, period=Period.year(2025), scope=ReportScope.CITY)
    summary = _table(report.content, "summary")
    # District, contacts, previous, caregivers, previous, ...
    assert [row[:5] for row in summary.rows] == [
        ["Bromma", 3, 1, 2, 1],
        ["Farsta", 2, 0, 1, 0],
        ["Totalt: Hela staden", 5, 1, 2, 1],
    ]
    genders = [row[:5] for row in _table(report.content, "caregivers").rows if row[1] == "Kön"]
    assert genders == [
        ["Bromma", "Kön", "Kvinna", 1, 0],
        ["Bromma", "Kön", "Man", 1, 1],
        ["Farsta", "Kön", "Kvinna", 1, 0],
        ["Totalt: Hela staden", "Kön", "Kvinna", 1, 0],
        ["Totalt: Hela staden", "Kön", "Man", 1, 1],
    ]
    consultants = _table(report.content, "consultants").rows
    assert [row[:4] for row in consultants] == [["Bromma", 1, 1, 0.5], ["Farsta", 1, 1, 0.5],
                                                ["Totalt: Hela staden", 1, 2, 1.0]]  # fmt: skip
    assert [row[-1] for row in consultants] == [200_000, "–", 200_000]


def test_a_reopened_report_shows_the_numbers_it_was_compiled_with(two_districts, django_capture_on_commit_callbacks):
    bromma, _farsta = two_districts
    report = _compiled(django_capture_on_commit_callbacks, period=Period.year(2025), scope=ReportScope.CITY)
    before = [t.rows for t in report_tables(report.content)]
    ContactFactory(district=bromma, date=datetime.date(2025, 6, 1), consultant=bromma.contacts.first().consultant)
    Contact.objects.filter(district=bromma, channel="home_visit").delete()
    _mark_as_services_would()
    reopened = FollowupReport.objects.get(pk=report.pk)
    assert [t.rows for t in report_tables(reopened.content)] == before
    assert reopened.definitions_version == 3
    # A new report sees the change: one contact more, one less.
    fresh = _compiled(django_capture_on_commit_callbacks, period=Period.year(2025), scope=ReportScope.CITY)
    assert fresh.content["figures"]["districts"]["bromma"]["contacts"] == 3
    assert fresh.content["figures"]["districts"]["bromma"]["by_channel"].get("home_visit") is None


def test_compiling_twice_changes_nothing(two_districts, django_capture_on_commit_callbacks):
    report = _compiled(django_capture_on_commit_callbacks, period=Period.year(2025), scope=ReportScope.CITY)
    finished = report.finished_at
    assert report_compile(report.pk) is None  # a redelivered message: nothing to do
    compile_report.apply(args=[report.pk])
    again = FollowupReport.objects.get(pk=report.pk)
    assert (again.finished_at, again.content, again.attempts) == (finished, report.content, 1)
    assert FollowupReport.objects.count() == 1


def test_a_transient_database_error_is_retried_with_backoff(two_districts, monkeypatch):
    calls = []
    real = services.report_compile

    def flaky(report_id, **kwargs):
        calls.append(report_id)
        if len(calls) == 1:
            raise OperationalError("server closed the connection unexpectedly")
        return real(report_id, **kwargs)

    report = report_order(user=SYSTEM, period=Period.year(2025), scope=ReportScope.CITY, enqueue=False)
    monkeypatch.setattr("followup.tasks.report_compile", flaky)
    with pytest.raises(Retry) as retry:
        compile_report.apply(args=[report.pk])
    assert 4 <= retry.value.when <= 6  # 5 s, with jitter
    report.refresh_from_db()
    assert report.status == ReportStatus.QUEUED  # nothing half-done is left behind
    compile_report.apply(args=[report.pk], retries=1)  # the retry, as the worker delivers it
    report.refresh_from_db()
    assert (len(calls), report.status, report.content["figures"]["scope"]["contacts"]) == (2, ReportStatus.DONE, 5)


def test_the_last_retry_fails_the_report_with_the_reason(two_districts, monkeypatch):
    def down(report_id, **kwargs):
        raise OperationalError("could not connect to server")

    report = report_order(user=SYSTEM, period=Period.year(2025), scope=ReportScope.CITY, enqueue=False)
    monkeypatch.setattr("followup.tasks.report_compile", down)
    with pytest.raises(Retry) as retry:
        compile_report.apply(args=[report.pk], retries=3)
    assert 32 <= retry.value.when <= 48  # backoff doubles: 5, 10, 20, 40 s
    with pytest.raises(OperationalError):
        compile_report.apply(args=[report.pk], retries=REPORT_RETRIES)
    report.refresh_from_db()
    assert report.status == ReportStatus.FAILED
    assert report.error == "Databasen gick inte att nå; rapporten försöktes 6 gånger. Beställ den igen senare."


def test_a_failing_report_says_why_and_can_be_ordered_again(two_districts, monkeypatch):
    def broken(**kwargs):
        raise ZeroDivisionError

    report = report_order(user=SYSTEM, period=Period.year(2025), scope=ReportScope.CITY, enqueue=False)
    monkeypatch.setattr("followup.services.report_content", broken)
    report_compile(report.pk)
    report.refresh_from_db()
    assert (report.status, report.content) == (ReportStatus.FAILED, None)
    assert report.error == "Rapporten kunde inte sammanställas (ZeroDivisionError)."
    monkeypatch.undo()
    again = services.report_reorder(user=SYSTEM, report=report)
    assert again.pk != report.pk
    assert list(again.districts.all()) == list(report.districts.all())
    assert (again.period, again.scope, again.status) == (report.period, report.scope, ReportStatus.QUEUED)


def test_network_reports_and_target_groups(two_districts, django_capture_on_commit_callbacks):
    _bromma, farsta = two_districts
    network = NetworkFactory(name="Sydost", districts=[farsta])
    report = _compiled(
        django_capture_on_commit_callbacks, period=Period.year(2025), scope=ReportScope.NETWORK, network=network
    )
    assert [d["code"] for d in report.content["districts"]] == ["farsta"]
    assert _table(report.content, "summary").rows[-1][:3] == ["Totalt: Nätverket Sydost", 2, 0]
    only_young = _compiled(
        django_capture_on_commit_callbacks,
        period=Period.year(2025),
        scope=ReportScope.CITY,
        target_groups=["under_65"],
    )
    assert only_young.content["figures"]["scope"]["contacts"] == 0
    several = _compiled(
        django_capture_on_commit_callbacks,
        period=Period.year(2025),
        scope=ReportScope.CITY,
        target_groups=["under_65", "65_plus"],
    )
    assert several.content["figures"]["scope"]["contacts"] == 5
    assert several.content["figures"]["districts"]["bromma"]["contacts"] == 3


def test_scheduled_reports_are_made_once_per_period(two_districts, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        [first] = report_schedule(kind="year", today=datetime.date(2026, 1, 10))
    with django_capture_on_commit_callbacks(execute=True):
        [second] = report_schedule(kind="year", today=datetime.date(2026, 1, 10))
    assert first.pk == second.pk
    first.refresh_from_db()
    assert (first.status, first.origin, first.period, first.scope) == (
        ReportStatus.DONE, ReportOrigin.SCHEDULED, Period.year(2025), ReportScope.CITY
    )  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        [tertial] = report_schedule(kind="tertial", today=datetime.date(2026, 1, 10))
    assert tertial.period == Period.tertial(2025, 3)
    assert FollowupReport.objects.count() == 2


def test_the_report_schedules_are_in_the_database_for_the_admin(db):
    from django_celery_beat.models import PeriodicTask

    schedules = PeriodicTask.objects.filter(task="followup.compile_scheduled_report").order_by("name")
    assert [(t.kwargs, t.crontab.month_of_year, t.crontab.day_of_month, t.enabled) for t in schedules] == [
        ('{"kind": "tertial"}', "1,5,9", "10", True),
        ('{"kind": "year"}', "1", "10", True),
    ]


def test_files_hold_the_reports_numbers(two_districts, django_capture_on_commit_callbacks):
    report = _compiled(django_capture_on_commit_callbacks, period=Period.year(2025), scope=ReportScope.CITY)
    out = io.BytesIO()
    WRITERS["xlsx"](report.content, out, report)
    workbook = load_workbook(io.BytesIO(out.getvalue()))
    assert workbook.sheetnames == [
        "Om",
        "Översikt",
        "Roll och kanal",
        "Basnivåns leverans",
        "Målgrupp",
        "Anhöriga",
        "Vägledande samtal",
        "Använda samtal",
        "Hänvisningar",
        "Grupper",
        "Basnivå",
        "Anhörigkonsulenter",
        translation.gettext("Approval of the months")[:31],
        # The outcomes (outcomes.reports), under their captions in the report's language.
        *(t.caption[:31] for t in report_tables(report.content) if t.id.startswith("outcomes")),
        gettext("Goals"),  # (new: "Mål" once the catalogue has it)
        # The register of caregiver representatives (translated by name, the lead merges the Swedish).
        str(SHEET_NAMES["representatives"]),
        str(SHEET_NAMES["representative_trainings"]),
        # Then collaboration's sheets (collaboration.reports), under their names in the catalogue.
        *(str(SHEET_NAMES[t]) for t in ("collaboration", "collaboration_participants", "partners", "outreach")),
        str(SHEET_NAMES["case_officers"]),
        # The benchmark of municipalities (benchmark.reports), a city report's last part.
        str(SHEET_NAMES["benchmark"]),
        str(SHEET_NAMES["published"]),
    ]
    summary = workbook["Översikt"]
    assert summary.freeze_panes == "A2"
    assert [c.value for c in summary[4]][:5] == ["Totalt: Hela staden", 5, 1, 2, 1]
    assert summary.column_dimensions["A"].width >= len("Totalt: Hela staden")
    assert len(workbook.sheetnames) == len(report_tables(report.content)) + 1

    out = io.BytesIO()
    WRITERS["csv"](report.content, out, report)
    text = out.getvalue()
    assert text.startswith(b"\xef\xbb\xbf")
    assert "Totalt: Hela staden;5;1;2;1" in text.decode("utf-8-sig")
    assert "Föregående period;2024" in text.decode("utf-8-sig")

    out = io.BytesIO()
    WRITERS["pdf"](report.content, out, report)
    assert out.getvalue().startswith(b"%PDF") and len(out.getvalue()) > 5000

    out = io.BytesIO()
    WRITERS["json"](report.content, out, report)
    assert json.loads(out.getvalue()) == report.content


def test_the_command_compiles_with_the_same_code(two_districts, tmp_path):
    output = tmp_path / "report.json"
    call_command("compile_followup_report", "--year", "2025", "--scope", "district:farsta", "--format", "json",
                 "--output", str(output))  # fmt: skip
    content = json.loads(output.read_text())
    report = FollowupReport.objects.get()
    assert content == report.content
    assert (report.origin, report.status, list(report.districts.values_list("code", flat=True))) == (
        ReportOrigin.COMMAND, ReportStatus.DONE, ["farsta"]
    )  # fmt: skip
    assert content["figures"]["scope"]["contacts"] == 2
    xlsx = tmp_path / "report.xlsx"
    call_command("compile_followup_report", "--year", "2025", "--format", "xlsx", "--output", str(xlsx))
    assert load_workbook(xlsx)["Översikt"]["B4"].value == 5


@pytest.mark.parametrize(
    ("scope", "message"),
    [
        ("district:nowhere", "--scope: no district with the code 'nowhere'."),
        ("network:none", "--scope: no network with the code 'none'."),
        ("city:0999", "--scope: no municipality with the code '0999'."),
        ("county", "--scope: 'county' is not city, city:KOMMUNKOD, district:CODE or network:CODE."),
    ],
)
def test_the_command_refuses_an_unknown_scope(db, tmp_path, scope, message):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError) as error:
        call_command("compile_followup_report", "--year", "2025", "--scope", scope, "--format", "csv",
                     "--output", str(tmp_path / "x.csv"))  # fmt: skip
    assert str(error.value) == message
    assert FollowupReport.objects.count() == 0
    assert not (tmp_path / "x.csv").exists()


def test_order_validates_the_scope(db):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        report_order(user=SYSTEM, period=Period.year(2025), scope=ReportScope.DISTRICTS, districts=[])
    assert error.value.message_dict == {"districts": ["Välj minst en stadsdel."]}
    with pytest.raises(ValidationError) as error:
        report_order(user=SYSTEM, period=Period.year(2025), scope=ReportScope.NETWORK, network=NetworkFactory())
    assert error.value.message_dict == {"network": ["Nätverket har inga stadsdelar."]}
    assert FollowupReport.objects.count() == 0
