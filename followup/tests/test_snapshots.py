"""The precomputed figures and the facts: kept up to date by the services, and equal to a full rebuild."""

import datetime

import pytest
from django.utils import timezone

from accounts.models import Role
from accounts.tests.factories import UserFactory
from caregivers.services import caregiver_update, support_contact_record
from caregivers.tests.factories import CaregiverFactory
from consultants.tests.factories import ConsultantFactory
from districts.tests.factories import DistrictFactory
from figures.definitions import SCOPE
from figures.facts import facts_as_stored
from figures.models import CitySnapshot, FigureSnapshot, SnapshotSection, StaleMonth
from figures.periods import Period
from figures.snapshots import city_figures_for, figures_for, figures_rebuild, figures_refresh
from followup.marks import figures_mark_consultant
from followup.selectors import city_figures, district_figures
from interventions.services import contact_delete, contact_log, contact_update, group_meeting_record
from interventions.tests.factories import (
    AdviceTypeFactory,
    GroupFactory,
    GuidanceTalksTypeFactory,
    InterventionTypeFactory,
    OrganiserFactory,
)
from outcomes.selectors import outcome_figures
from outcomes.services import followup_answer_record, talk_score_record

TODAY = datetime.date(2026, 6, 20)


def _sections() -> dict:
    """Every precomputed row: each section's per district, and the city's."""
    kept = {(s.section, s.period_key, s.target_group, s.district_id): s.figures for s in FigureSnapshot.objects.all()}
    return kept | {("city", c.period_key): c.figures for c in CitySnapshot.objects.all()}


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
    facts, every_section = facts_as_stored(), _sections()
    figures_rebuild()

    assert cleared > 0
    assert StaleMonth.objects.count() == 0
    assert facts == facts_as_stored()
    assert every_section == _sections()
    year = district_figures(period=Period.year(2026))
    assert year[bromma.pk]["talks"]["used"] == {"1": 1}  # the deleted December talk is gone
    assert district_figures(period=Period.month(2026, 5))[farsta.pk]["contacts"] == 2


def test_a_new_contact_shows_on_the_next_read_without_a_worker(work, settings):
    settings.CELERY_BROKER_URL = ""
    figures_rebuild()
    period = Period.month(2026, 6)
    before, _ = figures_for(period=period, target_group=None)

    contact_log(user=work["user"], consultant=work["consultant"], date=TODAY, channel="phone", duration_minutes=5,
                intervention_type=work["advice"], district=work["bromma"], target_group="65_plus")  # fmt: skip
    after, as_of = figures_for(period=period, target_group=None)

    assert before == {}
    assert after[work["bromma"].pk]["contacts"] == 1  # summed from the facts the logging transaction kept
    assert abs((timezone.now() - as_of).total_seconds()) < 5


@pytest.fixture
def with_a_broker(settings):
    """Tasks go to a broker (not run in-process): whether a worker is alive decides who refreshes."""
    from anhorigstod.celery import app

    settings.CELERY_BROKER_URL = "redis://127.0.0.1:6379/15"
    app.conf.task_always_eager = False
    yield
    app.conf.task_always_eager = True


def _beat(kind: str, seconds_ago: float) -> None:
    from operations.models import Heartbeat

    at = timezone.now() - datetime.timedelta(seconds=seconds_ago)
    Heartbeat.objects.update_or_create(kind=kind, name="host:1", defaults={"started_at": at, "beat_at": at})


def _offer_today(work) -> None:
    """A support contact offered: its section is precomputed (the follow-up figures are not)."""
    caregiver = CaregiverFactory(districts=[work["bromma"]])
    support_contact_record(caregiver=caregiver, user=work["user"], offered_on=TODAY, status="offered")


def _offers(period: Period):
    return figures_for(period=period, target_group=None, section=SnapshotSection.OFFERS)


