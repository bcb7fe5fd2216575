"""Writes of partners, collaboration and outreach activities, and the case officers' measurements.

The rules are named functions (``partner_check``, ``activity_districts``, ``chosen_keeping_hidden``,
``measurement_check``) shared by these services and the admin's forms, so both paths refuse the same.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from accounts.scoping import district_ids_in_scope
from districts.models import District, Network
from interventions.services import check_work_date

from .models import (
    ActivityParticipants,
    CaseOfficerMeasurement,
    CollaborationActivity,
    OutreachActivity,
    Partner,
    PartnerKind,
)


def check_activity_date(value: datetime.date | None, field: str = "date") -> None:
    """An activity's date, when given, obeys the rule of all logged work (``check_work_date``)."""
    if value is not None:
        check_work_date(value, field)


def _in_scope(user, district_ids: Iterable[int]) -> bool:
    scope = district_ids_in_scope(user)
    return scope is None or set(district_ids) <= scope


def chosen_keeping_hidden(*, user, chosen: Iterable[models.Model], current: Iterable[models.Model]) -> list:
    """The chosen objects plus those already linked that the user cannot see.

    Choice lists offer only what is in the user's scope, so a partner shared with another district
    (or an activity's partner from another district) would otherwise lose that link whenever a user
    of one district saves it.
    """
    chosen = list(chosen)
    current = list(current)
    if not current:
        return chosen
    visible = set(
        type(current[0]).objects.visible_to(user).filter(pk__in=[o.pk for o in current]).values_list("pk", flat=True)
    )
    chosen_ids = {o.pk for o in chosen}
    return chosen + [o for o in current if o.pk not in visible and o.pk not in chosen_ids]


def partner_check(*, kind: str, districts: Iterable[District]) -> None:
    """A partner works with at least one district, all of the user's; a case-officer unit with exactly one."""
    districts = list(districts)
    if not districts:
        raise ValidationError({"districts": _("Choose the districts the partner works with.")})
    if kind == PartnerKind.CASE_OFFICER_UNIT and len(districts) != 1:
        raise ValidationError({"districts": _("A case-officer unit belongs to exactly one district.")})


def _check_districts_in_scope(user, districts: Iterable[District], field: str = "districts") -> None:
    if not _in_scope(user, (d.pk for d in districts)):
        raise ValidationError({field: _("You can only choose your own districts.")})


@transaction.atomic
def partner_create(
    *, user, name: str, kind: str, districts: Iterable[District], active: bool = True, note: str = ""
) -> Partner:
    districts = list(districts)
    _check_districts_in_scope(user, districts)
    partner_check(kind=kind, districts=districts)
    partner = Partner(name=name, kind=kind, active=active, note=note)
    partner.full_clean()
    partner.save()
    partner.districts.set(districts)
    return partner


@transaction.atomic
def partner_update(
    *, partner: Partner, user, name: str, kind: str, districts: Iterable[District], active: bool, note: str = ""
) -> Partner:
    chosen = list(districts)
    _check_districts_in_scope(user, chosen)
    districts = chosen_keeping_hidden(user=user, chosen=chosen, current=partner.districts.all())
    partner_check(kind=kind, districts=districts)
    if kind != PartnerKind.CASE_OFFICER_UNIT and partner.measurements.exists():
        raise ValidationError({"kind": _("This unit has case officers' measurements; it stays a case-officer unit.")})
    partner.name, partner.kind, partner.active, partner.note = name, kind, active, note
    partner.full_clean()
    partner.save()
    partner.districts.set(districts)
    return partner


# --- Activities ------------------------------------------------------------------------------------


def activity_districts(
    *, user, network: Network | None, chosen: Iterable[District], current: Iterable[District] = ()
) -> list[District]:
    """The districts an activity belongs to: a network's members, or the districts chosen.

    A network's activity belongs to every member district, whoever records it (a Farsta consultant
    recording Sydost's joint activity records it for Enskede-Årsta-Vantör and Skarpnäck too); the
    user must serve one of its members. The members are copied when the activity is saved, so a
    later change of the network's membership leaves past activities where they took place.
    Without a network the districts are chosen among the user's own; those already linked that the
    user cannot see are kept.
    """
    chosen = list(chosen)
    if network is not None:
        members = list(network.districts.order_by("name"))
        member_ids = {d.pk for d in members}
        scope = district_ids_in_scope(user)
        if scope is not None and not member_ids & scope:
            raise ValidationError({"network": _("You can only record activities of your own districts' networks.")})
        if any(d.pk not in member_ids for d in chosen):
            raise ValidationError(
                {
                    "districts": _(
                        "A network's activity belongs to exactly its member districts: leave other districts out, "
                        "or record a separate activity for them."
                    )
                }
            )
        return members
    _check_districts_in_scope(user, chosen)
    districts = chosen_keeping_hidden(user=user, chosen=chosen, current=current)
    if not districts:
        raise ValidationError({"districts": _("Choose the districts the activity belongs to, or a network.")})
    return districts


def _check_partners(user, partners: list[Partner], current: Iterable[Partner]) -> list[Partner]:
    visible = set(Partner.objects.visible_to(user).filter(pk__in=[p.pk for p in partners]).values_list("pk", flat=True))
    if len(visible) != len({p.pk for p in partners}):
        raise ValidationError({"partners": _("You can only choose your own districts' partners.")})
    return chosen_keeping_hidden(user=user, chosen=partners, current=current)


