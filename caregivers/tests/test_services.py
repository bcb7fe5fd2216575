import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from accounts.models import Role
from accounts.tests.factories import UserFactory
from caregivers.models import Caregiver, SupportContactOffer
from caregivers.services import caregiver_create, caregiver_update, support_contact_record
from caregivers.tests.factories import CaregiverFactory
from consultants.tests.factories import ConsultantFactory
from districts.tests.factories import DistrictFactory, MunicipalityFactory

TODAY = datetime.date(2026, 3, 16)


@pytest.fixture(autouse=True)
def _english(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: TODAY)
    with translation.override("en"):
        yield


@pytest.fixture
def bromma(db):
    return DistrictFactory(code="bromma", name="Bromma")


@pytest.fixture
def me(bromma):
    return UserFactory(role=Role.CONSULTANT, districts=[bromma])


VALID = {"relation": "partner", "condition": "dementia", "target_group": "65_plus", "gender": "woman"}


def test_caregiver_is_created_with_the_age_band_from_the_birth_year(me, bromma):
    caregiver = caregiver_create(user=me, label=" MB ", districts=[bromma], birth_year=1950, **VALID)

    assert (caregiver.label, caregiver.age_band, caregiver.created_by) == ("MB", "65-79", me)
    assert list(caregiver.districts.all()) == [bromma]


@pytest.mark.parametrize(
    ("label", "message"),
    [
        ("19501212-1234", "Do not enter a personal identity number"),
        ("MB 501212-1234", "Do not enter a personal identity number"),
        ("x" * 41, "at most 40 characters"),
        ("", "This field cannot be blank."),
    ],
)
def test_labels_that_identify_or_break_the_rules_are_refused(me, bromma, label, message):
    with pytest.raises(ValidationError) as excinfo:
        caregiver_create(user=me, label=label, districts=[bromma], **VALID)

    assert message in " ".join(excinfo.value.message_dict["label"])
    assert Caregiver.objects.count() == 0


def test_a_label_names_one_caregiver_within_the_municipality(me, bromma):
    caregiver_create(user=me, label="MB", districts=[bromma], **VALID)
    farsta = DistrictFactory(municipality=bromma.municipality)
    me.districts.add(farsta)
    from accounts.scoping import forget_scope

    forget_scope(me)

    # Another district of the same municipality: the same person would be two rows.
    with pytest.raises(ValidationError) as excinfo:
        caregiver_create(user=me, label="mb", districts=[farsta], **VALID)

    assert excinfo.value.message_dict == {
        "label": ["Stockholm already has a caregiver labelled 'mb': add an initial or a number."]
    }
    # Another municipality's caregivers are nothing to Stockholm's: the same label is free there.
    nacka = DistrictFactory(municipality=MunicipalityFactory(code="0182", name="Nacka"))
    consultant = UserFactory(role=Role.CONSULTANT, districts=[nacka])
    caregiver_create(user=consultant, label="MB", districts=[nacka], **VALID)
    assert Caregiver.objects.count() == 2


def test_a_caregiver_cannot_be_registered_in_another_district(me):
    with pytest.raises(ValidationError) as excinfo:
        caregiver_create(user=me, label="MB", districts=[DistrictFactory()], **VALID)

    assert list(excinfo.value.message_dict) == ["districts"]


def test_a_birth_year_in_the_future_is_refused(me, bromma):
    with pytest.raises(ValidationError) as excinfo:
        caregiver_create(user=me, label="MB", districts=[bromma], birth_year=2030, **VALID)

    assert list(excinfo.value.message_dict) == ["birth_year"]


def test_update_keeps_districts_outside_the_users_scope(me, bromma):
    farsta = DistrictFactory()
    caregiver = CaregiverFactory(districts=[bromma, farsta], label="MB")

    caregiver_update(caregiver=caregiver, user=me, districts=[bromma], label="MB2", condition="mental_illness")

    caregiver.refresh_from_db()
    assert (caregiver.label, caregiver.condition) == ("MB2", "mental_illness")
    assert set(caregiver.districts.all()) == {bromma, farsta}


def test_support_contact_offer_accepted_names_who_it_is(me, bromma):
    caregiver = CaregiverFactory(districts=[bromma])
    person = ConsultantFactory(home_district=bromma)

    with pytest.raises(ValidationError) as excinfo:
        support_contact_record(caregiver=caregiver, user=me, offered_on=TODAY, status="accepted", answered_on=TODAY)
    offer = support_contact_record(
        caregiver=caregiver, user=me, offered_on=TODAY, status="accepted", answered_on=TODAY, support_person=person
    )

    assert list(excinfo.value.message_dict) == ["support_person"]
    assert list(SupportContactOffer.objects.all()) == [offer]


def test_support_contact_declined_needs_the_answer_date(me, bromma):
    caregiver = CaregiverFactory(districts=[bromma])

    with pytest.raises(ValidationError) as excinfo:
        support_contact_record(caregiver=caregiver, user=me, offered_on=TODAY, status="declined")

    assert list(excinfo.value.message_dict) == ["answered_on"]
    assert SupportContactOffer.objects.count() == 0
