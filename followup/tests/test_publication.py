"""Publication: person counts under 5 hidden, and no hidden count can be worked out from the totals."""

import datetime
import io
import json

import pytest
from django.utils import translation
from hypothesis import example, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from accounts.models import Role
from accounts.scoping import SYSTEM
from accounts.tests.factories import UserFactory
from caregivers.tests.factories import CaregiverFactory
from consultants.tests.factories import AllocationFactory, ConsultantFactory
from districts.tests.factories import DistrictFactory
from figures.periods import Period
from figures.tables import Line, Table
from followup.models import ReportScope
from followup.publication import MARK, NOTE, suppress_for_publication, suppress_tables_for_publication
from followup.reports import report_tables
from followup.services import report_order
from interventions.tests.factories import ContactFactory

X = MARK


def _two_way(inner: list[list[int]]) -> Table:
    """A two-way table of person counts with a total column and a total row, its rows and columns
    as lines (rows first)."""
    n, m = len(inner), len(inner[0])
    rows = [[f"r{i}", *row, sum(row)] for i, row in enumerate(inner)]
    rows.append(["total", *(sum(row[j] for row in inner) for j in range(m)), sum(map(sum, inner))])
    lines = [Line((i, m + 1), tuple((i, j) for j in range(1, m + 1))) for i in range(n + 1)]
    lines += [Line((n, j), tuple((i, j) for i in range(n))) for j in range(1, m + 2)]
    return Table("t", "T", ["", *(f"c{j}" for j in range(m)), "total"], rows,
                 person_columns=frozenset(range(1, m + 2)), lines=lines)  # fmt: skip


def test_primary_suppression_hides_1_to_4_and_shows_0_and_5():
    table = Table("t", "T", ["Who", "Caregivers", "Contacts"], [["a", 0, 3], ["b", 1, 2], ["c", 4, 1], ["d", 5, 9]],
                  person_columns=frozenset({1}))  # fmt: skip
    published = suppress_for_publication(table)
    assert published.rows == [["a", 0, 3], ["b", X, 2], ["c", X, 1], ["d", 5, 9]]
    assert published.note == NOTE
    assert table.rows[1] == ["b", 1, 2]  # the table itself is left as it was


def test_nothing_hidden_no_note():
    published = suppress_for_publication(_two_way([[5, 6], [0, 7]]))
    assert published.rows == _two_way([[5, 6], [0, 7]]).rows
    assert published.note == ""


def test_secondary_suppression_hides_the_smallest_other_cell_of_each_line_until_stable():
    # A 3 alone in its row and its column: 10 goes with it in the row, 8 in the column; 10's column
    # then holds one hidden cell, so 6 goes too. Each line now holds two hidden cells, or none.
    published = suppress_for_publication(_two_way([[3, 10], [8, 6]]))
    assert published.rows == [["r0", X, X, 13], ["r1", X, X, 14], ["total", 11, 16, 27]]


def test_a_hidden_total_is_protected_like_any_cell():
    published = suppress_for_publication(_two_way([[2, 1], [0, 9]]))
    # Primary: r0's 2, 1 and total 3, and c0's total 2. The total row then holds one hidden cell:
    # its 10 goes; the total column holds one (the 3): r1's total 9 goes, and with it r1's 9.
    assert published.rows == [["r0", X, X, X], ["r1", 0, X, X], ["total", X, X, 12]]


def test_derived_columns_are_hidden_with_their_sources():
    table = Table("t", "T", ["District", "Consultants", "Documented", "Share (%)"],
                  [["a", 3, 3, 100.0], ["b", 8, 6, 75.0]], person_columns=frozenset({1, 2}),
                  derived_columns={3: (1, 2)})  # fmt: skip
    assert suppress_for_publication(table).rows == [["a", X, X, X], ["b", 8, 6, 75.0]]


def test_a_breakdown_adding_up_to_a_total_in_another_table_is_suppressed_with_it():
    summary = Table("summary", "S", ["Unit", "Caregivers"], [["a", 7], ["b", 9]], person_columns=frozenset({1}))
    rows = [["a", "woman", 6], ["a", "man", 1], ["b", "woman", 9]]
    by_gender = Table("gender", "G", ["Unit", "Gender", "Caregivers"], rows, person_columns=frozenset({2}))
    links = [
        Line(("summary", 0, 1), (("gender", 0, 2), ("gender", 1, 2))),
        Line(("summary", 1, 1), (("gender", 2, 2),)),
    ]
    published = suppress_tables_for_publication([summary, by_gender], links)
    assert [t.rows for t in published] == [
        [["a", 7], ["b", 9]],
        [["a", "woman", X], ["a", "man", X], ["b", "woman", 9]],
    ]
    assert [t.note == "" for t in published] == [True, False]
    # Alone, the gender table would give the man away with the summary's 7.
    assert suppress_for_publication(by_gender).rows[0] == ["a", "woman", 6]


