"""The audit log: who saw or changed which personal data, and when (django-auditlog's entries)."""

from auditlog.models import AbstractLogEntry, LogEntryManager
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.scoping import DistrictScopedQuerySet
from districts.models import District


class AuditEntryQuerySet(DistrictScopedQuerySet):
    pass


class AuditEntry(AbstractLogEntry):
    """One logged view or change. ``districts`` are the districts the object belonged to then."""

    districts = models.ManyToManyField(District, verbose_name=_("districts"), related_name="+", blank=True)

    # auditlog writes through its manager's log_create(); reads are scoped through visible_to().
    objects = LogEntryManager.from_queryset(AuditEntryQuerySet)()
    district_scope_paths = ("districts",)

    class Meta(AbstractLogEntry.Meta):
        verbose_name = _("audit log entry")
        verbose_name_plural = _("audit log entries")
