"""Marking works one way: every change reaches the precomputed figures through the receivers of
``followup.upkeep``, whichever path wrote it (a service, the admin, a plain save)."""

import datetime

import pytest

from accounts.models import Role
from accounts.tests.factories import UserFactory
from caregivers.tests.factories import CaregiverFactory
from districts.tests.factories import DistrictFactory
from figures.models import StaleMonth
from interventions.tests.factories import ContactFactory


@pytest.fixture
def met(db):
    bromma = DistrictFactory(code="bromma")
    anna = CaregiverFactory(districts=[bromma], gender="woman")
    for month in (3, 5):
        ContactFactory(district=bromma, caregiver=anna, date=datetime.date(2025, month, 2))
    StaleMonth.objects.all().delete()  # the factories' own writes marked their months
    return bromma, anna


def _marked() -> set[tuple[str, str]]:
    return {(m.district.code, m.month.isoformat()) for m in StaleMonth.objects.select_related("district")}


def test_a_caregivers_attribute_changed_by_a_plain_save_marks_the_months_they_were_met_in(met):
    _bromma, anna = met
    anna.label = "A-2"
    anna.save()
    assert _marked() == set()  # the label is no figure's
    anna.gender = "man"
    anna.save()
    assert _marked() == {("bromma", "2025-03-01"), ("bromma", "2025-05-01")}


def test_a_caregivers_attribute_changed_in_the_admin_is_marked_too(met, login):
    bromma, anna = met
    manager = login(UserFactory(role=Role.MANAGER, districts=[bromma]))
    page = manager.get(f"/admin/caregivers/caregiver/{anna.pk}/change/")
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data["districts"] = [bromma.pk]
    data["gender"] = "man"

    response = manager.post(f"/admin/caregivers/caregiver/{anna.pk}/change/", data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert _marked() == {("bromma", "2025-03-01"), ("bromma", "2025-05-01")}


def test_a_contact_moved_to_another_month_and_district_marks_both_places(met):
    _bromma, anna = met
    farsta = DistrictFactory(code="farsta")
    contact = anna.contacts.order_by("date").first()
    contact.district, contact.date = farsta, datetime.date(2025, 8, 9)
    contact.save()
    assert _marked() == {("bromma", "2025-03-01"), ("farsta", "2025-08-01")}
