"""Writes of caregivers and their support-contact offers."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.scoping import district_ids_in_scope
from districts.models import District, Municipality

from .models import (
    ERASED_LABEL,
    AgeBand,
    Caregiver,
    CaregiverErasure,
    ErasureReason,
    RetentionRun,
    SupportContactOffer,
)
from .selectors import caregivers_past_retention, retention_cutoff


def _check_districts(user, districts: list[District]) -> None:
    if not districts:
        raise ValidationError({"districts": _("Choose at least one district.")})
    allowed = district_ids_in_scope(user, personal_data=True)
    if any(d.pk not in allowed for d in districts):
        raise ValidationError({"districts": _("You can only register caregivers in your own districts.")})


def _check_label_free(label: str, districts: list[District], exclude_pk: int | None = None) -> None:
    """A label names one caregiver within a municipality (a caregiver met in two of its districts is one
    row, not two). Checked under a lock of the municipality's row, so two consultants registering the
    same label at once get one caregiver and one clear message, never two caregivers."""
    if not districts:
        return
    municipality = Municipality.objects.select_for_update().get(pk=districts[0].municipality_id)
    taken = (
        Caregiver.objects.not_erased()
        .annotate(lower_label=Lower("label"))
        .filter(lower_label=label.strip().lower(), municipality=municipality)
        .exclude(pk=exclude_pk)
        .exists()
    )
    if taken:
        raise ValidationError(
            {
                "label": _("%(municipality)s already has a caregiver labelled %(label)r: add an initial or a number.")
                % {"municipality": municipality.name, "label": label.strip()}
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
        # Districts in scope are all of the user's municipality: the caregiver is its.
        municipality_id=districts[0].municipality_id if districts else None,
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
    if caregiver.erased_at is not None:
        raise ValidationError(_("This caregiver has been erased and can no longer be changed."))
    districts = list(districts)
    _check_districts(user, districts)
    _check_birth_year(fields.get("birth_year"))
    allowed = district_ids_in_scope(user, personal_data=True)
    kept = [d for d in caregiver.districts.all() if d.pk not in allowed]
    _check_label_free(fields.get("label", caregiver.label), districts, exclude_pk=caregiver.pk)
    for name, value in fields.items():
        setattr(caregiver, name, value.strip() if name == "label" else value)
    caregiver.age_band = _age_band(caregiver.birth_year, caregiver.age_band)
    caregiver.full_clean()
    caregiver.save()
    caregiver.districts.set([*districts, *kept])
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
    if caregiver.erased_at is not None:
        raise ValidationError(_("This caregiver has been erased and can no longer be changed."))
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


@transaction.atomic
def caregiver_erase(
    caregiver: Caregiver, *, by, reason: str, retention_run: RetentionRun | None = None
) -> CaregiverErasure:
    """Erase what identifies a caregiver, keeping what the statistics count; return the erasure record.

    The label becomes a neutral text and the year of birth goes. The row stays with its statistical
    categories (age band, gender, relation, condition, target group, districts), so its contacts stay
    in the figures as anonymous occasions and every total already reported stays the same.
    Support-contact offers stay too: dates and a status, naming nobody once the label is gone.
    Erasing an erased caregiver changes nothing and returns the first record.
    """
    # Lock the row: two erasures at once (a request during the nightly job) make one record.
    locked = Caregiver.objects.select_for_update().get(pk=caregiver.pk)
    if locked.erased_at is not None:
        return CaregiverErasure.objects.get(caregiver=locked)
    now = timezone.now()
    locked.label = ERASED_LABEL
    locked.birth_year = None
    locked.erased_at = now
    locked.full_clean(exclude=["districts"])
    locked.save(update_fields=["label", "birth_year", "erased_at", "updated_at"])
    for name in ("label", "birth_year", "erased_at", "updated_at"):
        setattr(caregiver, name, getattr(locked, name))
    erasure = CaregiverErasure(
        caregiver=locked,
        erased_at=now,
        reason=reason,
        erased_by=by if reason == ErasureReason.REQUEST and getattr(by, "pk", None) else None,
        retention_run=retention_run if reason == ErasureReason.RETENTION else None,
    )
    erasure.full_clean()
    erasure.save()
    return erasure


RETENTION_BATCH = 500


def caregivers_erase_expired(today: datetime.date | None = None) -> list[RetentionRun]:
    """The retention job: erase every caregiver past the retention period and record the runs.

    The period is the caregiver's municipality's own (``Municipality.retention_years``), else
    ``settings.CAREGIVER_RETENTION_YEARS``; the rule is ``caregivers_past_retention``. One run is
    recorded per period in force, the installation's first, so each run states the rule it applied.
    Erased in batches, each its own transaction; a second run finds nothing left to erase.
    """
    default = settings.CAREGIVER_RETENTION_YEARS
    if default < 1:
        # A zero or negative period would erase everybody: refuse rather than guess.
        raise ImproperlyConfigured("CAREGIVER_RETENTION_YEARS must be at least 1.")
    today = today or timezone.localdate()
    own: dict[int, list[int]] = {}
    for pk, years in Municipality.objects.filter(retention_years__isnull=False).values_list("pk", "retention_years"):
        if years != default:
            own.setdefault(years, []).append(pk)
    elsewhere = [pk for pks in own.values() for pk in pks]
    periods = [(default, ~Q(municipality_id__in=elsewhere))] + [
        (years, Q(municipality_id__in=pks)) for years, pks in sorted(own.items())
    ]
    return [_retention_run(today=today, years=years, caregivers=caregivers) for years, caregivers in periods]


def _retention_run(*, today: datetime.date, years: int, caregivers: Q) -> RetentionRun:
    cutoff = retention_cutoff(today=today, years=years)
    run = RetentionRun.objects.create(started_at=timezone.now(), run_on=today, retention_years=years, cutoff=cutoff)
    ids = list(caregivers_past_retention(cutoff=cutoff).filter(caregivers).order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), RETENTION_BATCH):
        with transaction.atomic():
            for caregiver in Caregiver.objects.filter(pk__in=ids[start : start + RETENTION_BATCH]).order_by("pk"):
                caregiver_erase(caregiver, by=None, reason=ErasureReason.RETENTION, retention_run=run)
    run.erased_count = run.erasures.count()
    run.finished_at = timezone.now()
    run.save(update_fields=["erased_count", "finished_at"])
    return run
