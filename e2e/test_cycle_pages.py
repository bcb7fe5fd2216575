"""The follow-up cycle of issue 7 in a real browser: locking and approval, outcome scores, goals,
collaboration, and no serious accessibility violation (axe-core) on any of the new pages.

Dates are worked out from today, so the journeys hold on any day: the month before last is always
closed to entry (the automatic closing comes some days after a month ends), the current one open.
"""

import datetime
from contextlib import contextmanager

import pytest
from django.utils import timezone, translation
from django.utils.formats import date_format

from accounts.models import Role
from accounts.services import user_create
from approvals.models import EntryException, MonthApproval, MonthStatus
from caregivers.tests.factories import CaregiverFactory
from collaboration.models import ActivityKind, CollaborationActivity
from collaboration.tests.factories import (
    CaseOfficerUnitFactory,
    CollaborationActivityFactory,
    MeasurementFactory,
    OutreachActivityFactory,
    PartnerFactory,
)
from consultants.models import Consultant
from consultants.services import consultant_link_user
from districts.models import District, Network
from goals.models import Goal, Measure
from goals.tests.factories import GoalFactory
from interventions.models import Contact, InterventionCode, InterventionType
from interventions.services import contact_log
from interventions.tests.factories import GroupFactory
from outcomes.models import TalkScore
from representatives.tests.factories import RepresentativeFactory

from .conftest import PASSWORD, serious_violations


def sv(message: str, **values) -> str:
    """The Swedish the page shows for an English msgid (the UI's default language)."""
    with translation.override("sv"):
        text = translation.gettext(message)
    return text % values if values else text


def sv_month(day: datetime.date) -> str:
    with translation.override("sv"):
        return date_format(day, "YEAR_MONTH_FORMAT")


@pytest.fixture
def world(transactional_db, reference_data):
    """Farsta with a consultant (kim), its manager (bo), a strategist (stina), a caregiver and a guidance talk."""
    farsta = District.objects.get(code="farsta")
    kim = user_create(username="kim", role=Role.CONSULTANT, password=PASSWORD, district_codes=["farsta"])
    consultant = Consultant.objects.filter(home_district=farsta).order_by("ref").first()
    consultant_link_user(consultant=consultant, user=kim)
    bo = user_create(username="bo", role=Role.MANAGER, password=PASSWORD, district_codes=["farsta"])
    stina = user_create(username="stina", role=Role.STRATEGIST, password=PASSWORD)
    caregiver = CaregiverFactory(districts=[farsta], label="AL", target_group="65_plus")
    talk = contact_log(
        user=kim,
        consultant=consultant,
        date=timezone.localdate(),
        channel="individual_meeting",
        duration_minutes=60,
        intervention_type=InterventionType.objects.get(code=InterventionCode.GUIDANCE_TALKS),
        district=farsta,
        target_group="65_plus",
        caregiver=caregiver,
    )
    return {"farsta": farsta, "kim": kim, "bo": bo, "stina": stina, "caregiver": caregiver, "talk": talk}


@contextmanager
def _navigation(page):
    with page.expect_navigation():
        yield


def _log_contact_dated(page, day: datetime.date) -> None:
    """A phone call with the log page's defaults, dated ``day``."""
    page.goto("/log/")
    # The form starts from the consultant's last contact: choose a phone call for advice outright.
    advice = InterventionType.objects.get(code=InterventionCode.ADVICE)
    page.select_option("#id_intervention_type", str(advice.pk))
    page.select_option("#id_channel", "phone")
    page.fill("#id_duration_minutes", "15")
    page.fill("#id_date", day.isoformat())
    with _navigation(page):
        page.click("#contact-form button[type=submit]")


def _month_key(day: datetime.date) -> str:
    return day.strftime("%Y-%m")