def test_lines_that_pass_one_by_one_but_give_a_cell_away_together_are_caught():
    # Two blocks of small counts joined by the 3 at (r0, c2): every line holds 0 or at least two
    # hidden cells, yet rows r0 + r1 minus columns c0 + c1 leave exactly that 3.
    table = _two_way([[1, 2, 3, 10], [2, 1, 10, 10], [10, 10, 1, 2], [10, 10, 2, 1]])
    published = suppress_for_publication(table)
    assert published.rows == [
        ["r0", X, X, X, X, 16],
        ["r1", X, X, 10, 10, 23],
        ["r2", 10, 10, X, X, 23],
        ["r3", 10, 10, X, X, 23],
        ["total", 23, 23, 16, 23, 85],
    ]
    _assert_cannot_be_undone(table, published)


def test_a_determined_cell_whose_own_lines_show_only_zeros_is_protected_through_the_lines_linked_to_it():
    # Found by a random search: after the line rule, the lines together still give a hidden cell
    # away, and its own lines show nothing but zeros to hide with it.
    table = _two_way([[3, 4, 0], [2, 0, 2], [4, 2, 0]])
    published = suppress_for_publication(table)
    assert published.rows == [
        ["r0", X, X, 0, 7],
        ["r1", X, 0, X, X],
        ["r2", X, X, 0, 6],
        ["total", X, 6, X, X],
    ]
    _assert_cannot_be_undone(table, published)


# --- Can't be undone: every assignment of the hidden cells that the published totals allow ----------


def _feasible_values(published: Table, bound: int) -> dict[tuple[int, int], set[int]]:
    """Every value each hidden cell takes in some assignment (each from 0 to its lines' published
    totals, or ``bound``) consistent with every published number of every line. Exhaustive search;
    a line with one cell left unassigned forces it, which keeps the search small."""
    hidden = [(r, c) for r, row in enumerate(published.rows) for c, v in enumerate(row) if v == MARK]
    lines = [(line.total, line.parts) for line in published.lines]
    shown = {(r, c): v for r, row in enumerate(published.rows) for c, v in enumerate(row) if v != MARK}
    top = {cell: min([shown[t] for t, parts in lines if cell in parts and t in shown] + [bound]) for cell in hidden}
    seen: dict[tuple[int, int], set[int]] = {cell: set() for cell in hidden}

    def value(cell, assigned):
        return shown[cell] if cell in shown else assigned.get(cell)

    def check(assigned) -> bool:
        for total, parts in lines:
            values = [value(c, assigned) for c in (total, *parts)]
            if None not in values and values[0] != sum(values[1:]):
                return False
            if values[0] is not None and sum(v for v in values[1:] if v is not None) > values[0]:
                return False
        return True

    def search(assigned):
        if not check(assigned):
            return
        left = [cell for cell in hidden if cell not in assigned]
        if not left:
            for cell, v in assigned.items():
                seen[cell].add(v)
            return
        for total, parts in lines:
            open_cells = [c for c in (total, *parts) if value(c, assigned) is None]
            if len(open_cells) == 1:
                cell = open_cells[0]
                rest = sum(value(c, assigned) for c in parts if c != cell)
                forced = value(total, assigned) - rest if cell != total else rest
                if 0 <= forced <= top[cell]:
                    search(assigned | {cell: forced})
                return
        cell = left[0]
        for v in range(top[cell] + 1):
            search(assigned | {cell: v})

    search({})
    return seen


def _assert_cannot_be_undone(table: Table, published: Table) -> None:
    for r, row in enumerate(published.rows):
        for c in published.person_columns:
            assert row[c] == MARK or not 1 <= row[c] <= 4, (r, c, row[c])
    bound = max(v for row in table.rows for v in row[1:])
    seen = _feasible_values(published, bound)
    for (r, c), values in seen.items():
        assert table.rows[r][c] in values, (r, c)  # the search is sound: the truth is among them
        assert len(values) >= 2, ((r, c), values, published.rows)