def _set_participants(activity: CollaborationActivity, participants: Mapping[str, int | None]) -> None:
    """Replace the activity's participants by kind; kinds with no one (0 or empty) get no row."""
    activity.participants.all().delete()
    rows = [
        ActivityParticipants(activity=activity, kind=kind, count=count) for kind, count in participants.items() if count
    ]
    for row in rows:
        row.full_clean(exclude=["activity"], validate_constraints=False)
    ActivityParticipants.objects.bulk_create(rows)


@transaction.atomic
def collaboration_activity_save(
    *,
    user,
    kind: str,
    date: datetime.date,
    title: str,
    districts: Iterable[District] = (),
    network: Network | None = None,
    partners: Iterable[Partner] = (),
    participants: Mapping[str, int | None] | None = None,
    note: str = "",
    activity: CollaborationActivity | None = None,
) -> CollaborationActivity:
    """Record a collaboration activity, or change ``activity``: its districts, partners and participants."""
    check_activity_date(date)
    new = activity is None
    activity = activity or CollaborationActivity(created_by=user)
    current_districts = [] if new else list(activity.districts.all())
    current_partners = [] if new else list(activity.partners.all())
    district_list = activity_districts(user=user, network=network, chosen=districts, current=current_districts)
    partner_list = _check_partners(user, list(partners), current_partners)
    activity.kind, activity.date, activity.title, activity.network, activity.note = kind, date, title, network, note
    activity.full_clean()
    activity.save()
    activity.districts.set(district_list)
    activity.partners.set(partner_list)
    if participants is not None:
        _set_participants(activity, participants)
    return activity


@transaction.atomic
def outreach_activity_save(
    *,
    user,
    kind: str,
    date: datetime.date,
    title: str,
    districts: Iterable[District] = (),
    network: Network | None = None,
    reach: int | None = None,
    note: str = "",
    activity: OutreachActivity | None = None,
) -> OutreachActivity:
    """Record an outreach activity, or change ``activity``; ``reach`` is None when unknown."""
    check_activity_date(date)
    new = activity is None
    activity = activity or OutreachActivity(created_by=user)
    current = [] if new else list(activity.districts.all())
    district_list = activity_districts(user=user, network=network, chosen=districts, current=current)
    activity.kind, activity.date, activity.title, activity.network = kind, date, title, network
    activity.reach, activity.note = reach, note
    activity.full_clean()
    activity.save()
    activity.districts.set(district_list)
    return activity


@transaction.atomic
def activity_delete(*, activity: CollaborationActivity | OutreachActivity) -> None:
    activity.delete()


# --- The case officers' part -----------------------------------------------------------------------


def measurement_check(
    *,
    unit: Partner | None,
    starts_on: datetime.date | None,
    ends_on: datetime.date | None,
    new_cases: int | None,
    informed_cases: int | None,
    measurement: CaseOfficerMeasurement | None = None,
) -> None:
    """A measurement is of a case-officer unit, over a period not overlapping another of the unit's,
    and the informed cases are among the new cases. All errors at once, each on its field."""
    errors: dict[str, str] = {}
    if unit is not None and unit.kind != PartnerKind.CASE_OFFICER_UNIT:
        errors["unit"] = _("Choose a case-officer unit.")
    if starts_on and ends_on and ends_on < starts_on:
        errors["ends_on"] = _("The end date must not be before the start date.")
    if new_cases is not None and informed_cases is not None and informed_cases > new_cases:
        errors["informed_cases"] = _("The customers told cannot be more than the new cases.")
    if not errors and unit is not None and starts_on and ends_on:
        overlapping = CaseOfficerMeasurement.objects.filter(unit=unit, starts_on__lte=ends_on, ends_on__gte=starts_on)
        if measurement is not None and measurement.pk:
            overlapping = overlapping.exclude(pk=measurement.pk)
        if overlapping.exists():
            errors["starts_on"] = _(
                "The unit already has a measurement overlapping this period; a case would be counted twice."
            )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def case_officer_measurement_save(
    *,
    user,
    unit: Partner,
    starts_on: datetime.date,
    ends_on: datetime.date,
    new_cases: int,
    informed_cases: int,
    note: str = "",
    measurement: CaseOfficerMeasurement | None = None,
) -> CaseOfficerMeasurement:
    """Enter (or change) a unit's measurement for a period, on the unit's behalf.

    The unit's row is locked, so two entries for overlapping periods cannot both pass the check.
    """
    check_activity_date(ends_on, "ends_on")
    check_activity_date(starts_on, "starts_on")
    if not Partner.objects.visible_to(user).filter(pk=unit.pk).exists():
        raise ValidationError({"unit": _("You can only enter measurements of your own districts' units.")})
    Partner.objects.select_for_update().filter(pk=unit.pk).first()
    measurement_check(
        unit=unit,
        starts_on=starts_on,
        ends_on=ends_on,
        new_cases=new_cases,
        informed_cases=informed_cases,
        measurement=measurement,
    )
    measurement = measurement or CaseOfficerMeasurement(created_by=user)
    measurement.unit, measurement.starts_on, measurement.ends_on = unit, starts_on, ends_on
    measurement.new_cases, measurement.informed_cases, measurement.note = new_cases, informed_cases, note
    measurement.full_clean()
    measurement.save()
    return measurement
