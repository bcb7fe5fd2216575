"""A strategist orders a follow-up report; the report page follows a compile without a reload."""

import datetime

import pytest

from accounts.models import Role
from accounts.scoping import SYSTEM
from accounts.services import user_create
from figures.periods import Period
from figures.snapshots import figures_rebuild
from followup.models import FollowupReport, ReportScope
from followup.services import report_compile, report_order
from reference.demo_contacts import generate

from .conftest import serious_violations

PASSWORD = "a-long-e2e-password"


@pytest.fixture
def strategist(transactional_db, reference_data):
    generate(years=1, per_district=60, seed=5, until=datetime.date(2026, 11, 20))
    figures_rebuild()
    return user_create(username="stina", role=Role.STRATEGIST, password=PASSWORD)


def _log_in(page):
    page.goto("/login/")
    page.fill("#id_username", "stina")
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_strategist_orders_a_city_report_and_downloads_it(page, strategist):
    _log_in(page)
    page.click("text=Rapporter")
    page.wait_for_url("**/reports/")
    assert serious_violations(page) == []
    page.fill("#id_year", "2026")
    with page.expect_navigation():
        page.click("#report-order button[type=submit]")
    report = FollowupReport.objects.get()
    assert page.url.endswith(f"/reports/{report.pk}/")
    assert "Klar" in page.inner_text("#report-status")
    total = page.locator("table[data-table=summary] tbody tr").last
    assert total.locator("th").inner_text() == "Totalt: Hela staden"
    assert (
        int(total.locator("td").first.inner_text().replace("\u00a0", ""))
        == report.content["figures"]["scope"]["contacts"]
    )
    with page.expect_download() as download:
        page.click("text=XLSX")
    assert download.value.suggested_filename == "uppfoljning-2026-city.xlsx"
    assert serious_violations(page) == []


def test_the_report_page_follows_the_compile_without_a_reload(page, strategist):
    report = report_order(user=SYSTEM, period=Period.year(2026), scope=ReportScope.CITY, enqueue=False)
    _log_in(page)
    page.goto(f"/reports/{report.pk}/")
    assert page.inner_text("[data-field=status_label]") == "I kö"
    assert page.locator("[role=progressbar]").get_attribute("aria-valuenow") == "0"
    report_compile(report.pk)  # as a worker would, while the page is open
    page.wait_for_selector("table[data-table=summary]")
    assert page.inner_text("[data-field=status_label]") == "Klar"
