"""Reads of the register: the representatives' figures (one definition, for pages, dashboard and report)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db.models import Case, CharField, Count, F, Q, QuerySet, Sum, Value, When
from django.utils import timezone

from districts.models import CaregiverRepresentativeCount, District, TargetGroup

from .models import Representative, RepresentativeTraining, TrainingKind, active_on

if TYPE_CHECKING:
    from figures.periods import Period

# A refresher falling within this many days is "due"; one before the day is "overdue".
DUE_WITHIN_DAYS = 30

# Where a district's counts come from.
SOURCE_REGISTER = "register"
SOURCE_REFERENCE = "reference_2018"  # the loose numbers of the 2018 mapping
SOURCE_NONE = "none"

# The key of the whole scope's figures in ``representative_figures(with_scope=True)``.
SCOPE = 0


def refresher_rules(on: datetime.date) -> dict[str, Q]:
    """The one rule of a representative's refresher on the day ``on``, for the counts and the register:
    "overdue" before the day, "due" within DUE_WITHIN_DAYS days of it; active representatives only."""
    active = active_on(on)
    due_by = on + datetime.timedelta(days=DUE_WITHIN_DAYS)
    return {
        "overdue": active & Q(next_refresher__lt=on),
        "due": active & Q(next_refresher__gte=on, next_refresher__lte=due_by),
    }


def _empty(source: str = SOURCE_NONE) -> dict:
    return {
        "source": source,
        "by_target_group": {},
        "total": 0,
        "due": 0,
        "overdue": 0,
        "trainings": 0,
        "refresher_trainings": 0,
        "trained": 0,
        "participants": 0,
    }


def _in_order(by_group: dict) -> dict:
    """In the target groups' own order, so that every page and table lists them alike."""
    return {g: by_group[g] for g in TargetGroup.values if g in by_group}


def _known_sum(values: Iterable[int | None]) -> int | None:
    known = [v for v in values if v is not None]
    return sum(known) if known else None


def representative_figures(
    *,
    district_ids: Iterable[int],
    on: datetime.date,
    period: Period | None = None,
    with_scope: bool = False,
) -> dict[int, dict]:
    """Each district's caregiver representatives by target group on the day ``on``, with the
    refreshers due within DUE_WITHIN_DAYS days and overdue, and (with a ``period``) the trainings held.

    The one rule for the counts: a district with entries in the register (active or ended) is
    counted from the register, active representatives only; a district without any keeps the number
    it reported in the 2018 mapping (source SOURCE_REFERENCE, a count may be None: "unknown").
    Trainings: those held in the period with the district among their districts; representatives
    trained are the district's own, counted once however many trainings they had. With
    ``with_scope`` the districts together are under SCOPE: a network's training counts once there.
    JSON-ready apart from the integer district keys; target groups are text keys.
    """
    district_ids = sorted(set(district_ids))
    figures: dict[int, dict] = {pk: _empty() for pk in district_ids}
    active = active_on(on)
    refresher = refresher_rules(on)
    rows = (
        Representative.objects.filter(district_id__in=district_ids)
        .values("district_id", "target_group")
        .annotate(
            active=Count("pk", filter=active),
            due=Count("pk", filter=refresher["due"]),
            overdue=Count("pk", filter=refresher["overdue"]),
        )
        .order_by()
    )
    for row in rows:
        f = figures[row["district_id"]]
        f["source"] = SOURCE_REGISTER
        if row["active"]:
            f["by_target_group"][row["target_group"]] = row["active"]
        f["total"] += row["active"]
        f["due"] += row["due"]
        f["overdue"] += row["overdue"]
    without_register = [pk for pk, f in figures.items() if f["source"] != SOURCE_REGISTER]
    if without_register:
        reference = CaregiverRepresentativeCount.objects.filter(district_id__in=without_register).values_list(
            "district_id", "target_group", "count"
        )
        for district_id, target_group, count in reference:
            f = figures[district_id]
            f["source"] = SOURCE_REFERENCE
            f["by_target_group"][target_group] = count
        for pk in without_register:
            if figures[pk]["source"] == SOURCE_REFERENCE:
                figures[pk]["total"] = _known_sum(figures[pk]["by_target_group"].values())
    for f in figures.values():
        f["by_target_group"] = _in_order(f["by_target_group"])
    if period is not None:
        _training_figures(figures, district_ids=district_ids, period=period)
    if with_scope:
        figures[SCOPE] = _scope_figures(figures, district_ids=district_ids, period=period)
    return figures


