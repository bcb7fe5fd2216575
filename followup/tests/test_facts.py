"""The facts (``figures.facts``): kept in each writing transaction, they equal a rebuild from the rows
after every kind of write, and the figures summed from them equal a recount of the rows at any range."""

import datetime
import random

import pytest
from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.utils import timezone

from accounts.models import Role
from accounts.tests.factories import UserFactory
from caregivers.models import Caregiver
from caregivers.services import caregiver_update, support_contact_record
from caregivers.tests.factories import CaregiverFactory
from consultants.tests.factories import ConsultantFactory
from districts.tests.factories import DistrictFactory
from figures.definitions import SCOPE
from figures.facts import attribute_sets, facts_as_stored, tiling
from figures.models import Grain
from figures.periods import Period
from figures.snapshots import figures_rebuild
from followup.occasions import facts_rebuild
from followup.selectors import caregivers_reached, city_figures, district_figures
from interventions.models import Contact, GroupMeeting
from interventions.services import (
    contact_delete,
    contact_log,
    contact_update,
    group_meeting_delete,
    group_meeting_record,
)
from interventions.tests.factories import (
    AdviceTypeFactory,
    GroupFactory,
    GuidanceTalksTypeFactory,
    InterventionTypeFactory,
    OrganiserFactory,
)
from outcomes.models import FollowUpAnswer, TalkScore
from outcomes.selectors import outcome_figures
from outcomes.services import followup_answer_record, talk_score_record
from outcomes.tests.recount import outcome_recount

TODAY = datetime.date(2026, 6, 20)


@pytest.fixture
def work(db, monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: TODAY)
    # Work is logged and edited across past months; the months' locks are approvals' to test.
    monkeypatch.setattr("interventions.services.entry_lock", lambda **kwargs: None)
    bromma, farsta = DistrictFactory(code="bromma", talk_cap=3), DistrictFactory(code="farsta")
    user = UserFactory(role=Role.CONSULTANT, districts=[bromma, farsta])
    return {
        "bromma": bromma,
        "farsta": farsta,
        "user": user,
        "consultant": ConsultantFactory(home_district=bromma, user=user),
        "other": ConsultantFactory(home_district=farsta),
        "advice": AdviceTypeFactory(),
        "talks": GuidanceTalksTypeFactory(),
        "circles": InterventionTypeFactory(code="circles"),
    }


def _kept():
    sets = {a: {v: sorted(m) for v, m in values.items()} for a, values in attribute_sets().items()}
    return facts_as_stored(), sets


def _assert_kept_equals_a_rebuild() -> dict:
    kept = _kept()
    facts_rebuild()
    assert kept == _kept()
    return kept[0]


