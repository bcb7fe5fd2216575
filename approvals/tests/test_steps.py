"""Submit, approve, accept, reopen and grant exceptions: who may, in which status, and what is logged."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.models import Role
from accounts.tests.factories import UserFactory
from approvals.models import EntryException, MonthApproval, MonthReopening, MonthStatus, MonthSubmission
from approvals.services import (
    entry_exception_grant,
    month_accept,
    month_approve,
    month_reopen,
    month_submit,
)
from followup.models import FollowupReport, ReportStatus

from .conftest import APRIL, MARCH, TODAY
from .factories import MonthApprovalFactory


def _status(farsta, month=MARCH):
    return MonthApproval.objects.filter(district=farsta, month=month).values_list("status", flat=True).first()


def test_each_consultant_submits_their_part_once(me, colleague, farsta):
    month_submit(user=me, district=farsta, month=MARCH)

    with pytest.raises(ValidationError) as again:
        month_submit(user=me, district=farsta, month=MARCH)
    month_submit(user=colleague, district=farsta, month=MARCH)

    assert again.value.messages == ["You have already submitted your part of this month."]
    assert _status(farsta) == MonthStatus.SUBMITTED
    assert sorted(MonthSubmission.objects.values_list("consultant__ref", "submitted_by__username")) == [
        ("K01", "kim"), ("K02", "kai"),
    ]  # fmt: skip


@pytest.mark.parametrize("who", ["manager", "strategist", "other_consultant", "login_only"])
def test_only_the_districts_consultants_submit(who, farsta, bromma, manager, strategist):
    from .conftest import _consultant

    user = {"manager": manager, "strategist": strategist}.get(who) or _consultant(bromma, "K09", "ola")
    if who == "login_only":
        # Farsta is in the login's scope, but the consultant works in Bromma only: not on Farsta's
        # month page (consultants_serving), so no part of Farsta's month to submit.
        user.districts.add(farsta)

    with pytest.raises(PermissionDenied):
        month_submit(user=user, district=farsta, month=MARCH)
    assert MonthSubmission.objects.count() == 0


def test_the_districts_manager_approves_and_the_strategist_accepts(me, manager, strategist, farsta):
    month_submit(user=me, district=farsta, month=MARCH)

    approved = month_approve(user=manager, district=farsta, month=MARCH)
    accepted = month_accept(user=strategist, district=farsta, month=MARCH)

    assert (approved.approved_by, accepted.accepted_by, accepted.status) == (manager, strategist, "accepted")
    assert (accepted.approved_at is not None, accepted.accepted_at is not None) == (True, True)


@pytest.mark.parametrize("who", ["me", "strategist", "other_manager"])
def test_nobody_but_the_districts_manager_approves(who, farsta, me, strategist, other_manager):
    user = {"me": me, "strategist": strategist, "other_manager": other_manager}[who]

    with pytest.raises(PermissionDenied):
        month_approve(user=user, district=farsta, month=MARCH)
    assert _status(farsta) is None


@pytest.mark.parametrize("who", ["me", "manager"])
def test_nobody_but_a_strategist_accepts(who, farsta, me, manager):
    MonthApprovalFactory(district=farsta, month=MARCH, status=MonthStatus.APPROVED)

    with pytest.raises(PermissionDenied):
        month_accept(user={"me": me, "manager": manager}[who], district=farsta, month=MARCH)
    assert _status(farsta) == MonthStatus.APPROVED


def test_an_unapproved_month_cannot_be_accepted_nor_a_future_one_approved(manager, strategist, farsta):
    with pytest.raises(ValidationError) as accepting:
        month_accept(user=strategist, district=farsta, month=MARCH)
    with pytest.raises(ValidationError) as approving:
        month_approve(user=manager, district=farsta, month=datetime.date(2026, 5, 1))

    assert accepting.value.messages == ["Only an approved month can be accepted."]
    assert approving.value.messages == ["The month has not begun."]
    assert MonthApproval.objects.count() == 0  # the refused step's row is rolled back with it


def test_the_manager_reopens_an_approved_month_and_the_strategist_an_accepted_one(me, manager, strategist, farsta):
    month_submit(user=me, district=farsta, month=MARCH)
    month_approve(user=manager, district=farsta, month=MARCH)
    with pytest.raises(PermissionDenied):
        month_reopen(user=me, district=farsta, month=MARCH, reason="a typo")
    month_reopen(user=manager, district=farsta, month=MARCH, reason="a typo")
    approval = MonthApproval.objects.get(district=farsta, month=MARCH)
    assert (approval.status, approval.approved_by, approval.submissions.count()) == ("open", None, 0)

    month_approve(user=manager, district=farsta, month=MARCH)
    month_accept(user=strategist, district=farsta, month=MARCH)
    with pytest.raises(PermissionDenied):
        month_reopen(user=manager, district=farsta, month=MARCH, reason="another typo")
    month_reopen(user=strategist, district=farsta, month=MARCH, reason="a wrong channel")

    assert list(
        MonthReopening.objects.order_by("reopened_at").values_list("from_status", "reopened_by__username", "reason")
    ) == [("approved", "maja", "a typo"), ("accepted", "stina", "a wrong channel")]
    assert _status(farsta) == MonthStatus.OPEN


def test_a_reopening_needs_a_reason_and_an_approved_month(manager, farsta):
    with pytest.raises(ValidationError) as not_approved:
        month_reopen(user=manager, district=farsta, month=MARCH, reason="why")
    MonthApprovalFactory(district=farsta, month=APRIL, status=MonthStatus.APPROVED)
    with pytest.raises(ValidationError) as no_reason:
        month_reopen(user=manager, district=farsta, month=APRIL, reason="  ")

    assert not_approved.value.messages == ["Only an approved or accepted month can be reopened."]
    assert no_reason.value.message_dict == {"reason": ["Say why the month is reopened."]}
    assert (MonthReopening.objects.count(), _status(farsta, APRIL)) == (0, MonthStatus.APPROVED)


def _report(district, start, end, status=ReportStatus.DONE):
    report = FollowupReport.objects.create(
        period_kind="custom", period_start=start, period_end=end, scope="districts", status=status
    )
    report.districts.set(district if isinstance(district, list) else [district])
    return report


def test_reopening_an_accepted_month_marks_exactly_the_reports_that_used_it(strategist, farsta, bromma):
    MonthApprovalFactory(district=farsta, month=MARCH, status=MonthStatus.ACCEPTED)
    year = _report(farsta, datetime.date(2026, 1, 1), datetime.date(2026, 12, 31))
    last_day = _report([farsta, bromma], datetime.date(2026, 3, 31), datetime.date(2026, 4, 30))
    _report(farsta, datetime.date(2026, 1, 1), datetime.date(2026, 2, 28))  # ends before March
    _report(farsta, datetime.date(2026, 4, 1), datetime.date(2026, 4, 30))  # begins after
    _report(bromma, datetime.date(2026, 1, 1), datetime.date(2026, 12, 31))  # another district
    _report(farsta, datetime.date(2026, 1, 1), datetime.date(2026, 12, 31), status=ReportStatus.FAILED)

    reopening = month_reopen(user=strategist, district=farsta, month=MARCH, reason="Contacts logged twice.")

    assert sorted(reopening.affected_reports.values_list("pk", flat=True)) == sorted([year.pk, last_day.pk])


def test_reopening_an_approved_month_marks_no_report(manager, farsta):
    MonthApprovalFactory(district=farsta, month=MARCH, status=MonthStatus.APPROVED)
    _report(farsta, datetime.date(2026, 1, 1), datetime.date(2026, 12, 31))

    reopening = month_reopen(user=manager, district=farsta, month=MARCH, reason="a typo")

    assert reopening.affected_reports.count() == 0


def test_the_manager_grants_one_consultant_an_exception_and_it_is_logged(me, manager, farsta):
    exception = entry_exception_grant(
        user=manager, district=farsta, month=MARCH, granted_to=me, valid_until=TODAY + datetime.timedelta(days=14),
        reason="Notes came late.",
    )  # fmt: skip

    assert list(
        EntryException.objects.values_list("district__code", "month", "granted_to", "granted_by", "reason")
    ) == [("farsta", MARCH, me.pk, manager.pk, "Notes came late.")]
    assert exception.granted_at.date() == timezone.now().date()


@pytest.mark.parametrize(
    ("overrides", "errors"),
    [
        (
            {"valid_until": TODAY + datetime.timedelta(days=15)},
            {"valid_until": ["An exception lasts at most 14 days."]},
        ),
        ({"valid_until": TODAY - datetime.timedelta(days=1)}, {"valid_until": ["The last day cannot be in the past."]}),
        ({"granted_to": "manager"}, {"granted_to": ["Choose a consultant of the district."]}),
        ({"granted_to": "outsider"}, {"granted_to": ["Choose a consultant of the district."]}),
        ({"reason": ""}, {"reason": ["This field cannot be blank."]}),
    ],
)
def test_an_exception_is_refused_with_the_reason_on_its_field(me, manager, farsta, bromma, overrides, errors):
    from .conftest import _consultant

    people = {"manager": manager, "outsider": _consultant(bromma, "K09", "ola")}
    values = {"granted_to": me, "valid_until": TODAY, "reason": "late"} | overrides
    values["granted_to"] = people.get(values["granted_to"], values["granted_to"])

    with pytest.raises(ValidationError) as refused:
        entry_exception_grant(user=manager, district=farsta, month=MARCH, **values)

    assert refused.value.message_dict == errors
    assert EntryException.objects.count() == 0


@pytest.mark.parametrize("who", ["me", "strategist", "other_manager"])
def test_only_the_districts_manager_grants_exceptions(who, me, strategist, other_manager, farsta):
    user = {"me": me, "strategist": strategist, "other_manager": other_manager}[who]

    with pytest.raises(PermissionDenied):
        entry_exception_grant(user=user, district=farsta, month=MARCH, granted_to=me, valid_until=TODAY, reason="x")
    assert EntryException.objects.count() == 0


def test_an_administrator_may_take_every_step(me, farsta):
    admin = UserFactory(role=Role.ADMIN)

    month_approve(user=admin, district=farsta, month=MARCH)
    month_accept(user=admin, district=farsta, month=MARCH)
    month_reopen(user=admin, district=farsta, month=MARCH, reason="test")

    assert _status(farsta) == MonthStatus.OPEN