def _trainings_in(period: Period, district_ids: list[int]) -> QuerySet:
    through = RepresentativeTraining.districts.through.objects.filter(district_id__in=district_ids)
    return RepresentativeTraining.objects.filter(
        date__range=(period.start, period.end), pk__in=through.values("representativetraining_id")
    )


def _training_figures(figures: dict[int, dict], *, district_ids: list[int], period: Period) -> None:
    through = RepresentativeTraining.districts.through.objects.filter(
        district_id__in=district_ids, representativetraining__date__range=(period.start, period.end)
    )
    for row in (
        through.values("district_id")
        .annotate(
            n=Count("representativetraining_id"),
            refreshers=Count(
                "representativetraining_id", filter=Q(representativetraining__kind=TrainingKind.REFRESHER)
            ),
            participants=Sum("representativetraining__participants"),
        )
        .order_by()
    ):
        f = figures[row["district_id"]]
        f["trainings"], f["refresher_trainings"] = row["n"], row["refreshers"]
        f["participants"] = row["participants"] or 0
    trained = (
        Representative.objects.filter(district_id__in=district_ids, trainings__date__range=(period.start, period.end))
        .values("district_id")
        .annotate(n=Count("pk", distinct=True))
        .order_by()
    )
    for row in trained:
        figures[row["district_id"]]["trained"] = row["n"]


def _scope_figures(figures: dict[int, dict], *, district_ids: list[int], period: Period | None) -> dict:
    """The districts together: counts add up (a representative is one district's), trainings once each."""
    scope = _empty(SOURCE_REGISTER)
    sources = {figures[pk]["source"] for pk in district_ids}
    scope["source"] = SOURCE_REGISTER if sources <= {SOURCE_REGISTER} else SOURCE_REFERENCE
    for pk in district_ids:
        f = figures[pk]
        for group, count in f["by_target_group"].items():
            scope["by_target_group"][group] = _known_sum([scope["by_target_group"].get(group), count])
        for key in ("due", "overdue", "trained"):
            scope[key] += f[key]
    scope["total"] = _known_sum(figures[pk]["total"] for pk in district_ids)
    scope["by_target_group"] = _in_order(scope["by_target_group"])
    if period is not None:
        held = _trainings_in(period, district_ids).aggregate(
            n=Count("pk"),
            refreshers=Count("pk", filter=Q(kind=TrainingKind.REFRESHER)),
            participants=Sum("participants"),
        )
        scope["trainings"], scope["refresher_trainings"] = held["n"], held["refreshers"]
        scope["participants"] = held["participants"] or 0
    return scope


def register_list(*, district: District, on: datetime.date) -> QuerySet[Representative]:
    """A district's register, active representatives first, then by unit; each with its ``refresher``
    status on the day ``on`` ("overdue", "due" or ""), by the rule the counts use."""
    active_first = F("ended_on").asc(nulls_first=True)
    refresher = refresher_rules(on)
    status = Case(
        When(refresher["overdue"], then=Value("overdue")),
        When(refresher["due"], then=Value("due")),
        default=Value(""),
        output_field=CharField(),
    )
    return (
        Representative.objects.filter(district=district)
        .annotate(refresher=status)
        .order_by(active_first, "unit_name", "label")
    )


def trainings_list(*, district: District, limit: int = 20) -> list[RepresentativeTraining]:
    """The district's latest trainings, with their districts and how many representatives took part."""
    return list(
        RepresentativeTraining.objects.filter(districts=district)
        .select_related("network")
        .annotate(trained=Count("representatives", distinct=True))
        .order_by("-date", "title")[:limit]
    )


def district_representatives(*, district, user) -> dict:
    """The register's counts of the district today, or the 2018 reference where it keeps no register yet."""
    return representative_figures(district_ids=[district.pk], on=timezone.localdate())[district.pk]
