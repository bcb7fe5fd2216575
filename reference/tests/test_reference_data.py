import datetime
import json

import pytest
from django.core import serializers
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from accounts.scoping import SYSTEM
from consultants.models import Allocation, AssignmentDescription, AssignmentTask, Consultant, DescriptionAssignment
from districts.models import CaregiverRepresentativeCount, District, Municipality, Network, SupportPurchase
from followup.selectors import consultant_facts
from interventions.models import DistrictOffering, InterventionType
from reference.schema import REFERENCE_DIR, ReferenceDataError
from reference.services import reference_data_load

from .conftest import edit_data_file

ALL_MODELS = [
    Municipality,
    District,
    Network,
    SupportPurchase,
    CaregiverRepresentativeCount,
    InterventionType,
    DistrictOffering,
    Consultant,
    Allocation,
    AssignmentDescription,
    AssignmentTask,
    DescriptionAssignment,
]


@pytest.fixture(autouse=True)
def _english():
    """Assert on the English messages; the Swedish ones are checked in the i18n tests."""
    with translation.override("en"):
        yield


def _snapshot() -> str:
    rows = []
    for model in ALL_MODELS:
        rows.extend(model._default_manager.order_by("pk"))
    return serializers.serialize("json", rows)


def test_loader_reproduces_the_2018_mapping(reference_data):
    # Independent counts straight from the tables, not through the selectors.
    assert District.objects.count() == 14
    assert Consultant.objects.count() == 18
    assert len(set(Allocation.objects.values_list("consultant_id", "district_id"))) == 22
    groups = [c.target_group for c in Consultant.objects.all()]
    assert groups.count("65_plus") == 7
    assert groups.count("under_65") == 3
    assert groups.count("all") + groups.count("all_except_substance_abuse") == 8
    documented = DescriptionAssignment.objects.filter(description__adopted_on__isnull=False)
    assert [a.consultant.ref for a in documented] == ["K15"]
    assert sorted(District.objects.filter(own_budget=True).values_list("code", flat=True)) == [
        "enskede-arsta-vantor",
        "farsta",
        "norrmalm",
        "ostermalm",
        "rinkeby-kista",
        "skarpnack",
        "sodermalm",
    ]


def test_the_districts_are_stockholms(reference_data):
    stockholm = Municipality.objects.get()

    assert (stockholm.code, stockholm.name, stockholm.inhabitants) == ("0180", "Stockholm", 962_154)
    assert District.objects.filter(municipality=stockholm).count() == 14


def test_a_bad_municipality_code_names_its_record_and_loads_nothing(db, data_dir):
    edit_data_file(data_dir, "stockholm_2018_supplement.json", lambda d: d["municipality"].update(code="180"))

    with pytest.raises(ReferenceDataError) as excinfo:
        reference_data_load(dataset="stockholm-2018", directory=data_dir)

    assert excinfo.value.file == "stockholm_2018_supplement.json"
    assert excinfo.value.record == 'municipality, field "code"'
    assert "the four digits of its kommunkod" in excinfo.value.message
    assert Municipality.objects.count() == 0


def test_loader_loads_networks_purchases_budgets_and_representatives(reference_data):
    sydost = Network.objects.get(code="sydost")
    assert sorted(sydost.districts.values_list("code", flat=True)) == ["enskede-arsta-vantor", "farsta", "skarpnack"]
    alvsjo = District.objects.get(code="alvsjo")
    assert sorted(alvsjo.purchases.values_list("seller__code", "target_group", "share_percent")) == [
        ("hagersten-liljeholmen", "65_plus", 25),
        ("hagersten-liljeholmen", "under_65", 25),
    ]
    ostermalm = District.objects.get(code="ostermalm")
    assert list(ostermalm.budgets.values_list("sek_per_year", "valid_from", "valid_to")) == [
        (200000, datetime.date(2018, 1, 1), None)
    ]
    assert District.objects.get(code="norrmalm").reported_talk_limit == 2
    reps = CaregiverRepresentativeCount.objects.get(district__code="hagersten-liljeholmen", target_group="65_plus")
    assert reps.count == 17
    assert CaregiverRepresentativeCount.objects.get(district__code="bromma").count is None