def test_the_kept_facts_equal_a_rebuild_after_every_kind_of_write(work):
    user, bromma, farsta = work["user"], work["bromma"], work["farsta"]
    anna = CaregiverFactory(districts=[bromma], gender="woman")
    bo = CaregiverFactory(districts=[bromma, farsta], gender="man", target_group="under_65")

    def log(**values):
        defaults = {"user": user, "consultant": work["consultant"], "channel": "phone", "duration_minutes": 10,
                    "intervention_type": work["advice"], "district": bromma, "target_group": "65_plus"}  # fmt: skip
        return contact_log(**(defaults | values))

    facts_rebuild()
    first = log(caregiver=anna, date=datetime.date(2026, 3, 3))
    again = log(caregiver=anna, date=datetime.date(2026, 3, 3), channel="home_visit")  # a second in one cell
    log(caregiver=None, date=datetime.date(2026, 3, 4), district=farsta)
    talk = log(caregiver=anna, intervention_type=work["talks"], date=datetime.date(2026, 2, 3))
    _assert_kept_equals_a_rebuild()

    edits = [
        {"date": datetime.date(2026, 3, 9)},  # another day of the month
        {"date": datetime.date(2025, 12, 31)},  # another month and year
        {"district": farsta},  # another district
        {"target_group": "under_65"},  # another target group
        {"caregiver": bo, "channel": "email_sms", "duration_minutes": 25},  # another caregiver
        {"caregiver": None},  # anonymous now
        {"consultant": work["other"], "caregiver": anna},  # another consultant, named again
    ]
    for change in edits:
        contact_update(contact=first, user=user, **change)
        first.refresh_from_db()
        _assert_kept_equals_a_rebuild()
    contact_update(contact=again, user=user, duration_minutes=11)  # its minutes only
    _assert_kept_equals_a_rebuild()

    contact_delete(contact=again, user=user)
    _assert_kept_equals_a_rebuild()
    circle = GroupFactory(district=bromma, kind="circle", organiser=OrganiserFactory(), max_meetings=3,
                          starts_on=datetime.date(2026, 1, 1))  # fmt: skip
    meeting = group_meeting_record(group=circle, user=user, consultant=work["consultant"], duration_minutes=90,
                                   date=datetime.date(2026, 3, 3), attendees=[anna, bo], unnamed_count=2)  # fmt: skip
    _assert_kept_equals_a_rebuild()
    assert (
        _meetings(Period.month(2026, 3))
        == _meetings_recount(Period.month(2026, 3))
        == {
            bromma.pk: (1, {"circle": (1, 1, 4)})  # one meeting of one circle, anna, bo and two unnamed
        }
    )
    circle.kind = "own_group"  # an admin's change of the group's kind
    circle.save()
    _assert_kept_equals_a_rebuild()
    assert _meetings(Period.month(2026, 3)) == _meetings_recount(Period.month(2026, 3))
    circle.kind = "circle"
    circle.save()
    group_meeting_delete(meeting=meeting, user=user)
    _assert_kept_equals_a_rebuild()
    assert _meetings(Period.month(2026, 3)) == _meetings_recount(Period.month(2026, 3)) == {}

    # A talk series: a talk's rank and a referral after the cap hang on the caregiver's other contacts.
    talks = [log(caregiver=bo, intervention_type=work["talks"], date=datetime.date(2026, 4, day)) for day in (1, 2, 3)]
    after_cap = log(caregiver=bo, date=datetime.date(2026, 4, 9), referral_destination="doctor")
    _assert_kept_equals_a_rebuild()
    assert district_figures(period=Period.month(2026, 4))[bromma.pk]["talks"]["referrals_after_cap"] == 1
    contact_update(contact=talks[1], user=user, date=datetime.date(2026, 4, 20))  # moved after the referral
    _assert_kept_equals_a_rebuild()
    contact_delete(contact=talks[0], user=user)  # the later talks move up a rank
    _assert_kept_equals_a_rebuild()
    april = district_figures(period=Period.month(2026, 4))[bromma.pk]["talks"]
    # Two talks used of three; the referral still follows the talk numbered at the cap (on April 3).
    assert (april["used"], april["at_cap"], april["referrals_after_cap"]) == ({"2": 1}, 0, 1)
    contact_update(contact=after_cap, user=user, referral_destination="")  # its referral withdrawn
    _assert_kept_equals_a_rebuild()

    caregiver_update(caregiver=bo, user=user, districts=[bromma, farsta], gender="woman", relation="child")
    _assert_kept_equals_a_rebuild()
    talk_score_record(talk=talk, user=user, ors=12, srs=30)
    answer = followup_answer_record(user=user, district=bromma, consultant=work["consultant"],
                                    date=datetime.date(2026, 5, 20), result="yes", caregiver=anna)  # fmt: skip
    support_contact_record(caregiver=bo, user=user, offered_on=datetime.date(2026, 2, 3), status="offered")
    _assert_kept_equals_a_rebuild()
    # Scores: a series' ORS change counts at its last talk with an ORS, which moves as scores come and go.
    talk_score_record(talk=talks[2], user=user, ors=20, srs=None)
    talk_score_record(talk=talks[1], user=user, ors=14, srs=None)
    _assert_kept_equals_a_rebuild()
    talk_score_record(talk=talks[2], user=user, ors=25, srs=None)  # a score changed
    _assert_kept_equals_a_rebuild()
    TalkScore.objects.get(talk=talks[2]).delete()  # a score withdrawn (the admin)
    _assert_kept_equals_a_rebuild()
    # Answers: moved in time, to another result, and deleted; a second one of the caregiver stays.
    stored = FollowUpAnswer.objects.get(pk=answer.pk)
    stored.date, stored.result = datetime.date(2026, 6, 2), "partly"
    stored.save()
    _assert_kept_equals_a_rebuild()
    FollowUpAnswer.objects.create(
        district=bromma, consultant=work["consultant"], intervention_type=work["circles"], group=circle,
        caregiver=anna, date=datetime.date(2026, 6, 3), result="no",
    )  # fmt: skip
    stored.delete()
    _assert_kept_equals_a_rebuild()
    for period in (Period.year(2026), Period.custom(datetime.date(2026, 4, 2), datetime.date(2026, 6, 2))):
        assert outcome_figures(period=period) == outcome_recount(period=period)
    assert outcome_figures(period=Period.year(2026))[bromma.pk]["talks_scored"] == 2  # anna's talk, bo's second
    # A caregiver deleted in the admin: their contacts stay, anonymous.
    Caregiver.objects.filter(pk=anna.pk).get().delete()
    facts = _assert_kept_equals_a_rebuild()

    december = district_figures(period=Period.month(2025, 12))[farsta.pk]  # where the edits left anna's contact
    assert (december["contacts"], december["anonymous"], december["caregivers"]) == (1, 1, 0)
    assert all(value[0] > 0 for value in facts.values())  # a cell emptied by a move is gone


