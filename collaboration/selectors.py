"""The collaboration figures, defined once for the dashboards, the city page and the follow-up report.

The counting rule (``activity_units``): an activity counts once for each district it belongs to,
and once in any combined scope (a network, the city, chosen districts). A network's joint activity
therefore shows in each member district, while the city holds it once: count distinct activities,
never add the districts up.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _

from districts.models import District
from figures.definitions import SCOPE
from figures.periods import Period

from .models import (
    ActivityKind,
    ActivityParticipants,
    CaseOfficerMeasurement,
    CollaborationActivity,
    OutreachActivity,
    OutreachKind,
    ParticipantKind,
    Partner,
    PartnerKind,
    case_officer_share,
)

# Report 003, section 5: Nacka's case officers told the customer about caregiver support in 42.6 %
# of new cases in which the customer has caregivers (their own check of new cases, 2022-2023). The
# one published benchmark, shown beside a district's own share.
NACKA_CASE_OFFICER_SHARE = 42.6


def activity_units(pairs: Iterable[tuple[int, int]], *, combined: bool) -> dict[int, set[int]]:
    """THE counting rule: the activities each unit counts, from (activity, district) pairs.

    Per district, an activity belongs to each of its districts; ``combined``, the districts are one
    unit (SCOPE) and an activity of several of them is one activity. Every count, sum of
    participants and sum of reach is taken over these sets, so nothing is counted twice in a scope.
    """
    units: dict[int, set[int]] = defaultdict(set)
    for activity_id, district_id in pairs:
        units[SCOPE if combined else district_id].add(activity_id)
    return units


def empty_collaboration_figures() -> dict:
    return {
        "activities": 0,
        "activities_by_kind": {},
        "participants": 0,
        "participants_by_kind": {},
        "partners": 0,
        "partners_by_kind": {},
        "outreach": 0,
        "outreach_by_kind": {},
        "reach": 0,
        "unknown_reach": 0,
        "case_officers": {"units": 0, "measurements": 0, "new_cases": 0, "informed_cases": 0, "share": None},
    }


def _count(bucket: dict, key: str, value: int = 1) -> None:
    bucket[key] = bucket.get(key, 0) + value


def _pairs(through_queryset: QuerySet, district_ids: list[int] | None) -> QuerySet:
    if district_ids is not None:
        through_queryset = through_queryset.filter(district_id__in=district_ids)
    return through_queryset


def _in_range(model, start, end, district_ids: list[int] | None) -> QuerySet:
    """The range's activities of the districts, as a subquery for the child rows."""
    activities = model.objects.filter(date__range=(start, end))
    if district_ids is not None:
        activities = activities.filter(districts__in=district_ids)
    return activities.values("pk")


def collaboration_figures(
    *, period: Period, district_ids: Iterable[int] | None = None, combined: bool = False
) -> dict[int, dict]:
    """Collaboration, outreach and the case officers' part, per district or (``combined``) the scope as one.

    Keyed by district id, or SCOPE when combined; given ``district_ids`` every one of them has a key.
    Activities and outreach are occasions; participants and reach are people (summed over distinct
    activities, so a shared activity's participants count once in a scope). Partners involved are
    distinct partners. The case officers' share sums the measurements overlapping the period of the
    units of the districts: informed cases over new cases. Five queries, whatever the data; kinds are
    text, so the figures go into a report's JSON unchanged. Activities of a period are few (dozens per
    district and year), so they are grouped here rather than in SQL, by the one rule above.
    """
    return collaboration_figures_of(periods=[period], district_ids=district_ids, combined=combined)[0]


def collaboration_figures_of(
    *, periods: list[Period], district_ids: Iterable[int] | None = None, combined: bool = False
) -> list[dict[int, dict]]:
    """``collaboration_figures`` of several periods (a period and the previous one), in the same five
    queries: the rows of the whole span are read once and each period takes its own."""
    ids = list(district_ids) if district_ids is not None else None
    rows = _rows(min(p.start for p in periods), max(p.end for p in periods), ids)
    return [_period_figures(period, rows, ids=ids, combined=combined) for period in periods]


def collaboration_scope_figures(
    *, periods: list[Period], district_ids: Iterable[int] | None = None
) -> list[tuple[dict[int, dict], dict]]:
    """Per period, each district's figures and the scope's as one (a network's activity once), both
    from the same five queries' rows: the city page and the report need the two side by side."""
    ids = list(district_ids) if district_ids is not None else None
    rows = _rows(min(p.start for p in periods), max(p.end for p in periods), ids)
    return [
        (
            _period_figures(period, rows, ids=ids, combined=False),
            _period_figures(period, rows, ids=ids, combined=True)[SCOPE],
        )
        for period in periods
    ]


