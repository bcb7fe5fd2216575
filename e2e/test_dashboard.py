"""A manager opens the district dashboard and changes the period and the target group."""

import datetime

import pytest

from accounts.models import Role
from accounts.services import user_create
from districts.models import District
from figures.snapshots import figures_rebuild
from reference.demo_contacts import generate

from .conftest import serious_violations

PASSWORD = "a-long-e2e-password"


@pytest.fixture
def manager(transactional_db, reference_data):
    generate(years=1, per_district=120, seed=3, until=datetime.date(2026, 11, 20))
    figures_rebuild()
    return user_create(username="bo", role=Role.MANAGER, password=PASSWORD, district_codes=["farsta"])


def test_manager_reads_the_dashboard_for_another_period_and_target_group(page, manager):
    page.goto("/login/")
    page.fill("#id_username", "bo")
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.click("text=Översiktspanel")
    page.wait_for_url("**/dashboard/farsta/")
    assert serious_violations(page) == []

    page.select_option("#id_kind", "month")
    page.fill("#id_year", "2026")
    page.select_option("#id_month", "3")
    page.select_option("#id_target_group", "65_plus")
    with page.expect_navigation():
        page.click("main button[type=submit]")

    assert "kind=month" in page.url and "target_group=65_plus" in page.url
    assert "mars 2026" in page.inner_text("main")
    shown = int(page.inner_text("tr[data-figure=contacts] td").replace("\u00a0", ""))
    farsta = District.objects.get(code="farsta")
    expected = farsta.contacts.filter(date__year=2026, date__month=3, target_group="65_plus", deleted_at=None).count()
    assert shown == expected > 0
    assert serious_violations(page) == []


def test_strategist_opens_the_city_overview(page, manager):
    user_create(username="stina", role=Role.STRATEGIST, password=PASSWORD)
    page.goto("/login/")
    page.fill("#id_username", "stina")
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.click("text=Staden")
    page.wait_for_url("**/city/")

    assert page.locator("#city-figures tbody tr").count() == District.objects.count()
    assert page.locator("#city-coverage tbody tr").count() == District.objects.count()
    assert serious_violations(page) == []
