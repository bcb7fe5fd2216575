"""The figures read as they are: the facts kept up to date by the services equal a full rebuild, and
every section (follow-up, outcomes, offers, the city) is summed from them (or the rows) at read time."""

import datetime

import pytest
from django.utils import timezone

from accounts.models import Role
from accounts.tests.factories import UserFactory
from caregivers.services import caregiver_update, support_contact_record
from caregivers.tests.factories import CaregiverFactory
from consultants.tests.factories import ConsultantFactory
from districts.models import District
from districts.tests.factories import DistrictFactory
from figures.definitions import SCOPE
from figures.facts import facts_as_stored
from figures.models import SnapshotSection
from figures.periods import Period
from figures.snapshots import city_figures_for, figures_for, figures_rebuild
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


PERIODS = (Period.year(2026), Period.month(2026, 2), Period.month(2026, 3), Period.month(2026, 5),
           Period.custom(datetime.date(2025, 12, 1), datetime.date(2026, 4, 15)))  # fmt: skip


def _all_districts() -> list[int]:
    return list(District.objects.values_list("pk", flat=True))


def _sections() -> dict:
    """Every section's figures and the city's, for each of PERIODS (as a page reads them)."""
    read = {}
    for period in PERIODS:
        for section in SnapshotSection.values:
            read[(section, period.key)] = figures_for(period=period, target_group=None, section=section)[0]
        read[("city", period.key)] = city_figures_for(period=period, district_ids=_all_districts())[0]
    return read


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

    first_talk = log(caregiver=anna, intervention_type=work["talks"], date=datetime.date(2025, 12, 3))
    log(caregiver=anna, intervention_type=work["talks"], date=datetime.date(2026, 2, 3))
    log(caregiver=anna, date=datetime.date(2026, 4, 1), referral_destination="doctor")
    moved = log(caregiver=bo, date=datetime.date(2026, 1, 15), target_group="under_65")
    log(caregiver=None, date=datetime.date(2026, 5, 5), district=farsta)
    circle = GroupFactory(district=bromma, kind="circle", organiser=OrganiserFactory(), max_meetings=1,
                          starts_on=datetime.date(2026, 1, 1))  # fmt: skip
    group_meeting_record(group=circle, user=user, consultant=work["consultant"], date=datetime.date(2026, 3, 3),
                         duration_minutes=90, attendees=[anna, bo], unnamed_count=2)  # fmt: skip
    # The deletion of a talk that later periods count, an edit that moves a contact across months and
    # districts, a caregiver's changed gender.
    contact_delete(contact=first_talk, user=user)
    contact_update(contact=moved, user=user, date=datetime.date(2026, 5, 20), district=farsta)
    caregiver_update(caregiver=bo, user=user, districts=[bromma, farsta], gender="woman")

    facts, every_section = facts_as_stored(), _sections()
    figures_rebuild()

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


def test_a_read_needs_no_worker_with_a_broker_and_none_alive(work, settings):
    """Nothing waits for a worker: with tasks sent to a broker and no worker's heartbeat, a support
    contact offered is in the next read, with the moment of the read as its as-of."""
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:6379/15"
    caregiver = CaregiverFactory(districts=[work["bromma"]])
    support_contact_record(caregiver=caregiver, user=work["user"], offered_on=TODAY, status="offered")

    offers, as_of = figures_for(period=Period.month(2026, 6), target_group=None, section=SnapshotSection.OFFERS)
    city, _as_of = city_figures_for(period=Period.month(2026, 6), district_ids=_all_districts())

    assert offers == {work["bromma"].pk: {"offers": 1}}
    assert city == {"caregivers": 0, "support_contact_offers": 1}
    assert abs((timezone.now() - as_of).total_seconds()) < 5


