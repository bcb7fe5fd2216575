"""Every write of logged work refuses a locked month with the lock's message on the date field,
and saves nothing."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from approvals.models import MonthStatus
from interventions.models import Contact, GroupMeeting
from interventions.services import (
    contact_delete,
    contact_log,
    contact_update,
    group_meeting_delete,
    group_meeting_record,
)
from interventions.tests.factories import ContactFactory, GroupFactory

from .conftest import MARCH
from .factories import EntryExceptionFactory, MonthApprovalFactory
from .test_entry_lock import ACCEPTED_MESSAGE, APPROVED_MESSAGE, CLOSED_MESSAGE

IN_MARCH = datetime.date(2026, 3, 20)
IN_APRIL = datetime.date(2026, 4, 14)

REASONS = [
    pytest.param(None, CLOSED_MESSAGE, id="closed"),
    pytest.param(MonthStatus.APPROVED, APPROVED_MESSAGE, id="approved"),
    pytest.param(MonthStatus.ACCEPTED, ACCEPTED_MESSAGE, id="accepted"),
]


def _lock(farsta, status):
    if status is not None:
        MonthApprovalFactory(district=farsta, month=MARCH, status=status)


def _log(me, farsta, types, day):
    return contact_log(
        user=me, consultant=me.consultant, date=day, channel="phone", duration_minutes=15,
        intervention_type=types["advice"], district=farsta, target_group="65_plus",
    )  # fmt: skip


def _refused(call) -> dict:
    with pytest.raises(ValidationError) as refused:
        call()
    return refused.value.message_dict


@pytest.mark.parametrize(("status", "message"), REASONS)
def test_logging_a_contact_into_a_locked_month_is_refused(me, farsta, types, status, message):
    _lock(farsta, status)

    assert _refused(lambda: _log(me, farsta, types, IN_MARCH)) == {"date": [message]}
    assert Contact.objects.count() == 0
    assert _log(me, farsta, types, IN_APRIL).date == IN_APRIL  # the same input, an open month


@pytest.mark.parametrize(("status", "message"), REASONS)
def test_moving_a_contact_into_or_out_of_a_locked_month_is_refused(me, farsta, types, status, message):
    _lock(farsta, status)
    open_contact = ContactFactory(consultant=me.consultant, district=farsta, created_by=me, date=IN_APRIL)
    locked_contact = ContactFactory(consultant=me.consultant, district=farsta, created_by=me, date=IN_MARCH)

    assert _refused(lambda: contact_update(contact=open_contact, user=me, date=IN_MARCH)) == {"date": [message]}
    assert _refused(lambda: contact_update(contact=locked_contact, user=me, date=IN_APRIL)) == {"date": [message]}
    assert _refused(lambda: contact_update(contact=locked_contact, user=me, duration_minutes=30)) == {"date": [message]}
    assert sorted(Contact.objects.values_list("date", "duration_minutes")) == [(IN_MARCH, 15), (IN_APRIL, 15)]
    assert contact_update(contact=open_contact, user=me, duration_minutes=30).duration_minutes == 30


@pytest.mark.parametrize(("status", "message"), REASONS)
def test_deleting_a_contact_of_a_locked_month_is_refused(me, farsta, types, status, message):
    _lock(farsta, status)
    contact = ContactFactory(consultant=me.consultant, district=farsta, created_by=me, date=IN_MARCH)

    assert _refused(lambda: contact_delete(contact=contact, user=me)) == {"date": [message]}
    contact.refresh_from_db()
    assert contact.deleted_at is None


@pytest.mark.parametrize(("status", "message"), REASONS)
def test_recording_a_meeting_into_a_locked_month_is_refused(me, farsta, types, status, message):
    _lock(farsta, status)
    group = GroupFactory(district=farsta)

    def record(day):
        return group_meeting_record(
            group=group, user=me, consultant=me.consultant, date=day, duration_minutes=90, unnamed_count=4
        )

    assert _refused(lambda: record(IN_MARCH)) == {"date": [message]}
    assert (GroupMeeting.objects.count(), Contact.objects.count()) == (0, 0)
    assert record(IN_APRIL).contacts.count() == 4


@pytest.mark.parametrize(("status", "message"), REASONS)
def test_deleting_a_meeting_of_a_locked_month_is_refused(me, farsta, types, status, message):
    group = GroupFactory(district=farsta)
    # Recorded while March was open: ten days before its closing.
    meeting = GroupMeeting.objects.create(
        group=group, number=1, date=IN_MARCH, duration_minutes=90, consultant=me.consultant, unnamed_count=2
    )
    contact = ContactFactory(consultant=me.consultant, district=farsta, date=IN_MARCH, meeting=meeting)
    _lock(farsta, status)

    assert _refused(lambda: group_meeting_delete(meeting=meeting, user=me)) == {"date": [message]}
    meeting.refresh_from_db()
    contact.refresh_from_db()
    assert (meeting.deleted_at, contact.deleted_at) == (None, None)


def test_an_exception_lets_its_consultant_log_and_correct_the_closed_month(me, colleague, manager, farsta, types):
    EntryExceptionFactory(district=farsta, month=MARCH, granted_to=me, granted_by=manager)

    contact = _log(me, farsta, types, IN_MARCH)
    contact_update(contact=contact, user=me, duration_minutes=45)
    contact_delete(contact=contact, user=me)

    assert _refused(lambda: _log(colleague, farsta, types, IN_MARCH)) == {"date": [CLOSED_MESSAGE]}
    contact.refresh_from_db()
    assert (contact.duration_minutes, contact.deleted_by) == (45, me)


def test_an_exception_does_not_open_an_approved_month(me, manager, farsta, types):
    EntryExceptionFactory(district=farsta, month=MARCH, granted_to=me, granted_by=manager)
    MonthApprovalFactory(district=farsta, month=MARCH, status=MonthStatus.APPROVED)

    assert _refused(lambda: _log(me, farsta, types, IN_MARCH)) == {"date": [APPROVED_MESSAGE]}
