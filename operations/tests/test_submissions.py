"""One press, one record: a form's one-time token makes a resent submission create nothing new."""

import datetime
import re
import threading
import uuid

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from accounts.models import Role
from accounts.tests.factories import UserFactory
from caregivers.models import Caregiver
from consultants.tests.factories import ConsultantFactory
from districts.tests.factories import DistrictFactory
from interventions.models import Contact, GroupMeeting
from interventions.tests.factories import (
    AdviceTypeFactory,
    GroupFactory,
    GuidanceTalksTypeFactory,
    InterventionTypeFactory,
)
from operations.models import SubmissionToken

TOKEN_INPUT = re.compile(r'name="submission_token" value="([0-9a-f-]{36})" data-saved="([0-9a-f-]*)"')


@pytest.fixture
def bromma(db):
    return DistrictFactory(code="bromma", name="Bromma", talk_cap=3)


@pytest.fixture
def types(db):
    return {"advice": AdviceTypeFactory(), "talks": GuidanceTalksTypeFactory()}


@pytest.fixture
def me(bromma, types):
    user = UserFactory(role=Role.CONSULTANT, districts=[bromma])
    ConsultantFactory(home_district=bromma, user=user, target_group="65_plus")
    return user


def _token(response) -> str:
    return TOKEN_INPUT.search(response.content.decode()).group(1)


def _log_data(types, bromma, token, **overrides):
    return {
        "caregiver": "",
        "intervention_type": types["advice"].pk,
        "channel": "phone",
        "duration_minutes": "15",
        "date": timezone.localdate().isoformat(),
        "district": bromma.pk,
        "target_group": "",
        "referral_destination": "",
        "submission_token": token,
    } | overrides


def test_the_same_log_form_posted_twice_stores_one_contact_and_answers_alike(me, bromma, types, login, in_english):
    client = login(me)
    token = _token(client.get("/log/"))
    data = _log_data(types, bromma, token)

    first = client.post("/log/", data, follow=True)
    second = client.post("/log/", data, follow=True)

    assert Contact.objects.count() == 1
    assert first.redirect_chain == second.redirect_chain == [("/log/", 302)]
    assert [str(m) for m in first.context["messages"]] == ["Saved: phone, 15 min."]
    assert [str(m) for m in second.context["messages"]] == ["Saved: phone, 15 min."]
    assert SubmissionToken.objects.get().location == "/log/"


def test_the_page_after_a_save_names_the_saved_token_and_offers_a_new_one(me, bromma, types, login):
    client = login(me)
    token = _token(client.get("/log/"))

    after = client.post("/log/", _log_data(types, bromma, token), follow=True)

    new_token, saved = TOKEN_INPUT.search(after.content.decode()).groups()
    assert (saved, new_token != token) == (token, True)
    # Told once: the next page no longer names it.
    assert TOKEN_INPUT.search(client.get("/log/").content.decode()).group(2) == ""


def test_a_form_error_frees_the_token_so_the_corrected_form_saves(me, bromma, types, login):
    client = login(me)
    token = _token(client.get("/log/"))

    refused = client.post("/log/", _log_data(types, bromma, token, duration_minutes="-5"))
    assert (refused.status_code, Contact.objects.count(), SubmissionToken.objects.count()) == (200, 0, 0)
    assert _token(refused) == token  # the form shown again keeps its token: nothing was saved under it

    saved = client.post("/log/", _log_data(types, bromma, token))
    assert (saved.status_code, Contact.objects.count()) == (302, 1)


def test_a_token_used_by_another_user_is_refused(me, bromma, types, login):
    other = UserFactory(role=Role.CONSULTANT, districts=[bromma])
    ConsultantFactory(home_district=bromma, user=other)
    token = str(uuid.uuid4())
    login(me).post("/log/", _log_data(types, bromma, token))

    stranger = Client()
    stranger.force_login(other)
    response = stranger.post("/log/", _log_data(types, bromma, token))

    assert (response.status_code, Contact.objects.count()) == (400, 1)


def test_a_submission_without_a_token_still_saves(me, bromma, types, login):
    data = _log_data(types, bromma, "")
    client = login(me)

    assert [client.post("/log/", data).status_code for _ in range(2)] == [302, 302]
    assert Contact.objects.count() == 2  # nothing to tell the presses apart: a script's own business


def test_a_replayed_caregiver_registration_creates_one_caregiver(me, bromma, login):
    client = login(me)
    token = _token(client.get("/caregivers/new/"))
    data = {"label": "CD", "districts": [bromma.pk], "target_group": "65_plus", "relation": "child",
            "condition": "dementia", "gender": "woman", "age_band": "45-64", "submission_token": token}  # fmt: skip

    answers = [client.post("/caregivers/new/", data) for _ in range(2)]

    assert Caregiver.objects.count() == 1
    assert [a.status_code for a in answers] == [302, 302]
    assert answers[0]["Location"] == answers[1]["Location"]