def test_a_closed_month_opens_to_one_consultant_by_exception_and_an_approved_month_locks(world, as_user):
    today = timezone.localdate()
    closed_day = (
        (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1) - datetime.timedelta(days=1)
    ).replace(day=15)
    kim, bo = as_user("kim"), as_user("bo")

    # The closed month: refused on the date field, saying why and who can open it; nothing saved.
    _log_contact_dated(kim, closed_day)
    closed = sv(
        "%(month)s in %(district)s is closed: entry locks %(days)d days after the month ends. The district "
        "manager can give you an exception for a few days on the month's page in Monthly approval.",
        month=sv_month(closed_day),
        district="Farsta",
        days=10,
    )
    assert closed in kim.inner_text("#div_id_date")
    assert "Enhetschefen kan ge dig ett undantag" in closed  # the Swedish says who can open the month
    assert not Contact.objects.filter(date=closed_day).exists()
    assert serious_violations(kim) == []

    # The manager finds the month in the overview and grants kim an exception until today.
    bo.goto("/approvals/")
    assert serious_violations(bo) == []
    with _navigation(bo):
        bo.click(f"#months tr:has-text('Farsta') td[data-month='{_month_key(closed_day)}'] a")
    assert bo.url.endswith(f"/approvals/farsta/{_month_key(closed_day)}/")
    assert serious_violations(bo) == []
    bo.select_option("#id_granted_to", str(world["kim"].pk))
    bo.fill("#id_valid_until", today.isoformat())
    bo.fill("#id_reason", "Glömt samtal")
    with _navigation(bo):
        bo.click(f"text={sv('Grant the exception')}")
    assert sv("The exception is granted.") in bo.inner_text(".alert-success")
    assert "Glömt samtal" in bo.inner_text("#exceptions")
    assert EntryException.objects.get().granted_to == world["kim"]

    # Now kim's contact in the closed month is saved.
    _log_contact_dated(kim, closed_day)
    assert sv("Saved: %(channel)s, %(minutes)d min.", channel="telefon", minutes=15) in kim.inner_text(".alert-success")
    assert Contact.objects.filter(date=closed_day, created_by=world["kim"]).count() == 1

    # The manager approves the current month: entry into it locks, with the reason on the date field.
    bo.goto(f"/approvals/farsta/{_month_key(today)}/")
    with _navigation(bo):
        bo.click(f"text={sv('Approve the month')}")
    assert sv("The month is approved and locked.") in bo.inner_text(".alert-success")
    assert MonthApproval.objects.get(month=today.replace(day=1)).status == MonthStatus.APPROVED
    assert serious_violations(bo) == []

    contacts_before = Contact.objects.count()
    _log_contact_dated(kim, today)
    approved = sv(
        "%(month)s in %(district)s is approved by the district manager and locked. The district manager "
        "can reopen the month on its page in Monthly approval.",
        month=sv_month(today),
        district="Farsta",
    )
    assert approved in kim.inner_text("#div_id_date")
    assert "är godkänd av enhetschefen och låst" in approved
    assert Contact.objects.count() == contacts_before


def test_a_consultant_scores_a_talk_from_the_contact_list_and_the_dashboard_counts_it(world, as_user):
    kim = as_user("kim")
    kim.goto("/contacts/")
    with _navigation(kim):
        kim.click(f"a[href='/outcomes/talks/{world['talk'].pk}/scores/']")
    assert serious_violations(kim) == []

    kim.fill("#id_ors", "41")
    kim.fill("#id_srs", "30")
    with _navigation(kim):
        kim.click("main button[type=submit]")
    ors_field = kim.inner_text("#div_id_ors")
    assert sv("Ensure this value is less than or equal to %(limit_value)s.", limit_value=40) in ors_field, ors_field
    assert TalkScore.objects.count() == 0
    assert serious_violations(kim) == []

    kim.fill("#id_ors", "18")
    with _navigation(kim):
        kim.click("main button[type=submit]")
    assert sv("The scores were saved.") in kim.inner_text(".alert-success")
    score = TalkScore.objects.get()
    assert (score.talk_id, score.ors, score.srs) == (world["talk"].pk, 18, 30)

    # The follow-up question, reached from the score form.
    kim.goto(f"/outcomes/talks/{world['talk'].pk}/scores/")
    with _navigation(kim):
        kim.click(f"main >> text={sv('Follow-up question')}")
    assert serious_violations(kim) == []

    bo = as_user("bo")
    bo.goto("/dashboard/farsta/")
    rows = bo.locator("#outcomes-headline tbody tr")
    talks = rows.filter(has=bo.locator("th", has_text=sv("Guidance talks"))).first.locator("td").first.inner_text()
    scored = rows.filter(has_text=sv("Talks with an outcome score (ORS or SRS)")).locator("td").first.inner_text()
    share = rows.filter(has_text=sv("Share of talks scored (%)")).locator("td").first.inner_text()
    assert (talks, scored, share) == ("1", "1", "100,0")


