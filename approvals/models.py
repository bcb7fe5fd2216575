"""Monthly approval and locking: a district's month is submitted, approved, accepted, and locked.

The rule deciding whether entry into a day is open lives in one place, ``selectors.entry_lock``.
The rows of exceptions and reopenings are themselves the log of who opened what, when and why.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.scoping import DistrictScopedQuerySet
from districts.models import District

DEFAULT_LOCK_DAYS = 10
# An exception is a short grace period, not a way round the lock.
MAX_EXCEPTION_DAYS = 14


class CycleSettings(models.Model):
    """The city's settings of the monthly cycle: one row; without it the defaults apply."""

    lock_days_after_month_end = models.PositiveSmallIntegerField(
        _("days entry stays open after the month"),
        default=DEFAULT_LOCK_DAYS,
        validators=[MaxValueValidator(90)],
        help_text=_("Entry for a month locks automatically this many days after the month ends."),
    )
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        verbose_name = _("cycle settings")
        verbose_name_plural = _("cycle settings")

    def __str__(self) -> str:
        return str(_("Cycle settings"))


class MonthStatus(models.TextChoices):
    # With a context: "Accepted" is also a support-contact offer's answer, translated otherwise.
    OPEN = "open", pgettext_lazy("month status", "Open")
    SUBMITTED = "submitted", pgettext_lazy("month status", "Submitted")
    APPROVED = "approved", pgettext_lazy("month status", "Approved")
    ACCEPTED = "accepted", pgettext_lazy("month status", "Accepted")


class MonthApproval(models.Model):
    """A district's month on its way from the consultants through the manager to the strategists.

    A month without a row is open and never submitted. Approval and acceptance lock entry for everyone.
    """

    district = models.ForeignKey(
        District, verbose_name=_("district"), on_delete=models.CASCADE, related_name="month_approvals"
    )
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    status = models.CharField(_("status"), max_length=10, choices=MonthStatus.choices, default=MonthStatus.OPEN)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("accepted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    # Set by a reopening: the month is then open to the district's entries, past the automatic
    # closing, until it is approved again (otherwise a reopened past month could not be corrected).
    reopened_at = models.DateTimeField(_("reopened"), null=True, blank=True)

    objects = DistrictScopedQuerySet.as_manager()
    district_scope_paths = ("district",)

    class Meta:
        verbose_name = _("district month")
        verbose_name_plural = _("district months")
        ordering = ["-month", "district__name"]
        constraints = [
            models.UniqueConstraint(fields=["district", "month"], name="one_approval_per_district_month"),
            models.CheckConstraint(condition=models.Q(month__day=1), name="approval_month_first_day"),
        ]

    def __str__(self) -> str:
        return f"{self.district} {date_format(self.month, 'YEAR_MONTH_FORMAT')}"


class MonthSubmission(models.Model):
    """A consultant's submission of their part of a district's month."""

    approval = models.ForeignKey(
        MonthApproval, verbose_name=_("district month"), on_delete=models.CASCADE, related_name="submissions"
    )
    consultant = models.ForeignKey(
        "consultants.Consultant", verbose_name=_("consultant"), on_delete=models.CASCADE, related_name="+"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("submitted by"), on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted"))

    objects = DistrictScopedQuerySet.as_manager()
    district_scope_paths = ("approval__district",)

    class Meta:
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        ordering = ["approval", "consultant__ref"]
        constraints = [
            models.UniqueConstraint(fields=["approval", "consultant"], name="one_submission_per_consultant"),
        ]

    def __str__(self) -> str:
        return f"{self.approval}: {self.consultant}"


class EntryException(models.Model):
    """A manager's permission for one consultant to enter into a closed month for a few days.

    The row is the log: it is never changed or deleted.
    """

    district = models.ForeignKey(
        District, verbose_name=_("district"), on_delete=models.CASCADE, related_name="entry_exceptions"
    )
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    granted_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("consultant"), on_delete=models.CASCADE, related_name="+"
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("granted by"), on_delete=models.PROTECT, related_name="+"
    )
    granted_at = models.DateTimeField(_("granted"))
    valid_until = models.DateField(_("valid until"), help_text=_("The last day the exception is valid."))
    reason = models.CharField(_("reason"), max_length=300)

    objects = DistrictScopedQuerySet.as_manager()
    district_scope_paths = ("district",)

    class Meta:
        verbose_name = _("entry exception")
        verbose_name_plural = _("entry exceptions")
        ordering = ["-granted_at"]
        constraints = [models.CheckConstraint(condition=models.Q(month__day=1), name="exception_month_first_day")]

    def __str__(self) -> str:
        return f"{self.district} {date_format(self.month, 'YEAR_MONTH_FORMAT')}: {self.granted_to}"


class MonthReopening(models.Model):
    """A reopened month: from which status, by whom, why, and the reports it made out of date.

    The row is the log: it is never changed or deleted.
    """

    district = models.ForeignKey(District, verbose_name=_("district"), on_delete=models.CASCADE, related_name="+")
    month = models.DateField(_("month"))
    from_status = models.CharField(_("reopened from"), max_length=10, choices=MonthStatus.choices)
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reopened by"), on_delete=models.PROTECT, related_name="+"
    )
    reopened_at = models.DateTimeField(_("reopened"))
    reason = models.CharField(_("reason"), max_length=300)
    affected_reports = models.ManyToManyField(
        "followup.FollowupReport", verbose_name=_("affected reports"), blank=True, related_name="reopenings"
    )

    objects = DistrictScopedQuerySet.as_manager()
    district_scope_paths = ("district",)

    class Meta:
        verbose_name = _("reopening")
        verbose_name_plural = _("reopenings")
        ordering = ["-reopened_at"]

    def __str__(self) -> str:
        return f"{self.district} {date_format(self.month, 'YEAR_MONTH_FORMAT')}"
