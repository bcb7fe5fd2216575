"""The benchmark of municipalities in a real browser (issue 17): a Nacka consultant logs a call, Nacka's
strategist publishes its year, a Stockholm strategist and a regional analyst open the benchmark; axe
finds no serious violation on any new page, at 1280 and at 360 px."""

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.models import Role
from accounts.services import user_create
from benchmark.models import BenchmarkPublication
from consultants.models import Consultant
from consultants.services import consultant_link_user
from interventions.models import Contact

from .conftest import PASSWORD, serious_violations


@pytest.fixture
def municipalities(transactional_db, reference_data):
    call_command("load_reference_data", "nacka-2022", stdout=io.StringIO())
    konsulent = user_create(
        username="konsulent.nacka", role=Role.CONSULTANT, password=PASSWORD, district_codes=["nacka-anhorigcenter"]
    )
    consultant_link_user(consultant=Consultant.objects.get(ref="NACKA-65PLUS"), user=konsulent)
    user_create(username="strateg.nacka", role=Role.STRATEGIST, password=PASSWORD, municipality_code="0182")
    user_create(username="stina", role=Role.STRATEGIST, password=PASSWORD, municipality_code="0180")
    user_create(username="analytiker", role=Role.ANALYST, password=PASSWORD)


def _fits(page) -> bool:
    """Nothing but a table's own scrolling box is wider than the window."""
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_nacka_call_reaches_the_benchmark_of_stockholm_and_the_analyst_once_published(municipalities, as_user):
    year = timezone.localdate().year

    kim = as_user("konsulent.nacka")
    assert kim.inner_text("#current-municipality") == "Nacka"
    with kim.expect_navigation():
        kim.keyboard.press("Enter")  # a phone call with the defaults
    assert Contact.objects.filter(district__code="nacka-anhorigcenter").count() == 1
    assert serious_violations(kim) == []

    nacka = as_user("strateg.nacka")
    nacka.goto(f"/benchmark/?year={year}")
    assert "Inte publicerade" in nacka.inner_text("#publication-state")
    assert serious_violations(nacka) == []
    with nacka.expect_navigation():
        nacka.click("text=Publicera siffrorna i jämförelsen")
    assert "Publicerade av strateg.nacka" in nacka.inner_text("#publication-state")
    assert BenchmarkPublication.objects.filter(municipality__code="0182", year=year, withdrawn_at=None).count() == 1

    stina = as_user("stina")
    stina.click("text=Kommuner")
    stina.select_option("#id_year", str(year))
    with stina.expect_navigation():
        stina.click("#benchmark-year button[type=submit]")
    rows = stina.locator("#table-benchmark tbody tr")
    assert rows.nth(0).locator("th").inner_text() == "Stockholm"
    assert rows.nth(1).locator("th").inner_text() == "Nacka"
    assert rows.nth(1).locator("td").nth(4).inner_text() == "1"  # ANH001: the call just logged
    assert serious_violations(stina) == []

    phone = as_user("stina", width=360)
    phone.goto(f"/benchmark/?year={year}")
    assert _fits(phone)
    assert serious_violations(phone) == []

    analyst = as_user("analytiker")
    assert analyst.url.endswith("/benchmark/")
    analyst.goto(f"/benchmark/?year={year}")
    names = analyst.locator("#table-benchmark tbody tr th").all_inner_texts()
    assert names[0] == "Nacka" and "Stockholm" not in names
    assert serious_violations(analyst) == []
    analyst.goto("/benchmark/indicators/")
    assert analyst.locator("#indicators tbody tr").count() == 15
    assert serious_violations(analyst) == []
    assert analyst.goto("/caregivers/").status == 404
