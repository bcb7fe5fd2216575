"""Nacka 2022 (report 003): its reference data beside Stockholm's, its published 2022 replayed as
logged work, and the demo users and cycle of two municipalities."""

import datetime
import io
import json
import re
from collections import Counter
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count
from django.utils import translation

from accounts.models import Role, User
from approvals.models import MonthApproval
from benchmark.models import PublishedFigures
from caregivers.models import Caregiver
from collaboration.models import Partner
from consultants.models import Allocation, Consultant, Method
from consultants.selectors import fte_by_district
from districts.models import Budget, District, Municipality
from districts.selectors import budget_by_district
from figures.definitions import SCOPE
from figures.periods import Period
from followup.selectors import district_figures
from interventions.models import Contact, DistrictOffering, InterventionType, Organiser
from interventions.tests.factories import ContactFactory
from reference.demo_contacts import generate
from reference.demo_cycle import generate_cycle
from reference.schema import REFERENCE_DIR, ReferenceDataError
from reference.services import reference_data_load

from .conftest import edit_data_file

NACKA_TABLE = json.loads((REFERENCE_DIR / "nacka_2022.json").read_text(encoding="utf-8"))
NACKA_DISTRICT = "nacka-anhorigcenter"
YEAR_2022 = (datetime.date(2022, 1, 1), datetime.date(2022, 12, 31))
# The rows both datasets load, counted after loading them in either order.
COUNTED = (Municipality, District, Budget, Consultant, Allocation, Method, InterventionType, Organiser,
           DistrictOffering, PublishedFigures)  # fmt: skip
BOTH_LOADED = {
    "districts.Municipality": 5,  # Stockholm, Nacka and report 003's three comparison municipalities
    "districts.District": 15,
    "districts.Budget": 4,  # Stockholm's three and Nacka's
    "consultants.Consultant": 21,
    "consultants.Allocation": 25,
    "consultants.Method": 5,
    "interventions.InterventionType": 10,
    "interventions.Organiser": 3,
    "interventions.DistrictOffering": 120,  # Stockholm's 114 and Nacka's 6
    "benchmark.PublishedFigures": 4,
}
# Which consultant gave each row of the published table (by the reference, not the report role).
ROLE_OF_REF = {"NACKA-65PLUS": "consultant_65_plus", "NACKA-UNDER65": "consultant_under_65",
               "NACKA-DEMENS": "dementia_nurse"}  # fmt: skip


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def _counts() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in COUNTED}


def _load(dataset: str, directory=None) -> str:
    out = io.StringIO()
    args = ["--directory", str(directory)] if directory else []
    call_command("load_reference_data", dataset, *args, stdout=out)
    return out.getvalue()


def _published_table() -> dict[tuple[str, str], int]:
    """Report 003's role x channel cells, without the empty one."""
    return {
        (role, channel): count
        for role, channels in NACKA_TABLE["contacts"].items()
        for channel, count in channels.items()
        if count
    }


@pytest.fixture
def both(db):
    _load("stockholm-2018")
    _load("nacka-2022")
    return District.objects.get(code=NACKA_DISTRICT)


@pytest.mark.parametrize("order", [("stockholm-2018", "nacka-2022"), ("nacka-2022", "stockholm-2018")])
def test_both_datasets_load_in_either_order_and_loading_again_changes_nothing(db, order):
    for dataset in order:
        assert "Already loaded" not in _load(dataset)
    loaded = _counts()

    again = [_load(dataset) for dataset in order]

    assert all("Already loaded: nothing changed." in out for out in again)
    assert _counts() == loaded == BOTH_LOADED


def test_nacka_loads_its_municipality_centre_staff_budget_and_the_shared_base_level_on_an_empty_database(db):
    summary = reference_data_load(dataset="nacka-2022")

    nacka = Municipality.objects.get(code="0182")
    assert (nacka.name, nacka.inhabitants) == ("Nacka", 105_000)
    centre = District.objects.get(municipality=nacka)
    assert (centre.code, centre.name, centre.own_budget) == (NACKA_DISTRICT, "Anhörigcenter Nacka", True)
    assert list(Consultant.objects.order_by("ref").values_list("ref", "role", "target_group", "employment_percent",
                                                                "home_district__code")) == [
        ("NACKA-65PLUS", "consultant", "65_plus", 100, NACKA_DISTRICT),
        ("NACKA-DEMENS", "dementia_nurse", "65_plus", 100, NACKA_DISTRICT),
        ("NACKA-UNDER65", "consultant", "under_65", 100, NACKA_DISTRICT),
    ]  # fmt: skip
    assert list(Allocation.objects.order_by("consultant__ref").values_list("district__code", "target_group",
                                                                           "percent", "valid_from")) == [
        (NACKA_DISTRICT, "65_plus", 100, datetime.date(2022, 1, 1)),
        (NACKA_DISTRICT, "65_plus", 100, datetime.date(2022, 1, 1)),
        (NACKA_DISTRICT, "under_65", 100, datetime.date(2022, 1, 1)),
    ]  # fmt: skip
    start, end = YEAR_2022
    assert fte_by_district(start=start, end=end, district_ids=[centre.pk]) == {centre.pk: 3.0}
    assert budget_by_district(start=start, end=end, district_ids=[centre.pk]) == {centre.pk: 3_484_000}
    assert budget_by_district(start=datetime.date(2021, 1, 1), end=datetime.date(2021, 12, 31)) == {}
    # The base level, methods and organisers are the installation's: Nacka loads them first here.
    assert InterventionType.objects.count() == 10
    assert (Method.objects.count(), Organiser.objects.count()) == (5, 3)
    assert summary.created["benchmark.PublishedFigures"] == 4


