"""The benchmark as tables: from its JSON-ready content alone, for the page, the CSV and the report.

``benchmark_content`` turns the rows into plain JSON (a compiled report stores it as its snapshot);
``benchmark_tables`` builds the shown tables from that JSON without reading anything.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from figures.tables import Table
from followup.publication import MARK, NOTE

from .indicators import BY_ID, INDICATORS
from .selectors import Basis, BenchmarkRow, benchmark_medians

NOT_SHARED = "ej på gemensamma definitioner"  # the mark report 003's readers know, in every language


def _row_json(row: BenchmarkRow) -> dict:
    return {
        "code": row.code,
        "name": row.name,
        "basis": row.basis,
        "own": row.own,
        "published": row.published,
        "definitions_version": row.definitions_version,
        "inhabitants": row.base.get("inhabitants"),
        "values": row.values,
        "as_published": row.as_published,
    }


def benchmark_content(*, year: int, shared: list[BenchmarkRow], published: list[BenchmarkRow]) -> dict:
    """The benchmark's rows as plain JSON: what the page, the CSV, the export and a report show."""
    return {
        "year": year,
        "indicators": [indicator.id for indicator in INDICATORS],
        "shared": [_row_json(row) for row in shared],
        "medians": benchmark_medians(shared),
        "published": [_row_json(row) for row in published],
    }


def _shown(value):
    return "–" if value is None else value


def _basis_label(row: dict) -> str:
    if row["basis"] == Basis.PUBLISHED:
        return _("Self-reported, %(mark)s") % {"mark": NOT_SHARED}
    return _("Shared definitions, version %(version)s") % {"version": row["definitions_version"]}


def _publication_label(row: dict) -> str:
    if row["basis"] == Basis.PUBLISHED:
        return _("published by the municipality")
    if row["published"]:
        return _("published")
    return _("not published (only you see it)") if row["own"] else ""


def benchmark_tables(content: dict) -> list[Table]:
    """Two tables: the municipalities side by side on the indicators (the shared definitions first,
    their median, then the self-reported figures of others in rows of their own), and report 003's
    table as the municipalities published it."""
    ids = content["indicators"]
    indicators = [BY_ID[i] for i in ids if i in BY_ID]
    columns = [
        _("Municipality"),
        _("Municipality code"),
        _("Basis"),
        _("Publication"),
        _("Inhabitants"),
        *[f"{indicator.title} ({indicator.id})" for indicator in indicators],
    ]
    rows = []
    for row in content["shared"]:
        rows.append(
            [row["name"], row["code"], _basis_label(row), _publication_label(row), _shown(row["inhabitants"]),
             *[_shown(row["values"].get(i.id)) for i in indicators]]
        )  # fmt: skip
    if content["shared"]:
        rows.append(
            [
                _("Median, shared definitions"),
                "",
                "",
                "",
                "",
                *[_shown(content["medians"].get(i.id)) for i in indicators],
            ]
        )
    for row in content["published"]:
        rows.append(
            [row["name"], row["code"], _basis_label(row), _publication_label(row), _shown(row["inhabitants"]),
             *[_shown(row["values"].get(i.id)) for i in indicators]]
        )  # fmt: skip
    hidden = any(MARK in r for r in rows)
    # For a report's publication variant: unique caregivers count persons, and the figures per
    # inhabitant, post and SEK are made of them (others' rows come suppressed already).
    first = 5
    column = {indicator.id: first + i for i, indicator in enumerate(indicators)}
    persons = column.get("ANH002")
    side_by_side = Table(
        id="benchmark",
        caption=_("Municipalities side by side, %(year)s") % {"year": content["year"]},
        columns=columns,
        rows=rows,
        note=str(NOTE) if hidden else "",
        person_columns=frozenset({persons} if persons is not None else ()),
        derived_columns={
            column[i]: (persons,) for i in ("ANH004", "ANH006", "ANH008") if i in column and persons is not None
        },
    )
    as_published = Table(
        id="published",
        caption=_("As the municipalities published it themselves (%(mark)s), %(year)s")
        % {"mark": NOT_SHARED, "year": content["year"]},
        columns=[
            _("Municipality"),
            _("Municipality code"),
            _("Inhabitants"),
            _("Staff"),
            _("Reach"),
            _("Cost, as published"),
            _("Cost (SEK per year)"),
            _("Source"),
        ],
        rows=[
            [
                row["name"],
                row["code"],
                _shown(p["inhabitants"]),
                p["staff"] or "–",
                p["reach"] or "–",
                p.get("cost") or "–",
                _shown(p["cost_sek"]),
                p["source"],
            ]
            for row in content["published"]
            if (p := row["as_published"])
        ],
    )
    return [side_by_side, as_published]
