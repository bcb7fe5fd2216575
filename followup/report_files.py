"""A compiled report as a file: XLSX, CSV, PDF or JSON, written from its stored content alone.

Each writer takes the content and a binary file object and streams into it: the XLSX workbook is
write-only (rows go to disk as they come), the CSV is written row by row.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
from html import escape
from typing import BinaryIO

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, TableStyle
from reportlab.platypus import Table as PdfTable

from districts.models import TargetGroup
from figures.definitions import ReportRole
from figures.tables import Table, scope_label
from interventions.models import Channel

from .publication import suppress_tables_for_publication
from .reports import period_from_json, report_links, report_tables

FORMATS = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
    "pdf": "application/pdf",
    "json": "application/json",
}


def report_title(content: dict) -> str:
    return _("Follow-up report %(period)s: %(scope)s") % {
        "period": period_from_json(content["period"]).label,
        "scope": scope_label(content),
    }


def report_about(content: dict, report=None, publication: bool = False) -> list[tuple[str, str]]:
    """What the report is: its title, period, scope and how it was made; whether it is for publication."""
    groups = dict(TargetGroup.choices)
    compiled = timezone.localtime(datetime.datetime.fromisoformat(content["compiled_at"]))
    rows = [
        (_("Report"), report_title(content)),
        (_("Period"), period_from_json(content["period"]).label),
        (_("Previous period"), period_from_json(content["previous_period"]).label),
        (_("Districts"), ", ".join(d["name"] for d in content["districts"])),
        (_("Target groups"), ", ".join(str(groups.get(g, g)) for g in content["target_groups"]) or _("All")),
        (_("Compiled"), formats.date_format(compiled, "SHORT_DATETIME_FORMAT")),
        (_("Version of the definitions"), str(content["definitions_version"])),
    ]
    if report is not None and report.ordered_by_id:
        rows.append((_("Ordered by"), report.ordered_by.get_full_name() or report.ordered_by.username))
    if publication:
        rows.append((_("For publication"), str(PUBLICATION_ABOUT)))
    return rows


PUBLICATION_ABOUT = gettext_lazy(
    "Yes: counts of persons under 5 are hidden, and so are the numbers they could be worked out from."
)


def _tables(content: dict, publication: bool) -> list[Table]:
    tables = report_tables(content)
    return suppress_tables_for_publication(tables, report_links(tables)) if publication else tables


# Sheet names: Excel allows 31 characters, so the captions are too long.
SHEET_NAMES = {
    "about": gettext_lazy("About"),
    "summary": gettext_lazy("Summary"),
    "role_channel": gettext_lazy("Role and channel"),
    "target_group": gettext_lazy("Target group"),
    "caregivers": gettext_lazy("Caregivers"),
    "talks": gettext_lazy("Guidance talks"),
    "talks_used": gettext_lazy("Talks used"),
    "referrals": gettext_lazy("Referrals"),
    "groups": gettext_lazy("Groups"),
    "coverage": gettext_lazy("Base level"),
    "consultants": gettext_lazy("Consultants"),
    "goals": gettext_lazy("Goals"),
    "representatives": gettext_lazy("Caregiver representatives"),
    "representative_trainings": gettext_lazy("Representative trainings"),
    "collaboration": gettext_lazy("Collaboration"),
    "collaboration_participants": gettext_lazy("Participants"),
    "partners": gettext_lazy("Partners"),
    "outreach": gettext_lazy("Outreach"),
    "case_officers": gettext_lazy("Case officers"),
    "benchmark": gettext_lazy("Municipalities"),
    "published": gettext_lazy("As published"),
}


def _sheet_title(table: Table, used: set[str]) -> str:
    name = str(SHEET_NAMES.get(table.id, table.caption))
    title = "".join(ch for ch in name if ch not in "[]:*?/\\")[:31]
    while title in used:
        title = title[:29] + f"{len(used):02d}"
    used.add(title)
    return title


def write_xlsx(content: dict, out: BinaryIO, report=None, publication: bool = False) -> None:
    """A sheet per section, numbers as numbers, the header row frozen, columns wide enough to read."""
    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    used: set[str] = set()
    tables = [
        Table(
            "about",
            _("About the report"),
            [_("Item"), _("Value")],
            [list(r) for r in report_about(content, report, publication)],
        ),
        *_tables(content, publication),
    ]
    for table in tables:
        sheet = workbook.create_sheet(_sheet_title(table, used))
        widths = [len(str(c)) for c in table.columns]
        for row in table.rows:
            for i, value in enumerate(row):
                widths[i] = max(widths[i], len(f"{value:,}" if isinstance(value, int | float) else str(value)))
        for i, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(i)].width = min(max(width + 2, 8), 50)
        sheet.freeze_panes = "A2"
        header = []
        for column in table.columns:
            cell = _header_cell(sheet, str(column), bold)
            header.append(cell)
        sheet.append(header)
        for row in table.rows:
            sheet.append([v if isinstance(v, int | float) else str(v) for v in row])
        if table.note:
            sheet.append([])
            sheet.append([str(table.note)])
    workbook.save(out)


def _header_cell(sheet, value: str, font: Font):
    cell = WriteOnlyCell(sheet, value=value)
    cell.font = font
    return cell


def write_csv(content: dict, out: BinaryIO, report=None, publication: bool = False) -> None:
    """Every section one after the other (title, header, rows, an empty line); UTF-8 with a BOM and
    semicolons, so Excel set to Swedish opens it with å, ä, ö and columns right."""
    text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="", write_through=True)
    writer = csv.writer(text, delimiter=";")
    for label, value in report_about(content, report, publication):
        writer.writerow([label, value])
    for table in _tables(content, publication):
        writer.writerow([])
        writer.writerow([str(table.caption)])
        writer.writerow([str(c) for c in table.columns])
        for row in table.rows:
            writer.writerow([formats.number_format(v) if isinstance(v, float) else v for v in row])
        if table.note:
            writer.writerow([str(table.note)])
    text.detach()


def write_json(content: dict, out: BinaryIO, report=None, publication: bool = False) -> None:
    """The stored numbers as they are, for scripts; for publication, the published tables instead
    (the stored numbers are the true ones)."""
    if publication:
        content = {
            "about": [[label, value] for label, value in report_about(content, report, publication)],
            "tables": [
                {
                    "id": t.id,
                    "caption": str(t.caption),
                    "columns": [str(c) for c in t.columns],
                    "rows": [[v if isinstance(v, int | float) else str(v) for v in row] for row in t.rows],
                    "note": str(t.note),
                }
                for t in _tables(content, publication)
            ],
        }
    out.write(json.dumps(content, ensure_ascii=False, indent=1).encode())


# --- PDF -------------------------------------------------------------------------------------------

_PALETTE = [colors.HexColor(c) for c in ("#0b5394", "#6fa8dc", "#e69138", "#93c47d", "#8e7cc3", "#c27ba0")]


def _bar_chart(title: str, labels: list[str], series: list[tuple[str, list[float]]], width: float) -> Drawing:
    """A horizontal bar chart, one bar per series for each label, with a legend."""
    height = 40 + len(labels) * (8 * len(series) + 6)
    drawing = Drawing(width, height + 45)
    chart = HorizontalBarChart()
    chart.x, chart.y = 120, 20
    chart.width, chart.height = width - 260, height
    chart.data = [values for _name, values in series]
    chart.categoryAxis.categoryNames = labels
    chart.categoryAxis.labels.fontSize = 7
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    chart.categoryAxis.reverseDirection = True
    for i in range(len(series)):
        chart.bars[i].fillColor = _PALETTE[i % len(_PALETTE)]
        chart.bars[i].strokeColor = None
    drawing.add(chart)
    legend = Legend()
    legend.x, legend.y = width - 130, height + 10
    legend.fontSize = 7
    legend.colorNamePairs = [(_PALETTE[i % len(_PALETTE)], name) for i, (name, _v) in enumerate(series)]
    drawing.add(legend)
    drawing.add(String(0, height + 32, title, fontSize=10, fontName="Helvetica-Bold"))
    return drawing


def _charts(content: dict, width: float, publication: bool) -> list[Drawing]:
    """Contacts by district, caregivers by district (not for publication: it would draw the hidden
    counts) and, for the scope, contacts by role and channel."""
    names = [d["name"] for d in content["districts"]]
    figures = content["figures"]["districts"]
    previous = content["previous"]["districts"]
    codes = [d["code"] for d in content["districts"]]
    period = period_from_json(content["period"]).label
    before = period_from_json(content["previous_period"]).label
    charts = [
        _bar_chart(
            _("Contact occasions by district"),
            names,
            [(period, [figures[c]["contacts"] for c in codes]), (before, [previous[c]["contacts"] for c in codes])],
            width,
        ),
    ]
    if not publication:
        charts.append(
            _bar_chart(
                _("Caregivers reached (unique) by district"),
                names,
                [
                    (period, [figures[c]["caregivers"] for c in codes]),
                    (before, [previous[c]["caregivers"] for c in codes]),
                ],
                width,
            )
        )
    scope = content["figures"]["scope"]["role_channel"]
    if scope:
        roles = dict(ReportRole.choices)
        keys = [r for r in roles if r in scope]
        charts.append(
            _bar_chart(
                _("Contact occasions by role and channel: %(scope)s") % {"scope": scope_label(content)},
                [str(roles[r]) for r in keys],
                [(str(label), [scope[r].get(channel, 0) for r in keys]) for channel, label in Channel.choices],
                width,
            )
        )
    return charts


def _cell(value) -> str:
    if isinstance(value, int | float):
        return formats.number_format(
            value, decimal_pos=1 if isinstance(value, float) else None, use_l10n=True, force_grouping=True
        )
    return str(value)


def write_pdf(content: dict, out: BinaryIO, report=None, publication: bool = False) -> None:
    """A printable report for the committee: what it covers, charts, then every section as a table."""
    styles = getSampleStyleSheet()
    small = styles["BodyText"].clone("small", fontSize=6.5, leading=8)
    page = landscape(A4)
    document = SimpleDocTemplate(
        out,
        pagesize=page,
        leftMargin=12 * mm,
        rightMargin=12 * mm,
        topMargin=12 * mm,
        bottomMargin=12 * mm,
        title=report_title(content),
    )
    width = page[0] - 24 * mm
    story = [Paragraph(report_title(content), styles["Title"])]
    about = [
        [Paragraph(f"<b>{escape(k)}</b>", small), Paragraph(escape(v), small)]
        for k, v in report_about(content, report, publication)
    ]
    story.append(PdfTable(about, colWidths=[60 * mm, width - 60 * mm], hAlign="LEFT"))
    for chart in _charts(content, width, publication):
        story += [Spacer(1, 6 * mm), chart]
    for table in _tables(content, publication):
        story += [PageBreak(), Paragraph(str(table.caption), styles["Heading2"])]
        data = [[Paragraph(str(c), small) for c in table.columns]]
        data += [[_cell(v) for v in row] for row in table.rows]
        pdf_table = PdfTable(data, repeatRows=1, hAlign="LEFT")
        pdf_table.setStyle(
            TableStyle(
                [
                    ("FONTSIZE", (0, 0), (-1, -1), 6.5),
                    ("LEADING", (0, 0), (-1, -1), 8),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef5")),
                    ("ALIGN", (2, 1), (-1, -1), "RIGHT"),
                    ("GRID", (0, 0), (-1, -1), 0.25, colors.HexColor("#b0b8c0")),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        story.append(pdf_table)
        if table.note:
            story.append(Paragraph(escape(str(table.note)), small))
    document.build(story)


WRITERS = {"xlsx": write_xlsx, "csv": write_csv, "pdf": write_pdf, "json": write_json}


def report_file_name(content: dict, file_format: str, publication: bool = False) -> str:
    period = period_from_json(content["period"]).key
    scope = content["scope"].get("kind", "districts")
    suffix = "-publicering" if publication else ""
    return f"uppfoljning-{period}-{scope}{suffix}.{file_format}"
