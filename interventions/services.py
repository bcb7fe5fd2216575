"""Writes of logged work: contacts, guidance talks under the cap, referrals, groups and meetings."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.scoping import district_ids_in_scope
from approvals.selectors import entry_lock
from caregivers.models import Caregiver
from caregivers.services import caregiver_link_district
from consultants.models import Consultant
from districts.models import District

from .models import (
    Channel,
    Contact,
    Group,
    GroupMeeting,
    InterventionType,
    Organiser,
    Referral,
)
from .selectors import talk_cap
from .signals import contacts_bulk_written

# Contacts older than this are surely a typing error (a year like 2205 or 1925).
OLDEST_CONTACT = datetime.date(2000, 1, 1)


class TalkCapReached(ValidationError):
    """A guidance talk past the district's cap: the caller offers to record a referral instead."""


def check_work_date(value: datetime.date, field: str = "date") -> None:
    """Logged work (a contact, a meeting, an activity) is dated neither in the future nor before 2000."""
    if value > timezone.localdate():
        raise ValidationError({field: _("The date cannot be in the future.")})
    if value < OLDEST_CONTACT:
        raise ValidationError({field: _("The date is too far back; check the year.")})


def _check_district(user, district: District) -> None:
    if district.pk not in (district_ids_in_scope(user, personal_data=True) or ()):
        raise ValidationError({"district": _("You can only log work in your own districts.")})


def _check_open(user, district: District, day: datetime.date) -> None:
    """Refuse a write into a locked month, saying why and who can open it (approvals.selectors.entry_lock)."""
    lock = entry_lock(user=user, district=district, day=day)
    if lock is not None:
        raise ValidationError({"date": lock.message}, code="month_locked")


def _check_caregivers(user, caregivers: list[Caregiver], district: District, field: str = "caregiver") -> None:
    """Every caregiver must be one the user may see; met in another of the user's districts, they are linked.

    Two queries however many caregivers (a meeting's attendees are checked together).
    """
    ids = {c.pk for c in caregivers}
    if Caregiver.objects.visible_to(user).not_erased().filter(pk__in=ids).count() != len(ids):
        raise ValidationError({field: _("This caregiver belongs to another district.")})
    linked = set(district.caregivers.filter(pk__in=ids).values_list("pk", flat=True))
    for caregiver in caregivers:
        if caregiver.pk not in linked:
            caregiver_link_district(caregiver=caregiver, district=district)


def talk_cap_message(*, caregiver: Caregiver, district: District, used: int, cap: int) -> str:
    return _(
        "%(label)s has had %(used)d of %(cap)d guidance talks in %(district)s: the cap is reached. "
        "Record a referral instead (doctor, psychologist, other healthcare); advice contacts are still allowed."
    ) % {"label": caregiver.label, "used": used, "cap": cap, "district": district.name}


def _assign_talk(contact: Contact) -> None:
    """Give a guidance talk its number under the cap in force, or refuse it.

    Locks the caregiver's row so that simultaneous submissions count one after another; the
    partial unique constraint on (caregiver, district, talk_number) guards the same rule in the
    database should anything slip past.
    """
    if contact.caregiver_id is None:
        raise ValidationError(
            {"caregiver": _("A guidance talk needs the caregiver, so the talks can be counted against the cap.")}
        )
    Caregiver.objects.select_for_update().filter(pk=contact.caregiver_id).first()
    cap = talk_cap(district=contact.district, intervention_type=contact.intervention_type)
    used = set(
        Contact.objects.alive()
        .filter(caregiver_id=contact.caregiver_id, district=contact.district, talk_number__isnull=False)
        .exclude(pk=contact.pk)
        .values_list("talk_number", flat=True)
    )
    free = [n for n in range(1, cap + 1) if n not in used]
    if not free:
        raise TalkCapReached(
            {
                "intervention_type": talk_cap_message(
                    caregiver=contact.caregiver, district=contact.district, used=len(used), cap=cap
                )
            },
            code="talk_cap",
        )
    contact.talk_number, contact.talk_cap = free[0], cap


def _save_contact(contact: Contact) -> None:
    contact.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            contact.save()
    except IntegrityError:
        if contact.talk_number is None:
            raise
        # Another submission took the same talk number at the same moment.
        raise TalkCapReached(
            {
                "intervention_type": _(
                    "Another talk for this caregiver was just recorded; check the count and try again."
                )
            },
            code="talk_cap",
        ) from None


@transaction.atomic
def contact_log(
    *,
    user,
    consultant: Consultant,
    date: datetime.date,
    channel: str,
    duration_minutes: int,
    intervention_type: InterventionType,
    district: District,
    target_group: str,
    caregiver: Caregiver | None = None,
    referral_destination: str = "",
) -> Contact:
    """Log one contact occasion; a guidance talk is counted against the cap, a referral recorded with it."""
    check_work_date(date)
    _check_district(user, district)
    _check_open(user, district, date)
    if caregiver is not None:
        _check_caregivers(user, [caregiver], district)
    contact = Contact(
        date=date,
        channel=channel,
        duration_minutes=duration_minutes,
        intervention_type=intervention_type,
        consultant=consultant,
        district=district,
        target_group=target_group,
        caregiver=caregiver,
        created_by=user,
    )
    if intervention_type.is_capped:
        _assign_talk(contact)
    _save_contact(contact)
    if referral_destination:
        referral_record(contact=contact, destination=referral_destination)
    return contact


