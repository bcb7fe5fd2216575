"""Tables for publication: person counts under 5 hidden, and whatever would give a hidden one away.

A report or export meant for a public committee document must not let a reader single out a
caregiver ("the one man in Farsta caring for someone with substance abuse"). Internal views show
the true counts; only the publication variants go through ``suppress_for_publication``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Hashable, Sequence
from fractions import Fraction

from django.utils.translation import gettext_lazy as _

from figures.tables import Cell, Line, Table

Key = Hashable  # a cell of one of the tables: (table id, row, column)

# The mark of a hidden cell. One mark for every hidden cell: a separate mark for the cells hidden
# only to protect others would tell the reader those are 5 or more, narrowing what the others can be.
MARK = ".."
SMALLEST_SHOWN = 5
NOTE = _(
    "“..”: hidden to protect individuals. Counts of persons from 1 to 4 are hidden, and so is at least "
    "one more number of each sum holding a hidden count, so that it cannot be worked out from the totals."
)


def _is_count(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def suppress_for_publication(table: Table) -> Table:
    """The table as published: its person counts from 1 to 4 replaced by ``MARK`` (primary
    suppression), and more cells so that no hidden count can be worked out from its lines (secondary).

    0 is shown: it tells that nobody is in the cell, which singles out no one, and hiding every zero
    would hide most of a small district's table for nothing.

    Secondary suppression, repeated until nothing changes:
    - a line (cells published with their total) holding exactly one hidden cell would give it away
      by subtraction, so the smallest other non-zero cell of the line is hidden too;
    - lines together can still give a cell away (two hidden cells in each line, but one of them the
      only link between two groups of lines): a hidden cell that the published numbers determine is
      found by linear algebra, and the smallest non-zero cell of one of its lines is hidden too (of
      the lines it is worked out through, if its own show only zeros).
    Every hidden cell is non-zero, so a cell that the equations leave free can be moved by one up or
    down along with others without going negative: at least two values stay possible. (This holds
    for two-way tables with margins, whose equations move by whole cycles; see the tests.)
    """
    return suppress_tables_for_publication([table])[0]


def suppress_tables_for_publication(tables: list[Table], links: Sequence[Line] = ()) -> list[Table]:
    """``suppress_for_publication`` over tables published together, one rule for all of them.

    ``links`` are lines across the tables, their cells ``(table id, row, column)``: a breakdown in one
    table adding up to a total in another would otherwise give a hidden count away by subtraction.
    """
    values = {
        (table.id, r, c): row[c]
        for table in tables
        for r, row in enumerate(table.rows)
        for c in table.person_columns
        if c < len(row) and _is_count(row[c])
    }
    values |= {
        (table.id, r, c): table.rows[r][c]
        for table in tables
        for r, c in table.person_cells
        if r < len(table.rows) and c < len(table.rows[r]) and _is_count(table.rows[r][c])
    }
    own = [Line((t.id, *line.total), tuple((t.id, *part) for part in line.parts)) for t in tables for line in t.lines]
    lines = [line for line in (_counted(line, values) for line in [*own, *links]) if line is not None]
    hidden = {cell for cell, value in values.items() if 0 < value < SMALLEST_SHOWN}
    while _hide_one_more(hidden, lines, values):
        pass
    return [_published(table, {(r, c) for t, r, c in hidden if t == table.id}) for table in tables]


def _published(table: Table, hidden: set[Cell]) -> Table:
    rows = [list(row) for row in table.rows]
    for r, c in hidden:
        rows[r][c] = MARK
    for r, row in enumerate(rows):
        for column, sources in table.derived_columns.items():
            if any((r, s) in hidden for s in sources) and column < len(row):
                row[column] = MARK
    # A derived cell is hidden only with a hidden count; a table that came with marks keeps its note.
    note = NOTE if hidden else table.note
    return dataclasses.replace(table, rows=rows, note=note, chart_column=None)


def _counted(line: Line, values: dict[Key, int]) -> Line | None:
    """The line among the counted cells: a part without a number (a dash: nothing known) adds nothing;
    a line whose total is not a number publishes no sum."""
    if line.total not in values:
        return None
    return Line(line.total, tuple(p for p in line.parts if p in values))


def _smallest_shown(cells, hidden: set[Key], values: dict[Key, int]) -> Key | None:
    shown = [cell for cell in cells if cell not in hidden and values[cell] != 0]
    return min(shown, key=lambda cell: (values[cell], cell), default=None)


def _hide_one_more(hidden: set[Key], lines: list[Line], values: dict[Key, int]) -> bool:
    """Hide one more cell if a hidden one can still be worked out; whether one was hidden.

    Of a line's cells the smallest goes, but one that also stands in another line holding a lone
    hidden cell goes first: hiding it protects both, and fewer true numbers are lost."""
    lone = [line for line in lines if sum(cell in hidden for cell in line.cells) == 1]
    shared: dict[Key, int] = {}
    for line in lone:
        for cell in line.cells:
            shared[cell] = shared.get(cell, 0) + 1
    for line in lone:
        shown = [cell for cell in line.cells if cell not in hidden and values[cell] != 0]
        if shown:
            hidden.add(min(shown, key=lambda cell: (-shared[cell], values[cell], cell)))
            return True
    for determined in sorted(_determined(hidden, lines)):
        # The cell's own lines first; if they show nothing but zeros, the lines it was worked out
        # through: those joined to it by hidden cells.
        for around in (_lines_of({determined}, lines), _lines_of(_linked(determined, hidden, lines), lines)):
            cell = _smallest_shown(sorted({c for line in around for c in line.cells}), hidden, values)
            if cell is not None:
                hidden.add(cell)
                return True
    return False


def _lines_of(cells: set[Key], lines: list[Line]) -> list[Line]:
    return [line for line in lines if cells.intersection(line.cells)]


def _linked(start: Key, hidden: set[Key], lines: list[Line]) -> set[Key]:
    """The hidden cells reached from ``start`` through lines holding hidden cells."""
    linked, todo = {start}, [start]
    while todo:
        for line in _lines_of({todo.pop()}, lines):
            for cell in line.cells:
                if cell in hidden and cell not in linked:
                    linked.add(cell)
                    todo.append(cell)
    return linked


def _determined(hidden: set[Key], lines: list[Line]) -> set[Key]:
    """The hidden cells whose value follows from the published numbers through the lines' sums.

    Each line is an equation in its hidden cells (total minus parts equals what the shown cells
    make). A cell is determined when its unit vector lies in the span of the equations: after
    Gauss-Jordan elimination, it is a pivot whose row has nothing in the free columns.
    """
    unknowns = sorted({cell for line in lines for cell in line.cells if cell in hidden})
    index = {cell: i for i, cell in enumerate(unknowns)}
    matrix = []
    for line in lines:
        row = [Fraction(0)] * len(unknowns)
        for sign, cell in ((1, line.total), *((-1, part) for part in line.parts)):
            if cell in index:
                row[index[cell]] += sign
        if any(row):
            matrix.append(row)
    pivots: list[int] = []
    rank = 0
    for column in range(len(unknowns)):
        pivot = next((r for r in range(rank, len(matrix)) if matrix[r][column]), None)
        if pivot is None:
            continue
        matrix[rank], matrix[pivot] = matrix[pivot], matrix[rank]
        lead = matrix[rank][column]
        matrix[rank] = [v / lead for v in matrix[rank]]
        for r in range(len(matrix)):
            if r != rank and matrix[r][column]:
                factor = matrix[r][column]
                matrix[r] = [v - factor * w for v, w in zip(matrix[r], matrix[rank], strict=True)]
        pivots.append(column)
        rank += 1
    free = [c for c in range(len(unknowns)) if c not in set(pivots)]
    return {unknowns[column] for r, column in enumerate(pivots) if not any(matrix[r][f] for f in free)}
