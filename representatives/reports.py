"""The register's part of the follow-up report: its content (JSON) and its tables, built from that alone."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from districts.models import TargetGroup
from figures.tables import Line, Table

from .selectors import DUE_WITHIN_DAYS, SCOPE, SOURCE_REFERENCE, SOURCE_REGISTER, representative_figures

if TYPE_CHECKING:
    from figures.periods import Period

# The key of this part in the report's content; reports compiled before it lack it.
CONTENT_KEY = "representative_register"
COUNTS_TABLE = "representatives"
TRAININGS_TABLE = "representative_trainings"


def representatives_report_content(*, period: Period, codes: dict[int, str], on: datetime.date) -> dict:
    """Each district's representatives by target group on ``on`` (the register's, or the 2018
    reference where a district keeps none), refreshers due and overdue, and the trainings held in
    the period; the districts together under "scope". JSON-ready."""
    figures = representative_figures(district_ids=list(codes), on=on, period=period, with_scope=True)
    return {
        "on": on.isoformat(),
        "due_within_days": DUE_WITHIN_DAYS,
        "districts": {code: figures[pk] for pk, code in codes.items()},
        "scope": figures[SCOPE],
    }


def representative_counts_by_district(part: dict) -> dict[str, dict[str, int | None]]:
    """The counts by district and target group, as the report's "representatives" key holds them."""
    return {code: dict(f["by_target_group"]) for code, f in part["districts"].items()}


def _source_label(source: str) -> str:
    return {SOURCE_REGISTER: _("Register"), SOURCE_REFERENCE: _("2018 reference")}.get(source, "–")


def _value(count: int | None) -> int | str:
    return "–" if count is None else count


def _counts_table(content: dict, part: dict, total_label: str) -> Table:
    """Representatives by district and target group, each district's total, and the scope's."""
    labels = dict(TargetGroup.choices)
    all_groups = _("All target groups")
    rows: list[list] = []
    lines: list[Line] = []
    group_rows: dict[str, list[int]] = {}
    district_totals: list[int] = []
    for d in content["districts"]:
        f = part["districts"][d["code"]]
        source = _source_label(f["source"])
        parts = []
        for group, count in f["by_target_group"].items():
            group_rows.setdefault(group, []).append(len(rows))
            parts.append(len(rows))
            rows.append([d["name"], str(labels.get(group, group)), _value(count), source])
        total = f["total"] if f["source"] == SOURCE_REGISTER or f["by_target_group"] else None
        lines.append(Line((len(rows), 2), tuple((r, 2) for r in parts)))
        district_totals.append(len(rows))
        rows.append([d["name"], all_groups, _value(total), source])
    scope = part["scope"]
    scope_parts = []
    for group, count in scope["by_target_group"].items():
        lines.append(Line((len(rows), 2), tuple((r, 2) for r in group_rows.get(group, ()))))
        scope_parts.append(len(rows))
        rows.append([total_label, str(labels.get(group, group)), _value(count), _source_label(scope["source"])])
    lines.append(Line((len(rows), 2), tuple((r, 2) for r in scope_parts)))
    lines.append(Line((len(rows), 2), tuple((r, 2) for r in district_totals)))
    rows.append([total_label, all_groups, _value(scope["total"]), _source_label(scope["source"])])
    return Table(
        COUNTS_TABLE,
        _("Caregiver representatives by target group (active on %(day)s)") % {"day": part["on"]},
        [_("District"), _("Target group"), _("Caregiver representatives"), _("Source")],
        rows,
        person_columns=frozenset({2}),
        lines=lines,
    )


def _trainings_table(content: dict, part: dict, total_label: str) -> Table:
    """Trainings held (occasions) and the representatives trained, due and overdue (persons)."""
    units = [(d["name"], part["districts"][d["code"]]) for d in content["districts"]]
    any_register = any(f["source"] == SOURCE_REGISTER for _label, f in units)
    rows = []
    for label, f in [*units, (total_label, part["scope"])]:
        # Refreshers are the register's: a district without one has none to be due (a dash).
        register = f["source"] == SOURCE_REGISTER or (f is part["scope"] and any_register)
        rows.append(
            [
                label,
                f["trainings"],
                f["refresher_trainings"],
                f["trained"],
                f["participants"],
                f["due"] if register else "–",
                f["overdue"] if register else "–",
            ]
        )
    persons = (3, 4, 5, 6)
    scope_row = len(rows) - 1
    # A network's training is every member district's: the districts' participants add up to at
    # least the scope's. Protected as if they added up exactly, the reading that gives most away.
    lines = [Line((scope_row, c), tuple((r, c) for r in range(scope_row))) for c in persons]
    return Table(
        TRAININGS_TABLE,
        _("Trainings of caregiver representatives and refreshers (due within %(days)d days of %(day)s)")
        % {"days": part["due_within_days"], "day": part["on"]},
        [
            _("District"),
            _("Trainings held"),
            _("Of which refreshers"),
            _("Representatives trained"),
            _("Participants"),
            _("Refreshers due"),
            _("Refreshers overdue"),
        ],
        rows,
        person_columns=frozenset(persons),
        lines=lines,
    )


def representatives_report_tables(content: dict, total_label: str) -> list[Table]:
    """The register's tables of a report; none for a report compiled before the register existed."""
    part = content.get(CONTENT_KEY)
    if not part:
        return []
    return [_counts_table(content, part, total_label), _trainings_table(content, part, total_label)]


def representatives_report_links(tables: Sequence[Table], consultants_table: str, column: int) -> list[Line]:
    """Each unit's total of representatives stands in the consultants table too: published as one
    number (a line with one part), so that suppression hides both or neither."""
    by_id = {t.id: t for t in tables}
    if COUNTS_TABLE not in by_id or consultants_table not in by_id:
        return []
    # A unit's total is its last row (found by position: the labels are in the language of the moment).
    totals = {row[0]: r for r, row in enumerate(by_id[COUNTS_TABLE].rows)}
    return [
        Line((consultants_table, r, column), ((COUNTS_TABLE, totals[row[0]], 2),))
        for r, row in enumerate(by_id[consultants_table].rows)
        if row[0] in totals
    ]