def test_with_a_worker_alive_a_read_never_refreshes(work, with_a_broker):
    _beat("worker", seconds_ago=5)
    _beat("beat", seconds_ago=5)
    period = Period.month(2026, 6)
    _offer_today(work)
    marked = StaleMonth.objects.get(district=work["bromma"]).marked_at

    waiting, as_of = _offers(period)
    StaleMonth.objects.update(marked_at=timezone.now() - datetime.timedelta(minutes=10))
    still_waiting, _ = _offers(period)

    assert waiting == still_waiting == {}  # the worker refreshes (beat sends it), not the web request
    assert as_of == marked  # the page says the figures are as of the change still waiting
    assert StaleMonth.objects.count() == 1


def test_with_no_worker_alive_a_read_refreshes(work, with_a_broker):
    _beat("worker", seconds_ago=10 * 60)  # older than HEARTBEAT_STALE_SECONDS: the worker is gone
    period = Period.month(2026, 6)
    _offer_today(work)

    refreshed, as_of = _offers(period)

    assert refreshed[work["bromma"].pk] == {"offers": 1}
    assert StaleMonth.objects.count() == 0
    assert abs((timezone.now() - as_of).total_seconds()) < 5


def test_outcomes_offers_and_the_city_kept_incrementally_equal_a_full_rebuild(work):
    """Scores, answers and offers mark what they change, also back in time: a series' ORS change
    counts where its last scored talk is, an answer wherever its caregiver was reached."""
    user, bromma, farsta, talks = work["user"], work["bromma"], work["farsta"], work["talks"]
    anna = CaregiverFactory(districts=[bromma])
    bo = CaregiverFactory(districts=[bromma])

    def talk(caregiver, day):
        values = {"channel": "individual_meeting", "duration_minutes": 45, "target_group": "65_plus"}
        return contact_log(user=user, consultant=work["consultant"], date=day, intervention_type=talks,
                           district=bromma, caregiver=caregiver, **values)  # fmt: skip

    first, second, third = (talk(anna, datetime.date(2026, m, 10)) for m in (1, 3, 5))
    talk(bo, datetime.date(2026, 2, 2))
    figures_rebuild()
    talk_score_record(talk=first, user=user, ors=12, srs=30)
    talk_score_record(talk=second, user=user, ors=18, srs=None)
    talk_score_record(talk=third, user=user, ors=25, srs=None)
    answer = followup_answer_record(user=user, district=bromma, consultant=work["consultant"],
                                    date=datetime.date(2026, 5, 20), result="yes", caregiver=anna)  # fmt: skip
    support_contact_record(caregiver=bo, user=user, offered_on=datetime.date(2026, 2, 3), status="offered")
    figures_refresh()
    # Back in time: deleting the last scored talk moves the series' change to March (from May); an
    # answer moved in the admin leaves May and reaches back; an offer's caregiver gains a district.
    contact_delete(contact=third, user=user)
    figures_refresh()
    answer.date = datetime.date(2026, 6, 1)
    answer.save()
    figures_refresh()
    bo.districts.add(farsta)

    figures_refresh()
    kept = _sections()
    figures_rebuild()

    assert StaleMonth.objects.count() == 0
    assert kept == _sections()
    # The outcome figures are summed from the facts, never precomputed: read as they are.
    assert not any(key[0] == SnapshotSection.OUTCOMES for key in kept)
    outcomes = outcome_figures(period=Period.month(2026, 3))[bromma.pk]
    assert (outcomes["ors"]["series"], outcomes["ors"]["change_sum"]) == (1, 6)  # 18 - 12, in March now
    assert bromma.pk not in outcome_figures(period=Period.month(2026, 5))  # nothing left in May
    assert outcome_figures(period=Period.year(2026))[bromma.pk]["followup"]["answers"] == 1
    assert kept[(SnapshotSection.OFFERS, "2026-02", "", farsta.pk)] == {"offers": 1}
    assert kept[("city", "2026")] == {"caregivers": 2, "support_contact_offers": 1}


