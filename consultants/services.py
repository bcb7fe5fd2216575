"""Writes of consultants and assignment descriptions."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from accounts.models import Role, User
from districts.models import District

from .models import AssignmentDescription, AssignmentTask, Consultant, DescriptionAssignment, TaskKind


def _copy_tasks(source: AssignmentDescription, target: AssignmentDescription) -> None:
    AssignmentTask.objects.bulk_create(
        AssignmentTask(
            description=target, kind=task.kind, text=task.text, is_amendment=task.is_amendment, position=task.position
        )
        for task in source.tasks.order_by("kind", "position", "pk")
    )


@transaction.atomic
def assignment_description_new_version(*, description: AssignmentDescription) -> AssignmentDescription:
    """Start a new draft version of a description, with a copy of its tasks; the old one is kept as it was."""
    latest = AssignmentDescription.objects.filter(series=description.series).aggregate(v=Max("version"))["v"]
    draft = AssignmentDescription(
        series=description.series,
        version=latest + 1,
        title=description.title,
        district=description.district,
        municipality_id=description.municipality_id,
        target_group=description.target_group,
        based_on=description.based_on,
        introduction=description.introduction,
        adopted_on=None,
    )
    draft.full_clean()
    draft.save()
    _copy_tasks(description, draft)
    return draft


@transaction.atomic
def assignment_description_adopt(
    *,
    template: AssignmentDescription,
    district: District,
    adopted_on: datetime.date | None,
    target_group: str = "",
    amendments: list[tuple[str, str]] = (),
) -> AssignmentDescription:
    """Adopt a city-wide template as a district's own description, with the district's amendments."""
    if not template.is_template:
        raise ValidationError({"based_on": _("Only a city-wide template can be adopted.")})
    series = f"{district.code}-{target_group or 'alla'}-{template.series}".replace("_", "-")[:60]
    latest = AssignmentDescription.objects.filter(series=series).aggregate(v=Max("version"))["v"] or 0
    description = AssignmentDescription(
        series=series,
        version=latest + 1,
        title=f"{template.title}, {district.name}",
        district=district,
        target_group=target_group,
        based_on=template,
        introduction=template.introduction,
        adopted_on=adopted_on,
    )
    description.full_clean()
    description.save()
    _copy_tasks(template, description)
    start = description.tasks.count()
    for offset, (kind, text) in enumerate(amendments):
        task = AssignmentTask(description=description, kind=kind, text=text, is_amendment=True, position=start + offset)
        if kind not in TaskKind.values or not text.strip():
            raise ValidationError({"tasks": _("Each amendment needs a kind and a text.")})
        task.full_clean()
        task.save()
    return description


def description_assign(
    *,
    consultant: Consultant,
    description: AssignmentDescription,
    valid_from: datetime.date,
    valid_until: datetime.date | None = None,
) -> DescriptionAssignment:
    """Give a consultant an adopted description for a period."""
    assignment = DescriptionAssignment(
        consultant=consultant, description=description, valid_from=valid_from, valid_until=valid_until
    )
    assignment.full_clean()
    assignment.save()
    return assignment


def consultant_link_user(*, consultant: Consultant, user: User) -> Consultant:
    """Link a consultant record to the user account that logs in as that consultant."""
    if user.role != Role.CONSULTANT:
        raise ValidationError({"user": _("Only a user with the consultant role can be linked to a consultant.")})
    consultant.user = user
    consultant.full_clean()
    consultant.save(update_fields=["user"])
    return consultant
