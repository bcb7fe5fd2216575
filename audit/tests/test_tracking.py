"""Every tracked kind of change gives an entry: who, what, which object, which fields, which districts."""

import datetime
import json

import pytest
from auditlog.context import set_actor
from django.utils import timezone, translation

from accounts.models import Role, User
from accounts.services import user_create
from accounts.tests.factories import UserFactory
from audit.models import AuditEntry
from audit.registry import MASK
from caregivers.models import Caregiver
from caregivers.services import caregiver_create, support_contact_record
from caregivers.tests.factories import CaregiverFactory
from consultants.tests.factories import ConsultantFactory
from districts.tests.factories import DistrictFactory
from interventions.models import Contact, GroupMeeting, Referral
from interventions.services import group_meeting_record
from interventions.tests.factories import AdviceTypeFactory, ContactFactory, GroupFactory, InterventionTypeFactory

CREATE, UPDATE, DELETE, ACCESS = (AuditEntry.Action.CREATE, AuditEntry.Action.UPDATE, AuditEntry.Action.DELETE,
                                  AuditEntry.Action.ACCESS)  # fmt: skip
LABEL = "Zelda-Q"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def bromma(db):
    return DistrictFactory(code="bromma", name="Bromma", talk_cap=3)


@pytest.fixture
def farsta(db):
    return DistrictFactory(code="farsta", name="Farsta", talk_cap=3)


@pytest.fixture
def me(bromma):
    user = UserFactory(role=Role.CONSULTANT, districts=[bromma], first_name="Maja", last_name="Ek")
    ConsultantFactory(home_district=bromma, user=user, target_group="65_plus")
    return user


def _entries(obj, **filters):
    model = obj if isinstance(obj, type) else type(obj)
    entries = AuditEntry.objects.get_for_model(model).filter(**filters).order_by("pk")
    if not isinstance(obj, type):
        entries = entries.filter(object_id=obj.pk)
    return list(entries)


def _districts(entry):
    return sorted(entry.districts.values_list("code", flat=True))


def _stored_text() -> str:
    """Every audit row as text, relations included: what a database dump of the log would hold."""
    rows = list(AuditEntry.objects.values())
    links = list(AuditEntry.districts.through.objects.values())
    return json.dumps([rows, links], default=str)


def test_creating_a_caregiver_logs_it_with_label_and_birth_year_masked_and_its_districts(me, bromma):
    with set_actor(me):
        caregiver = caregiver_create(user=me, label=LABEL, districts=[bromma], relation="partner",
                                     condition="dementia", target_group="65_plus", birth_year=1950)  # fmt: skip

    created, linked = _entries(caregiver)
    assert (created.action, created.actor, created.object_repr) == (CREATE, me, f"Anhörig #{caregiver.pk}")
    assert created.changes["label"] == [MASK, MASK]
    assert created.changes["birth_year"] == [MASK, MASK]
    assert created.changes["relation"] == ["None", "partner"]
    assert "updated_at" not in created.changes
    assert (linked.action, linked.changes) == (
        UPDATE,
        {"districts": {"type": "m2m", "operation": "add", "objects": ["Bromma"]}},
    )
    # The creation is logged before the districts are saved, and still belongs to them.
    assert (_districts(created), _districts(linked)) == (["bromma"], ["bromma"])
    assert LABEL not in _stored_text()
    assert "1950" not in _stored_text()


def test_changing_a_caregiver_on_its_page_logs_the_fields_changed(me, bromma, login):
    caregiver = CaregiverFactory(districts=[bromma], label=LABEL, birth_year=1950)
    data = {"label": "Yngve-R", "districts": [bromma.pk], "target_group": "65_plus", "relation": "child",
            "condition": "dementia", "gender": "woman", "age_band": "65-79", "birth_year": "1951"}  # fmt: skip

    response = login(me).post(f"/caregivers/{caregiver.pk}/edit/", data)

    assert response.status_code == 302
    (changed,) = _entries(caregiver, action=UPDATE, actor=me)
    assert changed.actor == me
    assert changed.changes == {
        "label": [MASK, MASK],
        "birth_year": [MASK, MASK],
        "relation": ["partner", "child"],
    }
    assert _districts(changed) == ["bromma"]
    text = _stored_text()
    assert (LABEL in text, "Yngve-R" in text, "1951" in text) == (False, False, False)


