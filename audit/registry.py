"""What the audit log records, and how each entry learns its districts without storing personal data.

django-auditlog writes the entries (on save, delete, many-to-many changes and the ``accessed``
signal); this module registers the tracked models with it, masks the caregiver's label and year of
birth, names caregivers by id only, and ties every entry to the districts its object belonged to.
"""

from __future__ import annotations

import functools

from auditlog.registry import auditlog
from auditlog.signals import post_log
from django.apps import apps as django_apps
from django.conf import settings
from django.db import models
from django.db.models.signals import m2m_changed, pre_delete
from django.utils import translation
from django.utils.text import capfirst

from interventions.signals import contacts_bulk_written

# What a masked value is stored as: nothing of the original, not even its length.
MASK = "***"

# Fields never worth a line in the log (they change on every save).
_NOISE = ["updated_at"]

# Set on an instance about to be deleted: its districts, read before its rows are gone.
_DELETED_DISTRICTS_ATTR = "_audit_district_ids"
# Set on a new instance whose districts are a many-to-many still to be saved: the entries to tie
# to them once they are.
_AWAITING_ATTR = "_audit_entries_awaiting_districts"
# Set on an instance whose many-to-many field is being cleared: what it held.
_CLEARED_ATTR = "_audit_cleared"


def mask_personal_data(value: str) -> str:
    """auditlog's mask callable: keep nothing (its default keeps half the value)."""
    return MASK


# The tracked models, by label: the audit log sits beneath the apps it watches and imports none of
# them; Django's app registry gives the classes (complete once the apps are ready).
TRACKED = {
    "Caregiver": "caregivers.Caregiver",
    "SupportContactOffer": "caregivers.SupportContactOffer",
    "Contact": "interventions.Contact",
    "GuidanceTalk": "interventions.GuidanceTalk",
    "Referral": "interventions.Referral",
    "Group": "interventions.Group",
    "GroupMeeting": "interventions.GroupMeeting",
    "User": "accounts.User",
    "MonthApproval": "approvals.MonthApproval",
    "MonthSubmission": "approvals.MonthSubmission",
    "EntryException": "approvals.EntryException",
    "MonthReopening": "approvals.MonthReopening",
    "CycleSettings": "approvals.CycleSettings",
    "TalkScore": "outcomes.TalkScore",
    "FollowUpAnswer": "outcomes.FollowUpAnswer",
}


@functools.cache
def _models() -> dict:
    # Built once: it is asked on every logged save (the app registry is complete by then).
    return {name: django_apps.get_model(label) for name, label in TRACKED.items()}


def _personal_models() -> tuple[type[models.Model], ...]:
    """Models whose own text representation names a caregiver: logged as "<type> #<id>" instead."""
    m = _models()
    return (m["Caregiver"], m["SupportContactOffer"])


def _own_district_m2m_models() -> tuple[type[models.Model], ...]:
    """Models whose districts are their own many-to-many field, saved only after the row itself."""
    m = _models()
    return (m["Caregiver"], m["User"])


def audited_models() -> list[type[models.Model]]:
    """The tracked models, proxies left out (their entries are filed under the concrete model)."""
    return [model for model in _models().values() if not model._meta.proxy]


def register_audited_models() -> None:
    """Register every tracked model with auditlog; called once from ``AuditConfig.ready()``."""
    m = _models()
    mask = "audit.registry.mask_personal_data"
    auditlog.register(
        m["Caregiver"],
        m2m_fields={"districts"},
        mask_fields=["label", "birth_year"],
        mask_callable=mask,
        exclude_fields=list(_NOISE),
    )
    auditlog.register(m["SupportContactOffer"], exclude_fields=list(_NOISE))
    auditlog.register(m["Contact"], exclude_fields=list(_NOISE))
    # Saving through the proxy sends the signals with the proxy as sender: register it too (its
    # entries are filed under Contact's content type all the same).
    auditlog.register(m["GuidanceTalk"], exclude_fields=list(_NOISE))
    auditlog.register(m["Referral"], exclude_fields=list(_NOISE))
    auditlog.register(m["Group"], exclude_fields=list(_NOISE))
    auditlog.register(m["GroupMeeting"], m2m_fields={"attendees"}, exclude_fields=list(_NOISE))
    auditlog.register(m["User"], m2m_fields={"districts"}, exclude_fields=["password", "last_login"])
    # The monthly cycle: each step, exception and reopening (and the city's lock setting).
    for name in ("MonthApproval", "MonthSubmission", "EntryException", "MonthReopening", "CycleSettings"):
        auditlog.register(m[name], exclude_fields=["updated_at"])
    auditlog.register(m["TalkScore"], exclude_fields=list(_NOISE))
    auditlog.register(m["FollowUpAnswer"], exclude_fields=list(_NOISE))
    for name, field_name in (("Caregiver", "districts"), ("GroupMeeting", "attendees"), ("User", "districts")):
        model = m[name]
        m2m_changed.connect(
            _make_clear_receiver(model, field_name),
            sender=getattr(model, field_name).through,
            weak=False,
            dispatch_uid=f"audit-pre-clear-{model._meta.label}-{field_name}",
        )
    for model in m.values():
        pre_delete.connect(_remember_districts, sender=model, dispatch_uid=f"audit-pre-delete-{model._meta.label}")
    post_log.connect(_tie_entry_to_districts, dispatch_uid="audit-post-log")
    contacts_bulk_written.connect(_log_bulk_contacts, dispatch_uid="audit-contacts-bulk-written")


