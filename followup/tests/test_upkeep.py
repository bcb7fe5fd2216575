"""The upkeep works one way: every change reaches the figures through the receivers of
``followup.upkeep``, whichever path wrote it (a service, the admin, a plain save)."""

import datetime

import pytest

from accounts.models import Role
from accounts.tests.factories import UserFactory
from caregivers.tests.factories import CaregiverFactory
from districts.tests.factories import DistrictFactory
from figures.facts import facts_as_stored
from figures.periods import Period
from figures.snapshots import figures_rebuild
from followup.selectors import district_figures
from interventions.tests.factories import ContactFactory

YEAR = Period.year(2025)


@pytest.fixture
def met(db):
    bromma = DistrictFactory(code="bromma")
    anna = CaregiverFactory(districts=[bromma], gender="woman")
    for month in (3, 5):
        ContactFactory(district=bromma, caregiver=anna, date=datetime.date(2025, month, 2))
    return bromma, anna


def _genders(district) -> dict:
    return district_figures(period=YEAR)[district.pk]["caregivers_by"]["gender"]


def _as_rebuilt() -> bool:
    """Whether the kept facts equal a rebuild from the rows."""
    kept = facts_as_stored()
    figures_rebuild()
    return kept == facts_as_stored()


def test_a_caregivers_attribute_changed_by_a_plain_save_reaches_the_figures(met):
    bromma, anna = met
    anna.label = "A-2"
    anna.save()
    assert _genders(bromma) == {"woman": 1}  # the label is no figure's
    anna.gender = "man"
    anna.save()
    assert _genders(bromma) == {"man": 1}
    assert _as_rebuilt()


def test_a_caregivers_attribute_changed_in_the_admin_reaches_the_figures_too(met, login):
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
    assert _genders(bromma) == {"man": 1}
    assert _as_rebuilt()


def test_a_contact_moved_to_another_month_and_district_by_a_plain_save_leaves_one_and_reaches_the_other(met):
    bromma, anna = met
    farsta = DistrictFactory(code="farsta")
    contact = anna.contacts.order_by("date").first()
    contact.district, contact.date = farsta, datetime.date(2025, 8, 9)
    contact.save()

    figures = district_figures(period=YEAR)
    assert (figures[bromma.pk]["by_month"], figures[farsta.pk]["by_month"]) == (
        {"2025-05": {"contacts": 1, "caregivers": 1}},
        {"2025-08": {"contacts": 1, "caregivers": 1}},
    )
    assert _as_rebuilt()