def test_deleting_a_caregiver_logs_it_under_the_districts_it_had(me, bromma, farsta):
    caregiver = CaregiverFactory(districts=[bromma, farsta], label=LABEL)
    with set_actor(me):
        support_contact_record(caregiver=caregiver, user=me, offered_on=timezone.localdate(), status="offered")
        caregiver_pk = caregiver.pk
        caregiver.delete()

    (deleted,) = _entries(Caregiver, action=DELETE)
    assert (deleted.object_id, deleted.actor, deleted.object_repr) == (caregiver_pk, me, f"Anhörig #{caregiver_pk}")
    assert deleted.changes["label"] == [MASK, MASK]
    assert _districts(deleted) == ["bromma", "farsta"]
    offer_entries = AuditEntry.objects.filter(content_type__model="supportcontactoffer").order_by("pk")
    assert [e.action for e in offer_entries] == [CREATE, DELETE]
    assert [_districts(e) for e in offer_entries] == [["bromma", "farsta"], ["bromma", "farsta"]]
    assert [e.object_repr for e in offer_entries] == [f"Erbjudande om stödkontakt #{offer_entries[0].object_id}"] * 2
    assert LABEL not in _stored_text()


def test_viewing_a_caregivers_page_logs_an_access_by_that_user(me, bromma, login):
    caregiver = CaregiverFactory(districts=[bromma], label=LABEL)
    client = login(me)

    client.get(f"/caregivers/{caregiver.pk}/")
    client.get(f"/caregivers/{caregiver.pk}/")

    viewed = _entries(caregiver, action=ACCESS)
    expected = (me, f"Anhörig #{caregiver.pk}", ["bromma"])
    assert [(e.actor, e.object_repr, _districts(e)) for e in viewed] == [expected, expected]
    assert LABEL not in _stored_text()


def test_opening_a_caregiver_in_the_admin_logs_an_access_too(bromma, login):
    manager = UserFactory(role=Role.MANAGER, districts=[bromma])
    caregiver = CaregiverFactory(districts=[bromma], label=LABEL)

    response = login(manager).get(f"/admin/caregivers/caregiver/{caregiver.pk}/change/")

    assert response.status_code == 200
    assert [(e.actor, _districts(e)) for e in _entries(caregiver, action=ACCESS)] == [(manager, ["bromma"])]


def test_a_page_outside_my_districts_logs_no_access(me, farsta, login):
    caregiver = CaregiverFactory(districts=[farsta])

    assert login(me).get(f"/caregivers/{caregiver.pk}/").status_code == 404
    assert _entries(caregiver, action=ACCESS) == []


def _form_data(**overrides):
    return {"caregiver": "", "intervention_type": "", "channel": "phone", "duration_minutes": "15",
            "date": timezone.localdate().isoformat(), "district": "", "target_group": "",
            "referral_destination": ""} | overrides  # fmt: skip


def test_logging_changing_and_deleting_a_contact_are_logged(me, bromma, login):
    advice = AdviceTypeFactory()
    caregiver = CaregiverFactory(districts=[bromma], label=LABEL)
    client = login(me)

    client.post("/log/", _form_data(intervention_type=advice.pk, district=bromma.pk, caregiver=LABEL))
    contact = Contact.objects.get()
    client.post(f"/contacts/{contact.pk}/edit/", _form_data(
        intervention_type=advice.pk, district=bromma.pk, caregiver=LABEL, channel="email_sms", duration_minutes="5",
        referral_destination="association"))  # fmt: skip
    client.post(f"/contacts/{contact.pk}/delete/")

    created, changed, deleted = _entries(contact)
    assert [(e.action, e.actor, _districts(e)) for e in (created, changed, deleted)] == [
        (CREATE, me, ["bromma"]), (UPDATE, me, ["bromma"]), (DELETE, me, ["bromma"])]  # fmt: skip
    # The caregiver is kept by id only.
    assert created.changes["caregiver"] == ["None", str(caregiver.pk)]
    assert created.object_repr == str(contact)
    assert changed.changes == {"channel": ["phone", "email_sms"], "duration_minutes": ["15", "5"],
                               "updated_by": ["None", str(me.pk)]}  # fmt: skip
    assert set(deleted.changes) == {"deleted_at", "deleted_by"}
    assert deleted.changes["deleted_by"] == ["None", str(me.pk)]
    (referral,) = _entries(Referral)
    assert (referral.action, referral.actor, referral.changes["destination"], _districts(referral)) == (
        CREATE, me, ["None", "association"], ["bromma"])  # fmt: skip
    assert LABEL not in _stored_text()


