"""Writes to the register of caregiver representatives. Each checks the whole record before saving."""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from districts.models import District, Network

from .models import Representative, RepresentativeTraining, default_next_refresher

_FIELDS = ("unit_kind", "unit_name", "label", "target_group", "trained_on", "next_refresher", "ended_on")


def representative_refresher_default(representative: Representative) -> None:
    """A training date without a refresher date gets the standard interval (set by hand otherwise)."""
    if representative.trained_on and not representative.next_refresher:
        representative.next_refresher = default_next_refresher(representative.trained_on)


def _save(representative: Representative) -> Representative:
    representative_refresher_default(representative)
    representative.full_clean()
    representative.save()
    return representative


@transaction.atomic
def representative_create(
    *,
    district: District,
    unit_kind: str,
    unit_name: str,
    label: str,
    target_group: str,
    trained_on: datetime.date | None = None,
    next_refresher: datetime.date | None = None,
    ended_on: datetime.date | None = None,
) -> Representative:
    return _save(
        Representative(
            district=district,
            unit_kind=unit_kind,
            unit_name=unit_name.strip(),
            label=label.strip(),
            target_group=target_group,
            trained_on=trained_on,
            next_refresher=next_refresher,
            ended_on=ended_on,
        )
    )


@transaction.atomic
def representative_update(*, representative: Representative, **values) -> Representative:
    """Change a representative's record; the district stays (a move is an end and a new entry)."""
    unknown = set(values) - set(_FIELDS)
    if unknown:
        raise TypeError(f"Unknown fields: {sorted(unknown)}")
    for name, value in values.items():
        setattr(representative, name, value.strip() if isinstance(value, str) else value)
    return _save(representative)


@transaction.atomic
def representative_training_record(
    *,
    user,
    districts: Sequence[District],
    date: datetime.date,
    kind: str,
    title: str,
    representatives: Sequence[Representative],
    participants: int | None = None,
    network: Network | None = None,
) -> RepresentativeTraining:
    """Record a training and move each trained representative's "trained on" and "next refresher".

    A representative's dates only move forward: recording an older training afterwards leaves a
    later one in place. The refresher is then due the standard interval after this training.
    """
    representatives = list(representatives)
    participants = len(representatives) if participants is None else participants
    errors: dict[str, list[str]] = {}
    if participants < len(representatives):
        errors["participants"] = [
            _("Participants cannot be fewer than the representatives trained (%(n)d).") % {"n": len(representatives)}
        ]
    allowed = {d.pk for d in districts}
    if network is not None:
        allowed |= set(network.districts.values_list("pk", flat=True))
    strangers = [r for r in representatives if r.district_id not in allowed]
    if strangers:
        errors["representatives"] = [
            _("%(label)s is not a representative of the training's districts.") % {"label": strangers[0]}
        ]
    ended = [r for r in representatives if r.ended_on is not None and r.ended_on < date]
    if ended:
        errors.setdefault("representatives", []).append(
            _("%(label)s had left the role before the training.") % {"label": ended[0]}
        )
    training = RepresentativeTraining(
        date=date, kind=kind, title=title.strip(), network=network, participants=participants, created_by=user
    )
    try:
        training.full_clean()
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if not districts:
        errors.setdefault("districts", []).append(_("Choose the district that held the training."))
    if errors:
        raise ValidationError(errors)
    training.save()
    training.districts.set(districts)
    training.representatives.set(representatives)

    # Lock the trained rows: two trainings recorded at once must not leave the older one's dates.
    locked = Representative.objects.select_for_update().filter(pk__in=[r.pk for r in representatives])
    for representative in locked:
        if representative.trained_on is None or representative.trained_on <= date:
            representative.trained_on = date
            representative.next_refresher = default_next_refresher(date)
            representative.save(update_fields=["trained_on", "next_refresher", "updated_at"])
    return training