def _meetings(period: Period) -> dict:
    """The meetings held and their groups by kind, per district, as the figures count them."""
    return {
        district_id: (f["groups"]["meetings"], {k: (v["meetings"], v["groups"], v["attendance"])
                                                for k, v in f["groups"]["by_kind"].items()})
        for district_id, f in district_figures(period=period).items() if f["groups"]["meetings"]
    }  # fmt: skip


def _meetings_recount(period: Period) -> dict:
    """The same from the rows: a meeting of the period with a live attendee's contact."""
    attended = Contact.objects.filter(meeting_id=OuterRef("pk"), deleted_at__isnull=True)
    rows = (
        GroupMeeting.objects.filter(date__range=(period.start, period.end))
        .filter(Exists(attended))
        .values("group__district_id", "group__kind")
        .annotate(meetings=Count("pk"), groups=Count("group", distinct=True))
    )
    counted: dict = {}
    for row in rows.order_by():
        attendance = Contact.objects.filter(
            meeting__group__kind=row["group__kind"], meeting__group__district_id=row["group__district_id"],
            meeting__date__range=(period.start, period.end), deleted_at__isnull=True,
        ).count()  # fmt: skip
        total, kinds = counted.setdefault(row["group__district_id"], (0, {}))
        kinds[row["group__kind"]] = (row["meetings"], row["groups"], attendance)
        counted[row["group__district_id"]] = (total + row["meetings"], kinds)
    return counted


def _recount(contacts, district_id=None):
    """The figures of some contacts straight from the rows: the bare count the facts must equal."""
    if district_id is not None:
        contacts = contacts.filter(district_id=district_id)
    return contacts.aggregate(
        contacts=Count("pk"),
        minutes=Sum("duration_minutes", default=0),
        anonymous=Count("pk", filter=Q(caregiver__isnull=True)),
        caregivers=Count("caregiver_id", distinct=True),
    )


def test_any_range_summed_from_the_facts_equals_a_recount_of_the_rows(work):
    """Random work over a year's turn; ranges that cut days, months and years, one district or all,
    one target group or all: every figure equals the rows counted directly, a caregiver met in two
    districts or target groups once."""
    rng = random.Random(16)  # noqa: S311 - reproducible test data
    user, districts = work["user"], [work["bromma"], work["farsta"]]
    caregivers = [CaregiverFactory(districts=districts) for _ in range(12)]
    first_day = datetime.date(2025, 11, 20)
    for _ in range(160):
        contact_log(user=user, consultant=work["consultant"], date=first_day + datetime.timedelta(rng.randrange(150)),
                    channel=rng.choice(["phone", "home_visit"]), duration_minutes=rng.randint(5, 60),
                    intervention_type=work["advice"], district=rng.choice(districts),
                    target_group=rng.choice(["65_plus", "under_65"]),
                    caregiver=rng.choice([None, *caregivers]))  # fmt: skip
    live = Contact.objects.filter(deleted_at__isnull=True)
    ranges = [Period.custom(datetime.date(2025, 12, 14), datetime.date(2026, 1, 12)),  # 30 days over New Year
              Period.custom(datetime.date(2025, 11, 1), datetime.date(2026, 11, 30)),  # 13 months
              Period.year(2026), Period.month(2026, 2), Period.custom(first_day, first_day)]  # fmt: skip
    for period in ranges:
        in_range = live.filter(date__range=(period.start, period.end))
        for group in (None, "under_65"):
            rows = in_range if group is None else in_range.filter(target_group=group)
            figures = district_figures(period=period, target_group=group)
            scope = district_figures(period=period, target_group=group, combined=True).get(SCOPE, {})
            for district in districts:
                counted = {
                    k: figures.get(district.pk, {}).get(k, 0)
                    for k in ("contacts", "minutes", "anonymous", "caregivers")
                }
                assert counted == _recount(rows, district.pk), (period, group, district)
            assert {k: scope.get(k, 0) for k in ("contacts", "minutes", "anonymous", "caregivers")} == _recount(rows)
            by_month = scope.get("by_month", {})
            assert sum(m["contacts"] for m in by_month.values()) == _recount(rows)["contacts"]
        reached = caregivers_reached(period=period, target_group=None, district_ids=None, combined=True)
        assert reached.get(SCOPE, {}).get("caregivers", 0) == _recount(in_range)["caregivers"]
        city = city_figures(period=period, district_ids=[d.pk for d in districts])
        assert city["caregivers"] == _recount(in_range)["caregivers"]