@settings(derandomize=True, max_examples=80, deadline=None)
@example([[3, 4, 0], [2, 0, 2], [4, 2, 0]])
@example([[1, 2, 3, 10], [2, 1, 10, 10], [10, 10, 1, 2], [10, 10, 2, 1]])
@given(
    st.integers(2, 3).flatmap(
        lambda m: st.lists(
            st.lists(st.sampled_from([0, 1, 2, 3, 4, 5, 6, 9]), min_size=m, max_size=m), min_size=2, max_size=4
        )
    )
)
def test_a_hidden_cell_cannot_be_worked_out_from_the_published_totals(inner):
    table = _two_way(inner)
    _assert_cannot_be_undone(table, suppress_for_publication(table))


def _report_shaped(per_unit: list[list[list[int]]]) -> Table:
    """The report's shape in one table: caregivers reached per district and for the scope (the summary),
    and breakdowns of them (the caregivers table) per district and for the scope. ``per_unit`` holds,
    per district and breakdown, the count of each value; each breakdown adds up to the district's
    caregivers, and each value's districts to the scope's."""
    units = len(per_unit)
    rows = [[f"u{u}", sum(breakdowns[0])] for u, breakdowns in enumerate(per_unit)]
    rows.append(["scope", sum(r[1] for r in rows)])
    lines = [Line((units, 1), tuple((u, 1) for u in range(units)))]
    for k in range(len(per_unit[0])):
        first = len(rows)
        values = len(per_unit[0][k])
        for u in range(units + 1):
            counts = per_unit[u][k] if u < units else [sum(p[k][v] for p in per_unit) for v in range(values)]
            rows += [[f"u{u}-b{k}-v{v}", n] for v, n in enumerate(counts)]
            lines.append(Line((u, 1), tuple((first + u * values + v, 1) for v in range(values))))
        for v in range(values):
            parts = tuple((first + u * values + v, 1) for u in range(units))
            lines.append(Line((first + units * values + v, 1), parts))
    return Table("t", "T", ["", "n"], rows, person_columns=frozenset({1}), lines=lines)


@st.composite
def _units_with_breakdowns(draw):
    sizes = draw(st.lists(st.integers(2, 3), min_size=1, max_size=2))  # values of each breakdown
    per_unit = []
    for _unit in range(draw(st.integers(1, 3))):
        total = draw(st.integers(0, 12))
        breakdowns = []
        for size in sizes:
            cuts = sorted(draw(st.lists(st.integers(0, total), min_size=size - 1, max_size=size - 1)))
            breakdowns.append([b - a for a, b in zip([0, *cuts], [*cuts, total], strict=True)])
        per_unit.append(breakdowns)
    return per_unit


@settings(derandomize=True, max_examples=40, deadline=None)
@given(_units_with_breakdowns())
def test_report_shaped_tables_cannot_be_worked_out_either(per_unit):
    table = _report_shaped(per_unit)
    _assert_cannot_be_undone(table, suppress_for_publication(table))


# --- The report's publication download --------------------------------------------------------------


@pytest.fixture
def city_report(db, django_capture_on_commit_callbacks):
    """Bromma: 6 women and 1 man reached; Farsta: 5 women. One phone call each in 2025."""
    bromma, farsta = DistrictFactory(code="bromma", name="Bromma"), DistrictFactory(code="farsta", name="Farsta")
    for district, genders in ((bromma, ["woman"] * 6 + ["man"]), (farsta, ["woman"] * 5)):
        consultant = ConsultantFactory(home_district=district)
        AllocationFactory(consultant=consultant, district=district, percent=100)
        for gender in genders:
            caregiver = CaregiverFactory(districts=[district], gender=gender)
            ContactFactory(district=district, consultant=consultant, caregiver=caregiver, channel="phone",
                           date=datetime.date(2025, 2, 3))  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        report = report_order(user=SYSTEM, period=Period.year(2025), scope=ReportScope.CITY)
    report.refresh_from_db()
    return report


