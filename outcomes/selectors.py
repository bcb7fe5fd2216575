"""The outcome figures. Each is defined once here; the dashboard, the city page and the report reuse them.

The figures of a unit (a district, or the scope as one under ``followup.selectors.SCOPE``)::

    talks, talks_scored                  guidance talks in the period, and those with an ORS or SRS score
    ors: series, change_sum, improved    series of guidance talks whose ORS change counts in the period
    followup: caregivers, followed_up    caregivers reached by talks or groups, and those followed up
    followup: answers, desired, partly   follow-up answers in the period, "yes" and "partly" among them
    by_role: {report role: part}         the same counts by the consultant's report role
    by_type: {intervention code: part}   the same counts by intervention type (names are the pages')

Sums rather than means are kept, so figures add up and survive a round trip through JSON (the
dashboards read them precomputed, ``figures.snapshots``); the means and shares are worked out by the
functions below (``mean_ors_change``, ``share_scored``...).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from itertools import groupby

from django.db.models import Count, Exists, F, OuterRef, Q

from districts.models import District
from figures.definitions import SCOPE, ReportRole, report_role
from figures.models import SnapshotSection
from figures.periods import Period
from figures.snapshots import figures_for
from interventions.models import Contact, InterventionType

from .models import FollowUpAnswer, FollowUpResult

# The counts kept per unit and per breakdown (role, intervention type).
PART_FIELDS = (
    "talks",
    "talks_scored",
    "series",
    "change_sum",
    "improved",
    "caregivers",
    "followed_up",
    "answers",
    "desired",
    "partly",
)


def _empty_part() -> dict:
    return dict.fromkeys(PART_FIELDS, 0)


def empty_outcomes() -> dict:
    return {
        "talks": 0,
        "talks_scored": 0,
        "ors": {"series": 0, "change_sum": 0, "improved": 0},
        "followup": {"caregivers": 0, "followed_up": 0, "answers": 0, "desired": 0, "partly": 0},
        "by_role": {},
        "by_type": {},
    }


# --- Definitions ---------------------------------------------------------------------------------


def ors_change(scores: dict[int, int]) -> int | None:
    """The ORS change of one caregiver's series of guidance talks in one district.

    ``scores`` maps talk number to the ORS given at that talk (talks without an ORS left out). The
    change is the ORS at the last talk with an ORS minus the ORS at the first talk (talk number 1),
    when both exist and are different talks; otherwise the series is not measured (None). A series
    counts in the period of that last talk; a positive change is an improvement.
    """
    if 1 not in scores:
        return None
    last = max(scores)
    if last == 1:
        return None
    return scores[last] - scores[1]


def _percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def mean_ors_change(figures: dict) -> float | None:
    """The mean ORS change of the series measured (None when none was), to one decimal."""
    return round(figures["change_sum"] / figures["series"], 1) if figures["series"] else None


def share_scored(figures: dict) -> float | None:
    """Share (%) of the guidance talks in the period that have an outcome score (ORS or SRS)."""
    return _percent(figures["talks_scored"], figures["talks"])


def share_followed_up(figures: dict) -> float | None:
    """Share (%) of the caregivers reached by guidance talks or group/circle meetings in the period
    (named caregivers, unique) who were asked the follow-up question in the same district, on or
    after the period's first day. With the scope as one, a caregiver counts once and an answer in
    any of its districts counts."""
    return _percent(figures["followed_up"], figures["caregivers"])


def share_desired(figures: dict) -> float | None:
    """Share (%) of the follow-up answers in the period (named and unnamed) that say "yes": the
    support led to the desired result ("partly" is not counted as yes)."""
    return _percent(figures["desired"], figures["answers"])


def flat(unit: dict) -> dict:
    """A unit's figures with its breakdown fields at the top level, as a breakdown part holds them."""
    return {
        "talks": unit["talks"],
        "talks_scored": unit["talks_scored"],
        **unit["ors"],
        **unit["followup"],
    }


# --- The figures ---------------------------------------------------------------------------------


def _talks_in(*, period: Period, district_ids: list[int] | None):
    """Live guidance talks in the period (a talk of a caregiver erased since still counts)."""
    talks = Contact.objects.filter(
        deleted_at__isnull=True, talk_number__isnull=False, date__range=(period.start, period.end)
    )
    if district_ids is not None:
        talks = talks.filter(district_id__in=district_ids)
    return talks


def _part(figures: dict, unit: int, dimension: str, key: str) -> dict:
    return figures[unit][dimension].setdefault(key, _empty_part())


