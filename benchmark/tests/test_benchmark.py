"""The benchmark of municipalities (issue 17): the same definitions for every municipality that logs here,
published figures of others apart, opt-in publishing, and who sees what."""

import csv
import datetime
import io
import json

import pytest
from django.core.cache import cache
from django.urls import reverse

from accounts.models import Role
from accounts.scoping import SYSTEM
from accounts.tests.factories import UserFactory
from benchmark.indicators import BY_ID, INDICATORS
from benchmark.models import BenchmarkPublication, PublishedFigures
from benchmark.selectors import benchmark_medians, benchmark_rows, shared_bases
from benchmark.services import benchmark_publish, benchmark_withdraw
from benchmark.tables import benchmark_tables
from caregivers.tests.factories import CaregiverFactory
from consultants.models import Consultant
from consultants.tests.factories import AllocationFactory, ConsultantFactory
from districts.models import TargetGroup
from districts.tests.factories import BudgetFactory, DistrictFactory, MunicipalityFactory
from figures.periods import Period
from followup.models import ReportScope, ReportStatus
from followup.publication import suppress_tables_for_publication
from followup.reports import report_tables
from followup.services import report_order
from interventions.models import InterventionType
from interventions.tests.factories import (
    AdviceTypeFactory,
    ContactFactory,
    DistrictOfferingFactory,
    GuidanceTalksTypeFactory,
)

YEAR = 2025
PERIOD = Period.year(YEAR)
DAY = datetime.date(YEAR, 3, 3)


def _contacts(district, consultant, caregivers, *, talk_type=None, advice=None, **extra):
    for caregiver in caregivers:
        ContactFactory(
            district=district, consultant=consultant, caregiver=caregiver, date=DAY, intervention_type=advice, **extra
        )


@pytest.fixture
def world(db):
    """Stockholm with two districts, Nacka with one unit, Tyresö logging elsewhere (published figures)."""
    advice = AdviceTypeFactory()
    talks = GuidanceTalksTypeFactory()
    stockholm = MunicipalityFactory(code="0180", name="Stockholm", inhabitants=1_000_000)
    nacka = MunicipalityFactory(code="0182", name="Nacka", inhabitants=105_000)
    tyreso = MunicipalityFactory(code="0138", name="Tyresö", inhabitants=None)
    bromma = DistrictFactory(code="bromma", name="Bromma", municipality=stockholm)
    farsta = DistrictFactory(code="farsta", name="Farsta", municipality=stockholm, talk_cap=3)
    centre = DistrictFactory(code="nacka-centre", name="Anhörigcenter Nacka", municipality=nacka)
    for district, sek in ((bromma, 1_000_000), (farsta, 500_000), (centre, 3_484_000)):
        BudgetFactory(district=district, sek_per_year=sek, valid_from=datetime.date(YEAR, 1, 1))
    k_bromma = ConsultantFactory(home_district=bromma)
    k_farsta = ConsultantFactory(home_district=farsta)
    k_nacka = ConsultantFactory(home_district=centre)
    AllocationFactory(consultant=k_bromma, percent=100, valid_from=datetime.date(YEAR, 1, 1))
    AllocationFactory(consultant=k_farsta, percent=50, valid_from=datetime.date(YEAR, 1, 1))
    AllocationFactory(consultant=k_nacka, percent=100, valid_from=datetime.date(YEAR, 1, 1))
    DistrictOfferingFactory(district=bromma, intervention_type=advice, target_group=TargetGroup.OVER_65)
    DistrictOfferingFactory(district=centre, intervention_type=advice, target_group=TargetGroup.OVER_65)
    DistrictOfferingFactory(district=centre, intervention_type=talks, target_group=TargetGroup.UNDER_65)
    # Stockholm: one caregiver met in both districts counts once; 6 occasions, 4 caregivers.
    both = CaregiverFactory(districts=[bromma, farsta])
    in_bromma = CaregiverFactory.create_batch(2, districts=[bromma])
    _contacts(bromma, k_bromma, [both, both, *in_bromma], advice=advice)
    farsta_own = CaregiverFactory(districts=[farsta])
    _contacts(farsta, k_farsta, [both, farsta_own], advice=advice)
    # Nacka: 3 caregivers (a small count, hidden from others), 2 of them at the cap of 4 talks.
    nacka_people = CaregiverFactory.create_batch(3, districts=[centre])
    for person in nacka_people[:2]:
        for number in range(1, 5):
            ContactFactory(
                district=centre, consultant=k_nacka, caregiver=person, date=DAY + datetime.timedelta(days=number),
                intervention_type=talks, talk_number=number, talk_cap=4, target_group=TargetGroup.UNDER_65,
            )  # fmt: skip
    _contacts(centre, k_nacka, nacka_people[2:], advice=advice)
    PublishedFigures.objects.create(
        municipality=tyreso, year=YEAR, source="Rapport 003", inhabitants=48_000, staff="1 anhörigkonsulent",
        staff_fte=1, reach="cirka 450 personer", reach_count=450, reach_unit="persons",
    )  # fmt: skip
    return {"stockholm": stockholm, "nacka": nacka, "tyreso": tyreso, "bromma": bromma, "centre": centre}


