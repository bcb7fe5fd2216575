"""A register extract (``caregiver_extract``) as a file: JSON for machines, a PDF for the caregiver.

Both are written on request from the extract alone and never stored. The PDF follows the follow-up
reports' style (followup/report_files.py): A4, headings in the user's language, a table per section.
"""

from __future__ import annotations

import datetime
import json
from html import escape
from typing import BinaryIO

from django.utils import formats
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, TableStyle
from reportlab.platypus import Table as PdfTable

from accounts.models import Role
from districts.models import TargetGroup

from .extensions import day_words, holdings, label_words
from .models import AgeBand, Condition, Gender, Relation, SupportContactStatus

FORMATS = {
    "json": "application/json; charset=utf-8",
    "pdf": "application/pdf",
}


def extract_file_name(caregiver_id: int, file_format: str) -> str:
    return f"registerutdrag-{caregiver_id}.{file_format}"


def write_extract_json(extract: dict, out: BinaryIO) -> None:
    out.write(json.dumps(extract, ensure_ascii=False, indent=2).encode())


def _moment(value: str | None) -> str:
    if not value:
        return ""
    return formats.date_format(datetime.datetime.fromisoformat(value), "SHORT_DATETIME_FORMAT")


def _audit_actions() -> dict[str, str]:
    # The words of caregiver_extract (AUDIT_ACTIONS) in the reader's language.
    return {"create": _("Registered"), "update": _("Changed"), "delete": _("Deleted"), "access": _("Viewed")}


def _sections(extract: dict) -> list[tuple[str, list[str], list[list[str]]]]:
    """(heading, columns, rows) for each part of the extract, its values in words."""
    caregiver = extract["caregiver"]
    if caregiver["erased"]:
        return [
            (
                _("The caregiver"),
                [_("Item"), _("Value")],
                [
                    [_("Register number"), str(caregiver["id"])],
                    [_("Erased"), _moment(caregiver["erased_at"])],
                ],
            )
        ]
    actions = _audit_actions()
    return [
        (
            _("The caregiver"),
            [_("Item"), _("Value")],
            [
                [_("Register number"), str(caregiver["id"])],
                [_("Label"), caregiver["label"]],
                [_("Year of birth"), str(caregiver["birth_year"] or "")],
                [_("Age band"), label_words(AgeBand.choices, caregiver["age_band"])],
                [_("Gender"), label_words(Gender.choices, caregiver["gender"])],
                [_("Relation to the care recipient"), label_words(Relation.choices, caregiver["relation"])],
                [_("The care recipient's condition"), label_words(Condition.choices, caregiver["condition"])],
                [_("Target group"), label_words(TargetGroup.choices, caregiver["target_group"])],
                [_("Districts"), ", ".join(d["name"] for d in caregiver["districts"])],
                [_("Registered"), _moment(caregiver["created_at"])],
                [_("Last changed"), _moment(caregiver["updated_at"])],
            ],
        ),
        (
            _("Support contact"),
            [_("Offered on"), _("Answer"), _("Answered on"), _("Support contact")],
            [
                [
                    day_words(o["offered_on"]),
                    label_words(SupportContactStatus.choices, o["status"]),
                    day_words(o["answered_on"]),
                    o["support_contact"] or "",
                ]
                for o in extract["support_contact_offers"]
            ],
        ),
        *(section for holding in holdings() for section in holding.extract_sections(extract)),
        (
            _("Who saw or changed the data"),
            [_("When"), _("What"), _("Role")],
            [
                [_moment(e["at"]), actions.get(e["action"], e["action"]), label_words(Role.choices, e["by_role"])]
                for e in extract["audit_log"]
            ],
        ),
    ]


def write_extract_pdf(extract: dict, out: BinaryIO) -> None:
    """The extract on A4: what it is, then every section as a table."""
    styles = getSampleStyleSheet()
    small = styles["BodyText"].clone("small", fontSize=8, leading=10)
    page = A4
    title = _("Register extract")
    document = SimpleDocTemplate(
        out,
        pagesize=page,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
        title=title,
    )
    width = page[0] - 30 * mm
    story = [
        Paragraph(escape(title), styles["Title"]),
        Paragraph(
            escape(
                _("Everything the caregiver support holds about the caregiver, in every district. Made %(when)s.")
                % {"when": _moment(extract.get("extracted_at"))}
            ),
            small,
        ),
    ]
    for heading, columns, rows in _sections(extract):
        story += [Spacer(1, 5 * mm), Paragraph(escape(heading), styles["Heading2"])]
        if not rows:
            story.append(Paragraph(escape(_("None.")), small))
            continue
        data = [[Paragraph(f"<b>{escape(str(c))}</b>", small) for c in columns]]
        data += [[Paragraph(escape(str(v)), small) for v in row] for row in rows]
        table = PdfTable(data, repeatRows=1, hAlign="LEFT", colWidths=[width / len(columns)] * len(columns))
        table.setStyle(
            TableStyle(
                [
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef5")),
                    ("GRID", (0, 0), (-1, -1), 0.25, colors.HexColor("#b0b8c0")),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        story.append(table)
    document.build(story)


WRITERS = {"json": write_extract_json, "pdf": write_extract_pdf}
