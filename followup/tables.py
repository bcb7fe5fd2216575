"""The dashboards' tables: exactly what is shown, as rows.

One builder serves the page's accessible tables, the bar charts drawn from them and the CSV
downloads, so a download holds what the page shows.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from caregivers.models import AgeBand, Condition, Gender, Relation
from consultants.models import Consultant, ConsultantRole
from interventions.models import Channel, ReferralDestination

from .periods import Period

HEADLINE_LABELS = {
    "contacts": _("Contact occasions"),
    "caregivers": _("Caregivers reached (unique)"),
    "anonymous": _("Anonymous contacts"),
    "minutes": _("Minutes of contact"),
    "talks": _("Guidance talks"),
    "talk_caregivers": _("Caregivers in guidance talks"),
    "at_cap": _("Caregivers who reached the cap"),
    "referrals_after_cap": _("Referrals after the cap"),
    "meetings": _("Group and circle meetings"),
    "attendance": _("Attendance at meetings"),
    "circles_at_max": _("Circles at their maximum"),
}


@dataclass
class Table:
    id: str
    caption: str
    columns: list
    rows: list[list] = field(default_factory=list)
    chart_column: int | None = None  # the value column drawn as bars

    @property
    def charted_rows(self) -> list[tuple[list, float | None]]:
        """Each row with its bar's length (share of the largest value, in percent), if charted."""
        if self.chart_column is None:
            return [(row, None) for row in self.rows]
        top = max((row[self.chart_column] for row in self.rows), default=0) or 1
        return [(row, round(100 * row[self.chart_column] / top, 1)) for row in self.rows]


def _pairs(table_id: str, caption, heading, counts: dict, labels: dict, ordered: bool = True) -> Table:
    keys = ([k for k in labels if k in counts] + [k for k in counts if k not in labels]) if ordered else sorted(counts)
    rows = [[labels.get(k, k), counts[k]["contacts"], counts[k]["caregivers"]] for k in keys]
    return Table(table_id, caption, [heading, _("Contacts"), _("Caregivers")], rows, chart_column=1)


def _counts(table_id: str, caption, heading, counts: dict, labels: dict, value_heading=None) -> Table:
    keys = [k for k in labels if k in counts] + [k for k in counts if k not in labels]
    rows = [[labels.get(k, k), counts[k]] for k in keys]
    return Table(table_id, caption, [heading, value_heading or _("Number")], rows, chart_column=1)


def dashboard_tables(*, data: dict, period: Period) -> list[Table]:
    figures = data["figures"]
    consultants = {
        str(pk): ref
        for pk, ref in Consultant.objects.filter(pk__in=[int(k) for k in figures["by_consultant"]]).values_list(
            "pk", "ref"
        )
    }
    headline = Table(
        "headline",
        _("At a glance"),
        [_("Figure"), period.label, period.previous().label, _("City median")],
        [[HEADLINE_LABELS[r["name"]], r["value"], r["previous"], r["median"]] for r in data["headline"]],
    )
    by = figures["caregivers_by"]
    talks = figures["talks"]["used"]
    profile = data["profile"]
    return [
        headline,
        _pairs("channel", _("By channel"), _("Channel"), figures["by_channel"], dict(Channel.choices)),
        _pairs("month", _("By month"), _("Month"), figures["by_month"], {}, ordered=False),
        _pairs("consultant", _("By consultant"), _("Consultant"), figures["by_consultant"], consultants),
        _pairs("role", _("By role"), _("Role"), figures["by_role"], dict(ConsultantRole.choices)),
        _counts("gender", _("Caregivers by gender"), _("Gender"), by["gender"], dict(Gender.choices), _("Caregivers")),
        _counts(
            "age_band",
            _("Caregivers by age band"),
            _("Age band"),
            by["age_band"],
            dict(AgeBand.choices),
            _("Caregivers"),
        ),
        _counts(
            "relation",
            _("Caregivers by relation"),
            _("Relation"),
            by["relation"],
            dict(Relation.choices),
            _("Caregivers"),
        ),
        _counts(
            "condition",
            _("Caregivers by condition"),
            _("Condition"),
            by["condition"],
            dict(Condition.choices),
            _("Caregivers"),
        ),
        Table(
            "talks",
            _("Guidance talks used by the end of the period"),
            [_("Talks used"), _("Caregivers")],
            [[int(used), talks[used]] for used in sorted(talks, key=int)],
            chart_column=1,
        ),
        _counts("referrals", _("Referrals"), _("Referred to"), figures["referrals"], dict(ReferralDestination.choices)),
        Table(
            "coverage",
            _("Base-level coverage"),
            [_("Component"), *profile["coverage_groups"]],
            [
                [row["component"].name, *[_("offered") if offered else _("gap") for _group, offered in row["offered"]]]
                for row in profile["coverage"]
            ],
        ),
        Table(
            "consultants",
            _("Consultants"),
            [
                _("Consultant"),
                _("Target group"),
                _("Share of a full-time post (%)"),
                _("Documented assignment description"),
            ],
            [
                [
                    r["allocation"].consultant.ref,
                    r["allocation"].get_target_group_display(),
                    r["allocation"].percent,
                    _("yes") if r["documented"] else _("no"),
                ]
                for r in profile["allocations"]
            ],
        ),
    ]


def city_tables(*, overview: dict, figure_names: list[tuple[str, str]]) -> list[Table]:
    """The city overview's two tables, as shown: figures side by side, and the coverage matrix."""
    columns = [_("District"), _("FTE")]
    for _name, label in figure_names:
        columns += [label, _("per FTE"), _("per 1,000 inhabitants"), _("outlier")]
    rows = []
    for row in overview["rows"]:
        cells = [row["district"]["name"], row["fte"]]
        for name, _label in figure_names:
            per_fte, per_1000 = row["per_fte"][name], row["per_1000"][name]
            cells += [
                row["values"][name],
                "" if per_fte is None else round(per_fte),
                "" if per_1000 is None else round(per_1000, 1),
                _("yes") if name in row["outliers"] else "",
            ]
        rows.append(cells)

    def coverage_cell(cell: dict) -> str:
        if cell["under_65"] and cell["over_65"]:
            return str(_("both"))
        if cell["over_65"] or cell["under_65"]:
            return "65+" if cell["over_65"] else "65−"
        return str(_("gap"))

    coverage = Table(
        "coverage",
        _("Base-level coverage"),
        [_("District"), *[c.name for c in overview["components"]]],
        [[row["district"]["name"], *[coverage_cell(cell) for cell in row["cells"]]] for row in overview["coverage"]],
    )
    return [Table("figures", _("The same figures for every district"), columns, rows), coverage]
