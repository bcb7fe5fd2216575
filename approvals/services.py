"""Writes of the monthly cycle: submit, approve, accept, reopen, and grant an entry exception.

Permission checks are here, not only in the views: a step taken by the wrong role raises
PermissionDenied, a step that does not fit the month's status a ValidationError with the reason.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role
from districts.models import District

from .access import may_accept, may_approve, may_submit
from .models import MAX_EXCEPTION_DAYS, EntryException, MonthApproval, MonthReopening, MonthStatus, MonthSubmission
from .selectors import month_of
from .signals import month_reopened


def _locked_approval(district: District, month: datetime.date) -> MonthApproval:
    """The district's month, created if new, its row locked so that two steps at once go one by one."""
    if month != month_of(month):
        raise ValidationError(_("A month is given by its first day."))
    MonthApproval.objects.get_or_create(district=district, month=month)
    return MonthApproval.objects.select_for_update().get(district=district, month=month)


def _check_started(month: datetime.date) -> None:
    if month > month_of(timezone.localdate()):
        raise ValidationError(_("The month has not begun."))


@transaction.atomic
def month_submit(*, user, district: District, month: datetime.date) -> MonthSubmission:
    """A consultant submits their part of the district's month."""
    if not may_submit(user, district):
        raise PermissionDenied(_("Only the district's consultants submit their part of a month."))
    _check_started(month)
    approval = _locked_approval(district, month)
    if approval.status not in (MonthStatus.OPEN, MonthStatus.SUBMITTED):
        raise ValidationError(_("The month is already approved; nothing more can be submitted."))
    consultant = user.consultant
    if approval.submissions.filter(consultant=consultant).exists():
        raise ValidationError(_("You have already submitted your part of this month."))
    submission = MonthSubmission.objects.create(
        approval=approval, consultant=consultant, submitted_by=user, submitted_at=timezone.now()
    )
    approval.status = MonthStatus.SUBMITTED
    approval.save(update_fields=["status"])
    return submission


@transaction.atomic
def month_approve(*, user, district: District, month: datetime.date) -> MonthApproval:
    """The district manager approves the month: entry into it locks for everyone.

    The manager may approve a month whose consultants have not all submitted: the page shows who has.
    """
    if not may_approve(user, district):
        raise PermissionDenied(_("Only the district's manager approves its months."))
    _check_started(month)
    approval = _locked_approval(district, month)
    if approval.status not in (MonthStatus.OPEN, MonthStatus.SUBMITTED):
        raise ValidationError(_("The month is already approved."))
    approval.status = MonthStatus.APPROVED
    approval.approved_by, approval.approved_at = user, timezone.now()
    approval.save()
    return approval


@transaction.atomic
def month_accept(*, user, district: District, month: datetime.date) -> MonthApproval:
    """A strategist accepts an approved month."""
    if not may_accept(user):
        raise PermissionDenied(_("Only the strategists accept months."))
    approval = _locked_approval(district, month)
    if approval.status != MonthStatus.APPROVED:
        raise ValidationError(_("Only an approved month can be accepted."))
    approval.status = MonthStatus.ACCEPTED
    approval.accepted_by, approval.accepted_at = user, timezone.now()
    approval.save()
    return approval


@transaction.atomic
def month_reopen(*, user, district: District, month: datetime.date, reason: str) -> MonthReopening:
    """Reopen an approved month (its manager) or an accepted one (a strategist), with a reason.

    The month goes back to open, its submissions are cleared (the consultants submit again after their
    corrections) and it stays open to entry, past the automatic closing, until approved again.
    Reopening an accepted month marks every compiled report that used it as affected (the reports'
    app hears ``month_reopened``).
    """
    approval = _locked_approval(district, month)
    if approval.status == MonthStatus.APPROVED:
        allowed = may_approve(user, district)
    elif approval.status == MonthStatus.ACCEPTED:
        allowed = may_accept(user)
    else:
        raise ValidationError(_("Only an approved or accepted month can be reopened."))
    if not allowed:
        raise PermissionDenied(_("You cannot reopen this month."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the month is reopened.")})
    now = timezone.now()
    reopening = MonthReopening(
        district=district, month=month, from_status=approval.status, reopened_by=user, reopened_at=now, reason=reason
    )
    reopening.full_clean()
    reopening.save()
    month_reopened.send(sender=MonthReopening, reopening=reopening)
    approval.submissions.all().delete()
    approval.status = MonthStatus.OPEN
    approval.approved_by = approval.approved_at = approval.accepted_by = approval.accepted_at = None
    approval.reopened_at = now
    approval.save()
    return reopening


@transaction.atomic
def entry_exception_grant(
    *, user, district: District, month: datetime.date, granted_to, valid_until: datetime.date, reason: str
) -> EntryException:
    """The district manager lets one consultant enter into a closed month for a few days; the row is the log."""
    if not may_approve(user, district):
        raise PermissionDenied(_("Only the district's manager grants exceptions."))
    today = timezone.localdate()
    _check_started(month)
    if granted_to.role != Role.CONSULTANT or not granted_to.districts.filter(pk=district.pk).exists():
        raise ValidationError({"granted_to": _("Choose a consultant of the district.")})
    if valid_until < today:
        raise ValidationError({"valid_until": _("The last day cannot be in the past.")})
    if valid_until > today + datetime.timedelta(days=MAX_EXCEPTION_DAYS):
        raise ValidationError(
            {"valid_until": _("An exception lasts at most %(days)d days.") % {"days": MAX_EXCEPTION_DAYS}}
        )
    approval = MonthApproval.objects.filter(district=district, month=month).first()
    if approval is not None and approval.status in (MonthStatus.APPROVED, MonthStatus.ACCEPTED):
        raise ValidationError(_("The month is approved; reopen it instead of granting an exception."))
    exception = EntryException(
        district=district,
        month=month,
        granted_to=granted_to,
        granted_by=user,
        granted_at=timezone.now(),
        valid_until=valid_until,
        reason=(reason or "").strip(),
    )
    exception.full_clean()
    exception.save()
    return exception
