import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from accounts.models import Role
from accounts.tests.factories import UserFactory
from caregivers.tests.factories import CaregiverFactory
from consultants.tests.factories import AllocationFactory, ConsultantFactory
from districts.tests.factories import DistrictFactory
from interventions.models import Contact, GuidanceTalk, Referral
from interventions.services import (
    TalkCapReached,
    contact_delete,
    contact_log,
    contact_update,
)
from interventions.tests.factories import AdviceTypeFactory, GuidanceTalksTypeFactory

TODAY = datetime.date(2026, 3, 16)


@pytest.fixture(autouse=True)
def _english_and_a_fixed_day(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: TODAY)
    with translation.override("en"):
        yield


@pytest.fixture
def bromma(db):
    return DistrictFactory(code="bromma", name="Bromma")


@pytest.fixture
def me(bromma):
    user = UserFactory(role=Role.CONSULTANT, districts=[bromma])
    consultant = ConsultantFactory(home_district=bromma, user=user)
    AllocationFactory(consultant=consultant)
    return user


def _log(user, **overrides):
    values = {
        "user": user,
        "consultant": user.consultant,
        "date": TODAY,
        "channel": "phone",
        "duration_minutes": 15,
        "intervention_type": AdviceTypeFactory(),
        "district": user.districts.order_by("pk").first(),
        "target_group": "65_plus",
    }
    return contact_log(**(values | overrides))


def test_an_anonymous_phone_call_is_an_occasion_without_a_person(me):
    contact = _log(me)

    assert (contact.caregiver, contact.talk_number, contact.created_by) == (None, None, me)
    assert Contact.objects.count() == 1


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"date": TODAY + datetime.timedelta(days=1)}, "date", "The date cannot be in the future."),
        ({"date": datetime.date(1926, 3, 1)}, "date", "The date is too far back; check the year."),
        ({"duration_minutes": 481}, "duration_minutes", "less than or equal to 480"),
        ({"duration_minutes": 0}, "duration_minutes", "greater than or equal to 1"),
    ],
)
def test_bad_contact_input_is_refused_on_its_field_and_nothing_is_saved(me, overrides, field, message):
    with pytest.raises(ValidationError) as excinfo:
        _log(me, **overrides)

    assert list(excinfo.value.message_dict) == [field]
    assert message in " ".join(excinfo.value.message_dict[field])
    assert Contact.objects.count() == 0
    _log(me)  # the same input without the fault is accepted
    assert Contact.objects.count() == 1


def test_a_caregiver_of_another_district_is_refused(me):
    farsta_caregiver = CaregiverFactory(districts=[DistrictFactory(code="farsta")])

    with pytest.raises(ValidationError) as excinfo:
        _log(me, caregiver=farsta_caregiver)

    assert excinfo.value.message_dict == {"caregiver": ["This caregiver belongs to another district."]}
    assert Contact.objects.count() == 0


def test_a_district_outside_my_scope_is_refused(me):
    with pytest.raises(ValidationError) as excinfo:
        _log(me, district=DistrictFactory(code="farsta"))

    assert list(excinfo.value.message_dict) == ["district"]


def test_caregiver_met_in_another_of_my_districts_is_linked_to_it(bromma):
    farsta = DistrictFactory(code="farsta")
    user = UserFactory(role=Role.CONSULTANT, districts=[bromma, farsta])
    ConsultantFactory(home_district=bromma, user=user)
    caregiver = CaregiverFactory(districts=[bromma])

    _log(user, caregiver=caregiver, district=farsta)

    assert set(caregiver.districts.all()) == {bromma, farsta}