def test_each_municipality_is_counted_on_the_dashboards_definitions(world):
    bases = shared_bases(period=PERIOD, municipality_ids=[world["stockholm"].pk, world["nacka"].pk])

    stockholm, nacka = bases[world["stockholm"].pk], bases[world["nacka"].pk]
    assert {k: stockholm[k] for k in ("occasions", "caregivers", "fte", "cost_sek", "inhabitants")} == {
        "occasions": 6, "caregivers": 4, "fte": 1.5, "cost_sek": 1_500_000, "inhabitants": 1_000_000,
    }  # fmt: skip
    assert stockholm["talk_cap"] == 3  # Farsta's own cap is the lowest in force
    assert (stockholm["components"], stockholm["components_offered"], stockholm["components_delivered"]) == (2, 1, 1)
    assert {k: nacka[k] for k in ("occasions", "caregivers", "talk_caregivers", "at_cap", "talk_cap")} == {
        "occasions": 9, "caregivers": 3, "talk_caregivers": 2, "at_cap": 2, "talk_cap": 4,
    }  # fmt: skip
    assert (nacka["components_offered"], nacka["components_delivered"]) == (2, 2)


def test_the_indicators_are_worked_out_from_the_base_once(world):
    shared, _published = benchmark_rows(
        period=PERIOD, own_municipality_id=world["nacka"].pk, visible_ids=set(), published_ids=set()
    )

    assert [row.code for row in shared] == ["0182"]
    values = shared[0].values
    assert values["ANH001"] == 9
    assert values["ANH002"] == 3
    assert values["ANH003"] == round(9 * 1000 / 105_000, 1)
    assert values["ANH005"] == 9  # one full-time post
    assert values["ANH007"] == round(9 * 1000 / 3_484_000, 2)
    assert values["ANH009"] == 100 and values["ANH010"] == 100
    assert values["ANH011"] == 4
    assert values["ANH012"] == 100.0
    assert values["ANH013"] is None  # no follow-up answers: unknown, not 0
    assert values["ANH014"] == 1.0 and values["ANH015"] == 3_484_000


def test_another_municipality_appears_only_while_it_publishes_and_its_small_counts_are_hidden(world, login):
    strategist = UserFactory(role=Role.STRATEGIST, municipality=world["stockholm"])
    client = login(strategist)
    url = reverse("benchmark:page") + f"?year={YEAR}"

    page = client.get(url)
    names = [row["name"] for row in page.context["content"]["shared"]]
    assert names == ["Stockholm"]

    nacka_strategist = UserFactory(role=Role.STRATEGIST, municipality=world["nacka"])
    login(nacka_strategist).post(reverse("benchmark:publish"), {"year": YEAR, "action": "publish"})
    client = login(strategist)
    rows = {row["code"]: row for row in client.get(url).context["content"]["shared"]}
    assert list(rows) == ["0180", "0182"]
    nacka = rows["0182"]["values"]
    # Occasions are not persons: shown. Three caregivers are hidden, and every figure made of them.
    assert nacka["ANH001"] == 9
    assert [nacka[i] for i in ("ANH002", "ANH004", "ANH006", "ANH008", "ANH012")] == [".."] * 5
    assert rows["0180"]["values"]["ANH002"] == 4  # one's own counts are never hidden from oneself
    body = client.get(url).content.decode()
    assert "Nacka" in body and "ej på gemensamma definitioner" in body

    login(nacka_strategist).post(reverse("benchmark:publish"), {"year": YEAR, "action": "withdraw"})
    assert [r["code"] for r in login(strategist).get(url).context["content"]["shared"]] == ["0180"]