def _rows(start, end, ids: list[int] | None) -> dict:
    """The rows the figures of any period within the span are made from, in five queries."""
    # Collaboration activities (with their date and kind), their participants and partners.
    through = CollaborationActivity.districts.through.objects.filter(collaborationactivity__date__range=(start, end))
    activities = list(
        _pairs(through, ids).values_list(
            "collaborationactivity_id", "district_id", "collaborationactivity__kind", "collaborationactivity__date"
        )
    )
    participants: dict[int, list[tuple[str, int]]] = defaultdict(list)
    for activity_id, kind, count in ActivityParticipants.objects.filter(
        activity__in=_in_range(CollaborationActivity, start, end, ids)
    ).values_list("activity_id", "kind", "count"):
        participants[activity_id].append((kind, count))
    partners: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for activity_id, partner_id, kind in CollaborationActivity.partners.through.objects.filter(
        collaborationactivity__in=_in_range(CollaborationActivity, start, end, ids)
    ).values_list("collaborationactivity_id", "partner_id", "partner__kind"):
        partners[activity_id].append((partner_id, kind))
    # Outreach, with its reach where known.
    through = OutreachActivity.districts.through.objects.filter(outreachactivity__date__range=(start, end))
    outreach = list(
        _pairs(through, ids).values_list(
            "outreachactivity_id",
            "district_id",
            "outreachactivity__kind",
            "outreachactivity__reach",
            "outreachactivity__date",
        )
    )
    # The case officers' measurements overlapping the span.
    measurements = CaseOfficerMeasurement.objects.filter(starts_on__lte=end, ends_on__gte=start)
    if ids is not None:
        measurements = measurements.filter(unit__districts__in=ids)
    measured = list(
        measurements.values_list(
            "pk", "unit__districts", "unit_id", "new_cases", "informed_cases", "starts_on", "ends_on"
        )
    )
    return {
        "activities": activities,
        "participants": participants,
        "partners": partners,
        "outreach": outreach,
        "measured": measured,
    }


def _period_figures(period: Period, rows: dict, *, ids: list[int] | None, combined: bool) -> dict[int, dict]:
    """One period's figures from the rows of a span (``_rows``), by the counting rule (``activity_units``)."""
    participants, partners = rows["participants"], rows["partners"]
    figures: dict[int, dict] = defaultdict(empty_collaboration_figures)
    # The scope, and every district asked for, has figures even when nothing happened.
    for unit in [SCOPE] if combined else ids or ():
        figures[unit] = empty_collaboration_figures()

    def within(day) -> bool:
        return period.start <= day <= period.end

    kinds = {activity_id: kind for activity_id, _d, kind, day in rows["activities"] if within(day)}
    pairs = [(activity_id, district_id) for activity_id, district_id, _k, day in rows["activities"] if within(day)]
    for unit, unit_activities in activity_units(pairs, combined=combined).items():
        f = figures[unit]
        involved: dict[int, str] = {}
        for activity_id in unit_activities:
            f["activities"] += 1
            _count(f["activities_by_kind"], kinds[activity_id])
            for kind, count in participants.get(activity_id, ()):
                f["participants"] += count
                _count(f["participants_by_kind"], kind, count)
            involved |= dict(partners.get(activity_id, ()))
        f["partners"] = len(involved)
        for kind in involved.values():
            _count(f["partners_by_kind"], kind)

    reaches = {activity_id: (kind, reach) for activity_id, _d, kind, reach, day in rows["outreach"] if within(day)}
    pairs = [(activity_id, district_id) for activity_id, district_id, _k, _r, day in rows["outreach"] if within(day)]
    for unit, unit_activities in activity_units(pairs, combined=combined).items():
        f = figures[unit]
        for activity_id in unit_activities:
            kind, reach = reaches[activity_id]
            by_kind = f["outreach_by_kind"].setdefault(kind, {"activities": 0, "reach": 0, "unknown_reach": 0})
            f["outreach"] += 1
            by_kind["activities"] += 1
            if reach is None:
                f["unknown_reach"] += 1
                by_kind["unknown_reach"] += 1
            else:
                f["reach"] += reach
                by_kind["reach"] += reach

    # The case officers' part: each measurement overlapping the period once per unit (the same rule).
    values: dict[int, tuple[int, int, int]] = {}
    pairs = []
    for pk, district_id, unit_id, new_cases, informed, starts_on, ends_on in rows["measured"]:
        # A unit always has its district (services.partner_check); the measurement overlaps the period.
        if district_id is not None and starts_on <= period.end and ends_on >= period.start:
            values[pk] = (unit_id, new_cases, informed)
            pairs.append((pk, district_id))
    for unit, unit_measured in activity_units(pairs, combined=combined).items():
        part = figures[unit]["case_officers"]
        part["measurements"] = len(unit_measured)
        part["units"] = len({values[pk][0] for pk in unit_measured})
        part["new_cases"] = sum(values[pk][1] for pk in unit_measured)
        part["informed_cases"] = sum(values[pk][2] for pk in unit_measured)
        part["share"] = case_officer_share(informed=part["informed_cases"], new_cases=part["new_cases"])
    return dict(figures)


