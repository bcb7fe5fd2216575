"""Goal status: the one rule (``goal_status``) over figures computed by the dashboards' own selectors.

Every measure reads the selector that defines its figure on the dashboards and in the reports:
- caregivers reached: ``followup`` figures (``figures_for`` per district;
  ``city_figures_for`` for the city, where a caregiver met in two districts counts once);
- guidance talks followed up with an outcome score: ``outcomes.selectors.outcome_figures``, summed
  from the facts (talks_scored of talks dated in the year; per district, or the districts added up
  for the city);
- consultants with a current assignment description: ``consultants.selectors.description_coverage``
  (the consultants allocated to the district, or to any district for the city) on the last day of the
  year (today, while the year runs), as the report's consultants table counts them;
- base-level components offered: ``coverage_matrix`` and ``components_offered`` (to either target
  group, as the report's coverage table); city-wide, the components offered in every district.
  Offerings are not dated, so the figure is always today's offer, for past years too;
- support contacts offered: ``caregivers.selectors.support_contact_offer_counts`` (per district of
  the caregiver) and ``support_contact_offer_total`` (the city, each offer once).

Statuses of many goals are computed together (``goal_statuses``): one call of each selector per year,
never one per goal or district.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial

from django.db.models import F, Q
from django.utils import timezone

from consultants.selectors import description_coverage
from districts.models import District
from districts.selectors import district_ids_of
from figures.definitions import REACH_SECTION
from figures.models import SnapshotSection
from figures.periods import Period
from figures.snapshots import city_figures_for, figures_for
from interventions.selectors import components_offered, coverage_matrix

from .access import may_edit_goal
from .models import Goal, Measure, Status, Unit

# A computed figure: a count, or a share as (part, whole); None while there is none (a year not yet
# begun, a share of nothing).
Figure = int | tuple[int, int] | None
# (measure, year, municipality id, district id or None for the municipality as one: "the city")
FigureKey = tuple[str, int, int, int | None]


@dataclass(frozen=True)
class GoalStatus:
    status: str
    figure: int | float | None  # a count, or a percentage to one decimal; None: no figure yet
    target: int | None
    unit: str | None
    comment: str = ""
    part: int | None = None  # for a share: how many of ``whole``
    whole: int | None = None

    @property
    def status_label(self) -> str:
        return Status(self.status).label

    @property
    def is_percent(self) -> bool:
        return self.unit == Unit.PERCENT


def _year_end(year: int) -> datetime.date:
    return datetime.date(year, 12, 31)


def _key(goal: Goal) -> FigureKey:
    return (goal.measure, goal.year, goal.municipality_id, goal.district_id)


def goal_figures(goals: Iterable[Goal], *, today: datetime.date) -> dict[FigureKey, Figure]:
    """The figures the goals are measured by, each selector called once per year (not per goal)."""
    needed: dict[tuple[str, int, int], set[int | None]] = defaultdict(set)
    for goal in goals:
        if goal.measure != Measure.BY_HAND and goal.year <= today.year:  # a year not begun has no figure
            needed[(goal.measure, goal.year, goal.municipality_id)].add(goal.district_id)
    found: dict[FigureKey, Figure] = {}
    cache: dict = {}
    for (measure, year, municipality_id), districts in needed.items():
        compute = _MEASURES[measure]
        city = _City(municipality_id, cache)
        for district_id, value in compute(year=year, districts=districts, city=city, today=today, cache=cache).items():
            found[(measure, year, municipality_id, district_id)] = value
    return found


class _City:
    """A municipality's districts, read once for all the measures of its goals ("the city" of a goal
    without a district)."""

    def __init__(self, municipality_id: int, cache: dict):
        self.municipality_id, self._cache = municipality_id, cache

    @property
    def district_ids(self) -> list[int]:
        key = ("districts", self.municipality_id)
        if key not in self._cache:
            self._cache[key] = district_ids_of(municipality_id=self.municipality_id)
        return self._cache[key]


def _section_field(
    *, year: int, districts: set, city: _City, today, cache: dict, section: str, field: str, city_field: str
) -> dict:
    """A year's figure of each district (a field of a registered ``section``) and of the city as one (None)."""
    period = Period.year(year)
    ids = sorted(d for d in districts if d is not None)
    result: dict = {}
    if ids:
        figures, _as_of = figures_for(period=period, target_group=None, district_ids=ids, section=section)
        result |= {d: (figures.get(d) or {}).get(field, 0) for d in ids}
    if None in districts:
        key = ("city", year, city.municipality_id)
        if key not in cache:  # read once for every city-wide measure of the year
            cache[key], _as_of = city_figures_for(period=period, district_ids=city.district_ids)
        result[None] = cache[key][city_field]
    return result


# Measures read from a registered section: the districts' field, and the city's as one.
_caregivers_reached = partial(_section_field, section=REACH_SECTION, field="caregivers", city_field="caregivers")
_support_contacts_offered = partial(
    _section_field, section=SnapshotSection.OFFERS, field="offers", city_field="support_contact_offers"
)


def _talks_scored_share(*, year: int, districts: set, city: _City, today, cache) -> dict:
    # Talks are occasions, never counted twice: the city's are its districts' added up.
    ids = city.district_ids if None in districts else sorted(districts)  # the city's needs all its districts
    figures, _as_of = figures_for(
        period=Period.year(year), target_group=None, district_ids=ids, section=SnapshotSection.OUTCOMES
    )
    result: dict = {}
    for district_id in districts:
        units = figures.values() if district_id is None else [figures.get(district_id) or {}]
        result[district_id] = (sum(f.get("talks_scored", 0) for f in units), sum(f.get("talks", 0) for f in units))
    return result


