"""Recording outcomes: the services' rules (messages on the right field, nothing half-saved) and the pages."""

import datetime

import pytest
from auditlog.context import set_actor
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from accounts.models import Role
from accounts.tests.factories import UserFactory
from caregivers.tests.factories import CaregiverFactory
from consultants.tests.factories import ConsultantFactory
from districts.tests.factories import DistrictFactory
from interventions.models import GroupMeeting, InterventionType
from interventions.tests.factories import ContactFactory, GroupFactory, InterventionTypeFactory
from outcomes.models import FollowUpAnswer, TalkScore
from outcomes.services import followup_answer_record, talk_score_record
from outcomes.tests.factories import GuidanceTalkFactory

MARCH = datetime.date(2026, 3, 2)


@pytest.fixture
def world(db):
    bromma, farsta = DistrictFactory(code="bromma"), DistrictFactory(code="farsta")
    user = UserFactory(role=Role.CONSULTANT, districts=[bromma])
    me = ConsultantFactory(ref="ME", home_district=bromma, user=user)
    other = ConsultantFactory(ref="OTHER", home_district=farsta)
    InterventionTypeFactory(code="own_groups", name="Anhöriggrupp")
    talk = GuidanceTalkFactory(consultant=me, talk_number=1, date=MARCH)
    far_talk = GuidanceTalkFactory(consultant=other, talk_number=1, date=MARCH)
    group = GroupFactory(district=bromma)
    meeting = GroupMeeting.objects.create(group=group, number=1, date=MARCH, duration_minutes=90, consultant=me)
    meeting.attendees.set([talk.caregiver])
    far_group = GroupFactory(district=farsta)
    return {
        "bromma": bromma, "farsta": farsta, "user": user, "me": me, "other": other, "talk": talk,
        "far_talk": far_talk, "group": group, "far_group": far_group,
    }  # fmt: skip


def _fields(error: ValidationError) -> set[str]:
    return set(error.message_dict)


# --- Services ------------------------------------------------------------------------------------


def test_scores_are_recorded_once_per_talk_and_can_be_changed(world):
    talk_score_record(talk=world["talk"], user=world["user"], ors=18, srs=None)
    talk_score_record(talk=world["talk"], user=world["user"], ors=18, srs=36)

    score = TalkScore.objects.get()
    assert (score.talk_id, score.ors, score.srs, score.recorded_by) == (world["talk"].pk, 18, 36, world["user"])


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"ors": 41, "srs": None}, "ors", "Ensure this value is less than or equal to 40."),
        ({"ors": None, "srs": 41}, "srs", "Ensure this value is less than or equal to 40."),
        ({"ors": None, "srs": None}, "ors", "Give an ORS score, an SRS score or both."),
    ],
)
def test_scores_outside_0_to_40_or_none_at_all_are_refused_on_their_field(world, values, field, message):
    with translation.override("en"):
        with pytest.raises(ValidationError) as refused:
            talk_score_record(talk=world["talk"], user=world["user"], **values)
        assert refused.value.message_dict[field] == [message]
    assert TalkScore.objects.count() == 0
    talk_score_record(talk=world["talk"], user=world["user"], ors=40, srs=0)  # the same talk, valid scores
    assert TalkScore.objects.count() == 1


def test_scores_only_for_guidance_talks_of_ones_own_districts(world):
    advice = ContactFactory(consultant=world["me"], caregiver=world["talk"].caregiver)

    with pytest.raises(ValidationError) as not_a_talk:
        talk_score_record(talk=advice, user=world["user"], ors=20, srs=None)
    with pytest.raises(ValidationError) as elsewhere:
        talk_score_record(talk=world["far_talk"], user=world["user"], ors=20, srs=None)

    assert _fields(not_a_talk.value) == {"talk"}
    assert _fields(elsewhere.value) == {"district"}
    assert TalkScore.objects.count() == 0


def _answer(world, **values):
    defaults = {
        "user": world["user"], "district": world["bromma"], "consultant": world["me"], "date": MARCH,
        "result": "yes", "caregiver": world["talk"].caregiver,
    }  # fmt: skip
    return followup_answer_record(**(defaults | values))


