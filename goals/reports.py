"""The goals' part of the follow-up report: its content (JSON, stored with the report) and its table."""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from districts.models import District
from figures.periods import Period
from figures.tables import Table

from .models import Goal, Measure, Status, Unit
from .selectors import goal_statuses, ordered_goals


def goals_report_content(*, period: Period, district_ids: Sequence[int], city: bool) -> dict:
    """The goals of the scope's districts for the period's year(s), and the city-wide ones when the
    scope is the whole city, each with its status and figure as of the compilation."""
    today = timezone.localdate()
    years = list(range(period.start.year, period.end.year + 1))
    scope = Q(district_id__in=list(district_ids))
    if city:
        # The city-wide goals of the scope's municipality (a city scope is one municipality's districts).
        municipality = District.objects.filter(pk__in=list(district_ids)).values("municipality_id")
        scope |= Q(district__isnull=True, municipality_id__in=municipality)
    rows = goal_statuses(ordered_goals(Goal.objects.filter(scope, year__in=years)), today=today)
    return {
        "as_of": today.isoformat(),
        "years": years,
        "goals": [
            {
                "district": row.goal.district.code if row.goal.district_id else None,
                "district_name": row.goal.district.name if row.goal.district_id else None,
                "year": row.goal.year,
                "title": row.goal.title,
                "measure": row.goal.measure,
                "unit": row.status.unit,
                "target": row.status.target,
                "figure": row.status.figure,
                "status": row.status.status,
                "comment": row.status.comment,
            }
            for row in rows
        ],
    }


# The figure column of a goal counting persons (unique caregivers), kept apart from the other figures
# so that publication hides its small values.
CAREGIVERS_COLUMN = 5


def goals_report_tables(content: dict) -> list[Table]:
    """The report's goals table, from the stored content alone; [] for a report compiled before goals."""
    goals = content.get("goals")
    if goals is None:
        return []
    measures, statuses, units = dict(Measure.choices), dict(Status.choices), dict(Unit.choices)
    rows = []
    ordered = sorted(
        goals["goals"], key=lambda g: (g["year"], g["district"] is not None, g["district_name"] or "", g["title"])
    )
    for goal in ordered:
        caregivers = goal["measure"] == Measure.CAREGIVERS_REACHED
        figure = "–" if goal["figure"] is None else goal["figure"]
        rows.append(
            [
                goal["district_name"] or _("The whole city"),
                str(goal["year"]),  # a label, not a number to format with a thousands separator
                goal["title"],
                str(measures.get(goal["measure"], goal["measure"])),
                "–" if goal["target"] is None else goal["target"],
                figure if caregivers else "–",
                "–" if caregivers or goal["unit"] is None else figure,
                str(units.get(goal["unit"], "")) if goal["unit"] else "",
                str(statuses.get(goal["status"], goal["status"])),
                goal["comment"],
            ]
        )
    columns = [
        _("District"),
        _("Year"),
        _("Goal"),
        _("Measured by"),
        _("Target"),
        _("Caregivers reached so far (unique)"),
        _("Other figure so far"),
        _("Unit"),
        _("Status"),
        _("Comment"),
    ]
    caption = _("Goals (status as of %(date)s)") % {"date": goals["as_of"]}
    return [Table("goals", caption, columns, rows, person_columns=frozenset({CAREGIVERS_COLUMN}))]
