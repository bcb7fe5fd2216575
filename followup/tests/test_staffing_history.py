"""History-true staffing: allocations (FTE) and budgets are in force from one day to another, and the
figures per FTE and per SEK of a past period use that period's staffing."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from accounts.models import Role
from accounts.tests.factories import UserFactory
from consultants.models import Allocation
from consultants.selectors import consultants_serving, fte_by_district
from consultants.tests.factories import AllocationFactory, ConsultantFactory
from districts.models import Budget
from districts.selectors import budget_by_district
from districts.tests.factories import BudgetFactory, DistrictFactory
from districts.validity import mean_over_covered_days, mean_over_period
from figures.periods import Period
from followup.reports import report_content, report_tables
from interventions.tests.factories import ContactFactory

D = datetime.date


def test_a_value_counts_by_the_days_it_was_in_force():
    rows = [("a", 100, D(2018, 1, 1), D(2024, 6, 30)), ("a", 50, D(2024, 7, 1), None), ("b", 80, D(2025, 1, 1), None)]
    year = {"start": D(2024, 1, 1), "end": D(2024, 12, 31)}
    # 182 days at 100 and 184 at 50, of 366.
    assert mean_over_period(rows, **year) == {"a": round((100 * 182 + 50 * 184) / 366, 4), "b": 0}
    assert mean_over_period(rows, start=D(2018, 1, 1), end=D(2018, 12, 31)) == {"a": 100.0, "b": 0}
    # A budget known for part of a period is that part's; unknown is absent.
    assert mean_over_covered_days(rows, start=D(2025, 1, 1), end=D(2025, 12, 31)) == {"a": 50.0, "b": 80.0}
    assert mean_over_covered_days(rows, start=D(2017, 1, 1), end=D(2017, 12, 31)) == {}


@pytest.fixture
def staffed(db):
    """Bromma: Kim full time 2018-2024, half time from 2025; a budget of 1,000,000 until 2024, then 1,200,000."""
    bromma = DistrictFactory(code="bromma", name="Bromma")
    kim = ConsultantFactory(ref="K1", home_district=bromma)
    AllocationFactory(consultant=kim, district=bromma, percent=100, valid_to=D(2024, 12, 31))
    AllocationFactory(consultant=kim, district=bromma, percent=50, valid_from=D(2025, 1, 1))
    BudgetFactory(district=bromma, sek_per_year=1_000_000, valid_to=D(2024, 12, 31))
    BudgetFactory(district=bromma, sek_per_year=1_200_000, valid_from=D(2025, 1, 1))
    for year in (2018, 2025):
        ContactFactory(district=bromma, consultant=kim, date=D(year, 3, 1))
    return bromma


def test_fte_and_budget_of_a_period_are_the_periods(staffed):
    pk = staffed.pk
    assert fte_by_district(start=D(2018, 1, 1), end=D(2018, 12, 31)) == {pk: 1.0}
    assert fte_by_district(start=D(2025, 1, 1), end=D(2025, 12, 31)) == {pk: 0.5}
    assert fte_by_district(start=D(2024, 12, 1), end=D(2025, 1, 31)) == {pk: 0.75}  # 31 days each
    assert budget_by_district(start=D(2018, 1, 1), end=D(2018, 12, 31)) == {pk: 1_000_000}
    assert budget_by_district(start=D(2025, 1, 1), end=D(2025, 12, 31)) == {pk: 1_200_000}


def test_the_2018_report_shows_2018s_fte_and_budget(staffed):
    old = report_content(period=Period.year(2018), district_ids=[staffed.pk])
    new = report_content(period=Period.year(2025), district_ids=[staffed.pk])

    def consultants_row(content):
        return next(t for t in report_tables(content) if t.id == "consultants").rows[0]

    assert (old["consultants"]["fte"], old["districts"][0]["budget_sek_per_year"]) == (1.0, 1_000_000)
    assert (new["consultants"]["fte"], new["districts"][0]["budget_sek_per_year"]) == (0.5, 1_200_000)
    assert consultants_row(old)[3] == 1.0 and consultants_row(old)[7] == 1_000_000
    assert consultants_row(new)[3] == 0.5 and consultants_row(new)[7] == 1_200_000


def test_the_dashboard_and_the_city_page_use_the_periods_staffing(staffed, login):
    client = login(UserFactory(role=Role.STRATEGIST))
    for year, fte, budget in ((2018, 1.0, 1_000_000), (2025, 0.5, 1_200_000)):
        dashboard = client.get("/dashboard/bromma/", {"kind": "year", "year": year})
        assert (dashboard.context["profile"]["fte"], dashboard.context["profile"]["budget"]) == (fte, budget)
        assert len(dashboard.context["profile"]["allocations"]) == 1
        # The year as a custom range: summed from the facts as a standard period is.
        whole_year = {"kind": "custom", "year": year, "start": f"{year}-01-01", "end": f"{year}-12-31"}
        city = client.get("/city/", whole_year).context["overview"]
        row = next(r for r in city["rows"] if r["district"]["code"] == "bromma")
        assert (row["fte"], row["per_fte"]["contacts"]) == (fte, 1 / fte)


def test_an_allocation_overlapping_another_is_refused_on_its_first_day(staffed):
    kim = Allocation.objects.first().consultant
    overlapping = Allocation(consultant=kim, district=staffed, target_group="all", percent=20, valid_from=D(2025, 6, 1))
    with pytest.raises(ValidationError) as excinfo:
        overlapping.full_clean()
    assert list(excinfo.value.message_dict) == ["valid_from"]
    backwards = Allocation(consultant=kim, district=staffed, target_group="65_plus", percent=20,
                           valid_from=D(2025, 6, 1), valid_to=D(2025, 5, 1))  # fmt: skip
    with pytest.raises(ValidationError) as excinfo:
        backwards.full_clean()
    assert excinfo.value.message_dict == {"valid_to": ["Sista dagen får inte vara före den första."]}
    budget = Budget(district=staffed, sek_per_year=5, valid_from=D(2024, 12, 1), valid_to=D(2025, 1, 1))
    with pytest.raises(ValidationError) as excinfo:
        budget.full_clean()
    assert list(excinfo.value.message_dict) == ["valid_from"]


def test_an_ended_allocation_no_longer_makes_a_consultant_serve_the_district(db):
    bromma, farsta = DistrictFactory(code="bromma"), DistrictFactory(code="farsta")
    kim = ConsultantFactory(home_district=bromma)
    AllocationFactory(consultant=kim, district=farsta, valid_to=D(2024, 12, 31))
    assert kim not in consultants_serving(district=farsta)
    AllocationFactory(consultant=kim, district=farsta, valid_from=D(2025, 1, 1))
    assert kim in consultants_serving(district=farsta)


def test_the_admin_shows_the_history_of_allocations_and_budgets(staffed, login):
    admin = login(UserFactory(role=Role.ADMIN))
    kim = Allocation.objects.first().consultant

    consultant_page = admin.get(f"/admin/consultants/consultant/{kim.pk}/change/").content.decode()
    district_page = admin.get(f"/admin/districts/district/{staffed.pk}/change/").content.decode()

    assert consultant_page.count('name="allocations-') > 0
    assert 'value="2024-12-31"' in consultant_page and 'value="2025-01-01"' in consultant_page
    assert 'name="budgets-0-sek_per_year"' in district_page and 'value="1200000"' in district_page
    assert 'value="1000000"' in district_page
