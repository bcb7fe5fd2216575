"""The one lock rule: why a month is locked, from which day, for whom, and the message saying so."""

import datetime

import pytest

from accounts.models import Role
from accounts.tests.factories import UserFactory
from approvals.models import CycleSettings, MonthStatus
from approvals.selectors import entry_lock
from districts.tests.factories import DistrictFactory, MunicipalityFactory

from .conftest import APRIL, MARCH
from .factories import EntryExceptionFactory, MonthApprovalFactory

CLOSED_MESSAGE = (
    "March 2026 in Farsta is closed: entry locks 10 days after the month ends. The district manager can give "
    "you an exception for a few days on the month's page in Monthly approval."
)
APPROVED_MESSAGE = (
    "March 2026 in Farsta is approved by the district manager and locked. The district manager can reopen the "
    "month on its page in Monthly approval."
)
ACCEPTED_MESSAGE = (
    "March 2026 in Farsta is accepted by the strategists and locked. A strategist can reopen the month on its "
    "page in Monthly approval, giving a reason."
)


def test_the_automatic_lock_starts_on_the_eleventh_day_after_the_month_ends(me, farsta):
    last_open = entry_lock(user=me, district=farsta, day=datetime.date(2026, 3, 31), today=datetime.date(2026, 4, 10))
    first_locked = entry_lock(user=me, district=farsta, day=datetime.date(2026, 3, 1), today=datetime.date(2026, 4, 11))

    assert last_open is None
    assert (first_locked.reason, first_locked.month, first_locked.message) == ("closed", MARCH, CLOSED_MESSAGE)


def test_the_citys_setting_moves_the_lock(me, farsta):
    CycleSettings.objects.create(lock_days_after_month_end=3)
    day = datetime.date(2026, 3, 15)

    assert entry_lock(user=me, district=farsta, day=day, today=datetime.date(2026, 4, 3)) is None
    lock = entry_lock(user=me, district=farsta, day=day, today=datetime.date(2026, 4, 4))
    assert lock.reason == "closed"
    assert "entry locks 3 days after the month ends" in lock.message


def test_a_municipalitys_own_setting_moves_the_lock_in_its_districts_only(me, farsta):
    CycleSettings.objects.create(lock_days_after_month_end=3)
    nacka = DistrictFactory(code="nacka-ac", municipality=MunicipalityFactory(code="0182", name="Nacka"))
    nacka.municipality.lock_days_after_month_end = 20
    nacka.municipality.save()
    day, today = datetime.date(2026, 3, 15), datetime.date(2026, 4, 15)

    assert entry_lock(user=me, district=nacka, day=day, today=today) is None  # Nacka keeps 20 days open
    assert entry_lock(user=me, district=farsta, day=day, today=today).reason == "closed"  # the installation's 3
    lock = entry_lock(user=me, district=nacka, day=day, today=datetime.date(2026, 4, 21))
    assert "entry locks 20 days after the month ends" in lock.message


def test_the_current_month_is_open(me, farsta):
    assert entry_lock(user=me, district=farsta, day=APRIL) is None


@pytest.mark.parametrize(
    ("status", "reason", "message"),
    [(MonthStatus.APPROVED, "approved", APPROVED_MESSAGE), (MonthStatus.ACCEPTED, "accepted", ACCEPTED_MESSAGE)],
)
def test_approval_and_acceptance_lock_everyone_even_before_the_closing_day(
    me, manager, farsta, status, reason, message
):
    MonthApprovalFactory(district=farsta, month=MARCH, status=status)
    EntryExceptionFactory(district=farsta, month=MARCH, granted_to=me, granted_by=manager)
    admin = UserFactory(role=Role.ADMIN, districts=[farsta])

    for user in (me, manager, admin):
        lock = entry_lock(user=user, district=farsta, day=datetime.date(2026, 3, 31), today=datetime.date(2026, 4, 2))
        assert (lock.reason, lock.message) == (reason, message)


def test_the_closing_locks_managers_and_administrators_too(manager, farsta):
    admin = UserFactory(role=Role.ADMIN, districts=[farsta])

    assert entry_lock(user=manager, district=farsta, day=MARCH).reason == "closed"
    assert entry_lock(user=admin, district=farsta, day=MARCH).reason == "closed"


def test_an_exception_lets_exactly_its_consultant_in_until_its_last_day(me, colleague, manager, farsta, bromma):
    EntryExceptionFactory(
        district=farsta, month=MARCH, granted_to=me, granted_by=manager, valid_until=datetime.date(2026, 4, 25)
    )
    day = datetime.date(2026, 3, 20)

    assert entry_lock(user=me, district=farsta, day=day, today=datetime.date(2026, 4, 25)) is None
    assert entry_lock(user=me, district=farsta, day=day, today=datetime.date(2026, 4, 26)).reason == "closed"
    assert entry_lock(user=colleague, district=farsta, day=day, today=datetime.date(2026, 4, 25)).reason == "closed"
    # Not another month, not another district.
    assert entry_lock(user=me, district=farsta, day=datetime.date(2026, 2, 20), today=datetime.date(2026, 4, 25))
    assert entry_lock(user=me, district=bromma, day=day, today=datetime.date(2026, 4, 25))


def test_a_reopened_month_is_open_past_its_closing_until_approved_again(me, farsta):
    approval = MonthApprovalFactory(
        district=farsta,
        month=MARCH,
        status=MonthStatus.OPEN,
        reopened_at=datetime.datetime(2026, 4, 18, tzinfo=datetime.UTC),
    )

    assert entry_lock(user=me, district=farsta, day=MARCH) is None
    approval.status = MonthStatus.APPROVED
    approval.save()
    assert entry_lock(user=me, district=farsta, day=MARCH).reason == "approved"


def test_the_rule_costs_three_queries_at_most(me, farsta, django_assert_num_queries):
    with django_assert_num_queries(3):
        entry_lock(user=me, district=farsta, day=MARCH)
    with django_assert_num_queries(1):  # the current month: the setting can't close it, so it is not read
        entry_lock(user=me, district=farsta, day=APRIL)