def _breakdown(labels: dict, now: dict, before: dict, field: str | None = None) -> list[tuple[str, int, int]]:
    def pick(counts: dict, kind: str) -> int:
        value = counts.get(kind, 0)
        return value[field] if field and value else value

    return [
        (str(label), pick(now, kind), pick(before, kind))
        for kind, label in labels.items()
        if kind in now or kind in before
    ]


def collaboration_dashboard(*, district: District, period: Period) -> dict:
    """A district's collaboration figures beside the previous period's, and Nacka's case officers' share."""
    now, before = (
        figures[district.pk]
        for figures in collaboration_figures_of(periods=[period, period.previous()], district_ids=[district.pk])
    )
    headline = [
        (_("Collaboration activities"), now["activities"], before["activities"]),
        (_("Participants in collaboration activities"), now["participants"], before["participants"]),
        (_("Partners involved"), now["partners"], before["partners"]),
        (_("Outreach activities"), now["outreach"], before["outreach"]),
        (_("People reached by outreach (where known)"), now["reach"], before["reach"]),
        (_("Outreach activities with unknown reach"), now["unknown_reach"], before["unknown_reach"]),
    ]
    breakdowns = [
        (_("Collaboration activities by kind"), _breakdown(dict(ActivityKind.choices), now["activities_by_kind"],
                                                          before["activities_by_kind"])),
        (_("Participants by kind"), _breakdown(dict(ParticipantKind.choices), now["participants_by_kind"],
                                              before["participants_by_kind"])),
        (_("Partners involved by kind"), _breakdown(dict(PartnerKind.choices), now["partners_by_kind"],
                                                   before["partners_by_kind"])),
        (_("Outreach activities by kind"), _breakdown(dict(OutreachKind.choices), now["outreach_by_kind"],
                                                     before["outreach_by_kind"], "activities")),
        (_("People reached by kind of outreach"), _breakdown(dict(OutreachKind.choices), now["outreach_by_kind"],
                                                            before["outreach_by_kind"], "reach")),
    ]  # fmt: skip
    return {
        "figures": now,
        "previous": before,
        "headline": headline,
        "breakdowns": breakdowns,
        "reference_share": NACKA_CASE_OFFICER_SHARE,
    }


def collaboration_city(*, period: Period, districts: list[dict]) -> dict:
    """Each district's figures and the whole city's, a network's activity counted once in the city.

    ``districts`` are the city page's district rows (pk, code, name): read once, for both sections.
    """
    # The city is the page's districts (a municipality's): another municipality's activities are not its.
    [(per_district, city)] = collaboration_scope_figures(periods=[period], district_ids=[d["pk"] for d in districts])
    rows = [{"district": d, "figures": per_district.get(d["pk"]) or empty_collaboration_figures()} for d in districts]
    return {
        "rows": rows,
        "city": city,
        # What adding the districts up would give: shown so the reader sees why the city's is lower.
        "districts_added": sum(r["figures"]["activities"] for r in rows),
        "reference_share": NACKA_CASE_OFFICER_SHARE,
    }


# --- Lists for the pages ---------------------------------------------------------------------------


def collaboration_activity_list(*, user) -> QuerySet:
    return (
        CollaborationActivity.objects.visible_to(user)
        .select_related("network")
        # A shared (network) activity may name partners of other districts: list only the user's.
        .prefetch_related("districts", Prefetch("partners", Partner.objects.visible_to(user)), "participants")
        .order_by("-date", "-pk")
    )


def outreach_activity_list(*, user) -> QuerySet:
    return (
        OutreachActivity.objects.visible_to(user)
        .select_related("network")
        .prefetch_related("districts")
        .order_by("-date", "-pk")
    )


def partner_list(*, user) -> QuerySet:
    return Partner.objects.visible_to(user).prefetch_related("districts").order_by("name")


def measurement_list(*, user) -> QuerySet:
    return (
        CaseOfficerMeasurement.objects.visible_to(user)
        .select_related("unit")
        .prefetch_related("unit__districts")
        .order_by("-starts_on", "unit__name")
    )
