"""The follow-up report: its numbers (``report_content``, a read) and its tables (``report_tables``).

The content is compiled from the same selectors as the dashboards (``district_figures`` and the
other registered sections), so a report never defines a figure twice. It is plain JSON,
stored with the report as its snapshot; the tables are built from that snapshot alone, so a report
reopened later shows the numbers it was compiled with.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence

from django.utils import timezone
from django.utils.translation import gettext as _

from approvals.reports import approval_tables, report_approvals
from caregivers.models import AgeBand, Condition, Gender, Relation
from collaboration.reports import collaboration_report_content, collaboration_report_tables
from consultants.selectors import description_coverage, fte_by_district
from districts.models import District, TargetGroup
from districts.selectors import budget_by_district
from figures.definitions import SCOPE, ReportRole
from figures.periods import Period
from figures.read_snapshot import Snapshot, read_snapshot
from figures.tables import Line, Table, pair_columns, scope_lines, scope_total_label
from goals.reports import goals_report_content, goals_report_tables
from interventions.models import Channel, GroupKind, ReferralDestination
from interventions.selectors import components_offered, coverage_matrix
from outcomes.reports import outcome_report_content, outcome_report_tables
from representatives.reports import CONTENT_KEY as REPRESENTATIVES_KEY
from representatives.reports import (
    representative_counts_by_district,
    representatives_report_content,
    representatives_report_links,
    representatives_report_tables,
)

from .report_parts import report_parts
from .selectors import (
    DEFINITIONS_VERSION,
    HEADLINE_FIGURES,
    Delivery,
    delivered_occasions,
    delivery_mark,
    district_figures,
    empty_figures,
    figure_at,
)
from .tables import HEADLINE_LABELS, PERSON_FIGURES

Progress = Callable[[int], None]


def _period_json(period: Period) -> dict:
    return {"kind": period.kind, "start": period.start.isoformat(), "end": period.end.isoformat()}


def period_from_json(data: dict) -> Period:
    return Period(data["kind"], datetime.date.fromisoformat(data["start"]), datetime.date.fromisoformat(data["end"]))


def _figures_by_district(*, period: Period, district_ids: list[int], target_groups: Sequence[str]) -> dict[int, dict]:
    """Each district's figures, from the rows of the report's snapshot (one pass, grouped by district)."""
    return district_figures(period=period, target_group=list(target_groups) or None, district_ids=district_ids)


def _scope_figures(*, period: Period, district_ids: list[int], target_groups: Sequence[str]) -> dict:
    """The scope as one: a caregiver met in two of its districts counts once."""
    figures = district_figures(
        period=period, target_group=list(target_groups) or None, district_ids=district_ids, combined=True
    )
    return figures.get(SCOPE) or empty_figures()


def _consultants(*, codes: dict[int, str], on: datetime.date, period: Period) -> dict:
    """Consultants of the scope on ``on`` (a consultant serving three of its districts counts once in
    the total), and the FTE of the period, as its staffing was (``fte_by_district``)."""
    district_ids = list(codes)
    coverage = description_coverage(on=on, district_ids=district_ids)
    ftes = fte_by_district(start=period.start, end=period.end, district_ids=district_ids)
    by_district = {
        codes[d]: {"consultants": coverage[d][1], "documented": coverage[d][0], "fte": ftes.get(d, 0)}
        for d in district_ids
    }
    return {
        "unique": coverage[None][1],
        "district_rows": sum(row["consultants"] for row in by_district.values()),
        "documented": coverage[None][0],
        "fte": sum(ftes.get(d, 0) for d in district_ids),
        "by_district": by_district,
    }


def report_content(
    *,
    period: Period,
    district_ids: Sequence[int],
    target_groups: Sequence[str] = (),
    scope: dict | None = None,
    progress: Progress = lambda percent: None,
) -> dict:
    """Every number of a follow-up report for the period and the districts, with the previous period.

    Every figure is read in one read-only snapshot (``read_snapshot``), whose moment is the report's
    ``compiled_at``: the scope's totals are the sums of its districts' and the report is true to that
    moment, however many consultants log meanwhile. Aggregates only, no personal data; JSON-ready.
    ``scope`` describes the scope for the title (kind and, for a network, its name). ``progress`` is
    told the share done, in percent.
    """
    with read_snapshot() as snapshot:
        return _report_content(
            period=period,
            district_ids=sorted(district_ids),
            target_groups=target_groups,
            scope=scope,
            progress=progress,
            snapshot=snapshot,
        )


def _report_content(
    *,
    period: Period,
    district_ids: list[int],
    target_groups: Sequence[str],
    scope: dict | None,
    progress: Progress,
    snapshot: Snapshot,
) -> dict:
    today = timezone.localdate(snapshot.as_of)
    districts = list(
        District.objects.filter(pk__in=district_ids).order_by("name").values("pk", "code", "name", "inhabitants")
    )
    budgets = budget_by_district(start=period.start, end=period.end, district_ids=district_ids)
    for d in districts:  # the period's budget, as it was
        d["budget_sek_per_year"] = budgets.get(d["pk"])
    progress(5)  # the snapshot is open
    previous = period.previous()
    figures, previous_figures = {}, {}
    steps = ((figures, period), (previous_figures, previous))
    for done, (into, when) in enumerate(steps):
        by_district = _figures_by_district(period=when, district_ids=district_ids, target_groups=target_groups)
        into["districts"] = {d["code"]: by_district.get(d["pk"]) or empty_figures() for d in districts}
        progress(10 + 10 * done)
    for done, (into, when) in enumerate(steps):
        into["scope"] = _scope_figures(period=when, district_ids=district_ids, target_groups=target_groups)
        progress(50 + 35 * done)

    components, cells = coverage_matrix(district_ids)
    codes = {d["pk"]: d["code"] for d in districts}
    # The register's counts, or the 2018 reference where a district keeps no register yet.
    register = representatives_report_content(period=period, codes=codes, on=min(period.end, today))
    progress(95)
    return {
        "definitions_version": DEFINITIONS_VERSION,
        "compiled_at": snapshot.as_of.isoformat(),
        "snapshot": snapshot.transactions,
        "period": _period_json(period),
        "previous_period": _period_json(previous),
        "scope": scope or {"kind": "districts"},
        "target_groups": list(target_groups),
        "districts": [{k: d[k] for k in ("code", "name", "budget_sek_per_year", "inhabitants")} for d in districts],
        "figures": figures,
        "previous": previous_figures,
        "consultants": _consultants(codes=codes, on=min(period.end, today), period=period),
        "coverage": {
            "components": [c.name for c in components],
            "codes": [c.code for c in components],
            "districts": {codes[pk]: row for pk, row in cells.items()},
        },
        "interventions": [{"code": c.code, "name": c.name} for c in components],
        "approvals": report_approvals(period=period, district_ids=district_ids),
        "outcomes": outcome_report_content(period=period, districts=districts),
        "goals": goals_report_content(
            period=period, district_ids=district_ids, city=(scope or {}).get("kind") == "city"
        ),
        "representatives": representative_counts_by_district(register),
        REPRESENTATIVES_KEY: register,
        "collaboration": collaboration_report_content(period=period, previous=previous, districts=districts),
        # The parts of the apps above (the benchmark), each under its key; an empty part is left out.
        **{
            key: part
            for key, (part_content, _tables) in report_parts().items()
            if (part := part_content(period=period, scope=scope or {}, district_ids=district_ids))
        },
    }


# --- Tables ----------------------------------------------------------------------------------------


def _units(content: dict) -> list[tuple[str, dict, dict]]:
    """(label, figures, previous figures) for each district, then the whole scope."""
    units = [
        (d["name"], content["figures"]["districts"][d["code"]], content["previous"]["districts"][d["code"]])
        for d in content["districts"]
    ]
    total = scope_total_label(content)
    return [*units, (total, content["figures"]["scope"], content["previous"]["scope"])]


def _ordered_keys(labels: dict, *counts: dict) -> list[str]:
    seen = {k for c in counts for k in c}
    return [k for k in labels if k in seen] + sorted(k for k in seen if k not in labels)


def _figure_table(content: dict, table_id: str, caption, names: tuple[str, ...]) -> Table:
    """Headline figures (the dashboards' own, with their labels) per unit, each with the previous period."""
    paths = dict(HEADLINE_FIGURES)
    units = _units(content)
    rows = [
        [label, *(v for n in names for v in (figure_at(now, paths[n]), figure_at(before, paths[n])))]
        for label, now, before in units
    ]
    persons = frozenset(1 + 2 * i + d for i, n in enumerate(names) if n in PERSON_FIGURES for d in (0, 1))
    lines = scope_lines([(r == len(units) - 1, None) for r in range(len(units))], sorted(persons))
    columns = [_("District"), *pair_columns(*(HEADLINE_LABELS[n] for n in names))]
    return Table(table_id, caption, columns, rows, person_columns=persons, lines=lines)


def _role_channel(content: dict) -> Table:
    """Report 003's table: contact occasions by role and channel, with totals, for each unit.

    Occasions only, no person counts: published as it is."""
    channels = list(Channel.choices)
    roles = dict(ReportRole.choices)
    rows = []
    for label, now, before in _units(content):
        table_now, table_before = now["role_channel"], before["role_channel"]
        for role in _ordered_keys(roles, table_now, table_before):
            cells_now, cells_before = table_now.get(role, {}), table_before.get(role, {})
            row = [label, roles.get(role, role)]
            for channel, _channel_label in channels:
                row += [cells_now.get(channel, 0), cells_before.get(channel, 0)]
            rows.append([*row, sum(cells_now.values()), sum(cells_before.values())])
        total = [label, _("All roles")]
        for channel, _channel_label in channels:
            total += [
                sum(c.get(channel, 0) for c in table_now.values()),
                sum(c.get(channel, 0) for c in table_before.values()),
            ]
        rows.append([*total, now["contacts"], before["contacts"]])
    columns = [_("District"), _("Role"), *pair_columns(*(label for _c, label in channels), _("All channels"))]
    return Table("role_channel", _("Contact occasions by role and channel"), columns, rows)


def _breakdown_rows(content, path, labels, pairs) -> list[tuple[bool, str, list]]:
    """(is the scope's, key, row) for each unit and key of the breakdown at ``path``."""
    units = _units(content)
    rows = []
    for u, (label, now, before) in enumerate(units):
        counts_now, counts_before = figure_at(now, path), figure_at(before, path)
        for key in _ordered_keys(labels, counts_now, counts_before):
            a, b = counts_now.get(key), counts_before.get(key)
            if pairs:
                a, b = a or {"contacts": 0, "caregivers": 0}, b or {"contacts": 0, "caregivers": 0}
                values = [a["contacts"], b["contacts"], a["caregivers"], b["caregivers"]]
            else:
                values = [a or 0, b or 0]
            rows.append((u == len(units) - 1, key, [label, str(labels.get(key, key)), *values]))
    return rows


def _breakdown(content, table_id, caption, heading, path, labels, pairs=True, persons=True) -> Table:
    """One row per unit and key; occasions and unique caregivers (``pairs``) or a count, each with the previous.

    ``persons``: whether the count (without ``pairs``) counts persons."""
    found = _breakdown_rows(content, path, labels, pairs)
    person_columns = frozenset({4, 5} if pairs else {2, 3} if persons else ())
    names = (_("Contact occasions"), _("Caregivers reached (unique)")) if pairs else (_("Number"),)
    return Table(
        table_id,
        caption,
        [_("District"), heading, *pair_columns(*names)],
        [row for _scope, _key, row in found],
        person_columns=person_columns,
        lines=scope_lines([(scope, key) for scope, key, _row in found], sorted(person_columns)),
    )


def _caregivers(content: dict) -> Table:
    dimensions = (
        ("gender", _("Gender"), dict(Gender.choices)),
        ("age_band", _("Age band"), dict(AgeBand.choices)),
        ("relation", _("Relation"), dict(Relation.choices)),
        ("condition", _("Condition"), dict(Condition.choices)),
    )
    rows, row_keys = [], []
    for dimension, heading, labels in dimensions:
        for scope, key, row in _breakdown_rows(content, ("caregivers_by", dimension), labels, pairs=False):
            rows.append([row[0], str(heading), *row[1:]])
            row_keys.append((scope, (dimension, key)))
    columns = [_("District"), _("Breakdown"), _("Value"), *pair_columns(_("Caregivers reached (unique)"))]
    # The values of a dimension would add up to the caregivers reached (of the summary table) only
    # where every caregiver has exactly one; the table itself holds no total of them.
    return Table(
        "caregivers",
        _("Caregivers by gender, age band, relation and condition"),
        columns,
        rows,
        person_columns=frozenset({3, 4}),
        lines=scope_lines(row_keys, (3, 4)),
    )


def _groups(content: dict) -> Table:
    kinds = dict(GroupKind.choices)
    rows = []
    for label, now, before in _units(content):
        by_now, by_before = now["groups"]["by_kind"], before["groups"]["by_kind"]
        for kind in _ordered_keys(kinds, by_now, by_before):
            a = by_now.get(kind) or {"groups": 0, "meetings": 0, "attendance": 0}
            b = by_before.get(kind) or {"groups": 0, "meetings": 0, "attendance": 0}
            rows.append(
                [
                    label,
                    str(kinds.get(kind, kind)),
                    *(v for k in ("groups", "meetings", "attendance") for v in (a[k], b[k])),
                    "",
                    "",
                ]
            )
        rows.append(
            [
                label,
                _("Circles at their maximum"),
                "",
                "",
                "",
                "",
                "",
                "",
                now["groups"]["circles_at_max"],
                before["groups"]["circles_at_max"],
            ]
        )
    columns = [_("District"), _("Kind"), *pair_columns(_("Groups"), _("Meetings"), _("Attendance"), _("Number"))]
    # Groups, meetings, attendance (one per caregiver and meeting) and circles: no person counts.
    return Table("groups", _("Groups, circles, meetings and attendance"), columns, rows)


def _delivery(content: dict) -> list[Table]:
    """The base level's delivery: occasions and unique caregivers by intervention type per unit (in
    reports compiled with it, definitions 3 on)."""
    if "interventions" not in content:
        return []
    labels = {i["code"]: i["name"] for i in content["interventions"]}
    return [
        _breakdown(
            content,
            "intervention",
            _("Delivery of the base level"),
            _("Intervention"),
            ("by_intervention",),
            labels,
        )
    ]


def _coverage(content: dict) -> Table:
    """Components offered per district; in reports that carry the delivery (definitions 3 on), each
    cell marks a component offered but not delivered in the period, or delivered but not declared."""
    components = content["coverage"]["components"]
    codes = content["coverage"].get("codes")
    marks = {(True, True): _("Under 65 and 65+"), (True, False): _("Under 65"), (False, True): _("65+")}
    rows = []
    for d in content["districts"]:
        cells = content["coverage"]["districts"][d["code"]]
        offered = components_offered(cells)
        texts = [str(marks.get((c["under_65"], c["over_65"]), "–")) for c in cells]
        if codes is not None:
            figures = content["figures"]["districts"][d["code"]]
            for i, (code, cell) in enumerate(zip(codes, cells, strict=True)):
                occasions = delivered_occasions(figures, code)
                mark = delivery_mark(offered=cell["under_65"] or cell["over_65"], occasions=occasions)
                if mark:
                    texts[i] = f"{texts[i]} ({Delivery(mark).label})"
        rows.append([d["name"], offered, *texts])
    columns = [_("District"), _("Components offered (of %(n)d)") % {"n": len(components)}, *components]
    return Table("coverage", _("The base level: components offered"), columns, rows)


# The consultants table's column of caregiver representatives (the register's part links to it).
CONSULTANTS_REPRESENTATIVES_COLUMN = 6


def _consultants_table(content: dict) -> Table:
    consultants = content["consultants"]
    representatives = content["representatives"]

    def share(documented: int, total: int) -> float | str:
        return round(100 * documented / total, 1) if total else "–"

    def known_sum(values) -> int | str:
        known = [v for v in values if v is not None]
        return sum(known) if known else "–"

    rows = []
    for d in content["districts"]:
        c = consultants["by_district"][d["code"]]
        rows.append(
            [
                d["name"],
                c["consultants"],
                c["consultants"],
                c["fte"],
                c["documented"],
                share(c["documented"], c["consultants"]),
                known_sum(representatives[d["code"]].values()),
                d["budget_sek_per_year"] if d["budget_sek_per_year"] is not None else "–",
            ]
        )
    budgets = [d["budget_sek_per_year"] for d in content["districts"]]
    rows.append(
        [
            scope_total_label(content),
            consultants["unique"],
            consultants["district_rows"],
            consultants["fte"],
            consultants["documented"],
            share(consultants["documented"], consultants["unique"]),
            known_sum(v for r in representatives.values() for v in r.values()),
            known_sum(budgets),
        ]
    )
    columns = [
        _("District"),
        _("Consultants (unique)"),
        _("Consultant-district rows"),
        _("FTE"),
        _("With a current assignment description"),
        _("Share documented (%)"),
        _("Caregiver representatives"),
        _("Budget (SEK per year)"),
    ]
    # Consultants and caregiver representatives are persons; FTE and budgets are not counts of them.
    # A district's consultant-district rows are its consultants: that line hides both together.
    persons = (1, 2, 4, 6)
    row_keys = [(r == len(rows) - 1, None) for r in range(len(rows))]
    same = [Line((r, 2), ((r, 1),)) for r in range(len(rows) - 1)]
    return Table(
        "consultants",
        _("Consultants, representatives and budgets"),
        columns,
        rows,
        person_columns=frozenset(persons),
        lines=[*scope_lines(row_keys, persons), *same],
        derived_columns={5: (1, 4)},  # the share documented, of consultants and those documented
    )


def report_links(tables: list[Table]) -> list[Line]:
    """Sums across the report's tables, for publication: each of a unit's breakdowns of caregivers
    (gender, age band, relation, condition: one value per caregiver) adds up to its caregivers
    reached in the summary, and its caregivers by talks used to its caregivers in guidance talks.
    Cells are (table id, row, column); rows are matched by the unit's label, the first cell."""
    by_id = {t.id: t for t in tables}
    links = []
    for part_id, total_id, part_columns, total_columns, group in (
        ("caregivers", "summary", (3, 4), (3, 4), lambda row: (row[0], row[1])),
        ("talks_used", "talks", (2, 3), (3, 4), lambda row: (row[0],)),
    ):
        parts, totals = by_id[part_id], by_id[total_id]
        unit_rows = {row[0]: r for r, row in enumerate(totals.rows)}
        groups: dict[tuple, list[int]] = {}
        for r, row in enumerate(parts.rows):
            groups.setdefault(group(row), []).append(r)
        for key, rows in groups.items():
            for part_column, total_column in zip(part_columns, total_columns, strict=True):
                links.append(
                    Line(
                        (total_id, unit_rows[key[0]], total_column),
                        tuple((part_id, r, part_column) for r in rows),
                    )
                )
    return [*links, *representatives_report_links(tables, "consultants", CONSULTANTS_REPRESENTATIVES_COLUMN)]


def report_tables(content: dict) -> list[Table]:
    """The report's sections as tables, from its stored content alone (no reads)."""
    return [
        _figure_table(
            content,
            "summary",
            _("Summary"),
            ("contacts", "caregivers", "anonymous", "minutes", "talks", "meetings", "attendance"),
        ),
        _role_channel(content),
        *_delivery(content),
        _breakdown(
            content,
            "target_group",
            _("By target group"),
            _("Target group"),
            ("by_target_group",),
            dict(TargetGroup.choices),
        ),
        _caregivers(content),
        _figure_table(
            content,
            "talks",
            _("Guidance talks and the talk cap"),
            ("talks", "talk_caregivers", "at_cap", "referrals_after_cap"),
        ),
        _breakdown(
            content,
            "talks_used",
            _("Caregivers by guidance talks used"),
            _("Talks used"),
            ("talks", "used"),
            {},
            pairs=False,
        ),
        _breakdown(
            content,
            "referrals",
            _("Referrals by destination"),
            _("Destination"),
            ("referrals",),
            dict(ReferralDestination.choices),
            pairs=False,
            persons=False,  # referrals made, not persons referred
        ),
        _groups(content),
        _coverage(content),
        _consultants_table(content),
        *approval_tables(content),
        *outcome_report_tables(content),
        *goals_report_tables(content),
        *representatives_report_tables(content, scope_total_label(content)),
        *collaboration_report_tables(content),
        *(table for key, (_content, tables) in report_parts().items() if key in content for table in tables(content)),
    ]