def test_published_figures_stand_apart_and_never_enter_a_median(world):
    shared, published = benchmark_rows(
        period=PERIOD,
        own_municipality_id=world["stockholm"].pk,
        visible_ids={world["nacka"].pk},
        published_ids={world["nacka"].pk},
    )

    assert [(row.code, row.basis) for row in published] == [("0138", "published")]
    assert published[0].values["ANH002"] == 450  # persons, as published
    assert published[0].values["ANH004"] == round(450 * 1000 / 48_000, 1)
    assert published[0].values["ANH001"] is None  # Tyresö counts persons, not occasions
    medians = benchmark_medians([*shared, *published])
    assert medians["ANH001"] == (6 + 9) / 2
    assert medians["ANH005"] == (4 + 9) / 2  # 6 occasions on 1.5 posts; 9 on 1


def test_publishing_is_recorded_once_with_who_and_when_and_withdrawal_keeps_the_history(world, login):
    strategist = UserFactory(role=Role.STRATEGIST, municipality=world["nacka"], username="nacka-strateg")
    client = login(strategist)

    for _press in range(2):
        response = client.post(reverse("benchmark:publish"), {"year": YEAR, "action": "publish"})
        assert response.status_code == 302
    (publication,) = BenchmarkPublication.objects.all()
    assert (publication.municipality, publication.year, publication.published_by) == (world["nacka"], YEAR, strategist)
    assert publication.withdrawn_at is None

    client.post(reverse("benchmark:publish"), {"year": YEAR, "action": "withdraw"})
    client.post(reverse("benchmark:publish"), {"year": YEAR, "action": "publish"})
    rows = list(BenchmarkPublication.objects.order_by("pk").values_list("withdrawn_by__username", "withdrawn_at"))
    assert rows[0][0] == "nacka-strateg" and rows[0][1] is not None
    assert rows[1] == (None, None)
    page = client.get(reverse("benchmark:page") + f"?year={YEAR}")
    assert [(p.published_by, p.withdrawn_by) for p in page.context["history"]] == [
        (strategist, None),
        (strategist, strategist),
    ]
    assert page.context["publication"].pk == BenchmarkPublication.objects.latest("pk").pk
    # The year as the form posts it back and the links carry it: digits, never "2 025".
    assert f'name="year" value="{YEAR}"' in page.content.decode()
    assert f"?year={YEAR}" in page.content.decode()


@pytest.mark.parametrize("role", [Role.CONSULTANT, Role.MANAGER, Role.ANALYST])
def test_only_a_municipalitys_strategists_and_administrators_publish(world, login, role):
    districts = [world["centre"]] if role in (Role.CONSULTANT, Role.MANAGER) else []
    municipality = None if role == Role.ANALYST else world["nacka"]
    client = login(UserFactory(role=role, municipality=municipality, districts=districts))

    response = client.post(reverse("benchmark:publish"), {"year": YEAR, "action": "publish"})

    assert response.status_code == 404
    assert not BenchmarkPublication.objects.exists()


def test_a_year_that_has_not_begun_cannot_be_published(world, login):
    client = login(UserFactory(role=Role.STRATEGIST, municipality=world["nacka"]))

    response = client.post(reverse("benchmark:publish"), {"year": 2099, "action": "publish"}, follow=True)

    assert not BenchmarkPublication.objects.exists()
    assert "2099" not in [str(p.year) for p in BenchmarkPublication.objects.all()]
    assert [str(m) for m in response.context["messages"]] == [
        "Ett år som inte har börjat har inga siffror att publicera."
    ]


def test_the_regional_analyst_sees_the_publishing_municipalities_alone_and_nothing_else(world, login):
    BenchmarkPublication.objects.create(
        municipality=world["nacka"], year=YEAR, published_at=datetime.datetime.now(datetime.UTC)
    )
    client = login(UserFactory(role=Role.ANALYST, municipality=None))

    page = client.get(reverse("benchmark:page") + f"?year={YEAR}")

    assert [row["code"] for row in page.context["content"]["shared"]] == ["0182"]
    assert [row["code"] for row in page.context["content"]["published"]] == ["0138"]
    assert page.context["content"]["shared"][0]["values"]["ANH002"] == ".."
    assert "publishing" not in page.context or page.context.get("history") is None
    assert client.get(reverse("followup:start")).url == reverse("benchmark:page")
    for name, kwargs in (
        ("followup:city", {}),
        ("followup:dashboard", {"code": "nacka-centre"}),
        ("caregivers:list", {}),
        ("interventions:contacts", {}),
    ):
        response = client.get(reverse(name, kwargs=kwargs))
        assert response.status_code in (302, 403, 404) or "Anhörigcenter" not in response.content.decode(), name
    assert client.get("/admin/").status_code == 404  # not staff: no admin


