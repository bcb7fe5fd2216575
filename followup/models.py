"""Follow-up reports: the order (a job row for the Celery task) and, once compiled, its numbers."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.scoping import DistrictScopedQuerySet
from districts.models import District
from figures.periods import Period


class ReportScope(models.TextChoices):
    CITY = "city", _("The whole city")
    NETWORK = "network", _("A network")
    DISTRICTS = "districts", _("Chosen districts")


class ReportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    # Its worker stopped (its heartbeat went stale) and the report is sent to a worker again.
    INTERRUPTED = "interrupted", _("Interrupted, restarting")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class ReportOrigin(models.TextChoices):
    ORDERED = "ordered", _("Ordered")
    SCHEDULED = "scheduled", _("Scheduled")
    COMMAND = "command", _("Command line")


class FollowupReport(models.Model):
    """A follow-up report: the order (a job row for the Celery task) and, once compiled, its numbers.

    ``content`` is a snapshot: the figures as they were when compiled, with the version of the
    definitions, so reopening a report shows the same numbers however the data changes later.
    """

    period_kind = models.CharField(_("period"), max_length=10)
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    scope = models.CharField(_("scope"), max_length=10, choices=ReportScope.choices)
    network = models.ForeignKey(
        "districts.Network",
        verbose_name=_("network"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The scope's districts when ordered: a network that changes later does not change the report.
    districts = models.ManyToManyField(District, verbose_name=_("districts"), related_name="+")
    target_groups = models.JSONField(_("target groups"), default=list, blank=True, help_text=_("Empty: all."))
    status = models.CharField(_("status"), max_length=20, choices=ReportStatus.choices, default=ReportStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    error = models.TextField(_("why it failed"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # The running compile's own heartbeat, written every REPORT_HEARTBEAT_SECONDS by the process that
    # claimed it (``worker``, "<hostname>:<pid>") under the claim's ``run``: a running report whose
    # heartbeat is older than REPORT_STALE_SECONDS has lost its worker (followup.services.report_sweep).
    heartbeat_at = models.DateTimeField(_("last heartbeat"), null=True, blank=True)
    worker = models.CharField(_("worker"), max_length=200, blank=True)
    run = models.UUIDField(_("current run"), null=True, blank=True, editable=False)
    restarts = models.PositiveSmallIntegerField(_("restarts"), default=0)
    interrupted_at = models.DateTimeField(_("last interrupted"), null=True, blank=True)
    # When the interrupted report was sent to the queue again (empty: not yet, e.g. the queue was down).
    requeued_at = models.DateTimeField(_("requeued"), null=True, blank=True)
    origin = models.CharField(_("origin"), max_length=10, choices=ReportOrigin.choices, default=ReportOrigin.ORDERED)
    # A scheduled report's period and scope, so that a beat message delivered twice makes one report.
    schedule_key = models.CharField(_("schedule key"), max_length=60, null=True, blank=True, unique=True)
    ordered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ordered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    ordered_at = models.DateTimeField(_("ordered"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    definitions_version = models.PositiveSmallIntegerField(_("version of the definitions"), null=True, blank=True)
    content = models.JSONField(_("figures"), null=True, blank=True, editable=False)

    objects = DistrictScopedQuerySet.as_manager()
    district_scope_paths = ("districts",)
    # A report holds every district of its scope side by side: only users who may see each of them see it.
    district_scope_requires_all = True

    class Meta:
        verbose_name = _("follow-up report")
        verbose_name_plural = _("follow-up reports")
        ordering = ["-ordered_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.period.label} · {self.scope_label}"

    @property
    def period(self) -> Period:
        return Period(self.period_kind, self.period_start, self.period_end)

    @property
    def scope_label(self) -> str:
        if self.scope == ReportScope.NETWORK and self.network_id:
            return str(self.network)
        return self.get_scope_display()

    @property
    def is_pending(self) -> bool:
        return self.status in (ReportStatus.QUEUED, ReportStatus.RUNNING, ReportStatus.INTERRUPTED)
