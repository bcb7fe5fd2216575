"""The audit log records the client's address as the trusted proxies report it, not as a client claims."""

import pytest
from django.test import override_settings

from audit.models import AuditEntry
from caregivers.tests.factories import CaregiverFactory

pytestmark = pytest.mark.django_db


def _view_caregiver(client, manager, caregiver, **headers):
    client.force_login(manager)
    response = client.get(f"/caregivers/{caregiver.pk}/", headers=headers, REMOTE_ADDR="10.0.0.9")
    assert response.status_code == 200
    return AuditEntry.objects.get(action=AuditEntry.Action.ACCESS, object_id=caregiver.pk)


def test_a_forged_forwarded_address_is_ignored_without_a_trusted_proxy(client, manager_and_caregiver):
    manager, caregiver = manager_and_caregiver
    entry = _view_caregiver(client, manager, caregiver, x_forwarded_for="8.8.4.4")
    assert (entry.remote_addr, entry.remote_port) == ("10.0.0.9", None)


# As base.py sets them for TRUSTED_PROXY_COUNT=1.
@override_settings(AXES_IPWARE_PROXY_COUNT=0, AXES_IPWARE_META_PRECEDENCE_ORDER=("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"))
def test_behind_one_proxy_the_address_the_proxy_saw_is_recorded(client, manager_and_caregiver):
    manager, caregiver = manager_and_caregiver
    # The client claims 8.8.4.4; our proxy appends the address it really saw.
    entry = _view_caregiver(client, manager, caregiver, x_forwarded_for="8.8.4.4, 81.234.12.7")
    assert entry.remote_addr == "81.234.12.7"


@pytest.fixture
def manager_and_caregiver():
    from accounts.tests.factories import UserFactory

    caregiver = CaregiverFactory()
    manager = UserFactory(role="manager", districts=list(caregiver.districts.all()))
    return manager, caregiver
