"""The outcome figures. Each is defined once here; the dashboard, the city page and the report reuse them."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Count, F, Q

from followup.periods import Period
from followup.selectors import SCOPE
from interventions.models import Contact


def _talks_in(*, period: Period, district_ids: Iterable[int] | None):
    """Live guidance talks in the period (a caregiver erased since still leaves the talk counted)."""
    talks = Contact.objects.filter(
        deleted_at__isnull=True, talk_number__isnull=False, date__range=(period.start, period.end)
    )
    if district_ids is not None:
        talks = talks.filter(district_id__in=list(district_ids))
    return talks


def _empty() -> dict:
    return {"talks": 0, "talks_scored": 0}


def outcome_figures(
    *, period: Period, district_ids: Iterable[int] | None = None, combined: bool = False
) -> dict[int, dict]:
    """The outcome figures of each district for a period, keyed by district id (or SCOPE when combined).

    ``talks``: live guidance talks dated in the period. ``talks_scored``: those of them with an outcome
    score (ORS, SRS or both). A district without talks may be absent.
    """
    if district_ids is not None:
        district_ids = list(district_ids)
    figures: dict[int, dict] = defaultdict(_empty)
    talks = _talks_in(period=period, district_ids=district_ids)
    aggregates = {"n": Count("pk"), "scored": Count("pk", filter=Q(outcome_score__isnull=False))}
    rows = (
        [talks.aggregate(**aggregates) | {"unit": SCOPE}]
        if combined
        else talks.values(unit=F("district_id")).annotate(**aggregates).order_by()
    )
    for row in rows:
        if row["n"]:
            figures[row["unit"]]["talks"] += row["n"]
            figures[row["unit"]]["talks_scored"] += row["scored"]
    return dict(figures)