def test_outcomes_offers_and_the_city_kept_incrementally_equal_a_full_rebuild(work):
    """Scores, answers and offers change the figures also back in time: a series' ORS change counts
    where its last scored talk is, an answer wherever its caregiver was reached."""
    user, bromma, farsta, talks = work["user"], work["bromma"], work["farsta"], work["talks"]
    anna = CaregiverFactory(districts=[bromma])
    bo = CaregiverFactory(districts=[bromma])

    def talk(caregiver, day):
        values = {"channel": "individual_meeting", "duration_minutes": 45, "target_group": "65_plus"}
        return contact_log(user=user, consultant=work["consultant"], date=day, intervention_type=talks,
                           district=bromma, caregiver=caregiver, **values)  # fmt: skip

    first, second, third = (talk(anna, datetime.date(2026, m, 10)) for m in (1, 3, 5))
    talk(bo, datetime.date(2026, 2, 2))
    talk_score_record(talk=first, user=user, ors=12, srs=30)
    talk_score_record(talk=second, user=user, ors=18, srs=None)
    talk_score_record(talk=third, user=user, ors=25, srs=None)
    answer = followup_answer_record(user=user, district=bromma, consultant=work["consultant"],
                                    date=datetime.date(2026, 5, 20), result="yes", caregiver=anna)  # fmt: skip
    support_contact_record(caregiver=bo, user=user, offered_on=datetime.date(2026, 2, 3), status="offered")
    # Back in time: deleting the last scored talk moves the series' change to March (from May); an
    # answer moved in the admin leaves May and reaches back; an offer's caregiver gains a district.
    contact_delete(contact=third, user=user)
    answer.date = datetime.date(2026, 6, 1)
    answer.save()
    bo.districts.add(farsta)

    kept = _sections()
    figures_rebuild()

    assert kept == _sections()
    outcomes = outcome_figures(period=Period.month(2026, 3))[bromma.pk]
    assert (outcomes["ors"]["series"], outcomes["ors"]["change_sum"]) == (1, 6)  # 18 - 12, in March now
    assert bromma.pk not in outcome_figures(period=Period.month(2026, 5))  # nothing left in May
    assert outcome_figures(period=Period.year(2026))[bromma.pk]["followup"]["answers"] == 1
    assert kept[(SnapshotSection.OFFERS, "2026-02")] == {bromma.pk: {"offers": 1}, farsta.pk: {"offers": 1}}
    assert kept[("city", "2026")] == {"caregivers": 2, "support_contact_offers": 1}


def test_a_consultants_new_role_reaches_every_figure_broken_down_by_it(work):
    """The figures break work down by the consultant's report role, read when they are computed: a
    change of role or target group in the admin reaches every period of the consultant's work."""
    user, bromma, talks = work["user"], work["bromma"], work["talks"]
    anna = CaregiverFactory(districts=[bromma])
    values = {"channel": "individual_meeting", "duration_minutes": 45, "target_group": "65_plus"}
    talk = contact_log(user=user, consultant=work["consultant"], date=datetime.date(2026, 2, 10),
                       intervention_type=talks, district=bromma, caregiver=anna, **values)  # fmt: skip
    talk_score_record(talk=talk, user=user, ors=12, srs=30)
    followup_answer_record(user=user, district=bromma, consultant=work["consultant"],
                           date=datetime.date(2026, 4, 20), result="yes", caregiver=anna)  # fmt: skip

    consultant = work["consultant"]
    consultant.role, consultant.target_group = "dementia_nurse", "65_plus"
    consultant.save()
    kept = _sections()
    figures_rebuild()

    assert kept == _sections()
    february = district_figures(period=Period.month(2026, 2))[bromma.pk]
    assert february["by_role"] == {"dementia_nurse": {"contacts": 1, "caregivers": 1}}
    april = outcome_figures(period=Period.month(2026, 4))[bromma.pk]
    assert list(april["by_role"]) == ["dementia_nurse"]


def test_clearing_a_districts_caregivers_takes_their_offers_out_of_it(work):
    user, bromma = work["user"], work["bromma"]
    anna, bo = CaregiverFactory(districts=[bromma]), CaregiverFactory(districts=[bromma])
    for caregiver, month in ((anna, 2), (bo, 3)):
        support_contact_record(caregiver=caregiver, user=user, offered_on=datetime.date(2026, month, 3),
                               status="offered")  # fmt: skip
    before = _sections()

    bromma.caregivers.clear()  # from the district's side: every caregiver at once
    kept = _sections()
    figures_rebuild()

    assert kept == _sections()
    assert before[(SnapshotSection.OFFERS, "2026-02")] == {bromma.pk: {"offers": 1}}
    assert kept[(SnapshotSection.OFFERS, "2026-02")] == {}
    assert kept[("city", "2026")]["support_contact_offers"] == 2  # offers of the city still, in no district


def test_the_city_figures_are_the_combined_figures_counting_each_caregiver_and_offer_once(work):
    user, bromma, farsta = work["user"], work["bromma"], work["farsta"]
    both = CaregiverFactory(districts=[bromma, farsta])
    for district in (bromma, farsta):
        contact_log(user=user, consultant=work["consultant"], date=datetime.date(2026, 3, 3), channel="phone",
                    duration_minutes=5, intervention_type=work["advice"], district=district, target_group="65_plus",
                    caregiver=both)  # fmt: skip
    support_contact_record(caregiver=both, user=user, offered_on=datetime.date(2026, 3, 4), status="offered")
    year = Period.year(2026)

    live = city_figures(period=year, district_ids=_all_districts())
    read, _as_of = city_figures_for(period=year, district_ids=_all_districts())

    assert live == read == {"caregivers": 1, "support_contact_offers": 1}
    assert live["caregivers"] == district_figures(period=year, combined=True)[SCOPE]["caregivers"]
    per_district, _as_of = figures_for(period=year, target_group=None, section=SnapshotSection.OFFERS)
    assert per_district == {bromma.pk: {"offers": 1}, farsta.pk: {"offers": 1}}  # in each of her districts