def test_a_replayed_group_meeting_records_one_meeting_and_its_contacts_once(me, bromma, login):
    InterventionTypeFactory(code="own_groups")
    group = GroupFactory(district=bromma, starts_on=timezone.localdate().replace(day=1))
    client = login(me)
    url = f"/groups/{group.pk}/"
    token = _token(client.get(url))
    data = {"date": timezone.localdate().isoformat(), "duration_minutes": "90", "unnamed_count": "3",
            "submission_token": token}  # fmt: skip

    answers = [client.post(url, data).status_code for _ in range(2)]

    assert answers == [302, 302]
    assert (GroupMeeting.objects.count(), Contact.objects.count()) == (1, 3)


@pytest.mark.django_db(transaction=True)
def test_simultaneous_presses_of_one_form_store_one_contact(postgresql):
    district = DistrictFactory(code="bromma", talk_cap=3)
    user = UserFactory(role=Role.CONSULTANT, districts=[district])
    ConsultantFactory(home_district=district, user=user, target_group="65_plus")
    types = {"advice": AdviceTypeFactory(), "talks": GuidanceTalksTypeFactory()}
    data = _log_data(types, district, str(uuid.uuid4()))
    presses = 6
    start = threading.Barrier(presses)
    answers: list = []
    lock = threading.Lock()

    def press() -> None:
        client = Client()
        client.force_login(user)
        try:
            start.wait(timeout=30)
            response = client.post("/log/", data)
            result = (response.status_code, response.get("Location"))
        except Exception as exc:  # any other outcome is a failure to report
            result = ("error", repr(exc))
        finally:
            connection.close()
        with lock:
            answers.append(result)

    threads = [threading.Thread(target=press) for _ in range(presses)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert answers == [(302, "/log/")] * presses
    assert Contact.objects.count() == 1


def test_a_replayed_report_order_orders_one_report(bromma, login, django_capture_on_commit_callbacks):
    from followup.models import FollowupReport

    client = login(UserFactory(role=Role.STRATEGIST))
    token = _token(client.get("/reports/"))
    data = {"kind": "year", "year": 2025, "scope": "city", "submission_token": token}

    with django_capture_on_commit_callbacks(execute=True):
        answers = [client.post("/reports/", data) for _ in range(2)]

    report = FollowupReport.objects.get()
    assert [(a.status_code, a["Location"]) for a in answers] == [(302, f"/reports/{report.pk}/")] * 2


def test_a_replayed_collaboration_activity_records_one_activity(bromma, login):
    from collaboration.models import CollaborationActivity
    from collaboration.tests.factories import PartnerFactory

    client = login(UserFactory(role=Role.MANAGER, districts=[bromma]))
    partner = PartnerFactory(districts=[bromma])
    token = _token(client.get("/collaboration/new/"))
    data = {"kind": "meeting", "date": "2025-05-14", "title": "Samverkansmöte", "network": "",
            "districts": str(bromma.pk), "partners": str(partner.pk), "participants_caregivers": "12",
            "participants_partner_staff": "", "note": "", "submission_token": token}  # fmt: skip

    answers = [client.post("/collaboration/new/", data).status_code for _ in range(2)]

    assert (answers, CollaborationActivity.objects.count()) == ([302, 302], 1)


def test_an_admin_add_form_pressed_twice_adds_once(bromma, login):
    from collaboration.models import Partner

    admin = login(UserFactory(role=Role.ADMIN))
    page = admin.get("/admin/collaboration/partner/add/")
    token = _token(page)
    data = {"name": "Minnesmottagningen", "kind": "memory_clinic", "districts": [bromma.pk],
            "submission_token": token, "_save": "Spara"}  # fmt: skip

    answers = [admin.post("/admin/collaboration/partner/add/", data) for _ in range(2)]

    assert [a.status_code for a in answers] == [302, 302], answers[0].content.decode()[:3000]
    assert Partner.objects.count() == 1


def test_tokens_older_than_a_week_are_pruned(me, db):
    from operations.services import submission_tokens_prune

    now = timezone.now()
    old, recent = (SubmissionToken.objects.create(token=uuid.uuid4(), user=me, path="/log/") for _ in range(2))
    SubmissionToken.objects.filter(pk=old.pk).update(created_at=now - datetime.timedelta(days=7, seconds=1))
    SubmissionToken.objects.filter(pk=recent.pk).update(created_at=now - datetime.timedelta(days=6))

    assert submission_tokens_prune(now=now) == 1
    assert list(SubmissionToken.objects.values_list("pk", flat=True)) == [recent.pk]
