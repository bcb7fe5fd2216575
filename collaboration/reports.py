"""Collaboration's part of the follow-up report: its numbers (JSON) and its tables.

``collaboration_report_content`` is called from ``followup.reports.report_content`` under the key
"collaboration"; ``collaboration_report_tables`` from ``report_tables``. The figures are the
dashboards' (``collaboration_figures``): each district's, and the scope's as one, where a network's
activity counts once.
"""

from __future__ import annotations

from collections.abc import Callable

from django.utils.translation import gettext as _

from figures.periods import Period
from figures.tables import Table, pair_columns, scope_lines, scope_total_label, sum_lines

from .models import ActivityKind, OutreachKind, ParticipantKind, PartnerKind
from .selectors import collaboration_scope_figures, empty_collaboration_figures


def collaboration_report_content(*, period: Period, previous: Period, districts: list[dict]) -> dict:
    """Per district (by code) and for the scope as one, the period's and the previous period's figures."""
    ids = [d["pk"] for d in districts]
    content: dict = {"districts": {}, "scope": {}}
    both = collaboration_scope_figures(periods=[period, previous], district_ids=ids)  # five queries
    for key, (by_district, scope) in zip(("figures", "previous"), both, strict=True):
        for d in districts:
            content["districts"].setdefault(d["code"], {})[key] = by_district[d["pk"]]
        content["scope"][key] = scope
    return content


def _units(content: dict) -> list[tuple[str, dict, dict]]:
    """(label, figures, previous figures) of each district, then of the scope as one."""
    part = content["collaboration"]
    units = []
    for d in content["districts"]:
        figures = part["districts"].get(d["code"]) or {}
        units.append(
            (
                d["name"],
                figures.get("figures") or empty_collaboration_figures(),
                figures.get("previous") or empty_collaboration_figures(),
            )
        )
    return [*units, (scope_total_label(content), part["scope"]["figures"], part["scope"]["previous"])]


Values = Callable[[dict], dict[str, tuple[int, ...]]]


def _by_kind(
    content: dict,
    table_id: str,
    caption: str,
    heading: str,
    labels: dict,
    names: tuple[str, ...],
    by_kind: Values,
    total: Callable[[dict], tuple[int, ...]],
    persons: tuple[int, ...] = (),
) -> Table:
    """One row per unit and kind, then the unit's total over the kinds; each value with the previous.

    ``persons``: which of the values count persons. For publication, a unit's kinds add up to its
    total, and the districts' rows to the scope's: a shared activity counts once in the scope, so the
    districts add up to at least the scope's; protected as if exactly, the reading giving most away.
    """
    units = _units(content)
    all_kinds = _("All kinds")
    rows: list[list] = []
    keys: list[tuple[bool, str]] = []
    for u, (label, now, before) in enumerate(units):
        counts_now, counts_before = by_kind(now), by_kind(before)
        empty = (0,) * len(names)
        for kind in [k for k in labels if k in counts_now or k in counts_before]:
            a, b = counts_now.get(kind, empty), counts_before.get(kind, empty)
            rows.append([label, str(labels[kind]), *(v for pair in zip(a, b, strict=True) for v in pair)])
            keys.append((u == len(units) - 1, kind))
        a, b = total(now), total(before)
        rows.append([label, str(all_kinds), *(v for pair in zip(a, b, strict=True) for v in pair)])
        keys.append((u == len(units) - 1, ""))
    person_columns = sorted(2 + 2 * i + d for i in persons for d in (0, 1))
    # Within a unit: its kinds add up to its total (the row after them).
    lines, start = [], 0
    for r, (_scope, kind) in enumerate(keys):
        if kind == "":
            lines += sum_lines(r, range(start, r), person_columns)
            start = r + 1
    # Across units: the districts' rows of a kind add up to the scope's row of it.
    lines += scope_lines(keys, person_columns)
    columns = [_("District"), heading, *pair_columns(*names)]
    return Table(table_id, caption, columns, rows, person_columns=frozenset(person_columns), lines=lines)


def _case_officers(content: dict) -> Table:
    """Each district's units: new cases, those in which the customer was told, and the share."""
    rows = []
    for label, now, before in _units(content):
        a, b = now["case_officers"], before["case_officers"]
        rows.append(
            [
                label,
                a["units"],
                a["new_cases"],
                b["new_cases"],
                a["informed_cases"],
                b["informed_cases"],
                "–" if a["share"] is None else a["share"],
                "–" if b["share"] is None else b["share"],
            ]
        )
    new, told, share = _("New cases"), _("Customer told about caregiver support"), _("Share told (%)")
    columns = [_("District"), _("Case-officer units measured"), *pair_columns(new, told, share)]
    # Cases are customers (persons). A unit belongs to one district, so the districts add up exactly.
    persons = (2, 3, 4, 5)
    last = len(rows) - 1
    lines = sum_lines(last, range(last), persons)
    return Table(
        "case_officers",
        _("The case officers' part"),
        columns,
        rows,
        person_columns=frozenset(persons),
        lines=lines,
        derived_columns={6: (2, 4), 7: (3, 5)},
    )


def collaboration_report_tables(content: dict) -> list[Table]:
    """The report's collaboration tables, from its stored content alone; none in reports compiled
    before collaboration was part of them."""
    if "collaboration" not in content:
        return []
    activities = _by_kind(
        content,
        "collaboration",
        _("Collaboration activities"),
        _("Kind"),
        dict(ActivityKind.choices),
        (_("Activities"),),
        lambda f: {k: (n,) for k, n in f["activities_by_kind"].items()},
        lambda f: (f["activities"],),
    )
    participants = _by_kind(
        content,
        "collaboration_participants",
        _("Participants in collaboration activities"),
        _("Participants"),
        dict(ParticipantKind.choices),
        (_("Participants"),),
        lambda f: {k: (n,) for k, n in f["participants_by_kind"].items()},
        lambda f: (f["participants"],),
        persons=(0,),
    )
    # Partners are organisations, not persons: published as they are.
    partners = _by_kind(
        content,
        "partners",
        _("Partners involved"),
        _("Kind"),
        dict(PartnerKind.choices),
        (_("Partners"),),
        lambda f: {k: (n,) for k, n in f["partners_by_kind"].items()},
        lambda f: (f["partners"],),
    )
    outreach = _by_kind(
        content,
        "outreach",
        _("Outreach and information"),
        _("Kind"),
        dict(OutreachKind.choices),
        (_("Activities"), _("People reached (where known)"), _("Activities with unknown reach")),
        lambda f: {k: (v["activities"], v["reach"], v["unknown_reach"]) for k, v in f["outreach_by_kind"].items()},
        lambda f: (f["outreach"], f["reach"], f["unknown_reach"]),
        persons=(1,),
    )
    return [activities, participants, partners, outreach, _case_officers(content)]