def test_one_answer_per_caregiver_after_talks_and_per_group(world):
    after_talks = _answer(world)
    after_group = _answer(world, group=world["group"], result="partly")
    unnamed = [_answer(world, group=world["group"], caregiver=None, result="no") for _ in range(2)]

    with pytest.raises(ValidationError) as again:
        _answer(world, result="no")
    with pytest.raises(ValidationError) as again_group:
        _answer(world, group=world["group"])

    assert (after_talks.intervention_type.code, after_group.intervention_type.code) == ("guidance_talks", "own_groups")
    assert [a.caregiver for a in unnamed] == [None, None]
    assert _fields(again.value) == _fields(again_group.value) == {"caregiver"}
    assert FollowUpAnswer.objects.count() == 4


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"date": "tomorrow"}, "date"),
        ({"caregiver": "a stranger"}, "caregiver"),  # no guidance talks in the district
        ({"consultant": "other"}, "consultant"),  # works in Farsta
        ({"district": "farsta"}, "district"),
        ({"group": "far_group"}, "group"),  # another district's group
        ({"group": "group", "caregiver": "a stranger"}, "caregiver"),  # did not attend
        ({"group": None, "caregiver": None}, "caregiver"),  # after talks, a caregiver is needed
    ],
)
def test_a_follow_up_is_refused_on_the_right_field_and_nothing_is_saved(world, change, field):
    stranger = CaregiverFactory(districts=[world["bromma"]])
    resolve = {
        "tomorrow": timezone.localdate() + datetime.timedelta(days=1),
        "a stranger": stranger,
        "other": world["other"],
        "farsta": world["farsta"],
        "far_group": world["far_group"],
        "group": world["group"],
        None: None,
    }
    values = {name: resolve[value] for name, value in change.items()}

    with pytest.raises(ValidationError) as refused:
        _answer(world, **values)

    assert field in _fields(refused.value)
    assert FollowUpAnswer.objects.count() == 0
    _answer(world)  # the valid answer it was changed from
    assert FollowUpAnswer.objects.count() == 1


# --- Pages ---------------------------------------------------------------------------------------


def test_scores_page_saves_and_shows_errors_on_the_field(world, login, in_english, django_assert_num_queries):
    client = login(world["user"])
    url = f"/outcomes/talks/{world['talk'].pk}/scores/"

    with django_assert_num_queries(7):
        assert client.get(url).status_code == 200
    refused = client.post(url, {"ors": "45", "srs": ""})
    saved = client.post(url, {"ors": "22", "srs": "35"})

    assert refused.status_code == 200
    assert refused.context["form"].errors == {"ors": ["Ensure this value is less than or equal to 40."]}
    assert saved.status_code == 302
    assert TalkScore.objects.get().ors == 22


def test_follow_up_pages_save(world, login, in_english, django_assert_num_queries):
    client = login(world["user"])
    group_url = f"/outcomes/groups/{world['group'].pk}/follow-up/"
    talk_url = f"/outcomes/talks/{world['talk'].pk}/follow-up/"

    ConsultantFactory(home_district=world["bromma"], user=UserFactory())  # a second consultant to choose
    with django_assert_num_queries(11):
        assert client.get(group_url).status_code == 200
    with django_assert_num_queries(7):  # the session was renewed by the first: 3 fewer
        assert client.get(talk_url).status_code == 200
    posted = [
        client.post(talk_url, {"result": "yes", "date": "2026-03-20", "consultant": world["me"].pk}),
        client.post(group_url, {"result": "partly", "date": "2026-03-20", "consultant": world["me"].pk}),
        client.post(
            group_url,
            {
                "caregiver": world["talk"].caregiver.pk,
                "result": "no",
                "date": "2026-03-20",
                "consultant": world["me"].pk,
            },
        ),
    ]

    assert [r.status_code for r in posted] == [302, 302, 302]
    assert sorted(FollowUpAnswer.objects.values_list("result", flat=True)) == ["no", "partly", "yes"]
    assert "Followed up on" in client.get(talk_url).content.decode()