def test_the_four_municipalities_of_report_003_have_their_published_figures_as_published(db):
    reference_data_load(dataset="nacka-2022")

    rows = list(
        PublishedFigures.objects.order_by("municipality__code").values_list(
            "municipality__code", "municipality__name", "year", "inhabitants", "staff", "staff_fte", "reach",
            "reach_count", "reach_unit", "cost_sek",
        )
    )  # fmt: skip

    assert rows == [
        ("0138", "Tyresö", 2022, 48_000, "En anhörigkonsulent", Decimal("1.00"), "Cirka 450 personer", 450,
         "persons", None),
        ("0160", "Täby", 2022, 71_000, "En anhörigkonsulent 50%", Decimal("0.50"), "Ingen statistik", None, "",
         None),
        ("0162", "Danderyd", 2022, 32_000, "En anhörigkonsulent och en demenssamordnare", Decimal("2.00"),
         "Cirka 300 personer", 300, "persons", None),
        ("0182", "Nacka", 2022, 105_000, "Två anhörigkonsulenter och en demenssjuksköterska", Decimal("3.00"),
         "Cirka 2000 kontakter", 2000, "occasions", 3_484_000),
    ]  # fmt: skip
    nacka = PublishedFigures.objects.get(municipality__code="0182")
    assert nacka.detail == {"contacts": NACKA_TABLE["contacts"], "totals": NACKA_TABLE["totals"]}
    assert nacka.detail["totals"]["all"] == 2089
    assert nacka.source == (
        "Rapport 003, avsnitt 6 (Hur gör andra kommuner?), jämförelsetabellen; "
        "Rapport 003, avsnitt 3 (Hur många tar del av stödet?): kontakter per roll och kanal"
    )
    assert set(PublishedFigures.objects.exclude(pk=nacka.pk).values_list("source", flat=True)) == {
        "Rapport 003, avsnitt 6 (Hur gör andra kommuner?), jämförelsetabellen"
    }
    assert list(PublishedFigures.objects.exclude(pk=nacka.pk).values_list("detail", flat=True)) == [{}, {}, {}]
    # The comparison municipalities do not log here: no districts, only their name and kommunkod.
    compared = Municipality.objects.filter(code__in=["0138", "0160", "0162"])
    assert list(compared.annotate(n=Count("districts")).values_list("name", "inhabitants", "n").order_by("code")) == [
        ("Tyresö", None, 0),
        ("Täby", None, 0),
        ("Danderyd", None, 0),
    ]


@pytest.mark.parametrize(
    ("name", "change", "record", "message"),
    [
        (
            "nacka_2022_supplement.json",
            lambda d: d["municipality"].update(code="182"),
            'municipality, field "code"',
            "a municipality code is the four digits of its kommunkod",
        ),
        (
            "nacka_2022_supplement.json",
            lambda d: d["published_figures"]["municipalities"][1].update(code="182"),
            'published_figures.municipalities[1] (Tyresö), field "code"',
            "a municipality code is the four digits of its kommunkod",
        ),
        (
            "nacka_2022_supplement.json",
            lambda d: d["consultants"][2].update(role="nurse"),
            'consultants[2] (NACKA-DEMENS), field "role"',
            '"nurse" is not one of: consultant, dementia_nurse',
        ),
        (
            "nacka_2022_supplement.json",
            lambda d: d["published_figures"]["municipalities"][2].update(staff_fte=0.555),
            'published_figures.municipalities[2] (Täby), field "staff_fte"',
            "at most 2 decimals",
        ),
        (
            "nacka_2022.json",
            lambda d: d["contacts"]["dementia_nurse"].update(phone=623),
            'totals, field "phone"',
            "1809 is not the sum of the table's cells, 1810",
        ),
    ],
)
def test_a_bad_nacka_record_names_its_file_and_record_and_loads_nothing(db, data_dir, name, change, record, message):
    edit_data_file(data_dir, name, change)

    with pytest.raises(ReferenceDataError) as excinfo:
        reference_data_load(dataset="nacka-2022", directory=data_dir)

    assert (excinfo.value.file, excinfo.value.record) == (name, record)
    assert message in excinfo.value.message
    assert _counts() == dict.fromkeys(BOTH_LOADED, 0)


