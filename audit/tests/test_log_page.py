"""The audit log page: who sees which entries, the filters, what a row shows, and its query count."""

import datetime

import pytest
from auditlog.context import set_actor
from django.utils import timezone, translation

from accounts.models import Role
from accounts.tests.factories import UserFactory
from audit.models import AuditEntry
from audit.services import record_access
from caregivers.tests.factories import CaregiverFactory
from consultants.tests.factories import ConsultantFactory
from districts.tests.factories import DistrictFactory
from interventions.tests.factories import ContactFactory, GroupFactory

CREATE, UPDATE, DELETE, ACCESS = (AuditEntry.Action.CREATE, AuditEntry.Action.UPDATE, AuditEntry.Action.DELETE,
                                  AuditEntry.Action.ACCESS)  # fmt: skip
LABEL = "Zelda-Q"


@pytest.fixture
def bromma(db):
    return DistrictFactory(code="bromma", name="Bromma")


@pytest.fixture
def farsta(db):
    return DistrictFactory(code="farsta", name="Farsta")


@pytest.fixture
def maja(bromma):
    user = UserFactory(role=Role.CONSULTANT, districts=[bromma], first_name="Maja", last_name="Ek")
    ConsultantFactory(home_district=bromma, user=user)
    return user


@pytest.fixture
def fia(farsta):
    user = UserFactory(role=Role.CONSULTANT, districts=[farsta], first_name="Fia", last_name="Berg")
    ConsultantFactory(home_district=farsta, user=user)
    return user


@pytest.fixture
def bromma_manager(bromma):
    return UserFactory(role=Role.MANAGER, districts=[bromma])


def _ids(response) -> list[int]:
    return [row.entry.pk for row in response.context["rows"]]


@pytest.fixture
def strategist(db):
    return UserFactory(role=Role.STRATEGIST)


@pytest.fixture
def admin_user(db):
    return UserFactory(role=Role.ADMIN)


@pytest.fixture
def log(db, bromma, farsta, maja, fia, bromma_manager, strategist, admin_user):
    """A caregiver viewed and a contact changed in Bromma; a contact changed in Farsta. Only the writes
    made here are kept, so every id is known."""
    caregiver = CaregiverFactory(districts=[bromma], label=LABEL)
    bromma_contact = ContactFactory(consultant=maja.consultant, district=bromma, caregiver=caregiver)
    farsta_contact = ContactFactory(consultant=fia.consultant, district=farsta)
    AuditEntry.objects.all().delete()
    with set_actor(maja):
        record_access(caregiver)
        bromma_contact.channel = "email_sms"
        bromma_contact.save()
    with set_actor(fia):
        farsta_contact.duration_minutes = 30
        farsta_contact.save()
    viewed, bromma_change, farsta_change = AuditEntry.objects.order_by("pk")
    return {"viewed": viewed, "bromma_change": bromma_change, "farsta_change": farsta_change,
            "caregiver": caregiver, "bromma_contact": bromma_contact}  # fmt: skip


def test_a_manager_sees_only_their_districts_entries_newest_first(log, bromma_manager, login):
    response = login(bromma_manager).get("/audit/")

    assert _ids(response) == [log["bromma_change"].pk, log["viewed"].pk]


def test_a_strategist_and_an_admin_see_every_entry(log, strategist, admin_user, login):
    every = [log["farsta_change"].pk, log["bromma_change"].pk, log["viewed"].pk]
    for user in (strategist, admin_user):
        assert _ids(login(user).get("/audit/")) == every


def test_a_consultant_gets_404_like_any_page_they_may_not_see(log, maja, login):
    assert login(maja).get("/audit/").status_code == 404


def test_a_row_shows_time_who_action_object_and_fields_changed(log, bromma_manager, login, in_english):
    when = timezone.make_aware(datetime.datetime(2026, 3, 2, 23, 30), datetime.UTC)
    AuditEntry.objects.filter(pk=log["bromma_change"].pk).update(timestamp=when)

    response = login(bromma_manager).get("/audit/")

    viewed, change = response.context["rows"]
    assert (change.who, change.role, change.action, change.object_type) == (
        "Maja Ek", "Caregiver-support consultant", "changed", "Contact")  # fmt: skip
    assert [(c.field, c.old, c.new) for c in change.changes] == [("Channel", "Phone", "E-mail or SMS")]
    assert (viewed.action, viewed.entry.object_repr, viewed.changes) == (
        "viewed", f"Anhörig #{log['caregiver'].pk}", [])  # fmt: skip
    page = response.content.decode()
    assert "2026-03-03 00:30:00" in page  # Stockholm time (UTC+1 in March)
    assert "Phone → E-mail or SMS" in page
    assert LABEL not in page