@pytest.mark.parametrize("role", [Role.CONSULTANT, Role.MANAGER, Role.STRATEGIST])
def test_other_districts_talks_and_groups_answer_404_and_nothing_changes(world, login, role):
    user = world["user"] if role == Role.CONSULTANT else UserFactory(role=role, districts=[world["bromma"]])
    if role == Role.STRATEGIST:
        user = UserFactory(role=role)  # city-wide, serving no district: aggregates only
    client = login(user)
    pages = [
        f"/outcomes/talks/{world['far_talk'].pk}/scores/",
        f"/outcomes/talks/{world['far_talk'].pk}/follow-up/",
        f"/outcomes/groups/{world['far_group'].pk}/follow-up/",
    ]
    if role == Role.STRATEGIST:
        pages += [f"/outcomes/talks/{world['talk'].pk}/scores/", f"/outcomes/groups/{world['group'].pk}/follow-up/"]

    statuses = [client.get(p).status_code for p in pages]
    posted = [client.post(p, {"ors": "20", "result": "yes", "date": "2026-03-20"}).status_code for p in pages]

    assert statuses == posted == [404] * len(pages)
    assert (TalkScore.objects.count(), FollowUpAnswer.objects.count()) == (0, 0)


def test_a_manager_records_for_the_districts_talks(world, login):
    manager = UserFactory(role=Role.MANAGER, districts=[world["bromma"]])

    response = login(manager).post(f"/outcomes/talks/{world['talk'].pk}/scores/", {"ors": "12", "srs": ""})

    assert response.status_code == 302
    assert TalkScore.objects.get().recorded_by == manager


def test_recorded_outcomes_are_in_the_audit_log_of_their_district(world):
    from audit.models import AuditEntry

    with set_actor(world["user"]):
        score = talk_score_record(talk=world["talk"], user=world["user"], ors=18, srs=None)
        answer = _answer(world)

    for obj in (score, answer):
        entry = AuditEntry.objects.get_for_model(type(obj)).get(object_id=obj.pk)
        assert (entry.action, entry.actor, list(entry.districts.values_list("pk", flat=True))) == (
            AuditEntry.Action.CREATE,
            world["user"],
            [world["bromma"].pk],
        )


def test_the_admin_refuses_a_follow_up_as_the_forms_do(world, login):
    """A manager adding an answer in the admin meets the service's rules: took part, once per series."""
    manager = UserFactory(role=Role.MANAGER, districts=[world["bromma"]])
    stranger = CaregiverFactory(districts=[world["bromma"]])
    talks = InterventionType.objects.get(code="guidance_talks")
    client = login(manager)
    data = {"district": world["bromma"].pk, "intervention_type": talks.pk, "consultant": world["me"].pk,
            "date": "2026-03-20", "result": "yes"}  # fmt: skip

    caregiver = world["talk"].caregiver

    no_talks = client.post("/admin/outcomes/followupanswer/add/", data | {"caregiver": stranger.pk})
    saved = client.post("/admin/outcomes/followupanswer/add/", data | {"caregiver": caregiver.pk})
    again = client.post("/admin/outcomes/followupanswer/add/", data | {"caregiver": caregiver.pk})

    assert no_talks.context["adminform"].form.errors == {
        "caregiver": ["Den anhörige har inte haft några vägledande samtal i stadsdelen."]
    }
    assert saved.status_code == 302
    assert again.context["adminform"].form.errors == {
        "caregiver": [f"{caregiver.label} har redan följts upp efter de vägledande samtalen i {world['bromma'].name}."]
    }
    answer = FollowUpAnswer.objects.get()
    assert (answer.caregiver, answer.recorded_by) == (caregiver, manager)
    changed = client.post(
        f"/admin/outcomes/followupanswer/{answer.pk}/change/", data | {"caregiver": caregiver.pk, "result": "partly"}
    )
    assert changed.status_code == 302  # correcting an answer is no second answer
    assert FollowUpAnswer.objects.get().result == "partly"