def outcome_figures(
    *, period: Period, district_ids: Iterable[int] | None = None, combined: bool = False
) -> dict[int, dict]:
    """The outcome figures of each district for a period, keyed by district id (or SCOPE when combined).

    ``talks``: live guidance talks dated in the period; ``talks_scored``: those of them with an outcome
    score (ORS, SRS or both). ORS change: see ``ors_change``; a series is a caregiver's talks in one
    district (the talk cap is a district's), so with the scope as one a caregiver's series in two
    districts stay two series. Follow-up: see ``share_followed_up`` and ``share_desired``. Breakdowns:
    by the report role (``followup.selectors.report_role``) of the consultant who gave the talk, gave
    the last scored talk of a series or asked the follow-up question; by intervention type of the
    talk, of the meeting (own group or circle) or of the answer. Aggregates only: no personal data.
    A district without any of these may be absent. Five queries.
    """
    if district_ids is not None:
        district_ids = list(district_ids)
    figures: dict[int, dict] = defaultdict(empty_outcomes)

    def unit_of(district_id: int) -> int:
        return SCOPE if combined else district_id

    # Talks and talks scored, by district, role and intervention type (one query).
    for row in (
        _talks_in(period=period, district_ids=district_ids)
        .values("district_id", "consultant__role", "consultant__target_group", "intervention_type__code")
        .annotate(
            n=Count("pk"),
            scored=Count("pk", filter=Q(outcome_score__isnull=False)),
        )
        .order_by()
    ):
        unit = unit_of(row["district_id"])
        figures[unit]["talks"] += row["n"]
        figures[unit]["talks_scored"] += row["scored"]
        role = report_role(row["consultant__role"], row["consultant__target_group"])
        for part in (
            _part(figures, unit, "by_role", role),
            _part(figures, unit, "by_type", row["intervention_type__code"]),
        ):
            part["talks"] += row["n"]
            part["talks_scored"] += row["scored"]

    _ors_figures(figures, period=period, district_ids=district_ids, unit_of=unit_of)
    _followup_figures(figures, period=period, district_ids=district_ids, combined=combined)
    return dict(figures)


def _ors_figures(figures, *, period: Period, district_ids, unit_of) -> None:
    """Series whose last talk with an ORS lies in the period, with their change (one query)."""
    with_ors = Contact.objects.filter(
        deleted_at__isnull=True,
        talk_number__isnull=False,
        caregiver__isnull=False,
        outcome_score__ors__isnull=False,
    )
    if district_ids is not None:
        with_ors = with_ors.filter(district_id__in=district_ids)
    # Only series with a later ORS in the period can have their last ORS there.
    later_in_period = with_ors.filter(
        talk_number__gt=1,
        date__range=(period.start, period.end),
        caregiver_id=OuterRef("caregiver_id"),
        district_id=OuterRef("district_id"),
    )
    rows = (
        with_ors.filter(Exists(later_in_period))
        .values(
            "district_id",
            "caregiver_id",
            "talk_number",
            "date",
            "outcome_score__ors",
            "consultant__role",
            "consultant__target_group",
            "intervention_type__code",
        )
        .order_by("district_id", "caregiver_id", "talk_number")
    )
    for (district_id, _caregiver), series in groupby(
        rows.iterator(chunk_size=2000), key=lambda r: (r["district_id"], r["caregiver_id"])
    ):
        series = list(series)
        last = series[-1]
        change = ors_change({r["talk_number"]: r["outcome_score__ors"] for r in series})
        if change is None or not period.start <= last["date"] <= period.end:
            continue
        unit = unit_of(district_id)
        role = report_role(last["consultant__role"], last["consultant__target_group"])
        type_part = _part(figures, unit, "by_type", last["intervention_type__code"])
        for part in (figures[unit]["ors"], _part(figures, unit, "by_role", role), type_part):
            part["series"] += 1
            part["change_sum"] += change
            part["improved"] += change > 0