def test_masked_fields_show_as_hidden_and_an_entry_without_actor_as_system(bromma, bromma_manager, login, in_english):
    caregiver = CaregiverFactory(districts=[bromma], label=LABEL, birth_year=1950)
    caregiver.label, caregiver.relation = "Yngve-R", "child"
    caregiver.save()

    response = login(bromma_manager).get("/audit/", {"action": UPDATE, "object_id": caregiver.pk})

    (row,) = [r for r in response.context["rows"] if "label" in r.entry.changes]
    assert row.who == "System"
    assert [(c.field, c.hidden, c.old, c.new) for c in row.changes] == [
        ("Label", True, "", ""), ("Relation to the care recipient", False, "Spouse or partner",
                                  "Child of the care recipient")]  # fmt: skip
    page = response.content.decode()
    assert (LABEL in page, "Yngve-R" in page, "hidden" in page) == (False, False, True)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"action": ACCESS}, ["viewed"]),
        ({"action": UPDATE}, ["bromma_change", "farsta_change"]),
        ({"object_type": "contact"}, ["bromma_change", "farsta_change"]),
        ({"object_type": "caregiver"}, ["viewed"]),
        ({"actor": "fia"}, ["farsta_change"]),
        ({"object_type": "contact", "object_id": "bromma_contact"}, ["bromma_change"]),
        ({"date_from": "2026-03-02", "date_to": "2026-03-02"}, ["bromma_change"]),
        ({"date_from": "2026-03-03"}, ["viewed"]),
        ({"date_to": "2026-03-01"}, ["farsta_change"]),
        ({"date_from": "2026-03-01", "date_to": "9999-12-31"}, ["bromma_change", "farsta_change", "viewed"]),
    ],
)
def test_filters_give_exactly_the_matching_entries(log, fia, strategist, login, params, expected):
    from django.contrib.contenttypes.models import ContentType

    stamps = {"farsta_change": (2026, 3, 1, 12), "bromma_change": (2026, 3, 2, 22, 30), "viewed": (2026, 3, 3, 8)}
    for name, parts in stamps.items():
        moment = timezone.make_aware(datetime.datetime(*parts), datetime.UTC)
        AuditEntry.objects.filter(pk=log[name].pk).update(timestamp=moment)
    values = dict(params)
    if "object_type" in values:
        values["object_type"] = ContentType.objects.get(model=values["object_type"]).pk
    if values.get("actor") == "fia":
        values["actor"] = fia.pk
    if values.get("object_id") == "bromma_contact":
        values["object_id"] = log["bromma_contact"].pk

    response = login(strategist).get("/audit/", values)

    assert response.context["filter"].form.errors == {}
    assert sorted(_ids(response)) == sorted(log[name].pk for name in expected)


def test_a_manager_is_offered_only_the_users_in_their_entries(log, bromma_manager, maja, login):
    response = login(bromma_manager).get("/audit/")

    assert list(response.context["filter"].form.fields["actor"].queryset) == [maja]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"object_id": "abc"}, "object_id"),
        ({"object_id": "99999999999999999999999"}, "object_id"),
        ({"object_id": "-4"}, "object_id"),
        ({"date_from": "2026-13-01"}, "date_from"),
        ({"date_from": "2026-03-05", "date_to": "2026-03-01"}, "date_to"),
        ({"action": "9"}, "action"),
        ({"object_type": "999999"}, "object_type"),
        ({"actor": "x"}, "actor"),
        ({"page": "zzz", "action": "7"}, "action"),
    ],
)
def test_bad_filter_input_is_told_on_its_field_and_shows_nothing(log, strategist, login, in_english, params, field):
    response = login(strategist).get("/audit/", params)

    assert response.status_code == 200
    assert list(response.context["filter"].form.errors) == [field]
    assert response.context["rows"] == []
    assert "Correct the filter to see entries." in response.content.decode()


def test_another_districts_user_is_not_a_choice_for_a_manager(log, bromma_manager, fia, login):
    response = login(bromma_manager).get("/audit/", {"actor": fia.pk})

    assert list(response.context["filter"].form.errors) == ["actor"]
    assert response.context["rows"] == []


@pytest.mark.parametrize("rounds", [1, 6])
def test_the_page_keeps_its_query_count_whatever_the_entries(
    bromma, maja, bromma_manager, login, in_english, django_assert_num_queries, rounds
):
    group = GroupFactory(district=bromma)
    with set_actor(maja):
        for _ in range(rounds):
            caregiver = CaregiverFactory(districts=[bromma], label=LABEL)
            record_access(caregiver)
            contact = ContactFactory(consultant=maja.consultant, district=bromma, caregiver=caregiver)
            contact.channel = "home_visit"
            contact.save()
            group.name = f"{group.name}+"
            group.save()
    caregiver.delete()
    entries = AuditEntry.objects.visible_to(bromma_manager).count()
    client = login(bromma_manager)

    with django_assert_num_queries(9):
        response = client.get("/audit/")

    assert len(response.context["rows"]) == entries
    assert {row.action for row in response.context["rows"]} == {"created", "changed", "deleted", "viewed"}


def test_the_log_is_paged_by_fifty(bromma, maja, bromma_manager, login):
    caregiver = CaregiverFactory(districts=[bromma])
    AuditEntry.objects.all().delete()
    with set_actor(maja):
        for _ in range(51):
            record_access(caregiver)
    client = login(bromma_manager)

    first, second = client.get("/audit/"), client.get("/audit/", {"page": 2})

    assert (len(first.context["rows"]), len(second.context["rows"])) == (50, 1)
    assert second.context["rows"][0].entry.pk == AuditEntry.objects.order_by("pk").first().pk


def test_stockholm_time_is_shown_for_a_summer_entry(log, bromma_manager, login):
    moment = timezone.make_aware(datetime.datetime(2026, 7, 1, 10, 0), datetime.UTC)
    AuditEntry.objects.filter(pk=log["viewed"].pk).update(timestamp=moment)

    with translation.override("en"):
        page = login(bromma_manager).get("/audit/").content.decode()

    assert "2026-07-01 12:00:00" in page
