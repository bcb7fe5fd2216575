"""Writes of caregivers and their support-contact offers."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.scoping import district_ids_in_scope
from districts.models import District
from followup.snapshots import figures_mark_caregiver

from .models import AgeBand, Caregiver, SupportContactOffer


def _check_districts(user, districts: list[District]) -> None:
    if not districts:
        raise ValidationError({"districts": _("Choose at least one district.")})
    allowed = district_ids_in_scope(user, personal_data=True)
    if any(d.pk not in allowed for d in districts):
        raise ValidationError({"districts": _("You can only register caregivers in your own districts.")})


def _check_label_free(label: str, districts: list[District], exclude_pk: int | None = None) -> None:
    taken = (
        Caregiver.objects.annotate(lower_label=Lower("label"))
        .filter(lower_label=label.strip().lower(), districts__in=districts)
        .exclude(pk=exclude_pk)
        .values_list("districts__name", flat=True)
        .first()
    )
    if taken:
        raise ValidationError(
            {
                "label": _("%(district)s already has a caregiver labelled %(label)r: add an initial or a number.")
                % {"district": taken, "label": label.strip()}
            }
        )


def _age_band(birth_year: int | None, age_band: str) -> str:
    if birth_year is None:
        return age_band
    return AgeBand.for_age(timezone.localdate().year - birth_year)


def _check_birth_year(birth_year: int | None) -> None:
    this_year = timezone.localdate().year
    if birth_year is not None and not this_year - 110 <= birth_year <= this_year:
        raise ValidationError(
            {"birth_year": _("Give a year between %(low)d and %(high)d.") % {"low": this_year - 110, "high": this_year}}
        )


@transaction.atomic
def caregiver_create(
    *,
    user,
    label: str,
    districts: Iterable[District],
    relation: str,
    condition: str,
    target_group: str,
    gender: str = "unknown",
    age_band: str = "unknown",
    birth_year: int | None = None,
) -> Caregiver:
    districts = list(districts)
    _check_districts(user, districts)
    _check_birth_year(birth_year)
    _check_label_free(label, districts)
    caregiver = Caregiver(
        label=label.strip(),
        birth_year=birth_year,
        age_band=_age_band(birth_year, age_band),
        gender=gender,
        relation=relation,
        condition=condition,
        target_group=target_group,
        created_by=user,
    )
    caregiver.full_clean()
    caregiver.save()
    caregiver.districts.set(districts)
    return caregiver


@transaction.atomic
def caregiver_update(*, caregiver: Caregiver, user, districts: Iterable[District], **fields) -> Caregiver:
    """Change a caregiver; districts outside the user's scope that the caregiver already has are kept."""
    districts = list(districts)
    _check_districts(user, districts)
    _check_birth_year(fields.get("birth_year"))
    allowed = district_ids_in_scope(user, personal_data=True)
    kept = [d for d in caregiver.districts.all() if d.pk not in allowed]
    _check_label_free(fields.get("label", caregiver.label), districts, exclude_pk=caregiver.pk)
    counted = ("gender", "age_band", "relation", "condition")
    before = [getattr(caregiver, name) for name in counted]
    for name, value in fields.items():
        setattr(caregiver, name, value.strip() if name == "label" else value)
    caregiver.age_band = _age_band(caregiver.birth_year, caregiver.age_band)
    caregiver.full_clean()
    caregiver.save()
    caregiver.districts.set([*districts, *kept])
    if before != [getattr(caregiver, name) for name in counted]:
        figures_mark_caregiver(caregiver.pk)
    return caregiver


def caregiver_link_district(*, caregiver: Caregiver, district: District) -> None:
    """A caregiver met in one more district is linked to it (counted once city-wide all the same)."""
    caregiver.districts.add(district)


def support_contact_record(
    *,
    caregiver: Caregiver,
    user,
    offered_on: datetime.date,
    status: str,
    answered_on: datetime.date | None = None,
    support_person=None,
) -> SupportContactOffer:
    today = timezone.localdate()
    if offered_on > today:
        raise ValidationError({"offered_on": _("The date cannot be in the future.")})
    if answered_on and answered_on > today:
        raise ValidationError({"answered_on": _("The date cannot be in the future.")})
    offer = SupportContactOffer(
        caregiver=caregiver,
        offered_on=offered_on,
        status=status,
        answered_on=answered_on,
        support_person=support_person,
        recorded_by=user,
    )
    offer.full_clean()
    offer.save()
    return offer