def _followup_figures(figures, *, period: Period, district_ids, combined: bool) -> None:
    """Caregivers reached and followed up (two queries) and the answers in the period (one)."""
    reached = Contact.objects.filter(
        Q(talk_number__isnull=False) | Q(meeting__isnull=False),
        deleted_at__isnull=True,
        caregiver__isnull=False,
        date__range=(period.start, period.end),
    )
    answered = FollowUpAnswer.objects.filter(caregiver_id=OuterRef("caregiver_id"), date__gte=period.start)
    if district_ids is not None:
        reached = reached.filter(district_id__in=district_ids)
        answered = answered.filter(district_id__in=district_ids)
    if not combined:
        answered = answered.filter(district_id=OuterRef("district_id"))
    reached = reached.alias(
        answered=Exists(answered),
        answered_same_type=Exists(answered.filter(intervention_type_id=OuterRef("intervention_type_id"))),
    )
    counts = {
        "caregivers": Count("caregiver_id", distinct=True),
        "followed_up": Count("caregiver_id", distinct=True, filter=Q(answered=True)),
    }
    by_unit = (
        [reached.aggregate(**counts) | {"unit": SCOPE}]
        if combined
        else reached.values(unit=F("district_id")).annotate(**counts).order_by()
    )
    for row in by_unit:
        if row["caregivers"]:
            figures[row["unit"]]["followup"]["caregivers"] = row["caregivers"]
            figures[row["unit"]]["followup"]["followed_up"] = row["followed_up"]
    counts["followed_up"] = Count("caregiver_id", distinct=True, filter=Q(answered_same_type=True))
    unit_field = {} if combined else {"unit": F("district_id")}
    for row in reached.values("intervention_type__code", **unit_field).annotate(**counts).order_by():
        unit = SCOPE if combined else row["unit"]
        part = _part(figures, unit, "by_type", row["intervention_type__code"])
        part["caregivers"] = row["caregivers"]
        part["followed_up"] = row["followed_up"]

    answers = FollowUpAnswer.objects.filter(date__range=(period.start, period.end))
    if district_ids is not None:
        answers = answers.filter(district_id__in=district_ids)
    for row in (
        answers.values(
            "district_id",
            "consultant__role",
            "consultant__target_group",
            "intervention_type__code",
            "result",
        )
        .annotate(n=Count("pk"))
        .order_by()
    ):
        unit = SCOPE if combined else row["district_id"]
        role = report_role(row["consultant__role"], row["consultant__target_group"])
        type_part = _part(figures, unit, "by_type", row["intervention_type__code"])
        for part in (figures[unit]["followup"], _part(figures, unit, "by_role", role), type_part):
            part["answers"] += row["n"]
            part["desired"] += row["n"] if row["result"] == FollowUpResult.YES else 0
            part["partly"] += row["n"] if row["result"] == FollowUpResult.PARTLY else 0


# --- Pages ---------------------------------------------------------------------------------------


def type_names() -> dict[str, str]:
    """Intervention type names by code, for the breakdowns (the figures keep codes; one query)."""
    return dict(InterventionType.objects.values_list("code", "name"))


def _measures(part: dict) -> dict:
    return part | {
        "mean_change": mean_ors_change(part),
        "share_scored": share_scored(part),
        "share_followed_up": share_followed_up(part),
        "share_desired": share_desired(part),
    }


def outcome_rows(unit: dict, previous: dict | None = None, *, names: dict[str, str]) -> dict:
    """What a page shows of a unit: the headline measures (with the previous period's beside them)
    and the breakdowns by role and by intervention type (``names`` by code), each with its means and shares."""
    roles = dict(ReportRole.choices)
    return {
        "now": _measures(flat(unit)),
        "previous": _measures(flat(previous or empty_outcomes())),
        "by_role": [
            _measures(part) | {"label": roles.get(key, key)}
            for key, part in sorted(unit["by_role"].items(), key=lambda kv: list(roles).index(kv[0]))
        ],
        "by_type": sorted(
            (_measures(part) | {"label": names.get(key, key)} for key, part in unit["by_type"].items()),
            key=lambda row: row["label"],
        ),
    }


def _precomputed(*, period: Period, district_ids: list[int] | None = None) -> dict[int, dict]:
    figures, _as_of = figures_for(
        period=period, target_group=None, district_ids=district_ids, section=SnapshotSection.OUTCOMES
    )
    return figures


def outcome_dashboard(*, district: District, period: Period) -> dict:
    """A district's outcomes for the dashboard, with the previous period beside: precomputed for the
    standard periods (two queries each), live for a custom range."""
    now = _precomputed(period=period, district_ids=[district.pk]).get(district.pk) or empty_outcomes()
    before = _precomputed(period=period.previous(), district_ids=[district.pk]).get(district.pk)
    return outcome_rows(now, before, names=type_names())


def outcome_city(*, period: Period, districts: list[dict]) -> list[dict]:
    """Every district's headline outcome measures side by side, for the city page.

    ``districts`` are the city page's district rows (pk, code, name), read once for all its sections.
    """
    figures = _precomputed(period=period)
    return [{"district": d, "now": _measures(flat(figures.get(d["pk"]) or empty_outcomes()))} for d in districts]