def test_recording_a_meeting_and_changing_attendance_are_logged_without_labels(me, bromma):
    InterventionTypeFactory(code="own_groups", name="Groups")
    group = GroupFactory(district=bromma)
    anna = CaregiverFactory(districts=[bromma], label=LABEL)
    bo = CaregiverFactory(districts=[bromma])
    with set_actor(me):
        meeting = group_meeting_record(group=group, user=me, consultant=me.consultant, date=timezone.localdate(),
                                       duration_minutes=90, attendees=[anna, bo])  # fmt: skip
        meeting.attendees.remove(anna)

    created, added, removed = _entries(meeting)
    assert (created.action, created.actor, created.changes["group"]) == (CREATE, me, ["None", str(group.pk)])
    assert (added.action, added.actor, added.changes["attendees"]["operation"]) == (UPDATE, me, "add")
    assert sorted(added.changes["attendees"]["objects"]) == sorted([f"Anhörig #{anna.pk}", f"Anhörig #{bo.pk}"])
    assert removed.changes["attendees"] == {"type": "m2m", "operation": "delete", "objects": [f"Anhörig #{anna.pk}"]}
    assert [_districts(e) for e in (created, added, removed)] == [["bromma"]] * 3
    assert LABEL not in _stored_text()


def test_deleting_a_meeting_is_logged_as_a_delete(me, bromma):
    group = GroupFactory(district=bromma)
    meeting = GroupMeeting.objects.create(group=group, number=1, date=timezone.localdate(), duration_minutes=60,
                                          consultant=me.consultant, unnamed_count=3)  # fmt: skip
    from interventions.services import group_meeting_delete

    with set_actor(me):
        group_meeting_delete(meeting=meeting, user=me)

    assert [(e.action, e.actor, _districts(e)) for e in _entries(meeting)] == [
        (CREATE, None, ["bromma"]), (DELETE, me, ["bromma"])]  # fmt: skip


def test_a_meetings_attendee_contacts_are_logged_one_entry_each(me, bromma):
    InterventionTypeFactory(code="own_groups", name="Groups")
    group = GroupFactory(district=bromma)
    anna = CaregiverFactory(districts=[bromma], label=LABEL)
    with set_actor(me):
        meeting = group_meeting_record(group=group, user=me, consultant=me.consultant, date=timezone.localdate(),
                                       duration_minutes=90, attendees=[anna], unnamed_count=2)  # fmt: skip

    contacts = list(Contact.objects.filter(meeting=meeting).order_by("pk"))
    assert len(contacts) == 3
    entries = [_entries(contact) for contact in contacts]
    assert [[(e.action, e.actor, _districts(e)) for e in es] for es in entries] == [[(CREATE, me, ["bromma"])]] * 3
    assert [es[0].changes["meeting"] for es in entries] == [["None", str(meeting.pk)]] * 3
    assert entries[0][0].changes["caregiver"] == ["None", str(anna.pk)]
    assert LABEL not in _stored_text()


