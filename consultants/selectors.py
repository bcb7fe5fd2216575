"""Reads of consultant data; each figure is defined once here and reused by pages and reports."""

from __future__ import annotations

import datetime

from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from districts.validity import in_force_during, mean_over_period

from .models import Allocation, AssignmentDescription, Consultant, DescriptionAssignment


def current_assignments(*, on: datetime.date) -> QuerySet[DescriptionAssignment]:
    """Assignments valid on ``on`` of an adopted description: the definition of "documented, current"."""
    return DescriptionAssignment.objects.filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=on),
        valid_from__lte=on,
        description__adopted_on__isnull=False,
        description__adopted_on__lte=on,
    )


def allocated_percent(*, on: datetime.date | None = None):
    """A consultant's allocations in force (today) added up over every district: compared with
    ``employment_percent``."""
    on = on or timezone.localdate()
    return Coalesce(Sum("allocations__percent", filter=in_force_during(on, on, through="allocations")), Value(0))


def fte_by_district(
    *, start: datetime.date, end: datetime.date, district_ids: list[int] | None = None
) -> dict[int, float]:
    """Full-time posts on caregiver support per district over a period: the allocations' shares of a
    post added up, each weighted by the days of the period it was in force (``mean_over_period``).
    The one definition behind every figure per FTE: a past period uses that period's staffing."""
    allocations = Allocation.objects.valid_during(start, end)
    if district_ids is not None:
        allocations = allocations.filter(district_id__in=district_ids)
    rows = allocations.values_list("district_id", "percent", "valid_from", "valid_to")
    return {
        district_id: round(percent / 100, 4)
        for district_id, percent in mean_over_period(rows, start=start, end=end).items()
    }


def has_current_description(*, on: datetime.date):
    return Exists(current_assignments(on=on).filter(consultant=OuterRef("pk")))


def consultants_with_current_description(*, user, on: datetime.date | None = None) -> QuerySet[Consultant]:
    """The consultants in ``user``'s scope who have a documented description valid on ``on`` (today)."""
    on = on or timezone.localdate()
    return Consultant.objects.visible_to(user).filter(has_current_description(on=on))


def description_coverage(*, on: datetime.date, district_ids=None) -> dict[int | None, tuple[int, int]]:
    """Per district, (consultants with a current description on ``on``, consultants allocated there on ``on``).

    Key ``None`` is the districts together (all of them without ``district_ids``), where a consultant
    allocated to several counts once. The one count behind the goal "every consultant with a current
    assignment description" and the report's consultants table. Two queries.
    """
    allocations = Allocation.objects.valid_on(on)
    if district_ids is not None:
        allocations = allocations.filter(district_id__in=district_ids)
    pairs = set(allocations.values_list("district_id", "consultant_id"))
    documented = set(current_assignments(on=on).values_list("consultant_id", flat=True))
    by_district: dict[int | None, set] = {d: set() for d in district_ids or ()}
    for district_id, consultant_id in pairs:
        by_district.setdefault(district_id, set()).add(consultant_id)
    by_district[None] = {c for _d, c in pairs}
    return {d: (len(consultants & documented), len(consultants)) for d, consultants in by_district.items()}


def consultants_serving(*, district, user=None) -> QuerySet[Consultant]:
    """The consultants who work in ``district``: it is their home district or they are allocated to it.

    The one definition of "the district's consultants": who may follow up there, who submits its month.
    An allocation counts while it is in force (today). With ``user``, only those the user may see.
    """
    consultants = Consultant.objects.visible_to(user) if user is not None else Consultant.objects.all()
    allocated = Allocation.objects.current().filter(district=district).values("consultant_id")
    return consultants.filter(Q(home_district=district) | Q(pk__in=allocated)).distinct()


def consultant_list(*, user, on: datetime.date | None = None) -> QuerySet[Consultant]:
    """Consultants in scope with their allocated percent and whether they have a current description.

    ``allocated_percent`` above ``employment_percent`` is flagged on pages, never refused.
    """
    on = on or timezone.localdate()
    return (
        Consultant.objects.visible_to(user)
        .select_related("home_district", "user")
        .prefetch_related("methods")
        .annotate(allocated_percent=allocated_percent(), has_current_description=has_current_description(on=on))
        .order_by("ref")
    )


def consultant_allocations(*, consultant: Consultant, user):
    """A consultant's allocations that ``user`` may see, with their districts: the history, the ones
    in force first."""
    return (
        consultant.allocations.visible_to(user)
        .select_related("district")
        .order_by(F("valid_to").desc(nulls_first=True), "district__name", "-valid_from")
    )


def consultant_allocated_percent(*, consultant: Consultant) -> int:
    return Consultant.objects.filter(pk=consultant.pk).aggregate(total=allocated_percent())["total"]


def consultant_current_description(*, consultant: Consultant, on: datetime.date | None = None):
    on = on or timezone.localdate()
    return (
        current_assignments(on=on)
        .filter(consultant=consultant)
        .select_related("description__district", "description__based_on")
        .order_by("-valid_from")
        .first()
    )


def description_versions(*, description: AssignmentDescription, user) -> QuerySet[AssignmentDescription]:
    return AssignmentDescription.objects.visible_to(user).filter(series=description.series).order_by("-version")


def district_allocations(*, district, user) -> list[Allocation]:
    """The district's allocations, its history of staffing, with the consultants' methods: for its page."""
    return list(
        Allocation.objects.filter(district=district)
        .select_related("consultant")
        .prefetch_related(Prefetch("consultant__methods"))
        .order_by("consultant__ref", "target_group", "-valid_from")
    )
