"""The outcomes part of the follow-up report: its numbers (a read) and its tables (from them alone)."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.translation import gettext as _

from figures.definitions import SCOPE, ReportRole
from figures.periods import Period
from figures.tables import Table, scope_total_label, sum_lines

from .selectors import (
    empty_outcomes,
    flat,
    mean_ors_change,
    outcome_figures,
    share_desired,
    share_followed_up,
    share_scored,
    type_names,
)


def _figures(*, period: Period, districts: Sequence[dict]) -> dict:
    ids = [d["pk"] for d in districts]
    by_district = outcome_figures(period=period, district_ids=ids)
    scope = outcome_figures(period=period, district_ids=ids, combined=True)
    return {
        "districts": {d["code"]: by_district.get(d["pk"]) or empty_outcomes() for d in districts},
        "scope": scope.get(SCOPE) or empty_outcomes(),
    }


def outcome_report_content(*, period: Period, districts: Sequence[dict]) -> dict:
    """The outcome figures of each district (``{"pk", "code"}``) and of the scope as one (a caregiver
    counts once) for the period, with the intervention types' names as they were. Aggregates only;
    JSON-ready. (Reports compiled before 2026-11 also hold the previous period, which no table reads.)"""
    return {"now": _figures(period=period, districts=districts), "type_names": type_names()}


def _units(content: dict) -> list[tuple[str, dict]]:
    outcomes = content["outcomes"]["now"]
    units = [(d["name"], outcomes["districts"][d["code"]]) for d in content["districts"]]
    return [*units, (scope_total_label(content), outcomes["scope"])]


def _shown(value):
    return "–" if value is None else value


def _measures(f: dict, *, reach: bool = True) -> list:
    """A unit's (or a part's) outcome measures, in the columns of ``_measure_columns``."""
    return [
        f["talks"],
        f["talks_scored"],
        _shown(share_scored(f)),
        f["series"],
        _shown(mean_ors_change(f)),
        f["improved"],
        f["caregivers"] if reach else "–",
        f["followed_up"] if reach else "–",
        _shown(share_followed_up(f)) if reach else "–",
        f["answers"],
        f["desired"],
        _shown(share_desired(f)),
    ]


def _measure_columns() -> list[str]:
    return [
        _("Guidance talks"),
        _("Talks with an outcome score"),
        _("Share of talks scored (%)"),
        _("Series with an ORS change"),
        _("Mean ORS change"),
        _("Series improved"),
        _("Caregivers in talks or groups"),
        _("Caregivers followed up"),
        _("Share followed up (%)"),
        _("Follow-up answers"),
        _("Answers: desired result"),
        _("Share with the desired result (%)"),
    ]


# Of the measures (counted from 0): series, caregivers and answers are persons (one series or answer
# per caregiver), talks are occasions; the shares are worked out from the counts before them.
_PERSONS = (3, 5, 6, 7, 9, 10)
_PERSONS_WITHOUT_REACH = (3, 5, 9, 10)
_DERIVED = {2: (0, 1), 4: (3,), 8: (6, 7), 11: (9, 10)}
_DERIVED_WITHOUT_REACH = {k: v for k, v in _DERIVED.items() if k != 8}


def _shifted(first: int, persons: tuple[int, ...], derived: dict) -> tuple[tuple[int, ...], dict]:
    """The measures' person and derived columns in a table whose measures start at column ``first``."""
    return (
        tuple(first + c for c in persons),
        {first + c: tuple(first + s for s in sources) for c, sources in derived.items()},
    )


def _summary(units: list[tuple[str, dict]]) -> Table:
    rows = [[label, *_measures(flat(unit))] for label, unit in units]
    persons, derived = _shifted(1, _PERSONS, _DERIVED)
    scope_row = len(rows) - 1
    return Table(
        "outcomes",
        _("Outcomes"),
        [_("District"), *_measure_columns()],
        rows,
        person_columns=frozenset(persons),
        lines=sum_lines(scope_row, range(scope_row), persons),
        derived_columns=derived,
    )


def _breakdown(units, table_id: str, caption: str, heading: str, dimension: str, labels: dict, reach: bool) -> Table:
    """Per unit, one row per role or intervention type and a row of the unit's total. Caregivers reached
    and followed up (``reach``) are broken down by intervention type only: a role reaches no one alone."""
    persons, derived = _shifted(
        2, _PERSONS if reach else _PERSONS_WITHOUT_REACH, _DERIVED if reach else _DERIVED_WITHOUT_REACH
    )
    rows, lines = [], []
    for unit_label, unit in units:
        parts = unit[dimension]
        if not parts:
            continue
        first = len(rows)
        keys = [k for k in labels if k in parts] + sorted(
            (k for k in parts if k not in labels), key=lambda k: parts[k].get("name", k)
        )
        for key in keys:
            label = labels.get(key) or parts[key].get("name", key)
            rows.append([unit_label, label, *_measures(parts[key], reach=reach)])
        rows.append([unit_label, _("All"), *_measures(flat(unit), reach=reach)])
        total = len(rows) - 1
        # The caregivers of the intervention types may overlap (talks and a group): protected as if
        # they added up, the reading that gives the most away.
        lines += sum_lines(total, range(first, total), persons)
    return Table(
        table_id,
        caption,
        [_("District"), heading, *_measure_columns()],
        rows,
        person_columns=frozenset(persons),
        lines=lines,
        derived_columns=derived,
    )


def outcome_report_tables(content: dict) -> list[Table]:
    """The outcome tables of a report, from its stored content alone; [] for a report compiled before
    outcomes were part of it."""
    if "outcomes" not in content:
        return []
    units = _units(content)
    return [
        _summary(units),
        _breakdown(
            units,
            "outcomes_by_role",
            _("Outcomes by consultant role"),
            _("Role"),
            "by_role",
            {k: str(v) for k, v in ReportRole.choices},
            reach=False,
        ),
        _breakdown(
            units,
            "outcomes_by_type",
            _("Outcomes by intervention type"),
            _("Intervention type"),
            "by_type",
            # By name; a report compiled before the names were kept apart has them in its parts.
            dict(sorted(content["outcomes"].get("type_names", {}).items(), key=lambda kv: kv[1])),
            reach=True,
        ),
    ]