def test_a_consultants_new_role_reaches_every_figure_broken_down_by_it(work):
    """The figures break work down by the consultant's report role, read when they are computed: a
    change of role or target group in the admin marks the months of the consultant's work."""
    user, bromma, talks = work["user"], work["bromma"], work["talks"]
    anna = CaregiverFactory(districts=[bromma])
    values = {"channel": "individual_meeting", "duration_minutes": 45, "target_group": "65_plus"}
    talk = contact_log(user=user, consultant=work["consultant"], date=datetime.date(2026, 2, 10),
                       intervention_type=talks, district=bromma, caregiver=anna, **values)  # fmt: skip
    talk_score_record(talk=talk, user=user, ors=12, srs=30)
    followup_answer_record(user=user, district=bromma, consultant=work["consultant"],
                           date=datetime.date(2026, 4, 20), result="yes", caregiver=anna)  # fmt: skip
    figures_rebuild()

    consultant = work["consultant"]
    consultant.role, consultant.target_group = "dementia_nurse", "65_plus"
    consultant.save()
    figures_refresh()
    kept = _sections()
    figures_rebuild()

    assert kept == _sections()
    february = district_figures(period=Period.month(2026, 2))[bromma.pk]
    assert february["by_role"] == {"dementia_nurse": {"contacts": 1, "caregivers": 1}}
    april = outcome_figures(period=Period.month(2026, 4))[bromma.pk]
    assert list(april["by_role"]) == ["dementia_nurse"]


def test_marking_a_consultants_work_takes_four_queries_however_many_answers(work, django_assert_num_queries):
    user, bromma, talks = work["user"], work["bromma"], work["talks"]
    values = {"channel": "individual_meeting", "duration_minutes": 45, "target_group": "65_plus"}
    for month in (2, 3, 4):
        caregiver = CaregiverFactory(districts=[bromma])
        contact_log(user=user, consultant=work["consultant"], date=datetime.date(2026, month, 10),
                    intervention_type=talks, district=bromma, caregiver=caregiver, **values)  # fmt: skip
        followup_answer_record(user=user, district=bromma, consultant=work["consultant"],
                               date=datetime.date(2026, 5, 20), result="yes", caregiver=caregiver)  # fmt: skip
    StaleMonth.objects.all().delete()

    with django_assert_num_queries(4):  # contacts' months, answers, reached months, the marks
        figures_mark_consultant(work["consultant"].pk)

    assert set(StaleMonth.objects.values_list("month", flat=True)) == {datetime.date(2026, m, 1) for m in (2, 3, 4, 5)}


def test_clearing_a_districts_caregivers_marks_their_offers(work):
    user, bromma = work["user"], work["bromma"]
    anna, bo = CaregiverFactory(districts=[bromma]), CaregiverFactory(districts=[bromma])
    for caregiver, month in ((anna, 2), (bo, 3)):
        support_contact_record(caregiver=caregiver, user=user, offered_on=datetime.date(2026, month, 3),
                               status="offered")  # fmt: skip
    figures_rebuild()

    bromma.caregivers.clear()  # from the district's side: every caregiver at once
    figures_refresh()
    kept = _sections()
    figures_rebuild()

    assert kept == _sections()
    assert (SnapshotSection.OFFERS, "2026-02", "", bromma.pk) not in kept


def test_the_city_figures_are_the_combined_figures_counting_each_caregiver_and_offer_once(work):
    user, bromma, farsta = work["user"], work["bromma"], work["farsta"]
    both = CaregiverFactory(districts=[bromma, farsta])
    for district in (bromma, farsta):
        contact_log(user=user, consultant=work["consultant"], date=datetime.date(2026, 3, 3), channel="phone",
                    duration_minutes=5, intervention_type=work["advice"], district=district, target_group="65_plus",
                    caregiver=both)  # fmt: skip
    support_contact_record(caregiver=both, user=user, offered_on=datetime.date(2026, 3, 4), status="offered")
    year = Period.year(2026)

    live = city_figures(period=year)
    figures_rebuild()
    stored, _as_of = city_figures_for(period=year)

    assert live == stored == {"caregivers": 1, "support_contact_offers": 1}
    assert live["caregivers"] == district_figures(period=year, combined=True)[SCOPE]["caregivers"]
    per_district, _as_of = figures_for(period=year, target_group=None, section=SnapshotSection.OFFERS)
    assert per_district == {bromma.pk: {"offers": 1}, farsta.pk: {"offers": 1}}  # in each of her districts