def test_consultants_and_managers_have_no_benchmark(world, login):
    for role in (Role.CONSULTANT, Role.MANAGER):
        client = login(UserFactory(role=role, municipality=world["stockholm"], districts=[world["bromma"]]))
        assert client.get(reverse("benchmark:page")).status_code == 404
        assert client.get(reverse("benchmark:export", args=["json"]) + f"?year={YEAR}").status_code == 404


def test_the_export_is_keyed_by_kommunkod_and_indicator_id(world, login):
    BenchmarkPublication.objects.create(
        municipality=world["nacka"], year=YEAR, published_at=datetime.datetime.now(datetime.UTC)
    )
    client = login(UserFactory(role=Role.STRATEGIST, municipality=world["stockholm"]))

    data = json.loads(client.get(reverse("benchmark:export", args=["json"]) + f"?year={YEAR}").content)
    by_code = {m["kommunkod"]: m for m in data["municipalities"]}
    assert list(by_code) == ["0180", "0182", "0138"]
    assert data["indicators"] == [i.id for i in INDICATORS]
    assert by_code["0180"]["values"]["ANH001"] == 6 and by_code["0180"]["comparable"] is True
    assert by_code["0138"]["comparable"] is False and by_code["0138"]["definitions_version"] is None

    text = client.get(reverse("benchmark:export", args=["csv"]) + f"?year={YEAR}").content.decode()
    lines = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert lines[0] == ["year", "kommunkod", "municipality", "indicator", "value", "basis", "definitions_version"]
    assert [str(YEAR), "0180", "Stockholm", "ANH002", "4", "shared", "3"] in lines
    assert [str(YEAR), "0182", "Nacka", "ANH002", "..", "shared", "3"] in lines
    assert [str(YEAR), "0138", "Tyresö", "ANH001", "", "published", ""] in lines
    assert len(lines) == 1 + 3 * len(INDICATORS)


def test_the_csv_holds_the_rows_the_page_shows(world, login):
    client = login(UserFactory(role=Role.STRATEGIST, municipality=world["stockholm"]))
    page = client.get(reverse("benchmark:page") + f"?year={YEAR}")
    shown = [[str(cell) for cell in row] for row in benchmark_tables(page.context["content"])[0].rows]

    text = client.get(reverse("benchmark:csv", args=["benchmark"]) + f"?year={YEAR}").content.decode("utf-8-sig")

    lines = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert lines[1:] == shown
    assert [line[0] for line in lines[1:]] == ["Stockholm", "Median, gemensamma definitioner", "Tyresö"]


def test_the_indicator_catalogue_is_stable(db, login):
    client = login(UserFactory(role=Role.ANALYST, municipality=None))

    data = json.loads(client.get(reverse("benchmark:indicators_json")).content)

    assert [i["id"] for i in data["indicators"]] == [f"ANH{n:03d}" for n in range(1, 16)]
    first = data["indicators"][2]
    assert (first["title_sv"], first["title_en"], first["numerator"], first["denominator"], first["unit"]) == (
        "Kontakttillfällen per 1 000 invånare", "Contact occasions per 1,000 inhabitants", "occasions",
        "inhabitants", "per_1000_inhabitants",
    )  # fmt: skip
    assert {i["definitions_version"] for i in data["indicators"]} == {3}
    page = client.get(reverse("benchmark:indicators")).content.decode()
    assert all(i.id in page for i in INDICATORS) and BY_ID["ANH012"].title_sv in page


