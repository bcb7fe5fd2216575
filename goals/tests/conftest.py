import datetime

import pytest

from accounts.models import Role
from accounts.tests.factories import UserFactory
from consultants.tests.factories import AllocationFactory, ConsultantFactory
from districts.tests.factories import DistrictFactory
from interventions.tests.factories import AdviceTypeFactory

MID_YEAR = datetime.date(2026, 6, 30)
AFTER_YEAR = datetime.date(2027, 1, 15)


@pytest.fixture
def city(db):
    """Two districts, each with a consultant (allocated to it) who logs work there."""
    bromma, farsta = DistrictFactory(code="bromma", name="Bromma"), DistrictFactory(code="farsta", name="Farsta")
    consultants = {}
    for district in (bromma, farsta):
        user = UserFactory(role=Role.CONSULTANT, districts=[bromma, farsta])
        consultant = ConsultantFactory(home_district=district, user=user)
        AllocationFactory(consultant=consultant, district=district)
        consultants[district.code] = consultant
    return {"bromma": bromma, "farsta": farsta, "consultants": consultants, "advice": AdviceTypeFactory()}


@pytest.fixture(autouse=True)
def _months_open(monkeypatch):
    # These tests log work into past months to test the goals' figures; the months' locks are the
    # approvals app's (tested there) and would refuse it.
    monkeypatch.setattr("interventions.services.entry_lock", lambda **kwargs: None)
