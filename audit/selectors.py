"""Reads of the audit log: the entries a user may see, and each entry as the log page shows it."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from auditlog.registry import auditlog
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import formats, timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from .models import ACTION_LABELS, AuditEntry


def audit_entries(*, user) -> models.QuerySet[AuditEntry]:
    """The entries ``user`` may read, newest first, with what the log page shows of each."""
    return AuditEntry.objects.visible_to(user).select_related("actor", "content_type").order_by("-timestamp", "-pk")


@dataclass
class ChangeLine:
    field: str
    old: str = ""
    new: str = ""
    hidden: bool = False
    # For a many-to-many change: "added" or "removed", and the objects.
    operation: str = ""
    objects: list[str] = field(default_factory=list)


@dataclass
class AuditRow:
    entry: AuditEntry
    who: str
    role: str
    action: str
    object_type: str
    changes: list[ChangeLine]


def audit_rows(entries) -> list[AuditRow]:
    """The entries as the log page shows them, without a query per entry."""
    return [_row(entry) for entry in entries]


def _row(entry: AuditEntry) -> AuditRow:
    model = entry.content_type.model_class()
    if entry.actor is not None:
        who, role = str(entry.actor), entry.actor.get_role_display()
    else:
        # A removed user leaves their e-mail address; a scheduled job leaves nobody.
        who, role = entry.actor_email or _("System"), ""
    return AuditRow(
        entry=entry,
        who=who,
        role=role,
        action=str(ACTION_LABELS.get(entry.action, entry.action)),
        object_type=capfirst(model._meta.verbose_name) if model else entry.content_type.model,
        changes=change_lines(entry, model),
    )


def change_lines(entry: AuditEntry, model: type[models.Model] | None) -> list[ChangeLine]:
    """Which fields changed, by their verbose names, old → new; masked values only as hidden."""
    masked = set(auditlog.get_model_fields(model)["mask_fields"]) if model and auditlog.contains(model) else set()
    lines = []
    for name, values in sorted((entry.changes or {}).items()):
        model_field = _field(model, name)
        label = capfirst(model_field.verbose_name) if model_field is not None else name
        if isinstance(values, dict) and values.get("type") == "m2m":
            operation = _("added") if values.get("operation") == "add" else _("removed")
            lines.append(ChangeLine(field=label, operation=operation, objects=list(values.get("objects", []))))
        elif name in masked:
            lines.append(ChangeLine(field=label, hidden=True))
        else:
            old, new = values
            lines.append(ChangeLine(field=label, old=_value(model_field, old), new=_value(model_field, new)))
    return lines


def _field(model, name: str):
    if model is None:
        return None
    try:
        model_field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    # A reverse relation has no verbose name (and is never a changed value of this object).
    return model_field if model_field.concrete or model_field.many_to_many else None


def _value(model_field, value) -> str:
    """A stored value (auditlog keeps them as text) as a person reads it."""
    if value is None or value == "None" or value == "":
        return "–"
    value = str(value)
    if model_field is None:
        return value
    if model_field.is_relation:
        # The related object by id: looking it up would cost a query per line and could name a caregiver.
        return f"#{value}"
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(model_field, models.BooleanField):
        return _("yes") if value == "True" else _("no")
    if isinstance(model_field, models.DateTimeField):
        try:
            moment = datetime.datetime.fromisoformat(value)
        except ValueError:
            return value
        if timezone.is_naive(moment):
            # auditlog stores date-times as naive UTC.
            moment = moment.replace(tzinfo=datetime.UTC)
        return formats.date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")
    return value