def test_the_benchmark_page_reads_a_pinned_number_of_queries(world, login, django_assert_num_queries, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    client = login(UserFactory(role=Role.STRATEGIST, municipality=world["stockholm"]))
    client.get(reverse("benchmark:page") + f"?year={YEAR}")

    # Computed (inside the test's transaction nothing is kept): the session and user; the years; who
    # publishes; the figures as the dashboards
    # read them (municipalities and districts, the facts, staffing, budgets, the base level's
    # coverage); the published figures; the publishing history.
    with django_assert_num_queries(24):
        client.get(reverse("benchmark:page") + f"?year={YEAR}")


def _city_report(django_capture_on_commit_callbacks, municipality, period=PERIOD):
    with django_capture_on_commit_callbacks(execute=True):
        report = report_order(user=SYSTEM, period=period, scope=ReportScope.CITY, municipality_id=municipality.pk)
    report.refresh_from_db()
    assert report.status == ReportStatus.DONE, report.error
    return report


def test_a_city_report_holds_the_benchmark_as_published_when_it_was_compiled(world, django_capture_on_commit_callbacks):
    nacka_strategist = UserFactory(role=Role.STRATEGIST, municipality=world["nacka"])
    benchmark_publish(municipality_id=world["nacka"].pk, year=YEAR, user=nacka_strategist)

    before = _city_report(django_capture_on_commit_callbacks, world["stockholm"])
    benchmark_withdraw(municipality_id=world["nacka"].pk, year=YEAR, user=nacka_strategist)
    after = _city_report(django_capture_on_commit_callbacks, world["stockholm"])

    assert [r["code"] for r in before.content["benchmark"]["shared"]] == ["0180", "0182"]
    assert [r["code"] for r in after.content["benchmark"]["shared"]] == ["0180"]
    before.refresh_from_db()  # a withdrawal changes no report compiled before it
    assert [r["code"] for r in before.content["benchmark"]["shared"]] == ["0180", "0182"]
    tables = {t.id: t for t in report_tables(before.content)}
    assert [row[0] for row in tables["benchmark"].rows] == [
        "Stockholm",
        "Nacka",
        "Median, gemensamma definitioner",
        "Tyresö",
    ]
    assert tables["benchmark"].rows[1][columns_of(tables["benchmark"], "ANH002")] == ".."
    assert [row[:3] for row in tables["published"].rows] == [["Tyresö", "0138", 48_000]]


def test_a_report_of_part_of_a_year_costs_its_share_of_the_budget_and_leaves_the_years_published_figures_out(
    world, django_capture_on_commit_callbacks
):
    tertial = Period.tertial(YEAR, 1)  # January to April: 120 of 365 days
    report = _city_report(django_capture_on_commit_callbacks, world["stockholm"], period=tertial)

    (stockholm,) = report.content["benchmark"]["shared"]
    assert stockholm["values"]["ANH015"] == round(1_500_000 * 120 / 365)
    assert report.content["benchmark"]["published"] == []


def test_reports_of_a_network_or_chosen_districts_have_no_benchmark(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        report = report_order(user=SYSTEM, period=PERIOD, scope=ReportScope.DISTRICTS, districts=[world["bromma"]])
    report.refresh_from_db()

    assert "benchmark" not in report.content
    assert "benchmark" not in {t.id for t in report_tables(report.content)}


def columns_of(table, indicator_id: str) -> int:
    return next(i for i, column in enumerate(table.columns) if column.endswith(f"({indicator_id})"))


def test_a_reports_publication_hides_the_municipalitys_own_small_counts_too(world, django_capture_on_commit_callbacks):
    report = _city_report(django_capture_on_commit_callbacks, world["nacka"])
    table = {t.id: t for t in report_tables(report.content)}["benchmark"]
    assert table.rows[0][columns_of(table, "ANH002")] == 3  # inside the municipality: the true count

    (published,) = suppress_tables_for_publication([table])

    row = published.rows[0]
    assert [row[columns_of(published, i)] for i in ("ANH001", "ANH002", "ANH004", "ANH006", "ANH008")] == [
        9, "..", "..", "..", "..",
    ]  # fmt: skip
    assert published.note


@pytest.mark.django_db(transaction=True)
def test_the_page_is_kept_across_writes_it_does_not_read_and_counts_a_new_contact_at_once(
    world, postgresql, login, django_assert_num_queries
):
    cache.clear()
    client = login(UserFactory(role=Role.STRATEGIST, municipality=world["stockholm"]))
    url = reverse("benchmark:page") + f"?year={YEAR}"
    client.get(url)

    UserFactory(username="someone-else")  # a write the benchmark does not read
    # The session and user; the years; who publishes; the rows and their markup, found by the versions
    # of what they read (one query); the publishing history.
    with django_assert_num_queries(6):
        kept = client.get(url)

    assert kept.context["content"]["shared"][0]["values"]["ANH001"] == 6
    consultant = Consultant.objects.filter(home_district=world["bromma"]).first()
    ContactFactory(
        district=world["bromma"],
        consultant=consultant,
        date=DAY,
        intervention_type=InterventionType.objects.get(code="advice"),
    )
    page = client.get(url)
    assert page.context["content"]["shared"][0]["values"]["ANH001"] == 7
    assert "<td>7</td>" in page.content.decode()