def test_a_manager_sets_a_goal_and_the_dashboard_shows_its_status(world, as_user):
    bo = as_user("bo")
    bo.goto("/goals/")
    assert serious_violations(bo) == []
    with _navigation(bo):
        bo.click(f"text={sv('New goal')}")
    assert serious_violations(bo) == []

    bo.select_option("#id_district", str(world["farsta"].pk))
    bo.fill("#id_title", "Fler samtal följs upp")
    bo.select_option("#id_measure", Measure.TALKS_SCORED_SHARE)
    bo.fill("#id_target", "150")
    with _navigation(bo):
        bo.click("main button[type=submit]")
    target_field = bo.inner_text("#div_id_target")
    assert sv("A share's target is a percentage from 1 to 100.") in target_field, target_field
    assert not Goal.objects.exists()

    bo.fill("#id_target", "80")
    with _navigation(bo):
        bo.click("main button[type=submit]")
    assert sv("The goal was saved.") in bo.inner_text(".alert-success")
    goal = Goal.objects.get()
    assert (goal.district, goal.year, goal.target) == (world["farsta"], timezone.localdate().year, 80)

    bo.goto("/dashboard/farsta/")
    row = bo.locator(f"#dashboard-goals tr[data-goal='{goal.pk}']")
    assert "Fler samtal följs upp" in row.inner_text()
    # The year is not over and no talk is scored yet: a share's goal is in progress.
    assert row.locator("[data-status]").get_attribute("data-status") == "in_progress"
    assert row.locator("[data-status]").inner_text() == sv("In progress")


def test_a_networks_joint_activity_counts_in_each_member_and_once_for_the_city(world, as_user):
    kim = as_user("kim")
    kim.goto("/collaboration/")
    with _navigation(kim):
        kim.click(f"main >> text={sv('New collaboration activity')}")
    sydost = Network.objects.get(code="sydost")
    kim.select_option("#id_kind", ActivityKind.JOINT_ACTIVITY)
    kim.fill("#id_date", timezone.localdate().isoformat())
    kim.fill("#id_title", "Anhörigcafé i Sydost")
    kim.select_option("#id_network", str(sydost.pk))
    kim.fill("#id_participants_caregivers", "12")
    with _navigation(kim):
        kim.click("main button[type=submit]")
    assert sv("The collaboration activity was saved.") in kim.inner_text(".alert-success")
    activity = CollaborationActivity.objects.get()
    assert sorted(activity.districts.values_list("code", flat=True)) == sorted(
        sydost.districts.values_list("code", flat=True)
    )

    stina = as_user("stina")
    stina.goto("/city/")
    for code in sydost.districts.values_list("code", flat=True):
        assert stina.inner_text(f"#city-collaboration tr[data-district='{code}'] td >> nth=0") == "1", code
    assert stina.inner_text("#city-collaboration tr[data-district='bromma'] td >> nth=0") == "0"
    assert stina.inner_text("#city-collaboration-total td >> nth=0") == "1"
    assert stina.inner_text("#city-collaboration-total td >> nth=1") == "12"


def test_the_new_pages_have_no_serious_accessibility_violations(world, as_user):
    farsta = world["farsta"]
    representative = RepresentativeFactory(district=farsta)
    goal = GoalFactory(district=farsta, year=timezone.localdate().year, measure=Measure.CAREGIVERS_REACHED, target=50)
    group = GroupFactory(district=farsta)
    activity = CollaborationActivityFactory(districts=[farsta])
    outreach = OutreachActivityFactory(districts=[farsta])
    partner = PartnerFactory(districts=[farsta])
    measurement = MeasurementFactory(unit=CaseOfficerUnitFactory(districts=[farsta]))
    month = timezone.localdate().strftime("%Y-%m")
    pages = {
        "kim": [
            f"/outcomes/talks/{world['talk'].pk}/scores/",
            f"/outcomes/talks/{world['talk'].pk}/follow-up/",
            f"/outcomes/groups/{group.pk}/follow-up/",
            "/collaboration/",
            "/collaboration/new/",
            f"/collaboration/{activity.pk}/edit/",
            "/collaboration/outreach/",
            "/collaboration/outreach/new/",
            f"/collaboration/outreach/{outreach.pk}/edit/",
            "/approvals/",
            f"/approvals/farsta/{month}/",
            "/goals/",
        ],
        "bo": [
            "/approvals/",
            f"/approvals/farsta/{month}/",
            "/goals/",
            "/goals/new/",
            f"/goals/{goal.pk}/edit/",
            "/representatives/farsta/",
            "/representatives/farsta/new/",
            f"/representatives/farsta/{representative.pk}/edit/",
            "/representatives/farsta/trainings/new/",
            "/collaboration/partners/",
            "/collaboration/partners/new/",
            f"/collaboration/partners/{partner.pk}/edit/",
            "/collaboration/case-officers/",
            "/collaboration/case-officers/new/",
            f"/collaboration/case-officers/{measurement.pk}/edit/",
            "/dashboard/farsta/",
        ],
        "stina": ["/approvals/", "/goals/", "/goals/new/", "/representatives/farsta/", "/city/"],
    }
    found = {}
    for username, paths in pages.items():
        page = as_user(username)
        for path in paths:
            response = page.goto(path)
            assert response.status == 200, (username, path, response.status)
            violations = serious_violations(page)
            if violations:
                found[f"{username} {path}"] = violations
    assert found == {}
