"""Tables as shown: the rows of a dashboard's or a report's section, with what publication needs.

One ``Table`` serves a page's accessible table, the bar chart drawn from it, its CSV and its sheet in
a report's files, so a download holds what the page shows. The apps that define figures build their
tables from these; the engine keeps them at the bottom so none of them imports another for it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

Cell = tuple[int, int]  # (row, column) of a table


@dataclass(frozen=True)
class Line:
    """Cells published with their sum: ``total`` equals the sum of ``parts``.

    Cells of one table are (row, column); a line across tables names its cells (table id, row,
    column). Publication keeps a hidden cell from being worked out through its lines (see
    ``publication``).
    """

    total: tuple
    parts: tuple[tuple, ...]

    @property
    def cells(self) -> tuple[tuple, ...]:
        return (self.total, *self.parts)


def sum_lines(total_row: int, part_rows, columns) -> list[Line]:
    """For each column, the line saying the row ``total_row`` is the sum of ``part_rows``."""
    return [Line((total_row, c), tuple((r, c) for r in part_rows)) for c in columns]


def scope_lines(row_keys: list[tuple[bool, object]], columns) -> list[Line]:
    """For each key and column, the districts' rows of that key with the scope's row as their total.

    A caregiver met in two districts counts once in the scope, so unique counts of the districts add
    up to at least the scope's; publication protects them as if they added up exactly, the reading
    that gives the most away. ``row_keys`` says, for each row, whether it is the scope's, and its key.
    """
    totals: dict[object, int] = {}
    parts: dict[object, list[int]] = {}
    for r, (is_scope, key) in enumerate(row_keys):
        if is_scope:
            totals[key] = r
        else:
            parts.setdefault(key, []).append(r)
    return [line for key, total in totals.items() for line in sum_lines(total, parts.get(key, ()), columns)]


def pair_columns(*names) -> list[str]:
    """Each column name, then the same for the previous period: the report's tables set them side by side."""
    previous = _("previous period")
    return [column for name in names for column in (str(name), f"{name}, {previous}")]


def scope_label(content: dict) -> str:
    """What a report's scope is called: the whole city, a network, or chosen districts."""
    scope = content["scope"]
    if scope.get("kind") == "city":
        return str(_("The whole city"))
    if scope.get("kind") == "network":
        return _("Network %(name)s") % {"name": scope.get("name", "")}
    return str(_("Chosen districts"))


def scope_total_label(content: dict) -> str:
    """The label of a report table's last row, the scope as one."""
    return _("Total: %(scope)s") % {"scope": scope_label(content)}


@dataclass
class Table:
    id: str
    caption: str
    columns: list
    rows: list[list] = field(default_factory=list)
    chart_column: int | None = None  # the value column drawn as bars
    # For publication (``publication.suppress_for_publication``); internal views ignore these.
    # Columns whose numbers count persons (caregivers, consultants, representatives), as opposed to
    # occasions (contacts, minutes, talks, meetings, attendance at meetings, referrals), which are
    # published as they are: an occasion count says nothing about how few persons are behind it.
    person_columns: frozenset[int] = frozenset()
    # Groups of person-count cells published together with their sum.
    lines: list[Line] = field(default_factory=list)
    # Columns worked out from others of the same row (a share of two counts): hidden with any of them.
    derived_columns: dict[int, tuple[int, ...]] = field(default_factory=dict)
    # Single cells counting persons, in a table whose rows are different figures (the headline).
    person_cells: frozenset[Cell] = frozenset()
    note: str = ""  # said under the table, e.g. what a publication mark means

    @property
    def charted_rows(self) -> list[tuple[list, float | None]]:
        """Each row with its bar's length (share of the largest value, in percent), if charted."""
        if self.chart_column is None:
            return [(row, None) for row in self.rows]
        top = max((row[self.chart_column] for row in self.rows), default=0) or 1
        return [(row, round(100 * row[self.chart_column] / top, 1)) for row in self.rows]
