"""The approvals tests' world: one district (Farsta) with a consultant, a colleague and a manager,
and a neighbour district; the day is fixed at 20 April 2026, so March is closed (since 11 April)
and April open."""

import datetime

import pytest
from django.utils import timezone, translation

from accounts.models import Role
from accounts.tests.factories import UserFactory
from consultants.tests.factories import AllocationFactory, ConsultantFactory
from districts.tests.factories import DistrictFactory
from interventions.tests.factories import AdviceTypeFactory, InterventionTypeFactory

TODAY = datetime.date(2026, 4, 20)
MARCH = datetime.date(2026, 3, 1)
APRIL = datetime.date(2026, 4, 1)


@pytest.fixture(autouse=True)
def _a_fixed_day_in_english(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: TODAY)
    with translation.override("en"):
        yield


@pytest.fixture
def farsta(db):
    return DistrictFactory(code="farsta", name="Farsta")


@pytest.fixture
def bromma(db):
    return DistrictFactory(code="bromma", name="Bromma")


def _consultant(district, ref, username):
    user = UserFactory(username=username, role=Role.CONSULTANT, districts=[district])
    consultant = ConsultantFactory(ref=ref, home_district=district, user=user)
    AllocationFactory(consultant=consultant, district=district)
    return user


@pytest.fixture
def me(farsta):
    return _consultant(farsta, "K01", "kim")


@pytest.fixture
def colleague(farsta):
    return _consultant(farsta, "K02", "kai")


@pytest.fixture
def manager(farsta):
    return UserFactory(username="maja", role=Role.MANAGER, districts=[farsta])


@pytest.fixture
def other_manager(bromma):
    return UserFactory(username="bo", role=Role.MANAGER, districts=[bromma])


@pytest.fixture
def strategist(db):
    return UserFactory(username="stina", role=Role.STRATEGIST)


@pytest.fixture
def types(db):
    InterventionTypeFactory(code="own_groups", category="knowledge_and_community")
    return {"advice": AdviceTypeFactory()}