def _log_bulk_contacts(sender, contacts, action, **kwargs) -> None:
    """One entry per contact a bulk write made (a group meeting's attendees), as a save would log it."""
    from auditlog.receivers import log_create

    from .models import AuditEntry  # audit.models imports this module (its writer's audit_repr): the cycle

    for contact in contacts:
        if action == "create":
            log_create(sender=sender, instance=contact, created=True)
        elif action == "delete":
            entry = AuditEntry.objects.log_create(
                contact,
                action=AuditEntry.Action.UPDATE,  # a soft delete: filed as a delete by log_create
                changes={"deleted_at": ["None", str(contact.deleted_at)]},
            )
            tie_to_districts(entry, audit_districts(contact))


def audit_repr(instance: models.Model) -> str:
    """The text an entry keeps of an object: a caregiver (or what names one) by its id only."""
    if isinstance(instance, _personal_models()):
        # In the site's language, whoever's request it is, so that entries read alike.
        with translation.override(settings.LANGUAGE_CODE):
            return f"{capfirst(instance._meta.verbose_name)} #{instance.pk}"
    return str(instance)


def audit_districts(instance: models.Model) -> list[int]:
    """The ids of the districts ``instance`` belongs to: who may read its entries in the log."""
    m = _models()
    if isinstance(instance, (m["Caregiver"], m["User"])):
        return sorted(instance.districts.values_list("pk", flat=True)) if instance.pk is not None else []
    if isinstance(instance, m["SupportContactOffer"]):
        links = m["Caregiver"].districts.through.objects.filter(caregiver_id=instance.caregiver_id)
        return sorted(links.values_list("district_id", flat=True))
    if isinstance(instance, (m["Contact"], m["Group"], m["FollowUpAnswer"])):
        return _listed(instance.district_id)
    if isinstance(instance, m["Referral"]):
        return _listed(_district_id_of(m["Contact"], instance.contact_id))
    if isinstance(instance, m["GroupMeeting"]):
        return _listed(_district_id_of(m["Group"], instance.group_id))
    if isinstance(instance, (m["MonthApproval"], m["EntryException"], m["MonthReopening"])):
        return _listed(instance.district_id)
    if isinstance(instance, m["MonthSubmission"]):
        return _listed(_district_id_of(m["MonthApproval"], instance.approval_id))
    if isinstance(instance, m["TalkScore"]):
        return _listed(_district_id_of(m["Contact"], instance.talk_id))
    return []


def _district_id_of(model: type[models.Model], pk: int | None) -> int | None:
    # The base manager: a soft-deleted or proxy-filtered row still has its district.
    return model._base_manager.filter(pk=pk).values_list("district_id", flat=True).first()


def _listed(district_id: int | None) -> list[int]:
    return [district_id] if district_id else []


def tie_to_districts(entry, district_ids) -> None:
    """Add districts to an entry, in one query."""
    ids = sorted(set(district_ids))
    if not ids:
        return
    through = type(entry).districts.through
    through.objects.bulk_create(
        [through(auditentry_id=entry.pk, district_id=pk) for pk in ids],
        ignore_conflicts=True,
    )


def _remember_districts(sender, instance, **kwargs) -> None:
    # A delete is logged on post_delete, after the object's many-to-many rows (and its caregiver's,
    # for a cascade) are gone: read the districts while they are still there.
    setattr(instance, _DELETED_DISTRICTS_ATTR, audit_districts(instance))


def _make_clear_receiver(model: type[models.Model], field_name: str):
    """Remember what a clear() removes: auditlog would otherwise log every row of the related table."""
    model_field = model._meta.get_field(field_name)

    def remember_cleared(sender, instance, action, reverse, **kwargs) -> None:
        if action != "pre_clear":
            return
        accessor = model_field.remote_field.get_accessor_name() if reverse else field_name
        instance.__dict__.setdefault(_CLEARED_ATTR, {})[field_name] = list(getattr(instance, accessor).all())

    return remember_cleared


def cleared_objects(instance: models.Model, field_name: str) -> list[models.Model] | None:
    """Take what a clear() of ``field_name`` on ``instance`` removed, or None if it was no clear()."""
    return instance.__dict__.get(_CLEARED_ATTR, {}).pop(field_name, None)


def _tie_entry_to_districts(sender, instance, log_entry=None, action=None, **kwargs) -> None:
    if log_entry is None:
        return
    remembered = getattr(instance, _DELETED_DISTRICTS_ATTR, None)
    district_ids = remembered if remembered is not None else audit_districts(instance)
    tie_to_districts(log_entry, district_ids)
    if not district_ids and isinstance(instance, _own_district_m2m_models()):
        # A new caregiver or user has no districts yet when its creation is logged: the districts
        # are set right after, on this same instance (see entries_awaiting_districts).
        instance.__dict__.setdefault(_AWAITING_ATTR, []).append(log_entry.pk)


def entries_awaiting_districts(instance: models.Model) -> list[int]:
    """Take the ids of the entries about ``instance`` logged before its districts were saved."""
    return instance.__dict__.pop(_AWAITING_ATTR, [])
