"""The dashboards' tables: exactly what is shown, as rows.

One builder serves the page's accessible tables, the bar charts drawn from them and the CSV
downloads, so a download holds what the page shows.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from caregivers.models import AgeBand, Condition, Gender, Relation
from consultants.models import Consultant, ConsultantRole
from figures.periods import Period
from figures.tables import Line, Table
from interventions.models import Channel, ReferralDestination

from .selectors import Delivery, breakdown_comparison, delivered_occasions, delivery_mark, figure_at

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


# Headline figures that count persons; the others count occasions (contacts, minutes, talks, meetings,
# attendance at meetings: one caregiver at ten meetings is ten) or referrals.
PERSON_FIGURES = frozenset({"caregivers", "talk_caregivers", "at_cap"})


def _keys(counts: dict, labels: dict, ordered: bool = True) -> list:
    return ([k for k in labels if k in counts] + [k for k in counts if k not in labels]) if ordered else sorted(counts)


def _pairs(data, table_id: str, path, caption, heading, labels, ordered=True, median=True, previous=True) -> Table:
    """Occasions and unique caregivers per key, with the previous period and the city median of occasions."""
    counts = figure_at(data["figures"], path)
    columns = [heading, _("Contacts"), _("Caregivers"), _("Previous period"), _("City median")]
    rows = []
    for k in _keys(counts, labels, ordered):
        before, city_median = breakdown_comparison(data=data, path=path, key=k, field="contacts")
        rows.append([labels.get(k, k), counts[k]["contacts"], counts[k]["caregivers"], before if previous else "–",
                     city_median if median else "–"])  # fmt: skip
    # Contacts, their previous period and median are occasions; the caregivers are persons.
    return Table(table_id, caption, columns, rows, chart_column=1, person_columns=frozenset({2}))


def _counts(data, table_id: str, path, caption, heading, labels: dict, value_heading=None, persons=True) -> Table:
    counts = figure_at(data["figures"], path)
    columns = [heading, value_heading or _("Number"), _("Previous period"), _("City median")]
    rows = []
    for k in _keys(counts, labels):
        previous, city_median = breakdown_comparison(data=data, path=path, key=k, field=None)
        rows.append([labels.get(k, k), counts[k], previous, city_median])
    # A count of caregivers, the previous period's and the city median (some district's count) alike.
    person_columns = frozenset({1, 2, 3}) if persons else frozenset()
    return Table(table_id, caption, columns, rows, chart_column=1, person_columns=person_columns)


def _in_force(row) -> str:
    """An allocation's days in force: first and last day, or only the first while it lasts."""
    last = row.valid_to.isoformat() if row.valid_to else ""
    return f"{row.valid_from.isoformat()} – {last}".rstrip()


def _delivery(data: dict) -> Table:
    """The base level's delivery: occasions and unique caregivers by intervention type, every type of
    the catalogue in its order (none delivered is a figure too). The occasions add up to the headline's
    contacts: every contact has one type."""
    path = ("by_intervention",)
    counts = figure_at(data["figures"], path)
    labels = {row["component"].code: row["component"].name for row in data["profile"]["coverage"]}
    rows = []
    for code in [*labels, *sorted(k for k in counts if k not in labels)]:
        now = counts.get(code) or {"contacts": 0, "caregivers": 0}
        before, city_median = breakdown_comparison(data=data, path=path, key=code, field="contacts")
        rows.append([labels.get(code, code), now["contacts"], now["caregivers"], before, city_median])
    columns = [_("Intervention"), _("Contacts"), _("Caregivers"), _("Previous period"), _("City median")]
    return Table(
        "intervention",
        _("Delivery of the base level"),
        columns,
        rows,
        chart_column=1,
        person_columns=frozenset({2}),
    )


