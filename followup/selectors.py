"""The follow-up figures. Each is defined once here; pages, reports and exports reuse them."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass

from django.db import models
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from pyroaring import BitMap

from accounts.scoping import SYSTEM
from caregivers.selectors import support_contact_offer_total
from consultants.models import Allocation, Consultant
from consultants.selectors import consultant_list, consultants_with_current_description, fte_by_district
from districts.models import District, TargetGroup
from districts.selectors import budget_by_district, district_ids_of
from figures.definitions import SCOPE, report_role
from figures.facts import TOTAL, RangeFacts, Tally, attribute_sets, facts_key_counts, facts_read
from figures.models import CaregiverAttributeFact
from figures.moment_cache import kept_per_district
from figures.periods import Period
from figures.snapshots import figures_for
from interventions.models import (
    DistrictOffering,
    Group,
    GroupKind,
    InterventionType,
)
from interventions.selectors import coverage_matrix
from representatives.selectors import representative_figures

from .occasions import (
    AFTER_CAP,
    CONSULTANT_CHANNEL,
    INTERVENTION,
    MEETING,
    MEETING_HELD,
    REFERRAL,
    TALK,
    TALK_CAP,
    TALK_RANK,
)


@dataclass(frozen=True)
class ConsultantFacts:
    districts: int
    consultants_unique: int
    consultant_district_rows: int
    by_target_group: dict[str, int]
    with_current_description: int

    @property
    def under_65(self) -> int:
        return self.by_target_group.get(TargetGroup.UNDER_65, 0)

    @property
    def over_65(self) -> int:
        return self.by_target_group.get(TargetGroup.OVER_65, 0)

    @property
    def all_groups(self) -> int:
        """Consultants serving everyone ("all" or "all except substance abuse"), as report 000 groups them."""
        return self.by_target_group.get(TargetGroup.ALL, 0) + self.by_target_group.get(
            TargetGroup.ALL_EXCEPT_SUBSTANCE_ABUSE, 0
        )


def consultant_facts(*, user, on: datetime.date | None = None) -> ConsultantFacts:
    """Districts and consultants in scope: a consultant serving three districts counts once."""
    consultants = Consultant.objects.visible_to(user)
    by_group = dict(consultants.values_list("target_group").annotate(n=Count("pk")).order_by())
    return ConsultantFacts(
        districts=District.objects.visible_to(user).count(),
        consultants_unique=consultants.count(),
        consultant_district_rows=Allocation.objects.visible_to(user)
        .valid_on(on or timezone.localdate())
        .values("consultant", "district")
        .distinct()
        .count(),
        by_target_group=by_group,
        with_current_description=consultants_with_current_description(user=user, on=on).count(),
    )


# --- Follow-up figures ---------------------------------------------------------------------------
# One definition of every figure on the dashboards, the city overview and the follow-up reports.
# Each is computed for a set of districts in one pass (grouped by district), from live rows only.

# The version of these definitions, recorded with every compiled report. Bump it whenever a figure's
# meaning changes (and, if the facts' keys change with it, rebuild the facts in a migration).
DEFINITIONS_VERSION = 3

TargetGroups = str | Sequence[str] | None  # one target group, several, or (None) all
# Before the first day any talk series can have begun: a series' history is read from here.
HISTORY_START = datetime.date(2000, 1, 1)
# The dimensions the occasions' own figures read (the talk series' history reads rank and cap).
OCCASION_DIMENSIONS = (CONSULTANT_CHANNEL, INTERVENTION, TALK, REFERRAL, AFTER_CAP, MEETING)


def empty_figures() -> dict:
    return {
        "contacts": 0,
        "caregivers": 0,
        "anonymous": 0,
        "minutes": 0,
        "by_channel": {},
        "by_month": {},
        "by_consultant": {},
        "by_role": {},
        "by_target_group": {},
        "by_intervention": {},
        "role_channel": {},
        "caregivers_by": {"gender": {}, "age_band": {}, "relation": {}, "condition": {}},
        "talks": {"talks": 0, "used": {}, "caregivers": 0, "at_cap": 0, "referrals_after_cap": 0},
        "groups": {"meetings": 0, "attendance": 0, "circles_at_max": 0, "by_kind": {}},
        "referrals": {},
    }


def district_figures(
    *,
    period: Period,
    target_group: TargetGroups = None,
    district_ids: Iterable[int] | None = None,
    combined: bool = False,
) -> dict[int, dict]:
    """The follow-up figures of each district for a period and (optionally) a target group.

    Contacts are occasions; caregivers are unique people reached (a caregiver counts once per
    district however many contacts, channels or months). With ``combined`` the districts are one
    unit, returned under the key SCOPE: a caregiver met in two districts counts once. Guidance talks
    stay counted per district even then, since the talk cap is a district's (a caregiver's talks in
    two districts are two series). Aggregates only: no personal data. Keys are text, so the figures
    survive a round trip through JSON (a compiled report's content) unchanged.
    """
    if district_ids is not None:
        district_ids = list(district_ids)
    if combined:
        figures = defaultdict(empty_figures, _facts_figures(period, target_group, district_ids, combined=True))
    else:
        # Each district's figures from its facts, kept under their version: after a write in one
        # district, the city median beside another's recomputes only the one.
        kept = kept_per_district(
            "district_figures", (period.start, period.end, _target_groups(target_group)), district_ids,
            lambda ids: _facts_figures(period, target_group, ids, combined=False), reads=FACTS_FIGURES_READ,
        )  # fmt: skip
        figures = defaultdict(empty_figures, kept)
    # The circles' own rows, not facts: read as they are.
    _circles_at_max(figures, period=period, district_ids=district_ids, combined=combined)
    return dict(figures)


# What ``_facts_figures`` reads beside the facts: the consultants' roles and target groups, the
# intervention types' codes and the caregivers' attribute sets.
FACTS_FIGURES_READ = (Consultant, InterventionType, CaregiverAttributeFact)


def _facts_figures(
    period: Period, target_group: TargetGroups, district_ids: list[int] | None, *, combined: bool
) -> dict[int, dict]:
    """``district_figures`` but the circles: everything summed from the facts (and ``FACTS_FIGURES_READ``)."""
    figures: dict[int, dict] = defaultdict(empty_figures)
    _occasion_figures(figures, period=period, target_group=target_group, district_ids=district_ids, combined=combined)
    _meeting_figures(figures, period=period, target_group=target_group, district_ids=district_ids, combined=combined)
    return dict(figures)


def _target_groups(target_group: TargetGroups) -> list[str] | None:
    if isinstance(target_group, str):
        return [target_group]
    return list(target_group) if target_group else None


def _per_unit(facts: RangeFacts, *, combined: bool) -> dict[int, tuple[dict, dict]]:
    """The range's cells and month totals per unit: each district, or (``combined``) the scope as one,
    whose caregivers are the union of its districts' (a caregiver met in two districts is one)."""
    if not combined:
        return {d: (facts.cells[d], facts.months.get(d, {})) for d in facts.cells}
    cells: dict = defaultdict(Tally)
    months: dict = defaultdict(Tally)
    for district_id, district_cells in facts.cells.items():
        for key, tally in district_cells.items():
            cells[key].add(tally)
        for key, tally in facts.months.get(district_id, {}).items():
            months[key].add(tally)
    return {SCOPE: (cells, months)} if cells else {}


def _occasion_figures(figures, *, period: Period, target_group: TargetGroups, district_ids, combined: bool) -> None:
    """The figures of the occasions themselves, summed from the facts (``figures.facts``) of the range:
    contacts, minutes, anonymous contacts and unique caregivers, in all and by channel, consultant,
    role, target group, intervention type and month, and the unique caregivers by their attributes;
    the guidance talks, referrals and group meetings' attendance (``_series_figures``). Five queries,
    whatever the number of contacts."""
    facts = facts_read(
        start=period.start, end=period.end, district_ids=district_ids, target_groups=_target_groups(target_group),
        dimensions=OCCASION_DIMENSIONS,
    )  # fmt: skip
    # The talk series up to the period's end, of every target group: what each caregiver has used.
    history = facts_read(
        start=HISTORY_START, end=period.end, district_ids=district_ids, target_groups=None,
        dimensions=(TALK_RANK, TALK_CAP), totals=False,
    )  # fmt: skip
    _series_figures(figures, facts=facts, history=history, combined=combined)
    consultants = {
        str(pk): (role, group) for pk, role, group in Consultant.objects.values_list("pk", "role", "target_group")
    }
    types = {str(pk): code for pk, code in InterventionType.objects.values_list("pk", "code")}
    attributes = attribute_sets() if facts.cells else {}
    for unit, (cells, months) in _per_unit(facts, combined=combined).items():
        f = figures[unit]
        breakdowns: dict[str, dict[str, Tally]] = defaultdict(lambda: defaultdict(Tally))
        reached = Tally()
        for (group, dimension, key), tally in cells.items():
            if dimension == TOTAL:
                reached.add(tally)
                breakdowns["by_target_group"][group].add(tally)
            elif dimension == CONSULTANT_CHANNEL:
                consultant_id, channel = key.split(":", 1)
                role, consultant_group = consultants.get(consultant_id, ("", ""))
                for name, k in (("by_channel", channel), ("by_consultant", consultant_id), ("by_role", role)):
                    breakdowns[name][k].add(tally)
                by_role = f["role_channel"].setdefault(report_role(role, consultant_group), {})
                by_role[channel] = by_role.get(channel, 0) + tally.contacts
            elif dimension == INTERVENTION:
                breakdowns["by_intervention"][types.get(key, key)].add(tally)
        for (_group, month), tally in months.items():
            breakdowns["by_month"][month.strftime("%Y-%m")].add(tally)
        f["contacts"], f["minutes"], f["anonymous"] = reached.contacts, reached.minutes, reached.anonymous
        f["caregivers"] = len(reached.caregivers)
        for name, tallies in breakdowns.items():
            f[name] = {k: {"contacts": t.contacts, "caregivers": len(t.caregivers)} for k, t in tallies.items()}
        for attribute, sets in attributes.items():
            counts = {value: reached.caregivers.intersection_cardinality(members) for value, members in sets.items()}
            f["caregivers_by"][attribute] = {value: n for value, n in counts.items() if n}


def _meeting_figures(figures, *, period: Period, target_group: TargetGroups, district_ids, combined: bool) -> None:
    """Groups and meetings held in the period by kind: a meeting with an attendee's live contact of the
    target groups in it, counted from the keys of the facts' ``held`` cells (the attendance is summed
    with the other occasions)."""
    held = facts_key_counts(start=period.start, end=period.end, district_ids=district_ids,
                            target_groups=_target_groups(target_group), dimension=MEETING_HELD)  # fmt: skip
    for district_id, kinds in held.items():
        groups = figures[SCOPE if combined else district_id]["groups"]
        for kind, (held_groups, meetings) in kinds.items():
            entry = groups["by_kind"].setdefault(kind, {"groups": 0, "meetings": 0, "attendance": 0})
            # A meeting belongs to one group of one district: the districts' counts add up to the scope's.
            entry["groups"] += held_groups
            entry["meetings"] += meetings
            groups["meetings"] += meetings


def _series_figures(figures, *, facts: RangeFacts, history: RangeFacts, combined: bool) -> None:
    """The guidance talks, referrals and group meetings of the range, from the facts. Talks stay counted
    per district even for the scope as one (the cap is a district's: a caregiver's talks in two
    districts are two series); a group meeting is one meeting however many districts are read."""
    for district_id, cells in facts.cells.items():
        f = figures[SCOPE if combined else district_id]
        talked = BitMap()
        for (_group, dimension, key), tally in cells.items():
            if dimension == TALK:
                f["talks"]["talks"] += tally.contacts
                talked |= tally.caregivers
            elif dimension == REFERRAL:
                f["referrals"][key] = f["referrals"].get(key, 0) + tally.contacts
            elif dimension == AFTER_CAP:
                f["talks"]["referrals_after_cap"] += tally.contacts
            elif dimension == MEETING:
                kind = f["groups"]["by_kind"].setdefault(key, {"groups": 0, "meetings": 0, "attendance": 0})
                kind["attendance"] += tally.contacts
                f["groups"]["attendance"] += tally.contacts
        if talked:
            _talks_used(f["talks"], talked, history.cells.get(district_id, {}))


def _talks_used(talks: dict, talked: BitMap, history: dict) -> None:
    """Caregivers with a talk in the period, by the talks they have used up to its end, and those at the
    cap in force by then: a caregiver has used *k* when their rank-*k* talk is on or before the end."""
    ranks: dict[int, BitMap] = defaultdict(BitMap)
    caps: dict[int, BitMap] = defaultdict(BitMap)
    for (_group, dimension, key), tally in history.items():
        (ranks if dimension == TALK_RANK else caps)[int(key)] |= tally.caregivers
    reached = [talked.intersection_cardinality(ranks[k]) for k in range(1, max(ranks, default=0) + 1)]
    for k, n in enumerate(reached, start=1):
        used = n - (reached[k] if k < len(reached) else 0)
        if used:
            talks["used"][str(k)] = talks["used"].get(str(k), 0) + used
    talks["caregivers"] += len(talked)
    higher = BitMap()
    for cap in sorted(caps, reverse=True):  # each caregiver at the highest cap of their talks
        talks["at_cap"] += len(talked & (caps[cap] - higher) & ranks.get(cap, BitMap()))
        higher |= caps[cap]


def caregivers_reached(
    *, period: Period, target_group: TargetGroups, district_ids: Iterable[int] | None, combined: bool = False
) -> dict[int, dict]:
    """Unique caregivers reached, per district or (``combined``) the scope as one, from the facts' cell
    totals: the same figure as ``district_figures``' ``caregivers``. Each district's caregivers are
    kept under its facts' version (``kept_per_district``), so the scope as one is a union of kept
    sets, and a write in one district reads that district's again only."""
    members = _reached_sets(period=period, target_group=target_group, district_ids=district_ids)
    if combined:
        return {SCOPE: {"caregivers": len(BitMap.union(BitMap(), *members.values()))}} if members else {}
    return {district_id: {"caregivers": len(m)} for district_id, m in members.items()}


def _reached_sets(
    *, period: Period, target_group: TargetGroups, district_ids: Iterable[int] | None
) -> dict[int, BitMap]:
    """Each district's caregivers reached in the period, as the set kept under its facts' version."""
    groups = _target_groups(target_group)

    def compute(ids: list[int] | None) -> dict[int, bytes]:
        facts = facts_read(start=period.start, end=period.end, district_ids=ids, target_groups=groups, dimensions=())
        return {
            district_id: BitMap.union(BitMap(), *(t.caregivers for t in cells.values())).serialize()
            for district_id, cells in facts.cells.items()
        }

    kept = kept_per_district("caregivers_reached", (period.start, period.end, groups), district_ids, compute)
    return {district_id: BitMap.deserialize(kept_set) for district_id, kept_set in kept.items()}


def caregivers_reached_by_unit(*, period: Period, units: dict[Hashable, Iterable[int]]) -> dict[Hashable, int]:
    """Unique caregivers reached by each unit of districts as one (a municipality: a caregiver met in two
    of its districts counts once), from one read of every district's kept set. The same figure as
    ``caregivers_reached(combined=True)`` of each unit's districts."""
    members = _reached_sets(
        period=period, target_group=None, district_ids=sorted({d for ids in units.values() for d in ids})
    )
    return {key: len(BitMap.union(BitMap(), *(members[d] for d in ids if d in members))) for key, ids in units.items()}


def city_figures(*, period: Period, district_ids: list[int]) -> dict:
    """The city as one, where its districts' figures can't be added up (the city-wide goals need them
    on every dashboard):

    - ``caregivers``: unique caregivers reached, a caregiver met in two districts once (the count of
      ``district_figures(combined=True)``: the union of the districts' caregivers in the facts);
    - ``support_contact_offers``: offers made, each once (``support_contact_offer_total``), though a
      caregiver's offer counts in each of their districts.
    """
    reached = caregivers_reached(period=period, target_group=None, district_ids=district_ids, combined=True)
    return {
        "caregivers": reached.get(SCOPE, {}).get("caregivers", 0),
        "support_contact_offers": support_contact_offer_total(
            start=period.start,
            end=period.end,
            municipality_ids=District.objects.filter(pk__in=district_ids).values("municipality_id"),
        ),
    }


def _circles_at_max(figures, *, period: Period, district_ids, combined: bool) -> None:
    """Circles that met in the period and have held all the meetings they may (from the groups' own
    rows: a few per district)."""
    circles = Group.objects.filter(deleted_at__isnull=True, kind=GroupKind.CIRCLE, max_meetings__isnull=False).annotate(
        held=Count("meetings", filter=Q(meetings__deleted_at__isnull=True, meetings__date__lte=period.end)),
        in_period=Count(
            "meetings",
            filter=Q(meetings__deleted_at__isnull=True, meetings__date__range=(period.start, period.end)),
        ),
    )
    if district_ids is not None:
        circles = circles.filter(district_id__in=district_ids)
    for circle in circles.filter(in_period__gt=0, held__gte=F("max_meetings")).values("district_id"):
        figures[SCOPE if combined else circle["district_id"]]["groups"]["circles_at_max"] += 1


# Scalar figures shown with the previous period and the city median beside them.
HEADLINE_FIGURES = (
    ("contacts", ("contacts",)),
    ("caregivers", ("caregivers",)),
    ("anonymous", ("anonymous",)),
    ("minutes", ("minutes",)),
    ("talks", ("talks", "talks")),
    ("talk_caregivers", ("talks", "caregivers")),
    ("at_cap", ("talks", "at_cap")),
    ("referrals_after_cap", ("talks", "referrals_after_cap")),
    ("meetings", ("groups", "meetings")),
    ("attendance", ("groups", "attendance")),
    ("circles_at_max", ("groups", "circles_at_max")),
)


def figure_at(figures: dict | None, path: tuple[str, ...]):
    """The figure at ``path`` (e.g. ("talks", "used")) of a district's figures, empty ones if none.

    A figure missing from figures stored before it was defined (until their months are recomputed)
    reads as the empty figure."""
    value = figures or empty_figures()
    for step in path:
        if step not in value:
            return figure_at(None, path)
        value = value[step]
    return value


def _median(values: list[int]) -> float:
    values = sorted(values)
    middle = len(values) // 2
    return values[middle] if len(values) % 2 else (values[middle - 1] + values[middle]) / 2


def district_profile(*, district: District, period: Period) -> dict:
    """What a district offers and who works there in a period: coverage, the allocations in force in
    it and its FTE, representatives and the period's budget.

    The representatives are counted today, their trainings in the period.
    """
    offered = set(
        DistrictOffering.objects.filter(district=district).values_list("target_group", "intervention_type_id")
    )
    groups = sorted({group for group, _type in offered}) or [TargetGroup.ALL]
    components = list(InterventionType.objects.order_by("position"))
    allocations = list(
        district.allocations.valid_during(period.start, period.end)
        .select_related("consultant")
        .order_by("consultant__ref", "target_group", "valid_from")
    )
    documented = set(
        consultant_list(user=SYSTEM)
        .filter(pk__in=[a.consultant_id for a in allocations], has_current_description=True)
        .values_list("pk", flat=True)
    )
    return {
        "coverage_groups": [TargetGroup(group).label for group in groups],
        "coverage": [
            {"component": c, "offered": [(group, (group, c.pk) in offered) for group in groups]} for c in components
        ],
        "fte": fte_by_district(start=period.start, end=period.end, district_ids=[district.pk]).get(district.pk, 0),
        "budget": budget_by_district(start=period.start, end=period.end, district_ids=[district.pk]).get(district.pk),
        "allocations": [{"allocation": a, "documented": a.consultant_id in documented} for a in allocations],
        "representatives": representative_figures(district_ids=[district.pk], on=timezone.localdate(), period=period)[
            district.pk
        ],
    }


def district_dashboard(*, district: District, period: Period, target_group: str | None = None) -> dict:
    """A district's figures with the previous period and the city median to set beside each figure.

    The figures are summed from the facts at any range (``figures.facts``), so the previous period and
    the city median cost what the district's own do.
    """
    # The median is of the district's own municipality: the districts counted on the same terms.
    all_districts = district_ids_of(municipality_id=district.municipality_id)
    city, as_of = figures_for(period=period, target_group=target_group, district_ids=all_districts)
    previous, _as_of = figures_for(period=period.previous(), target_group=target_group, district_ids=[district.pk])
    current = city.get(district.pk) or empty_figures()
    headline = [
        {
            "name": name,
            "value": figure_at(current, path),
            "previous": figure_at(previous.get(district.pk), path),
            "median": _median([figure_at(city.get(pk), path) for pk in all_districts]),
        }
        for name, path in HEADLINE_FIGURES
    ]
    return {
        "figures": current,
        "previous": previous.get(district.pk) or empty_figures(),
        "city": [city.get(pk) or empty_figures() for pk in all_districts],
        "headline": headline,
        "profile": district_profile(district=district, period=period),
        "as_of": as_of,
    }


def breakdown_comparison(*, data: dict, path: tuple[str, ...], key: str, field: str | None) -> tuple[int, float]:
    """The previous period's value and the city median of one breakdown figure (a channel, a gender...)."""

    def pick(figures: dict) -> int:
        value = figure_at(figures, path).get(key, 0)
        return value[field] if field and value else value

    return pick(data["previous"]), _median([pick(figures) for figures in data["city"]])


CITY_FIGURES = ("contacts", "caregivers", "talks", "meetings", "attendance")


def _fences(values: list[float]) -> tuple[float, float] | None:
    """Tukey's fences (1.5 interquartile ranges beyond the quartiles); None with too few values."""
    if len(values) < 4:
        return None
    values = sorted(values)
    q1, q3 = _median(values[: len(values) // 2]), _median(values[(len(values) + 1) // 2 :])
    spread = q3 - q1
    return q1 - 1.5 * spread, q3 + 1.5 * spread


class Delivery(models.TextChoices):
    """A base-level component's delivery in a period beside what the district declares it offers."""

    NOT_DELIVERED = "not_delivered", _("offered, nothing delivered")
    UNDECLARED = "undeclared", _("delivered, not declared")


def delivered_occasions(figures: dict | None, code: str) -> int:
    """A district's contact occasions of one intervention type, from its figures (0 if none)."""
    return figure_at(figures, ("by_intervention",)).get(code, {}).get("contacts", 0)


def delivery_mark(*, offered: bool, occasions: int) -> str:
    """Whether a component's delivery contradicts the declared offer: offered to some target group
    with no contact of its type in the period, or contacts of a type the district does not declare.
    Empty when they agree. The one rule of the dashboard, the city page and the report."""
    if offered and not occasions:
        return Delivery.NOT_DELIVERED
    if occasions and not offered:
        return Delivery.UNDECLARED
    return ""


def _with_delivery(components: list[InterventionType], cells: list[dict], figures: dict | None) -> list[dict]:
    """Coverage cells with the occasions of each component in the period and their ``delivery_mark``."""
    out = []
    for component, cell in zip(components, cells, strict=True):
        occasions = delivered_occasions(figures, component.code)
        offered = cell["under_65"] or cell["over_65"]
        out.append(cell | {"occasions": occasions, "mark": delivery_mark(offered=offered, occasions=occasions)})
    return out


def city_overview(*, period: Period, municipality_id: int | None, target_group: str | None = None) -> dict:
    """Every district side by side on the same figures, per FTE and per 1,000 inhabitants where known.

    A district is an outlier on a figure when its value per FTE lies outside Tukey's fences of all
    districts' values per FTE (FTE makes districts of different size comparable; inhabitants are
    often not entered).
    """
    districts = list(
        District.objects.filter(municipality_id=municipality_id)
        .order_by("name")
        .values("pk", "code", "name", "inhabitants")
    )
    figures, as_of = figures_for(period=period, target_group=target_group, district_ids=[d["pk"] for d in districts])
    paths = dict(HEADLINE_FIGURES)
    ftes = fte_by_district(start=period.start, end=period.end)
    rows = []
    for d in districts:
        fte = ftes.get(d["pk"], 0)
        values = {name: figure_at(figures.get(d["pk"]), paths[name]) for name in CITY_FIGURES}
        rows.append(
            {
                "district": d,
                "fte": fte,
                "values": values,
                "per_fte": {n: (v / fte if fte else None) for n, v in values.items()},
                "per_1000": {n: (v * 1000 / d["inhabitants"] if d["inhabitants"] else None) for n, v in values.items()},
            }
        )
    for name in CITY_FIGURES:
        fences = _fences([r["per_fte"][name] for r in rows if r["per_fte"][name] is not None])
        for r in rows:
            value = r["per_fte"][name]
            r.setdefault("outliers", set())
            if fences and value is not None and not fences[0] <= value <= fences[1]:
                r["outliers"].add(name)
    components, cells = coverage_matrix([d["pk"] for d in districts])
    coverage = [
        {"district": d, "cells": _with_delivery(components, cells[d["pk"]], figures.get(d["pk"]))} for d in districts
    ]
    for row in coverage:
        row["delivered"] = sum(cell["occasions"] for cell in row["cells"])
    return {
        "rows": rows,
        "medians": {n: _median([r["values"][n] for r in rows]) for n in CITY_FIGURES},
        "components": components,
        "coverage": coverage,
        "as_of": as_of,
    }
