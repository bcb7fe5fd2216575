"""The audit log: who saw or changed which personal data, and when (django-auditlog's entries)."""

from auditlog.cid import get_cid
from auditlog.models import AbstractLogEntry, LogEntryManager
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.scoping import DistrictScopedQuerySet
from districts.models import District

# The actions as the log page names them.
ACTION_LABELS = {
    AbstractLogEntry.Action.CREATE: _("created"),
    AbstractLogEntry.Action.UPDATE: _("changed"),
    AbstractLogEntry.Action.DELETE: _("deleted"),
    AbstractLogEntry.Action.ACCESS: _("viewed"),
}


class AuditEntryQuerySet(DistrictScopedQuerySet):
    pass


class AuditEntryManager(LogEntryManager.from_queryset(AuditEntryQuerySet)):
    """auditlog's writer, made to keep no caregiver's label and to file soft deletes as deletes."""

    def log_create(self, instance, force_log: bool = False, **kwargs):
        from .registry import audit_repr  # the registry imports these models: the cycle

        kwargs.setdefault("object_repr", audit_repr(instance))
        changes = kwargs.get("changes") or {}
        if changes:
            # A deleted object's diff lists its reverse relations too (as "app.Model.None"), and an
            # empty date-time field shows as None against "None": noise.
            concrete = {f.name for f in instance._meta.concrete_fields}
            changes = kwargs["changes"] = {
                name: values
                for name, values in changes.items()
                if name in concrete and {str(value) for value in values} != {"None"}
            }
            if not changes and not force_log:
                return None
        deleted = changes.get("deleted_at")
        if kwargs.get("action") == AbstractLogEntry.Action.UPDATE and deleted and deleted[0] == "None":
            # Contacts, meetings and groups are soft-deleted (kept for the counts): to the reader
            # that is a delete.
            kwargs["action"] = AbstractLogEntry.Action.DELETE
        return super().log_create(instance, force_log=force_log, **kwargs)

    def log_m2m_changes(self, changed_queryset, instance, operation, field_name, **kwargs):
        """As auditlog's, but the related objects are named by ``audit_repr`` (a caregiver by id),
        and the entry is tied to the districts of the object and of any district added or removed."""
        from .registry import (  # the registry imports these models: the cycle
            audit_districts,
            audit_repr,
            cleared_objects,
            entries_awaiting_districts,
            tie_to_districts,
        )

        cleared = cleared_objects(instance, field_name)
        changed = cleared if cleared is not None and operation == "delete" else list(changed_queryset)
        if not changed:
            return None
        pk = self._get_pk_value(instance)
        kwargs.setdefault("content_type", ContentType.objects.get_for_model(instance))
        kwargs.setdefault("object_pk", pk)
        kwargs.setdefault("object_repr", audit_repr(instance))
        kwargs.setdefault("action", AbstractLogEntry.Action.UPDATE)
        if isinstance(pk, int):
            kwargs.setdefault("object_id", pk)
        kwargs["changes"] = {
            field_name: {"type": "m2m", "operation": operation, "objects": [audit_repr(obj) for obj in changed]}
        }
        kwargs.setdefault("cid", get_cid())
        entry = self.create(**kwargs)
        district_ids = audit_districts(instance)
        changed_districts = [obj.pk for obj in changed if isinstance(obj, District)]
        tie_to_districts(entry, [*district_ids, *changed_districts])
        for awaiting_pk in entries_awaiting_districts(instance):
            tie_to_districts(self.model(pk=awaiting_pk), district_ids)
        return entry


class AuditEntry(AbstractLogEntry):
    """One logged view or change. ``districts`` are the districts the object belonged to then."""

    districts = models.ManyToManyField(District, verbose_name=_("districts"), related_name="+", blank=True)

    # auditlog writes through its manager's log_create(); reads are scoped through visible_to().
    objects = AuditEntryManager()
    district_scope_paths = ("districts",)
    # An entry about nothing of a district (a change to the base level, a user's log-in) is read by the
    # strategists and administrators of the municipality of the one who acted.
    district_scope_includes_shared = True
    district_scope_shared_within = "actor__municipality"
    district_scope_shared_readers = "city_wide"

    class Meta(AbstractLogEntry.Meta):
        verbose_name = _("audit log entry")
        verbose_name_plural = _("audit log entries")