def _descriptions_share(*, year: int, districts: set, city: _City, today, cache) -> dict:
    coverage = description_coverage(on=min(_year_end(year), today), district_ids=city.district_ids)
    return {district_id: coverage.get(district_id, (0, 0)) for district_id in districts}


def _components_offered(*, year: int, districts: set, city: _City, today, cache) -> dict:
    key = ("coverage", city.municipality_id)
    if key not in cache:
        cache[key] = coverage_matrix(city.district_ids)
    components, cells = cache[key]
    result: dict = {d: components_offered(cells.get(d, [])) for d in districts if d is not None}
    if None in districts:
        # City-wide: the components every district offers (to either target group), the base level's promise.
        result[None] = (
            sum(
                1
                for i in range(len(components))
                if all(components_offered([row[i]]) for row in cells.values())  # offered in this district
            )
            if cells
            else 0
        )
    return result


_MEASURES = {
    Measure.CAREGIVERS_REACHED: _caregivers_reached,
    Measure.TALKS_SCORED_SHARE: _talks_scored_share,
    Measure.DESCRIPTIONS_SHARE: _descriptions_share,
    Measure.COMPONENTS_OFFERED: _components_offered,
    Measure.SUPPORT_CONTACTS_OFFERED: _support_contacts_offered,
}


def goal_status(
    goal: Goal, *, today: datetime.date | None = None, figures: dict[FigureKey, Figure] | None = None
) -> GoalStatus:
    """The goal's status on ``today``: the one rule.

    - assessed by hand: the status and comment given;
    - a count: met as soon as the figure reaches the target; not met when the year has ended below
      it; otherwise in progress, with the figure so far;
    - a share: in progress (with the share so far) until the year has ended, then met or not met.
      A share of nothing (no talks, no consultants) is no figure yet: not met once the year has ended.

    ``figures`` are ``goal_figures`` of a batch of goals; without them the goal's own are computed.
    """
    today = today or timezone.localdate()
    if goal.is_by_hand:
        return GoalStatus(goal.assessed_status, None, None, None, goal.comment)
    if figures is None:
        figures = goal_figures([goal], today=today)
    value = figures.get(_key(goal))
    year_over = today > _year_end(goal.year)
    if goal.unit == Unit.COUNT:
        reached = value is not None and value >= goal.target
        status = Status.MET if reached else Status.NOT_MET if year_over else Status.IN_PROGRESS
        return GoalStatus(status, value, goal.target, goal.unit, goal.comment)
    part, whole = value if value is not None else (None, None)
    share = round(100 * part / whole, 1) if whole else None
    if not year_over:
        status = Status.IN_PROGRESS
    else:
        # Compared exactly (part / whole >= target %), not by the rounded share shown.
        status = Status.MET if whole and part * 100 >= goal.target * whole else Status.NOT_MET
    return GoalStatus(status, share, goal.target, goal.unit, goal.comment, part, whole)


@dataclass(frozen=True)
class GoalRow:
    goal: Goal
    status: GoalStatus
    may_edit: bool = False


def goal_statuses(goals: Iterable[Goal], *, today: datetime.date | None = None, user=None) -> list[GoalRow]:
    """Each goal with its status, the figures computed once for all; ``may_edit`` for ``user``."""
    today = today or timezone.localdate()
    goals = list(goals)
    figures = goal_figures(goals, today=today)
    return [
        GoalRow(goal, goal_status(goal, today=today, figures=figures), user is not None and may_edit_goal(user, goal))
        for goal in goals
    ]


def ordered_goals(goals):
    """City-wide goals first, then the districts' by name."""
    return goals.select_related("district").order_by(F("district__name").asc(nulls_first=True), "title", "pk")


def goal_list(*, user, year: int, today: datetime.date | None = None) -> list[GoalRow]:
    """The goals of a year the user sees (their districts' and the city-wide ones), with status."""
    return goal_statuses(ordered_goals(Goal.objects.visible_to(user).filter(year=year)), today=today, user=user)


def goal_years(*, user) -> list[int]:
    return list(Goal.objects.visible_to(user).order_by("-year").values_list("year", flat=True).distinct())


def dashboard_goals(*, district: District, year: int, today: datetime.date | None = None) -> list[GoalRow]:
    """The district dashboard's goals: the district's own and its municipality's city-wide ones of the year."""
    city_wide = Q(district__isnull=True, municipality_id=district.municipality_id)
    goals = Goal.objects.filter(Q(district=district) | city_wide, year=year)
    return goal_statuses(ordered_goals(goals), today=today)


def city_goals(
    *, year: int, municipality_id: int | None, districts: list[dict], today: datetime.date | None = None
) -> dict:
    """The city page's goals: the municipality's city-wide goals with status, and each of its districts'
    goals counted by status.

    ``districts`` are the city page's district rows (pk, code, name), read once for all its sections.
    """
    goals = Goal.objects.filter(year=year, municipality_id=municipality_id)
    rows = goal_statuses(ordered_goals(goals), today=today)
    summary: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(Status.values, 0))
    for row in rows:
        if not row.goal.is_city_wide:
            summary[row.goal.district_id][row.status.status] += 1
    rows_by_district = [
        {
            "district": d,
            "counts": summary.get(d["pk"]),
            "total": sum(summary[d["pk"]].values()) if d["pk"] in summary else 0,
        }
        for d in districts
    ]
    return {"year": year, "city": [row for row in rows if row.goal.is_city_wide], "districts": rows_by_district}