def _download(client, report, kind: str, file_format: str) -> bytes:
    response = client.get(f"/reports/{report.pk}/{kind}.{file_format}")
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def test_the_publication_download_hides_small_person_counts_and_the_normal_one_does_not(city_report, login, in_english):
    strategist = login(UserFactory(role=Role.STRATEGIST))
    published = json.loads(_download(strategist, city_report, "publication", "json"))
    with translation.override("en"):
        true_tables = report_tables(city_report.content)
    assert [t["id"] for t in published["tables"]] == [t.id for t in true_tables]
    hidden = 0
    for table, true in zip(published["tables"], true_tables, strict=True):
        assert len(table["rows"]) == len(true.rows)
        for row, true_row in zip(table["rows"], true.rows, strict=True):
            for c in true.person_columns:
                assert row[c] == MARK or not (isinstance(row[c], int) and 1 <= row[c] <= 4), (table["id"], row)
                hidden += row[c] == MARK
            assert [v for c, v in enumerate(row) if c not in true.person_columns and v != MARK] == [
                v for c, v in enumerate(true_row) if c not in true.person_columns and row[c] != MARK
            ]
    assert hidden > 0
    caregivers = next(t for t in published["tables"] if t["id"] == "caregivers")
    # The one man is hidden in Bromma and in the total; Bromma's 7 caregivers reached are in the
    # summary, so its 6 women go too (7 - 6 would give him away), and so do the total's 11 women.
    assert [r[:4] for r in caregivers["rows"] if r[1] == "Gender"] == [
        ["Bromma", "Gender", "Woman", X], ["Bromma", "Gender", "Man", X],
        ["Farsta", "Gender", "Woman", 5], ["Total: The whole city", "Gender", "Woman", X],
        ["Total: The whole city", "Gender", "Man", X],
    ]  # fmt: skip
    assert caregivers["note"].startswith("“..”")
    assert published["about"][-1][0] == "For publication"

    summary = load_workbook(io.BytesIO(_download(strategist, city_report, "report", "xlsx")))["Summary"]
    assert [c.value for c in summary[2]][:5] == ["Bromma", 7, 0, 7, 0]
    consultants = load_workbook(io.BytesIO(_download(strategist, city_report, "report", "xlsx")))["Consultants"]
    assert [c.value for c in consultants[2]][:3] == ["Bromma", 1, 1]
    public = load_workbook(io.BytesIO(_download(strategist, city_report, "publication", "xlsx")))
    # One consultant, none documented: the count and the share (0 of 1) hidden, the 0 shown.
    assert [c.value for c in public["Consultants"][2]][:6] == ["Bromma", X, X, 1, 0, X]
    assert [c.value for c in public["Summary"][2]][:5] == ["Bromma", 7, 0, 7, 0]
    csv = _download(strategist, city_report, "publication", "csv").decode("utf-8-sig")
    assert "Bromma;Gender;Man;..;0" in csv and "Bromma;Gender;Man;1;0" not in csv
    assert "Bromma;Gender;Man;1;0" in _download(strategist, city_report, "report", "csv").decode("utf-8-sig")
    assert _download(strategist, city_report, "publication", "pdf").startswith(b"%PDF")
    response = strategist.get(f"/reports/{city_report.pk}/publication.pdf")
    assert response["Content-Disposition"] == 'attachment; filename="uppfoljning-2025-city-publicering.pdf"'
    assert json.loads(_download(strategist, city_report, "report", "json")) == city_report.content


def test_the_report_page_offers_the_publication_downloads_and_shows_true_counts(city_report, login, in_english):
    strategist = login(UserFactory(role=Role.STRATEGIST))
    page = strategist.get(f"/reports/{city_report.pk}/").content.decode()
    for file_format in ("xlsx", "csv", "pdf", "json"):
        assert f'href="/reports/{city_report.pk}/publication.{file_format}"' in page
    assert "Download for publication" in page
    man = '<th scope="row">Bromma</th><td class="text-end">Gender</td><td class="text-end">Man</td>'
    assert man + '<td class="text-end">1</td>' in page


def test_the_publication_download_follows_the_reports_access_rules(city_report, login):
    bromma = city_report.districts.get(code="bromma")
    for user, status in (
        (UserFactory(role=Role.CONSULTANT, districts=[bromma]), 404),
        (UserFactory(role=Role.MANAGER, districts=[bromma]), 404),  # a city report is not a Bromma manager's
        (UserFactory(role=Role.STRATEGIST), 200),
    ):
        client = login(user)
        for kind in ("report", "publication"):
            assert client.get(f"/reports/{city_report.pk}/{kind}.csv").status_code == status, (user.role, kind)
    assert login(UserFactory(role=Role.STRATEGIST)).get(f"/reports/{city_report.pk}/publication.doc").status_code == 404