def test_the_command_reports_a_bad_kommunkod_and_loads_nothing_beside_stockholm(db, data_dir):
    _load("stockholm-2018")
    before = _counts()
    edit_data_file(data_dir, "nacka_2022_supplement.json", lambda d: d["municipality"].update(code="182"))

    with pytest.raises(CommandError) as raised:
        _load("nacka-2022", data_dir)

    assert str(raised.value) == (
        'Nothing was loaded. nacka_2022_supplement.json, municipality, field "code": '
        "a municipality code is the four digits of its kommunkod"
    )
    assert _counts() == before


def _replay() -> str:
    out = io.StringIO()
    call_command(
        "generate_published_contacts", "nacka-2022", "--seed", "1", "--if-empty", "--allow-without-debug", stdout=out
    )
    return out.getvalue()


def test_the_replay_logs_nackas_published_2022_cell_by_cell_and_the_figures_count_it(both):
    _replay()

    contacts = Contact.objects.filter(date__year=2022)
    assert contacts.count() == 2089
    assert Contact.objects.count() == 2089  # nothing outside 2022 or outside Nacka
    assert not contacts.exclude(district=both).exists()
    cells = {
        (ROLE_OF_REF[ref], channel): n
        for ref, channel, n in contacts.values_list("consultant__ref", "channel").annotate(n=Count("pk"))
    }
    assert cells == _published_table()
    # Pseudonymous caregivers of Nacka's, each met only here, labelled and nothing more.
    caregivers = Caregiver.objects.filter(contacts__in=contacts).distinct()
    assert set(caregivers.values_list("municipality__code", flat=True)) == {"0182"}
    assert Caregiver.objects.count() == caregivers.count() == 472  # seed 1
    assert all(re.fullmatch(r"NAC-\d{4}", label) for label in caregivers.values_list("label", flat=True))
    assert set(Caregiver.districts.through.objects.values_list("district_id", flat=True)) == {both.pk}
    assert caregivers.filter(birth_year__isnull=False).count() == 0
    # Most callers once or a few times, a few many times (seed 1: 358 of 472 at most four times).
    per_caregiver = contacts.filter(caregiver__isnull=False).values("caregiver").annotate(n=Count("pk"))
    assert dict(sorted(Counter(row["n"] for row in per_caregiver).items())) == {
        1: 169, 2: 98, 3: 52, 4: 39, 5: 9, 6: 22, 8: 23, 10: 16, 12: 20, 16: 11, 20: 6, 30: 7,
    }  # fmt: skip
    # Guidance talks within the cap, numbered 1..n in date order per caregiver.
    talks = contacts.filter(talk_number__isnull=False).order_by("caregiver_id", "date", "talk_number")
    assert not talks.filter(intervention_type__code__in=["advice", "home_visits"]).exists()
    assert set(talks.values_list("talk_cap", flat=True)) == {5}
    numbered: dict[int, list[int]] = {}
    for caregiver_id, number in talks.values_list("caregiver_id", "talk_number"):
        numbered.setdefault(caregiver_id, []).append(number)
    assert all(numbers == list(range(1, len(numbers) + 1)) for numbers in numbered.values())
    assert set(contacts.filter(channel="home_visit").values_list("intervention_type__code", flat=True)) == {
        "home_visits"
    }

    figures = district_figures(period=Period.year(2022), district_ids=[both.pk], combined=True)[SCOPE]

    named = contacts.filter(caregiver__isnull=False).values("caregiver").distinct().count()
    anonymous = contacts.filter(caregiver__isnull=True).count()
    assert (figures["contacts"], figures["caregivers"], figures["anonymous"]) == (2089, named, anonymous)
    assert (named, anonymous) == (472, 145)
    # An anonymous contact reaches no one the figures can count: distinct() over the column sees
    # the anonymous contacts as one more value (None), the figures count none of them.
    assert contacts.values("caregiver").distinct().count() == named + 1
    assert {
        (role, channel): n for role, channels in figures["role_channel"].items() for channel, n in channels.items()
    } == _published_table()


def test_the_replay_with_if_empty_adds_nothing_the_second_time_or_after_a_contact_logged_by_hand(both):
    first = _replay()
    labels = sorted(Caregiver.objects.values_list("label", flat=True))

    second = _replay()

    assert "2089 contacts" in first
    assert second == "The municipality has contacts in the year already: nothing replayed.\n"
    assert Contact.objects.count() == 2089
    assert sorted(Caregiver.objects.values_list("label", flat=True)) == labels
    with pytest.raises(CommandError, match="Nacka has contacts in 2022 already"):
        call_command("generate_published_contacts", "nacka-2022", "--allow-without-debug", stdout=io.StringIO())
    assert Contact.objects.count() == 2089


