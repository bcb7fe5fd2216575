import pytest
from django.utils import timezone

from accounts.models import Role
from accounts.tests.factories import UserFactory
from caregivers.models import Caregiver, SupportContactOffer
from caregivers.tests.factories import CaregiverFactory
from consultants.tests.factories import ConsultantFactory
from districts.tests.factories import DistrictFactory
from interventions.tests.factories import ContactFactory, GuidanceTalksTypeFactory


@pytest.fixture
def bromma(db):
    return DistrictFactory(code="bromma", name="Bromma", talk_cap=4)


@pytest.fixture
def me(bromma):
    user = UserFactory(role=Role.CONSULTANT, districts=[bromma])
    ConsultantFactory(home_district=bromma, user=user)
    return user


def test_search_finds_caregivers_by_label_only_in_my_districts(me, bromma, login):
    CaregiverFactory(districts=[bromma], label="Anna K")
    CaregiverFactory(districts=[bromma], label="Bertil")
    CaregiverFactory(districts=[DistrictFactory()], label="Anna F")

    response = login(me).get("/caregivers/", {"q": "an"})

    assert [c.label for c in response.context["page"].object_list] == ["Anna K"]


def test_a_strategist_sees_no_caregivers_of_districts_they_do_not_serve(bromma, login):
    caregiver = CaregiverFactory(districts=[bromma])
    client = login(UserFactory(role=Role.STRATEGIST))

    assert list(client.get("/caregivers/").context["page"].object_list) == []
    assert client.get(f"/caregivers/{caregiver.pk}/").status_code == 404


@pytest.mark.parametrize("advice_contacts", [1, 20])
def test_caregiver_page_shows_talks_used_of_the_cap_and_the_timeline(
    me, bromma, login, django_assert_num_queries, advice_contacts
):
    talks = GuidanceTalksTypeFactory()
    caregiver = CaregiverFactory(districts=[bromma], label="AL")
    for n in (1, 2):
        ContactFactory(caregiver=caregiver, district=bromma, consultant=me.consultant, intervention_type=talks,
                       talk_number=n, talk_cap=4)  # fmt: skip
    for _ in range(advice_contacts):
        ContactFactory(caregiver=caregiver, district=bromma, consultant=me.consultant)
    client = login(me)

    # Fixed, whatever the number of contacts: two more per district the caregiver is linked to.
    with django_assert_num_queries(20):
        response = client.get(f"/caregivers/{caregiver.pk}/")

    assert [(t["district"], t["used"], t["cap"]) for t in response.context["talks"]] == [(bromma, 2, 4)]
    assert len(response.context["contacts"]) == 2 + advice_contacts


def test_registering_a_caregiver_and_going_on_to_log(me, bromma, login):
    data = {
        "label": "CD", "districts": [bromma.pk], "target_group": "65_plus", "relation": "child",
        "condition": "dementia", "gender": "woman", "age_band": "45-64", "birth_year": "", "then": "log",
    }  # fmt: skip

    response = login(me).post("/caregivers/new/", data)

    caregiver = Caregiver.objects.get()
    assert response["Location"] == f"/log/?caregiver={caregiver.pk}"
    page = login(me).get(response["Location"])
    assert page.context["form"].initial["caregiver"] == "CD"
    assert page.context["talk"] is not None


def test_a_label_that_looks_like_an_identity_number_is_refused_on_the_field(me, bromma, login, in_english):
    data = {"label": "19450101-1234", "districts": [bromma.pk], "target_group": "65_plus", "relation": "child",
            "condition": "dementia", "gender": "woman", "age_band": "45-64"}  # fmt: skip

    response = login(me).post("/caregivers/new/", data)

    assert list(response.context["form"].errors) == ["label"]
    assert Caregiver.objects.count() == 0


def test_recording_a_support_contact_offer(me, bromma, login):
    caregiver = CaregiverFactory(districts=[bromma])
    today = timezone.localdate().isoformat()
    client = login(me)

    refused = client.post(f"/caregivers/{caregiver.pk}/support-contact/", {"offered_on": today, "status": "accepted",
                                                                           "answered_on": today})  # fmt: skip
    accepted = client.post(f"/caregivers/{caregiver.pk}/support-contact/", {
        "offered_on": today, "status": "accepted", "answered_on": today, "support_person": me.consultant.pk,
    })  # fmt: skip

    assert refused.status_code == 400
    assert list(refused.context["support_form"].errors) == ["support_person"]
    assert accepted.status_code == 302
    assert SupportContactOffer.objects.get().support_person == me.consultant