def test_loader_loads_the_base_level_catalogue_and_offerings(reference_data):
    assert InterventionType.objects.count() == 10
    talks = InterventionType.objects.get(code="guidance_talks")
    assert (talks.cap_min, talks.cap_max, talks.category) == (3, 5, "individual_talks")
    assert sorted(
        DistrictOffering.objects.filter(district__code="hasselby-vallingby").values_list(
            "target_group", "intervention_type__code"
        )
    ) == [("65_plus", "advice"), ("65_plus", "own_groups")]
    # Total offerings in the file: one row per (district, target group, component).
    data = json.loads((REFERENCE_DIR / "stockholm_2018.json").read_text(encoding="utf-8"))
    expected = sum(len(codes) for d in data["districts"] for codes in d["offerings"].values())
    assert DistrictOffering.objects.count() == expected


def test_loader_loads_the_template_and_the_documented_description(reference_data):
    template = AssignmentDescription.objects.get(district__isnull=True)
    kinds = list(template.tasks.values_list("kind", flat=True))
    assert (kinds.count("operative"), kinds.count("strategic"), kinds.count("general")) == (5, 4, 1)
    sodermalm = AssignmentDescription.objects.get(district__code="sodermalm")
    assert sodermalm.based_on == template
    assert sodermalm.target_group == "65_plus"
    assert sodermalm.tasks.count() == 10
    k04 = Consultant.objects.get(ref="K04")
    assert sorted(k04.allocations.values_list("district__code", "percent")) == [
        ("alvsjo", 20),
        ("hagersten-liljeholmen", 50),
        ("skarholmen", 20),
    ]
    assert sorted(Consultant.objects.get(ref="K16").methods.values_list("code", flat=True)) == [
        "craft",
        "mi",
        "ors",
        "srs",
    ]


def test_loading_twice_changes_nothing(reference_data):
    before = _snapshot()

    second = reference_data_load(dataset="stockholm-2018")

    assert not second.changed
    assert _snapshot() == before


def test_reload_restores_edited_reference_rows(reference_data):
    k01 = Consultant.objects.get(ref="K01")
    k01.allocations.update(percent=10)
    farsta = District.objects.get(code="farsta")
    Allocation.objects.create(
        consultant=k01, district=farsta, target_group="all", percent=5, valid_from=datetime.date(2018, 1, 1)
    )
    # Staffing entered since the dataset's year is history the file knows nothing of: kept.
    Allocation.objects.create(
        consultant=k01, district=farsta, target_group="65_plus", percent=20, valid_from=datetime.date(2025, 1, 1)
    )

    summary = reference_data_load(dataset="stockholm-2018")

    assert summary.updated["consultants.Allocation"] == 1
    assert summary.deleted["consultants.Allocation"] == 1
    assert list(k01.allocations.order_by("valid_from").values_list("district__code", "percent", "valid_from")) == [
        ("bromma", 80, datetime.date(2018, 1, 1)),
        ("farsta", 20, datetime.date(2025, 1, 1)),
    ]


def test_command_prints_the_figures(db, capsys):
    call_command("load_reference_data", "stockholm-2018")
    call_command("load_reference_data", "stockholm-2018")

    out = capsys.readouterr().out
    assert "Already loaded: nothing changed." in out
    assert (
        "14 districts, 18 unique consultants in 22 consultant-district rows; 7 serving 65+, 3 serving 65-, "
        "8 serving all; 1 with a documented, current assignment description."
    ) in out


def test_facts_selector_matches_the_reference_figures(reference_data):
    facts = consultant_facts(user=SYSTEM)

    assert (facts.districts, facts.consultants_unique, facts.consultant_district_rows) == (14, 18, 22)
    assert (facts.over_65, facts.under_65, facts.all_groups, facts.with_current_description) == (7, 3, 8, 1)


