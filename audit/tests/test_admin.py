"""The audit log in the admin: scoped, and nobody (superusers included) can add, change or delete entries."""

import pytest
from auditlog.context import set_actor
from django.contrib import admin

from accounts.models import Role
from accounts.tests.factories import UserFactory
from audit.admin import AuditEntryAdmin
from audit.models import AuditEntry
from audit.services import record_access
from caregivers.tests.factories import CaregiverFactory
from districts.tests.factories import DistrictFactory


@pytest.fixture
def entries(db):
    bromma, farsta = DistrictFactory(code="bromma"), DistrictFactory(code="farsta")
    users = {
        "admin": UserFactory(role=Role.ADMIN),
        "manager": UserFactory(role=Role.MANAGER, districts=[bromma]),
        "consultant": UserFactory(role=Role.CONSULTANT, districts=[bromma]),
    }
    in_bromma, in_farsta = CaregiverFactory(districts=[bromma]), CaregiverFactory(districts=[farsta])
    AuditEntry.objects.all().delete()
    with set_actor(users["consultant"]):
        record_access(in_bromma)
        record_access(in_farsta)
    bromma_entry, farsta_entry = AuditEntry.objects.order_by("pk")
    return users | {"bromma": bromma_entry, "farsta": farsta_entry}


def _snapshot(entry):
    return list(AuditEntry.objects.filter(pk=entry.pk).values())


def test_only_the_scoped_read_only_admin_is_registered():
    # django-auditlog's own LogEntryAdmin (unscoped) is replaced.
    assert type(admin.site._registry[AuditEntry]) is AuditEntryAdmin


def test_a_superuser_can_read_but_not_add_change_or_delete_an_entry(entries, login):
    client = login(entries["admin"])
    entry = entries["bromma"]
    before = _snapshot(entry)
    url = f"/admin/audit/auditentry/{entry.pk}"

    assert client.get(f"{url}/change/").status_code == 200
    assert client.post(f"{url}/change/", {"object_repr": "forged", "action": "0"}).status_code == 403
    assert client.post(f"{url}/delete/", {"post": "yes"}).status_code == 403
    assert client.get("/admin/audit/auditentry/add/").status_code == 403
    bulk = client.post("/admin/audit/auditentry/", {"action": "delete_selected", "_selected_action": [entry.pk],
                                                    "post": "yes"})  # fmt: skip
    assert bulk.status_code in (200, 302)
    assert _snapshot(entry) == before
    assert AuditEntry.objects.count() == 2
    changelist = client.get("/admin/audit/auditentry/")
    assert "delete_selected" not in changelist.context["cl"].model_admin.get_actions(changelist.wsgi_request)


def test_a_manager_reads_only_their_districts_entries_in_the_admin(entries, login):
    client = login(entries["manager"])

    response = client.get("/admin/audit/auditentry/")

    assert [e.pk for e in response.context["cl"].queryset] == [entries["bromma"].pk]
    assert client.get(f"/admin/audit/auditentry/{entries['farsta'].pk}/change/").status_code == 404
    assert client.post(f"/admin/audit/auditentry/{entries['bromma'].pk}/delete/", {"post": "yes"}).status_code == 403
    assert AuditEntry.objects.count() == 2


def test_a_consultant_has_no_admin(entries, login):
    assert login(entries["consultant"]).get("/admin/audit/auditentry/").status_code == 404