@transaction.atomic
def contact_update(*, contact: Contact, user, referral_destination: str | None = None, **fields) -> Contact:
    """Change a logged contact; a change that touches a guidance talk re-checks it against the cap."""
    check_work_date(fields.get("date", contact.date))
    _check_district(user, fields.get("district", contact.district))
    _check_open(user, contact.district, contact.date)  # moving work out of a locked month changes it too
    district, date = fields.get("district", contact.district), fields.get("date", contact.date)
    if (district.pk, date.year, date.month) != (contact.district_id, contact.date.year, contact.date.month):
        _check_open(user, district, date)  # into another month: its lock too (the same month is checked)
    caregiver = fields.get("caregiver", contact.caregiver)
    # An erased caregiver can't be chosen, but a contact of theirs keeps them (anonymously) when edited.
    kept_erased = caregiver is not None and caregiver.pk == contact.caregiver_id and caregiver.is_erased
    if caregiver is not None and not kept_erased:
        _check_caregivers(user, [caregiver], fields.get("district", contact.district))
    talk_fields = {"intervention_type", "caregiver", "district"}
    recount = any(getattr(contact, name) != value for name, value in fields.items() if name in talk_fields)
    for name, value in fields.items():
        setattr(contact, name, value)
    contact.updated_by = user
    if contact.intervention_type.is_capped:
        if recount or contact.talk_number is None:
            _assign_talk(contact)
    else:
        contact.talk_number = contact.talk_cap = None
    _save_contact(contact)
    if referral_destination is not None:
        contact.referrals.all().delete()
        if referral_destination:
            referral_record(contact=contact, destination=referral_destination)
    return contact


@transaction.atomic
def contact_delete(*, contact: Contact, user) -> None:
    """Soft-delete: the contact leaves every count, but who deleted it and when is kept."""
    _check_open(user, contact.district, contact.date)
    contact.deleted_at = timezone.now()
    contact.deleted_by = user
    contact.save(update_fields=["deleted_at", "deleted_by", "updated_at"])


def referral_record(*, contact: Contact, destination: str) -> Referral:
    referral = Referral(contact=contact, destination=destination)
    referral.full_clean()
    referral.save()
    return referral


@transaction.atomic
def group_create(
    *,
    user,
    kind: str,
    name: str,
    district: District,
    target_group: str,
    topic: str,
    starts_on: datetime.date,
    organiser: Organiser | None = None,
    max_meetings: int | None = None,
    leader: Consultant | None = None,
    ends_on: datetime.date | None = None,
) -> Group:
    _check_district(user, district)
    group = Group(
        kind=kind,
        name=name,
        district=district,
        target_group=target_group,
        topic=topic,
        organiser=organiser,
        max_meetings=max_meetings,
        leader=leader,
        starts_on=starts_on,
        ends_on=ends_on,
        created_by=user,
    )
    group.full_clean()
    group.save()
    return group


@transaction.atomic
def group_meeting_record(
    *,
    group: Group,
    user,
    consultant: Consultant,
    date: datetime.date,
    duration_minutes: int,
    attendees: Iterable[Caregiver] = (),
    unnamed_count: int = 0,
) -> GroupMeeting:
    """Record a meeting and, in the same step, a group-meeting contact for each attendee.

    Named attendees give contacts with a caregiver; the unnamed headcount gives anonymous ones.
    A bounded group or circle refuses meetings past its maximum (the group row is locked, so two
    people recording the last meeting at once cannot both succeed).
    """
    attendees = list(attendees)
    check_work_date(date)
    _check_district(user, group.district)
    _check_open(user, group.district, date)
    if date < group.starts_on or (group.ends_on and date > group.ends_on):
        raise ValidationError({"date": _("The date is outside the group's period.")})
    if not attendees and not unnamed_count:
        raise ValidationError({"attendees": _("Name the attendees or give a headcount.")})
    if attendees:
        _check_caregivers(user, attendees, group.district, field="attendees")
    group = Group.objects.select_for_update().get(pk=group.pk)
    held = set(group.meetings.alive().values_list("number", flat=True))
    if group.max_meetings is not None and len(held) >= group.max_meetings:
        raise ValidationError(
            _("%(group)s has had all its %(max)d meetings; no more can be recorded.")
            % {"group": group.name, "max": group.max_meetings}
        )
    number = min(n for n in range(1, len(held) + 2) if n not in held)
    meeting = GroupMeeting(
        group=group,
        number=number,
        date=date,
        duration_minutes=duration_minutes,
        consultant=consultant,
        unnamed_count=unnamed_count,
        created_by=user,
    )
    meeting.full_clean(validate_constraints=False)
    meeting.save()
    meeting.attendees.set(attendees)
    intervention_type = InterventionType.objects.get(code=group.intervention_code)
    contacts = Contact.objects.bulk_create(
        Contact(
            date=date,
            channel=Channel.GROUP_MEETING,
            duration_minutes=duration_minutes,
            intervention_type=intervention_type,
            consultant=consultant,
            district=group.district,
            target_group=group.target_group,
            caregiver=caregiver,
            meeting=meeting,
            created_by=user,
        )
        for caregiver in [*attendees, *([None] * unnamed_count)]
    )
    contacts_bulk_written.send(sender=Contact, contacts=contacts, action="create")
    return meeting


@transaction.atomic
def group_meeting_delete(*, meeting: GroupMeeting, user) -> None:
    """Soft-delete a meeting and the contacts it logged."""
    _check_open(user, meeting.group.district, meeting.date)
    now = timezone.now()
    alive = meeting.contacts.filter(Q(deleted_at__isnull=True))
    contacts = list(alive.select_for_update())
    alive.update(deleted_at=now, deleted_by=user)
    for contact in contacts:
        contact.deleted_at, contact.deleted_by = now, user
    contacts_bulk_written.send(sender=Contact, contacts=contacts, action="delete")
    meeting.deleted_at, meeting.deleted_by = now, user
    meeting.save(update_fields=["deleted_at", "deleted_by", "updated_at"])
