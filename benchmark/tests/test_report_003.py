"""Report 003's table ("Hur gör andra kommuner?") rebuilt from the loaded data, with what the shared
definitions add for Nacka beside it: its 2,089 occasions logged through the service and its unique
caregivers, counted as every municipality logging here is counted."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.models import Role
from accounts.tests.factories import UserFactory
from benchmark.tables import benchmark_tables
from districts.models import Municipality
from interventions.models import Contact


@pytest.fixture
def loaded(db):
    for dataset in ("stockholm-2018", "nacka-2022"):
        call_command("load_reference_data", dataset, stdout=io.StringIO())
    call_command(
        "generate_published_contacts", "nacka-2022", "--seed", "1", "--allow-without-debug", stdout=io.StringIO()
    )
    return Municipality.objects.get(code="0182")


def test_report_003s_table_is_rebuilt_with_what_the_shared_definitions_add_for_nacka(loaded, login):
    client = login(UserFactory(role=Role.STRATEGIST, municipality=loaded))

    content = client.get(reverse("benchmark:page") + "?year=2022").context["content"]

    # As published: inhabitants, staff, reach and cost in the municipalities' own words.
    published = {t.id: t for t in benchmark_tables(content)}["published"]
    source = "Rapport 003, avsnitt 6 (Hur gör andra kommuner?), jämförelsetabellen"
    assert [row[:7] for row in published.rows] == [
        ["Danderyd", "0162", 32_000, "En anhörigkonsulent och en demenssamordnare", "Cirka 300 personer",
         "Ej svar", "–"],
        ["Nacka", "0182", 105_000, "Två anhörigkonsulenter och en demenssjuksköterska", "Cirka 2000 kontakter",
         "3 484 000 kr per år", 3_484_000],
        ["Tyresö", "0138", 48_000, "En anhörigkonsulent", "Cirka 450 personer", "Kostnad för en anhörigkonsulent", "–"],
        ["Täby", "0160", 71_000, "En anhörigkonsulent 50%", "Ingen statistik",
         "Kostnad för en anhörigkonsulent samt ytterligare 150 000 kr i budget", "–"],
    ]  # fmt: skip
    assert all(row[7].startswith(source) for row in published.rows)
    # Their rows in the comparison: marked, what they counted in the column it belongs to, no median.
    by_code = {row["code"]: row for row in content["published"]}
    assert {code: (row["values"]["ANH001"], row["values"]["ANH002"]) for code, row in by_code.items()} == {
        "0162": (None, 300), "0182": (2000, None), "0138": (None, 450), "0160": (None, None),
    }  # fmt: skip
    assert by_code["0160"]["values"]["ANH014"] == 0.5

    # Beside it, Nacka on the shared definitions: every occasion logged, and the persons behind them.
    (nacka,) = content["shared"]
    logged = Contact.objects.alive().filter(date__year=2022, district__municipality=loaded)
    caregivers = logged.filter(caregiver__isnull=False).values("caregiver").distinct().count()
    assert (nacka["code"], nacka["values"]["ANH001"], nacka["values"]["ANH002"]) == ("0182", 2089, caregivers)
    assert caregivers == 472  # the replay's seed 1
    assert nacka["values"]["ANH003"] == round(2089 * 1000 / 105_000, 1)
    assert nacka["values"]["ANH004"] == round(472 * 1000 / 105_000, 1)
    assert nacka["values"]["ANH005"] == round(2089 / 3)  # three full-time posts
    assert nacka["values"]["ANH007"] == round(2089 * 1000 / 3_484_000, 2)
    assert nacka["values"]["ANH015"] == 3_484_000
    assert content["medians"]["ANH001"] == 2089.0  # Nacka alone is on the shared definitions