def test_guidance_talks_are_numbered_against_the_cap_and_refused_past_it(me, bromma):
    talks = GuidanceTalksTypeFactory()  # city default 4
    caregiver = CaregiverFactory(districts=[bromma], label="AL")

    numbered = [
        (c.talk_number, c.talk_cap) for c in (_log(me, intervention_type=talks, caregiver=caregiver) for _ in range(4))
    ]
    with pytest.raises(TalkCapReached) as excinfo:
        _log(me, intervention_type=talks, caregiver=caregiver)

    assert numbered == [(1, 4), (2, 4), (3, 4), (4, 4)]
    assert excinfo.value.message_dict["intervention_type"] == [
        "AL has had 4 of 4 guidance talks in Bromma: the cap is reached. Record a referral instead "
        "(doctor, psychologist, other healthcare); advice contacts are still allowed."
    ]
    assert GuidanceTalk.objects.count() == 4
    # Advice stays allowed past the cap, and a referral is recorded with it.
    advice = _log(me, caregiver=caregiver, referral_destination="psychologist")
    assert advice.talk_number is None
    assert list(Referral.objects.values_list("contact_id", "destination")) == [(advice.pk, "psychologist")]


def test_the_districts_own_cap_wins_and_history_keeps_the_cap_in_force(me, bromma):
    talks = GuidanceTalksTypeFactory()
    bromma.talk_cap = 3
    bromma.save()
    caregiver = CaregiverFactory(districts=[bromma])
    first = _log(me, intervention_type=talks, caregiver=caregiver)

    bromma.talk_cap = 5
    bromma.save()
    second = _log(me, intervention_type=talks, caregiver=caregiver)

    first.refresh_from_db()
    assert (first.talk_number, first.talk_cap) == (1, 3)
    assert (second.talk_number, second.talk_cap) == (2, 5)


def test_the_municipalitys_default_cap_applies_where_the_district_sets_none_and_stays_in_range(me, bromma):
    talks = GuidanceTalksTypeFactory()  # the base level: 3 to 5, default 4
    stockholm = bromma.municipality
    stockholm.talk_cap_default = 5
    stockholm.full_clean()
    stockholm.save()
    caregiver = CaregiverFactory(districts=[bromma])

    talk = _log(me, intervention_type=talks, caregiver=caregiver)

    assert (talk.talk_number, talk.talk_cap) == (1, 5)
    stockholm.talk_cap_default = 9
    with pytest.raises(ValidationError) as excinfo:
        stockholm.full_clean()
    assert excinfo.value.message_dict == {"talk_cap_default": ["The cap must be between 3 and 5 talks."]}


def test_a_guidance_talk_needs_the_caregiver(me):
    with pytest.raises(ValidationError) as excinfo:
        _log(me, intervention_type=GuidanceTalksTypeFactory())

    assert list(excinfo.value.message_dict) == ["caregiver"]
    assert Contact.objects.count() == 0


def test_a_deleted_talk_frees_its_place_under_the_cap(me, bromma):
    talks = GuidanceTalksTypeFactory()
    bromma.talk_cap = 3
    bromma.save()
    caregiver = CaregiverFactory(districts=[bromma])
    logged = [_log(me, intervention_type=talks, caregiver=caregiver) for _ in range(3)]

    contact_delete(contact=logged[1], user=me)
    again = _log(me, intervention_type=talks, caregiver=caregiver)

    assert again.talk_number == 2
    logged[1].refresh_from_db()
    assert logged[1].deleted_by == me
    assert Contact.objects.alive().filter(talk_number__isnull=False).count() == 3


def test_changing_an_advice_contact_into_a_talk_counts_it_against_the_cap(me, bromma):
    talks = GuidanceTalksTypeFactory()
    bromma.talk_cap = 3
    bromma.save()
    caregiver = CaregiverFactory(districts=[bromma])
    for _ in range(3):
        _log(me, intervention_type=talks, caregiver=caregiver)
    advice = _log(me, caregiver=caregiver)

    with pytest.raises(TalkCapReached):
        contact_update(contact=advice, user=me, intervention_type=talks)

    advice.refresh_from_db()
    assert (advice.intervention_type.code, advice.talk_number) == ("advice", None)


def test_editing_a_talk_into_advice_clears_its_number(me, bromma):
    talks = GuidanceTalksTypeFactory()
    caregiver = CaregiverFactory(districts=[bromma])
    talk = _log(me, intervention_type=talks, caregiver=caregiver)

    contact_update(contact=talk, user=me, intervention_type=AdviceTypeFactory(), duration_minutes=20)

    talk.refresh_from_db()
    assert (talk.talk_number, talk.talk_cap, talk.duration_minutes, talk.updated_by) == (None, None, 20, me)
