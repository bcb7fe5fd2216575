"""The outcome figures. Each is defined once here; the dashboard, the city page and the report reuse them.

The figures of a unit (a district, or the scope as one under ``followup.selectors.SCOPE``)::

    talks, talks_scored                  guidance talks in the period, and those with an ORS or SRS score
    ors: series, change_sum, improved    series of guidance talks whose ORS change counts in the period
    followup: caregivers, followed_up    caregivers reached by talks or groups, and those followed up
    followup: answers, desired, partly   follow-up answers in the period, "yes" and "partly" among them
    by_role: {report role: part}         the same counts by the consultant's report role
    by_type: {intervention code: part}   the same counts by intervention type (names are the pages')

Sums rather than means are kept, so figures add up and survive a round trip through JSON (a compiled
report keeps them); the means and shares are worked out by the functions below (``mean_ors_change``,
``share_scored``...). Every figure is summed from the facts (``figures.facts``) at any range.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable

from pyroaring import BitMap

from consultants.models import Consultant
from districts.models import District
from figures.definitions import ANSWER, ORS, OUTCOME_DIMENSIONS, OUTCOME_TALK, REACH, SCOPE, ReportRole, report_role
from figures.facts import RangeFacts, facts_read
from figures.moment_cache import kept_per_district
from figures.periods import Period
from interventions.models import InterventionType

from .models import FollowUpResult

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


def _part(figures: dict, unit: int, dimension: str, key: str) -> dict:
    return figures[unit][dimension].setdefault(key, _empty_part())


ANSWERS_AHEAD_YEARS = 50


def _answered_until(period: Period) -> datetime.date:
    # An answer on any day from the period's first counts (it follows the support): read far ahead.
    return datetime.date(period.end.year + ANSWERS_AHEAD_YEARS, 12, 31)


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
    A district without any of these may be absent.

    Summed from the facts (``figures.facts``, the outcome dimensions of ``figures.definitions``), so
    any range costs what a standard period does. Four queries.
    """
    if combined:
        return _outcome_figures(period, None if district_ids is None else list(district_ids), combined=True)
    # Each district's kept under its facts' version: after a write in one, the others' are not recomputed.
    return kept_per_district(
        "outcome_figures", (period.start, period.end), district_ids,
        lambda ids: _outcome_figures(period, ids, combined=False), reads=(Consultant, InterventionType),
    )  # fmt: skip


def _outcome_figures(period: Period, district_ids: list[int] | None, *, combined: bool) -> dict[int, dict]:
    """``outcome_figures``, computed."""
    facts = facts_read(
        start=period.start, end=period.end, district_ids=district_ids, target_groups=None,
        dimensions=OUTCOME_DIMENSIONS, totals=False,
    )  # fmt: skip
    answered = facts_read(
        start=period.start, end=_answered_until(period), district_ids=district_ids, target_groups=None,
        dimensions=(ANSWER,), totals=False,
    )  # fmt: skip
    roles = {str(pk): report_role(role, group) for pk, role, group in Consultant.objects.values_list(
        "pk", "role", "target_group")}  # fmt: skip
    codes = {str(pk): code for pk, code in InterventionType.objects.values_list("pk", "code")}
    figures: dict[int, dict] = defaultdict(empty_outcomes)
    reached: dict[int, dict[str, BitMap]] = defaultdict(lambda: defaultdict(BitMap))
    for district_id, cells in facts.cells.items():
        unit = SCOPE if combined else district_id
        for (_group, dimension, key), tally in cells.items():
            if dimension == REACH:
                reached[unit][key] |= tally.caregivers
                continue
            consultant_id, type_id, value = key.split(":", 2)
            f, n = figures[unit], tally.contacts
            parts = (
                _part(figures, unit, "by_role", roles.get(consultant_id, report_role("", ""))),
                _part(figures, unit, "by_type", codes.get(type_id, type_id)),
            )
            if dimension == OUTCOME_TALK:
                scored = n if value == "1" else 0
                for part in (f, *parts):
                    part["talks"] += n
                    part["talks_scored"] += scored
            elif dimension == ORS:
                change = int(value)
                for part in (f["ors"], *parts):
                    part["series"] += n
                    part["change_sum"] += change * n
                    part["improved"] += n if change > 0 else 0
            elif dimension == ANSWER:
                for part in (f["followup"], *parts):
                    part["answers"] += n
                    part["desired"] += n if value == FollowUpResult.YES else 0
                    part["partly"] += n if value == FollowUpResult.PARTLY else 0
    _followed_up(figures, reached=reached, answered=answered, combined=combined, codes=codes)
    return dict(figures)


def _followed_up(figures, *, reached: dict, answered: RangeFacts, combined: bool, codes: dict) -> None:
    """Caregivers reached by talks or meetings in the period, and those of them with an answer on or
    after its first day, in the same district (any of the scope's, combined); by intervention type,
    an answer after the same type."""
    answers: dict[int, dict[str, BitMap]] = defaultdict(lambda: defaultdict(BitMap))
    for district_id, cells in answered.cells.items():
        for (_group, _dimension, key), tally in cells.items():
            answers[SCOPE if combined else district_id][key.split(":", 2)[1]] |= tally.caregivers
    for unit, by_type in reached.items():
        everyone = BitMap.union(BitMap(), *by_type.values())
        if everyone:
            followup = figures[unit]["followup"]
            followup["caregivers"] = len(everyone)
            followup["followed_up"] = everyone.intersection_cardinality(BitMap.union(BitMap(), *answers[unit].values()))
        for type_id, members in by_type.items():
            part = _part(figures, unit, "by_type", codes.get(type_id, type_id))
            part["caregivers"] = len(members)
            part["followed_up"] = members.intersection_cardinality(answers[unit].get(type_id, BitMap()))


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


def outcome_dashboard(*, district: District, period: Period) -> dict:
    """A district's outcomes for the dashboard, with the previous period beside (four queries each)."""
    now = outcome_figures(period=period, district_ids=[district.pk]).get(district.pk) or empty_outcomes()
    before = outcome_figures(period=period.previous(), district_ids=[district.pk]).get(district.pk)
    return outcome_rows(now, before, names=type_names())


def outcome_city(*, period: Period, districts: list[dict]) -> list[dict]:
    """Every district's headline outcome measures side by side, for the city page.

    ``districts`` are the city page's district rows (pk, code, name), read once for all its sections.
    """
    figures = outcome_figures(period=period, district_ids=[d["pk"] for d in districts])
    return [{"district": d, "now": _measures(flat(figures.get(d["pk"]) or empty_outcomes()))} for d in districts]