def test_a_range_is_tiled_by_the_fewest_cells():
    assert tiling(datetime.date(2025, 12, 30), datetime.date(2027, 2, 2)) == [
        (Grain.DAY, datetime.date(2025, 12, 30)),
        (Grain.DAY, datetime.date(2025, 12, 31)),
        (Grain.YEAR, datetime.date(2026, 1, 1)),
        (Grain.MONTH, datetime.date(2027, 1, 1)),
        (Grain.DAY, datetime.date(2027, 2, 1)),
        (Grain.DAY, datetime.date(2027, 2, 2)),
    ]
    assert tiling(datetime.date(2026, 1, 1), datetime.date(2026, 12, 31), coarsest=Grain.MONTH)[-1] == (
        Grain.MONTH,
        datetime.date(2026, 12, 1),
    )


def test_a_logged_contact_counts_in_the_same_transaction(work):
    figures_rebuild()
    period = Period.month(2026, 6)
    contact_log(user=work["user"], consultant=work["consultant"], date=TODAY, channel="phone", duration_minutes=5,
                intervention_type=work["advice"], district=work["bromma"], target_group="65_plus")  # fmt: skip

    assert district_figures(period=period)[work["bromma"].pk]["contacts"] == 1  # nothing else ran


def test_saving_a_contact_keeps_its_facts_in_a_fixed_number_of_queries(work, django_assert_num_queries):
    anna = CaregiverFactory(districts=[work["bromma"]])
    values = {"user": work["user"], "consultant": work["consultant"], "channel": "phone", "duration_minutes": 5,
              "intervention_type": work["advice"], "district": work["bromma"], "target_group": "65_plus"}  # fmt: skip
    contact = contact_log(**values, caregiver=anna, date=datetime.date(2026, 3, 3))
    contact_log(**values, caregiver=anna, date=datetime.date(2026, 3, 5))

    # 17 for the update itself (its checks, the stored row, the audit entry, the save); 14 for the
    # facts: the caregiver's series with its referrals before the save and after it, the caregiver's
    # remaining contacts (2), the district's lock and its facts' version, the cells, the emptied ones
    # deleted, the others updated, the new ones inserted, and the savepoint around them.
    with django_assert_num_queries(31):
        contact_update(contact=contact, user=work["user"], date=datetime.date(2026, 4, 1))


def test_a_write_on_rows_loaded_past_the_upkeep_stands_and_the_log_says_to_rebuild(work, caplog):
    """Rows bulk-written without their rebuild have no facts: deleting one is no server error."""
    values = {"consultant": work["consultant"], "channel": "phone", "duration_minutes": 5, "district": work["bromma"],
              "intervention_type": work["advice"], "target_group": "65_plus"}  # fmt: skip
    values["date"] = datetime.date(2026, 3, 3)
    (loaded,) = Contact.objects.bulk_create([Contact(**values)])

    loaded.delete()

    assert not Contact.objects.exists()
    assert facts_as_stored() == {}
    assert "out of step with the rows: run rebuild_figures" in caplog.text
