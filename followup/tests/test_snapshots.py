"""The precomputed figures: kept up to date by the services, and equal to a full rebuild."""

import datetime

import pytest
from django.utils import timezone

from accounts.models import Role
from accounts.tests.factories import UserFactory
from caregivers.services import caregiver_update
from caregivers.tests.factories import CaregiverFactory
from consultants.tests.factories import ConsultantFactory
from districts.tests.factories import DistrictFactory
from followup.models import FigureSnapshot, StaleMonth
from followup.periods import Period
from followup.snapshots import figures_for, figures_rebuild, figures_refresh
from interventions.services import contact_delete, contact_log, contact_update, group_meeting_record
from interventions.tests.factories import (
    AdviceTypeFactory,
    GroupFactory,
    GuidanceTalksTypeFactory,
    InterventionTypeFactory,
    OrganiserFactory,
)

TODAY = datetime.date(2026, 6, 20)


def _snapshots() -> dict:
    return {(s.period_key, s.target_group, s.district_id): s.figures for s in FigureSnapshot.objects.all()}


@pytest.fixture
def work(db, monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: TODAY)
    # These tests log and edit work across past months to test the figures; the months' locks are
    # approvals' to test (approvals/tests), so none applies here.
    monkeypatch.setattr("interventions.services.entry_lock", lambda **kwargs: None)
    bromma, farsta = DistrictFactory(code="bromma", talk_cap=3), DistrictFactory(code="farsta")
    user = UserFactory(role=Role.CONSULTANT, districts=[bromma, farsta])
    consultant = ConsultantFactory(home_district=bromma, user=user)
    InterventionTypeFactory(code="circles")
    return {"bromma": bromma, "farsta": farsta, "user": user, "consultant": consultant,
            "advice": AdviceTypeFactory(), "talks": GuidanceTalksTypeFactory()}  # fmt: skip


def test_the_incrementally_kept_figures_equal_a_full_rebuild(work):
    user, bromma, farsta = work["user"], work["bromma"], work["farsta"]
    anna = CaregiverFactory(districts=[bromma], gender="woman")
    bo = CaregiverFactory(districts=[bromma, farsta], gender="man", target_group="under_65")

    def log(**values):
        defaults = {"user": user, "consultant": work["consultant"], "channel": "phone", "duration_minutes": 10,
                    "intervention_type": work["advice"], "district": bromma, "target_group": "65_plus"}  # fmt: skip
        return contact_log(**(defaults | values))

    figures_rebuild()
    first_talk = log(caregiver=anna, intervention_type=work["talks"], date=datetime.date(2025, 12, 3))
    log(caregiver=anna, intervention_type=work["talks"], date=datetime.date(2026, 2, 3))
    log(caregiver=anna, date=datetime.date(2026, 4, 1), referral_destination="doctor")
    moved = log(caregiver=bo, date=datetime.date(2026, 1, 15), target_group="under_65")
    log(caregiver=None, date=datetime.date(2026, 5, 5), district=farsta)
    circle = GroupFactory(district=bromma, kind="circle", organiser=OrganiserFactory(), max_meetings=1,
                          starts_on=datetime.date(2026, 1, 1))  # fmt: skip
    group_meeting_record(group=circle, user=user, consultant=work["consultant"], date=datetime.date(2026, 3, 3),
                         duration_minutes=90, attendees=[anna, bo], unnamed_count=2)  # fmt: skip
    figures_refresh()
    # Changes after a refresh, each refreshed on its own so that no mark hides another's: the
    # deletion of a talk that later periods count, an edit that moves a contact across months and
    # districts, a caregiver's changed gender.
    contact_delete(contact=first_talk, user=user)
    figures_refresh()
    contact_update(contact=moved, user=user, date=datetime.date(2026, 5, 20), district=farsta)
    figures_refresh()
    caregiver_update(caregiver=bo, user=user, districts=[bromma, farsta], gender="woman")

    cleared = figures_refresh()
    kept = _snapshots()
    figures_rebuild()

    assert cleared > 0
    assert StaleMonth.objects.count() == 0
    assert kept == _snapshots()
    assert kept[("2026", "", bromma.pk)]["talks"]["used"] == {"1": 1}  # the deleted December talk is gone
    assert kept[("2026-05", "", farsta.pk)]["contacts"] == 2


def test_a_new_contact_shows_on_the_next_read_without_a_worker(work, settings):
    settings.CELERY_BROKER_URL = ""
    figures_rebuild()
    period = Period.month(2026, 6)
    before, _ = figures_for(period=period, target_group=None)

    contact_log(user=work["user"], consultant=work["consultant"], date=TODAY, channel="phone", duration_minutes=5,
                intervention_type=work["advice"], district=work["bromma"], target_group="65_plus")  # fmt: skip
    after, as_of = figures_for(period=period, target_group=None)

    assert before == {}
    assert after[work["bromma"].pk]["contacts"] == 1
    assert StaleMonth.objects.count() == 0
    assert abs((timezone.now() - as_of).total_seconds()) < 5


def test_with_a_worker_fresh_marks_wait_for_it_and_old_ones_are_refreshed_on_read(work, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:6379/15"
    period = Period.month(2026, 6)
    contact_log(user=work["user"], consultant=work["consultant"], date=TODAY, channel="phone", duration_minutes=5,
                intervention_type=work["advice"], district=work["bromma"], target_group="65_plus")  # fmt: skip

    waiting, as_of = figures_for(period=period, target_group=None)
    marked = StaleMonth.objects.get(district=work["bromma"]).marked_at
    StaleMonth.objects.update(marked_at=timezone.now() - datetime.timedelta(seconds=50))
    refreshed, _ = figures_for(period=period, target_group=None)

    assert waiting == {}
    assert as_of == marked  # the page says the figures are as of the change still waiting
    assert refreshed[work["bromma"].pk]["contacts"] == 1