@pytest.mark.parametrize(
    ("change", "record", "message"),
    [
        (
            lambda d: d["consultants"][3]["allocations"][1].update(percent=140),
            'consultants[3] (K04), allocations[1], field "percent"',
            "140 is outside the allowed range 1-100",
        ),
        (
            lambda d: d["consultants"][0].update(home_district="atlantis"),
            'consultants[0] (K01), field "home_district"',
            '"atlantis" is not one of',
        ),
        (
            lambda d: d["districts"][1].update(budget_sek_per_year="lots"),
            'districts[1] (enskede-arsta-vantor), field "budget_sek_per_year"',
            'expected a whole number, got "lots"',
        ),
        (
            lambda d: d["districts"][2]["offerings"]["65_plus"].append("yoga"),
            'districts[2] (farsta), field "offerings.65_plus"',
            '"yoga" is not one of',
        ),
        (
            lambda d: d["districts"][4].update(code="farsta"),
            "districts[4]",
            "duplicate district code 'farsta'",
        ),
        (
            lambda d: d["networks"][0]["districts"].append("gotham"),
            'networks[0] (sydost), field "districts"',
            '"gotham" is not one of',
        ),
        (
            lambda d: d["consultants"][5].pop("employment_percent"),
            'consultants[5] (K06), field "employment_percent"',
            "this field is missing",
        ),
        (
            lambda d: d["districts"][0].update(own_budget="yes"),
            'districts[0] (bromma), field "own_budget"',
            'expected true or false, got "yes"',
        ),
    ],
)
def test_bad_reference_data_names_file_and_record_and_loads_nothing(db, data_dir, change, record, message):
    edit_data_file(data_dir, "stockholm_2018.json", change)

    with pytest.raises(ReferenceDataError) as excinfo:
        reference_data_load(dataset="stockholm-2018", directory=data_dir)

    assert excinfo.value.file == "stockholm_2018.json"
    assert excinfo.value.record == record
    assert message in excinfo.value.message
    assert District.objects.count() == 0
    assert Consultant.objects.count() == 0


def test_invalid_json_names_the_line(db, data_dir):
    (data_dir / "stockholm_2018.json").write_text('{"year": 2018,\n "districts": [}', encoding="utf-8")

    with pytest.raises(ReferenceDataError) as excinfo:
        reference_data_load(dataset="stockholm-2018", directory=data_dir)

    assert str(excinfo.value).startswith("stockholm_2018.json, line 2, column")


def test_a_failure_late_in_the_load_rolls_back_everything(reference_data, data_dir):
    # Two networks with one name pass the file check but break the database's uniqueness,
    # after the districts and purchases have been written: all of it must roll back.
    def change(d):
        d["districts"][0]["budget_sek_per_year"] = 123
        d["networks"][1]["name"] = d["networks"][0]["name"]

    edit_data_file(data_dir, "stockholm_2018.json", change)
    before = _snapshot()

    with pytest.raises(ReferenceDataError) as excinfo:
        reference_data_load(dataset="stockholm-2018", directory=data_dir)

    assert excinfo.value.record == "networks (innerstaden)"
    assert "name" in excinfo.value.message
    assert _snapshot() == before
    assert not District.objects.get(code="bromma").budgets.exists()


def test_command_reports_bad_data_as_an_error(db, data_dir):
    edit_data_file(
        data_dir, "stockholm_2018_supplement.json", lambda d: d["methods"].append({"code": "mi", "name": "Again"})
    )

    with pytest.raises(
        CommandError, match=r"Nothing was loaded\. stockholm_2018_supplement\.json, methods\[5\]: duplicate"
    ):
        call_command("load_reference_data", "stockholm-2018", "--directory", str(data_dir))
    assert District.objects.count() == 0