def _dashboard_coverage(data: dict) -> Table:
    """What the district declares it offers, per component and target group, beside what it delivered
    in the period, with the contradictions marked (``delivery_mark``)."""
    profile = data["profile"]
    rows = []
    for row in profile["coverage"]:
        occasions = delivered_occasions(data["figures"], row["component"].code)
        offered = any(offered for _group, offered in row["offered"])
        mark = delivery_mark(offered=offered, occasions=occasions)
        rows.append(
            [
                row["component"].name,
                *[_("offered") if offered else _("gap") for _group, offered in row["offered"]],
                occasions,
                Delivery(mark).label if mark else "",
            ]
        )
    columns = [_("Component"), *profile["coverage_groups"], _("Contacts in the period"), _("Delivery")]
    return Table("coverage", _("Base-level coverage"), columns, rows)


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
        person_cells=frozenset(
            (i, c) for i, r in enumerate(data["headline"]) if r["name"] in PERSON_FIGURES for c in (1, 2, 3)
        ),
    )
    profile = data["profile"]
    caregivers = _("Caregivers")
    return [
        headline,
        _delivery(data),
        _pairs(data, "channel", ("by_channel",), _("By channel"), _("Channel"), dict(Channel.choices)),
        # A month has no namesake in the previous period; its city median still compares.
        _pairs(data, "month", ("by_month",), _("By month"), _("Month"), {}, ordered=False, previous=False),
        # Consultants work in their own districts: a city median of one consultant means nothing.
        _pairs(data, "consultant", ("by_consultant",), _("By consultant"), _("Consultant"), consultants, median=False),
        _pairs(data, "role", ("by_role",), _("By role"), _("Role"), dict(ConsultantRole.choices)),
        _counts(
            data,
            "gender",
            ("caregivers_by", "gender"),
            _("Caregivers by gender"),
            _("Gender"),
            dict(Gender.choices),
            caregivers,
        ),
        _counts(
            data,
            "age_band",
            ("caregivers_by", "age_band"),
            _("Caregivers by age band"),
            _("Age band"),
            dict(AgeBand.choices),
            caregivers,
        ),
        _counts(
            data,
            "relation",
            ("caregivers_by", "relation"),
            _("Caregivers by relation"),
            _("Relation"),
            dict(Relation.choices),
            caregivers,
        ),
        _counts(
            data,
            "condition",
            ("caregivers_by", "condition"),
            _("Caregivers by condition"),
            _("Condition"),
            dict(Condition.choices),
            caregivers,
        ),
        _counts(
            data,
            "talks",
            ("talks", "used"),
            _("Guidance talks used by the end of the period"),
            _("Talks used"),
            {str(n): n for n in range(1, 51)},
            caregivers,
        ),
        # Referrals made, not persons referred.
        _counts(
            data,
            "referrals",
            ("referrals",),
            _("Referrals"),
            _("Referred to"),
            dict(ReferralDestination.choices),
            persons=False,
        ),
        _dashboard_coverage(data),
        Table(
            "consultants",
            _("Consultants"),
            [
                _("Consultant"),
                _("Target group"),
                _("Share of a full-time post (%)"),
                _("In force"),
                _("Documented assignment description"),
            ],
            [
                [
                    r["allocation"].consultant.ref,
                    r["allocation"].get_target_group_display(),
                    r["allocation"].percent,
                    _in_force(r["allocation"]),
                    _("yes") if r["documented"] else _("no"),
                ]
                for r in profile["allocations"]
            ],
        ),
    ]


def city_tables(*, overview: dict, figure_names: list[tuple[str, str]]) -> list[Table]:
    """The city overview's tables, as shown: figures side by side, the coverage matrix with what was
    delivered beside what is declared, and the delivery of each component in occasions."""
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

    def marked(cell: dict) -> str:
        return f"{coverage_cell(cell)} ({Delivery(cell['mark']).label})" if cell["mark"] else coverage_cell(cell)

    coverage = Table(
        "coverage",
        _("Base-level coverage"),
        [_("District"), *[c.name for c in overview["components"]]],
        [[row["district"]["name"], *[marked(cell) for cell in row["cells"]]] for row in overview["coverage"]],
    )
    delivery_rows = [
        [row["district"]["name"], *[cell["occasions"] for cell in row["cells"]], row["delivered"]]
        for row in overview["coverage"]
    ]
    if delivery_rows:  # and the city's row: each column's sum
        delivery_rows.append([_("The city"), *(sum(c) for c in zip(*(r[1:] for r in delivery_rows), strict=True))])
    delivery = Table(
        "intervention",
        _("Delivery of the base level: contact occasions by intervention type"),
        [_("District"), *[c.name for c in overview["components"]], _("All interventions")],
        delivery_rows,
    )
    # A person count's per-FTE and per-1,000 values and its outlier mark give it away: hidden with it.
    persons = {2 + 4 * i for i, (name, _label) in enumerate(figure_names) if name in PERSON_FIGURES}
    figures = Table(
        "figures",
        _("The same figures for every district"),
        columns,
        rows,
        person_columns=frozenset(persons),
        derived_columns={column + d: (column,) for column in persons for d in (1, 2, 3)},
    )
    return [figures, coverage, delivery]


# The dashboard's breakdowns of caregivers reached: each caregiver has one value of each, so they add
# up to the headline's caregivers; the caregivers by talks used add up to those in guidance talks.
_DASHBOARD_SUMS = {
    "gender": "caregivers",
    "age_band": "caregivers",
    "relation": "caregivers",
    "condition": "caregivers",
    "talks": "talk_caregivers",
}


def dashboard_links(tables: list[Table], data: dict) -> list[Line]:
    """Sums across the dashboard's tables, for publication (cells are (table id, row, column)).

    The current period's breakdown adds up to the headline figure exactly; the previous period's
    does where every value of then is still shown now, so it is linked as if it did (the reading
    that gives most away)."""
    headline_rows = {r["name"]: i for i, r in enumerate(data["headline"])}
    links = []
    for table in tables:
        figure = _DASHBOARD_SUMS.get(table.id)
        if figure is None:
            continue
        for column in (1, 2):
            parts = tuple((table.id, r, column) for r in range(len(table.rows)))
            links.append(Line(("headline", headline_rows[figure], column), parts))
    return links