def test_a_contact_logged_by_hand_in_2022_makes_the_replay_skip(both):
    ContactFactory(
        consultant=Consultant.objects.get(ref="NACKA-65PLUS"), date=datetime.date(2022, 3, 1), target_group="65_plus"
    )

    assert _replay() == "The municipality has contacts in the year already: nothing replayed.\n"
    assert Contact.objects.count() == 1


def test_the_replay_refuses_before_nacka_is_loaded(db):
    _load("stockholm-2018")

    with pytest.raises(CommandError, match="Load the reference data first: load_reference_data nacka-2022"):
        _replay()
    with pytest.raises(CommandError, match="stockholm-2018 publishes no contact table to replay"):
        call_command("generate_published_contacts", "stockholm-2018", "--allow-without-debug")
    assert Contact.objects.count() == 0


def _demo_users() -> str:
    out = io.StringIO()
    call_command("load_demo_users", "--allow-without-debug", stdout=out)
    return out.getvalue()


def _users() -> list[tuple]:
    return [
        (u.username, u.role, u.municipality.code if u.municipality else None,
         sorted(u.districts.values_list("code", flat=True)), getattr(getattr(u, "consultant", None), "ref", None))
        for u in User.objects.order_by("username").select_related("municipality", "consultant")
    ]  # fmt: skip


STOCKHOLM_USERS = [
    ("admin", Role.ADMIN, "0180", [], None),
    ("chef.bromma", Role.MANAGER, "0180", ["bromma"], None),
    ("chef.sydost", Role.MANAGER, "0180", ["enskede-arsta-vantor", "farsta", "skarpnack"], None),
    ("konsulent.bromma", Role.CONSULTANT, "0180", ["bromma"], "K01"),
    ("konsulent.farsta", Role.CONSULTANT, "0180", ["farsta"], "K03"),
    ("konsulent.hl", Role.CONSULTANT, "0180", ["alvsjo", "hagersten-liljeholmen", "skarholmen"], "K04"),
    ("strateg", Role.STRATEGIST, "0180", [], None),
]


def test_load_demo_users_with_both_datasets_loaded_creates_each_municipalitys_users_and_the_analyst(both):
    first = _demo_users()
    second = _demo_users()

    assert "10 demo users created" in first and "0 demo users created" in second
    assert _users() == sorted([
        *STOCKHOLM_USERS,
        ("analytiker", Role.ANALYST, None, [], None),
        ("konsulent.nacka", Role.CONSULTANT, "0182", [NACKA_DISTRICT], "NACKA-65PLUS"),
        ("strateg.nacka", Role.STRATEGIST, "0182", [], None),
    ])  # fmt: skip


def test_load_demo_users_without_nacka_creates_stockholms_and_nackas_once_it_is_loaded(db):
    _load("stockholm-2018")

    first = _demo_users()

    assert "8 demo users created" in first
    assert "Not created (their municipality is not loaded): konsulent.nacka, strateg.nacka." in first
    assert _users() == sorted([*STOCKHOLM_USERS, ("analytiker", Role.ANALYST, None, [], None)])

    _load("nacka-2022")
    assert "2 demo users created" in _demo_users()
    assert User.objects.get(username="konsulent.nacka").consultant.ref == "NACKA-65PLUS"


def test_the_demo_cycle_keeps_each_municipalitys_months_strategists_and_partners_apart(both):
    _demo_users()
    generate(years=1, per_district=40, seed=1, municipality_code="0180")
    assert not Contact.objects.filter(district=both).exists()  # Stockholm's demo year only
    _replay()

    generate_cycle(seed=1)

    strategists = dict(User.objects.filter(role=Role.STRATEGIST).values_list("municipality__code", "pk"))
    accepted = MonthApproval.objects.filter(accepted_by__isnull=False)
    assert set(accepted.filter(district=both).values_list("accepted_by", flat=True)) == {strategists["0182"]}
    assert set(accepted.exclude(district=both).values_list("accepted_by", flat=True)) == {strategists["0180"]}
    # Nacka's months from its first contact in 2022; Stockholm's from its demo year's.
    assert MonthApproval.objects.filter(district=both).order_by("month").first().month == datetime.date(2022, 1, 1)
    assert MonthApproval.objects.exclude(district=both).order_by("month").first().month.year >= 2025
    for partner in Partner.objects.prefetch_related("districts"):
        assert len({d.municipality_id for d in partner.districts.all()}) == 1, partner.name