def test_deleting_a_meeting_logs_the_delete_of_each_attendee_contact(me, bromma):
    InterventionTypeFactory(code="own_groups", name="Groups")
    group = GroupFactory(district=bromma)
    with set_actor(me):
        meeting = group_meeting_record(group=group, user=me, consultant=me.consultant, date=timezone.localdate(),
                                       duration_minutes=60, unnamed_count=2)  # fmt: skip
        from interventions.services import group_meeting_delete

        group_meeting_delete(meeting=meeting, user=me)

    contacts = list(Contact.objects.filter(meeting=meeting).order_by("pk"))  # soft-deleted rows stay
    assert len(contacts) == 2
    assert [[(e.action, e.actor, _districts(e)) for e in _entries(c)] for c in contacts] == [
        [(CREATE, me, ["bromma"]), (DELETE, me, ["bromma"])]] * 2  # fmt: skip


def test_creating_a_user_logs_it_without_the_password(bromma):
    admin = UserFactory(role=Role.ADMIN)
    with set_actor(admin):
        user = user_create(username="nils", role=Role.MANAGER, password="a-long-test-password",
                           district_codes=["bromma"])  # fmt: skip

    created, linked = _entries(user)
    assert (created.action, created.actor, created.object_repr) == (CREATE, admin, "nils")
    assert created.changes["role"] == ["None", "manager"]
    assert ("password" in created.changes, "last_login" in created.changes) == (False, False)
    assert linked.changes == {"districts": {"type": "m2m", "operation": "add", "objects": ["Bromma"]}}
    assert (_districts(created), _districts(linked)) == (["bromma"], ["bromma"])
    assert User.objects.get(pk=user.pk).password not in _stored_text()


def test_changing_a_role_in_the_admin_is_logged(bromma, client):
    admin = UserFactory(role=Role.ADMIN)
    user = UserFactory(role=Role.CONSULTANT, districts=[bromma], username="nils")
    client.force_login(admin)
    data = {"username": "nils", "first_name": "", "last_name": "", "email": "", "role": "manager",
            "districts": [bromma.pk], "is_active": "on"}  # fmt: skip

    response = client.post(f"/admin/accounts/user/{user.pk}/change/", data)

    assert response.status_code == 302
    (changed,) = _entries(user, action=UPDATE, changes__has_key="role")
    assert (changed.actor, changed.changes, _districts(changed)) == (
        admin, {"role": ["consultant", "manager"]}, ["bromma"])  # fmt: skip


def test_moving_a_user_to_another_district_is_logged_under_both(bromma, farsta):
    admin = UserFactory(role=Role.ADMIN)
    user = UserFactory(role=Role.MANAGER, districts=[bromma])
    before = AuditEntry.objects.count()
    with set_actor(admin):
        user.districts.set([farsta])

    removed, added = AuditEntry.objects.order_by("pk")[before:]
    assert (removed.actor, removed.object_id, removed.changes["districts"]) == (
        admin, user.pk, {"type": "m2m", "operation": "delete", "objects": ["Bromma"]})  # fmt: skip
    assert added.changes["districts"] == {"type": "m2m", "operation": "add", "objects": ["Farsta"]}
    assert (_districts(removed), _districts(added)) == (["bromma"], ["farsta"])


def test_a_change_nobody_made_is_logged_without_an_actor(me, bromma):
    contact = ContactFactory(consultant=me.consultant, district=bromma)

    contact.duration_minutes = 20
    contact.save()

    (changed,) = _entries(contact, action=UPDATE)
    assert (changed.actor, changed.changes) == (None, {"duration_minutes": ["15", "20"]})


def test_clearing_attendance_logs_only_the_attendees_it_had(me, bromma, farsta):
    group = GroupFactory(district=bromma)
    meeting = GroupMeeting.objects.create(group=group, number=1, date=datetime.date(2026, 2, 3), duration_minutes=60,
                                          consultant=me.consultant)  # fmt: skip
    anna, elsewhere = CaregiverFactory(districts=[bromma]), CaregiverFactory(districts=[farsta])
    meeting.attendees.set([anna])
    with set_actor(me):
        meeting.attendees.clear()

    cleared = _entries(meeting, action=UPDATE, actor=me)
    assert [e.changes for e in cleared] == [
        {"attendees": {"type": "m2m", "operation": "delete", "objects": [f"Anhörig #{anna.pk}"]}}]  # fmt: skip
    assert f"#{elsewhere.pk}" not in json.dumps(cleared[0].changes)
