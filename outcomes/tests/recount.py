"""The outcome figures counted straight from the rows, as they were before the facts kept them: the
bare recount that ``outcomes.selectors.outcome_figures`` (summed from the facts) must equal."""

from collections import defaultdict
from collections.abc import Iterable
from itertools import groupby

from django.db.models import Count, Exists, F, OuterRef, Q

from figures.definitions import SCOPE, report_role
from figures.periods import Period
from interventions.models import Contact
from outcomes.models import FollowUpAnswer, FollowUpResult
from outcomes.selectors import _empty_part, empty_outcomes, ors_change


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


def outcome_recount(
    *, period: Period, district_ids: Iterable[int] | None = None, combined: bool = False
) -> dict[int, dict]:
    """``outcomes.selectors.outcome_figures``, the same definition counted over the rows (five queries)."""
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
