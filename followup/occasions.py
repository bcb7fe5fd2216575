"""Logged contacts as the figures engine's occasions (``figures.facts``), and caregivers' attributes as
its attribute sets: the one translation, used by the upkeep and by the rebuild alike.

A contact's keys say what it counts in besides its cell total:

- ``cc``: the consultant and channel (role and target group are read with the figures, so a
  consultant's new role needs no rewrite); ``it``: its intervention type;
- ``talk``: a guidance talk with its caregiver; ``rank``: its place in the caregiver's series of talks
  in the district (1 for the first), and ``cap``: the cap in force for it. A caregiver has used *k*
  talks by a day when their rank-*k* talk is on or before it;
- ``referral``: each referral's destination; ``after_cap``: each referral to healthcare from a contact
  that is not a talk, on or after the day the caregiver's series reached its cap;
- ``meeting``: a group meeting's attendance, keyed by the group's kind; ``held``: the meeting itself,
  keyed by kind, group and meeting (a meeting is held in a range when a live attendee's contact is in
  it: the distinct keys count the meetings and groups);
- the outcome figures' dimensions (``figures.definitions.OUTCOME_DIMENSIONS``): a guidance talk with
  its consultant, intervention type and whether it is scored; a series' last talk with an ORS, with
  its change; a named caregiver's talk or meeting by intervention type. A follow-up answer is an
  occasion of its own (``answer_occasions``), in no cell total.

Rank and ``after_cap`` depend on the caregiver's other contacts in the district (their *series*):
the upkeep recomputes a series' occasions before and after each write that touches it.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import chain

from django.db.models import Q

from caregivers.models import Caregiver
from districts.models import District
from figures.definitions import ANSWER, ORS, OUTCOME_DIMENSIONS, OUTCOME_TALK, REACH
from figures.facts import Occasion, attributes_rebuild, facts_rebuild_district
from interventions.models import HEALTHCARE_DESTINATIONS, Contact, Referral
from outcomes.models import FollowUpAnswer
from outcomes.selectors import ors_change

CONSULTANT_CHANNEL = "cc"
INTERVENTION = "it"
TALK = "talk"
TALK_RANK = "rank"
TALK_CAP = "cap"
REFERRAL = "referral"
AFTER_CAP = "after_cap"
MEETING = "meeting"
MEETING_HELD = "held"
# The caregivers' attributes the figures break unique caregivers down by.
CAREGIVER_ATTRIBUTES = ("gender", "age_band", "relation", "condition")

ROW_FIELDS = (
    "pk", "district_id", "date", "target_group", "caregiver_id", "duration_minutes", "consultant_id", "channel",
    "intervention_type_id", "talk_number", "talk_cap", "meeting_id", "meeting__group_id", "meeting__group__kind",
    "outcome_score__pk", "outcome_score__ors",
)  # fmt: skip


@dataclass(frozen=True)
class ContactRow:
    pk: int
    district_id: int
    date: datetime.date
    target_group: str
    caregiver_id: int | None
    duration_minutes: int
    consultant_id: int
    channel: str
    intervention_type_id: int
    talk_number: int | None
    talk_cap: int | None
    meeting_id: int | None
    group_id: int | None
    group_kind: str | None
    score_id: int | None
    ors: int | None

    @property
    def is_talk(self) -> bool:
        return self.talk_number is not None and self.caregiver_id is not None


def occasions_of(rows: Iterable[ContactRow], referrals: dict[int, list[str]]) -> Iterator[Occasion]:
    """The occasions of live contacts, with their referrals' destinations by contact. A named contact's
    whole series (its caregiver's live contacts in its district) must be among the rows."""
    rows = list(rows)
    series: dict[tuple[int, int], list[ContactRow]] = defaultdict(list)
    for row in rows:
        if row.caregiver_id is not None:
            series[(row.caregiver_id, row.district_id)].append(row)
    rank: dict[int, int] = {}
    capped_on: dict[tuple[int, int], datetime.date] = {}
    ors_last: dict[int, int] = {}  # a series' last talk with an ORS: its change
    for pair, contacts in series.items():
        talks = sorted((r for r in contacts if r.is_talk), key=lambda r: (r.date, r.pk))
        for place, talk in enumerate(talks, start=1):
            rank[talk.pk] = place
        capped = [t.date for t in talks if t.talk_number == t.talk_cap]
        if capped:
            capped_on[pair] = min(capped)
        scored = sorted((t for t in talks if t.ors is not None), key=lambda t: (t.talk_number, t.pk))
        change = ors_change({t.talk_number: t.ors for t in scored}) if scored else None
        if change is not None:
            ors_last[scored[-1].pk] = change
    for row in rows:
        keys = [
            (CONSULTANT_CHANNEL, f"{row.consultant_id}:{row.channel}"),
            (INTERVENTION, str(row.intervention_type_id)),
        ]
        if row.is_talk:
            keys += [(TALK, ""), (TALK_RANK, str(rank[row.pk])), (TALK_CAP, str(row.talk_cap))]
        if row.talk_number is not None:
            scored = int(row.score_id is not None)
            keys.append((OUTCOME_TALK, f"{row.consultant_id}:{row.intervention_type_id}:{scored}"))
        if row.pk in ors_last:
            keys.append((ORS, f"{row.consultant_id}:{row.intervention_type_id}:{ors_last[row.pk]}"))
        if row.caregiver_id is not None and (row.talk_number is not None or row.meeting_id is not None):
            keys.append((REACH, str(row.intervention_type_id)))
        capped = capped_on.get((row.caregiver_id, row.district_id))
        for destination in referrals.get(row.pk, ()):
            keys.append((REFERRAL, destination))
            if destination in HEALTHCARE_DESTINATIONS and not row.is_talk and capped and capped <= row.date:
                keys.append((AFTER_CAP, ""))
        if row.meeting_id is not None:
            keys += [(MEETING, row.group_kind), (MEETING_HELD, f"{row.group_kind}:{row.group_id}:{row.meeting_id}")]
        yield Occasion(
            district_id=row.district_id,
            day=row.date,
            target_group=row.target_group,
            caregiver_id=row.caregiver_id,
            minutes=row.duration_minutes,
            keys=tuple(sorted(keys)),
        )


def _rows(contacts, *, live: bool = True) -> list[ContactRow]:
    if live:
        contacts = contacts.filter(deleted_at__isnull=True)
    return [ContactRow(*values) for values in contacts.values_list(*ROW_FIELDS)]


def _referrals(contact_ids) -> dict[int, list[str]]:
    found: dict[int, list[str]] = defaultdict(list)
    for contact_id, destination in Referral.objects.filter(contact_id__in=contact_ids).values_list(
        "contact_id", "destination"
    ):
        found[contact_id].append(destination)
    return found


def _series_q(pairs: Iterable[tuple[int, int]]) -> Q:
    q = Q(pk__in=[])
    for caregiver_id, district_id in pairs:
        q |= Q(caregiver_id=caregiver_id, district_id=district_id)
    return q


def series_occasions(
    *, pairs: Iterable[tuple[int | None, int]] = (), contact_ids: Iterable[int | None] = (), deleted: bool = False
) -> list[Occasion]:
    """The occasions, as the rows are now, of the series of these (caregiver, district) pairs and of
    the contacts given (anonymous ones have no series); with ``deleted``, of the contacts given as
    they counted before their deletion (bulk deletions: meetings' attendees, in no talk series).
    Two queries."""
    pairs = {(c, d) for c, d in pairs if c is not None}
    ids = [pk for pk in contact_ids if pk is not None]
    if not pairs and not ids:
        return []
    contacts = (
        Contact.objects.filter(pk__in=ids) if deleted else Contact.objects.filter(_series_q(pairs) | Q(pk__in=ids))
    )
    rows = _rows(contacts, live=not deleted)
    return list(occasions_of(rows, _referrals([r.pk for r in rows])))


def occasions_still_met(pairs: set[tuple[int, int]], first: datetime.date, last: datetime.date) -> list[Occasion]:
    """The live contacts of these (caregiver, district) pairs between two days, as occasions."""
    return [o for o in series_occasions(pairs=pairs) if first <= o.day <= last]


_ANSWER_FIELDS = ("district_id", "date", "caregiver_id", "consultant_id", "intervention_type_id", "result")


def answer_occasions(answers) -> list[Occasion]:
    """Follow-up answers (a queryset) as occasions: in their district on their day, keyed by consultant,
    intervention type and result, and in no cell total (an answer is not a contact). One query."""
    return [
        Occasion(
            district_id=district_id, day=day, target_group="", caregiver_id=caregiver_id, minutes=0,
            keys=((ANSWER, f"{consultant_id}:{type_id}:{result}"),), in_total=False,
        )
        for district_id, day, caregiver_id, consultant_id, type_id, result in answers.values_list(*_ANSWER_FIELDS)
    ]  # fmt: skip


def answers_still_met(pairs: set[tuple[int, int]], first: datetime.date, last: datetime.date) -> list[Occasion]:
    """The follow-up answers of these (caregiver, district) pairs between two days, as occasions."""
    return answer_occasions(FollowUpAnswer.objects.filter(_series_q(pairs), date__range=(first, last)))


def _occasions_of_district(contacts, district_id: int) -> Iterator[Occasion]:
    rows = _rows(contacts.filter(district_id=district_id).order_by())
    referrals: dict[int, list[str]] = defaultdict(list)
    for contact_id, destination in (
        Referral.objects.filter(contact__district_id=district_id, contact__deleted_at__isnull=True)
        .values_list("contact_id", "destination")
        .order_by()
        .iterator(chunk_size=20_000)
    ):
        referrals[contact_id].append(destination)
    return occasions_of(rows, referrals)


def caregiver_attributes(caregiver: Caregiver | dict) -> dict[str, str]:
    get = caregiver.get if isinstance(caregiver, dict) else lambda name: getattr(caregiver, name)
    return {name: str(get(name)) for name in CAREGIVER_ATTRIBUTES}


def facts_rebuild(*, district_ids: Iterable[int] | None = None, outcomes_only: bool = False) -> int:
    """Recompute the facts from the rows: every district's occasions (or those given) and the
    caregivers' attribute sets. Return the cells written. With ``outcomes_only``, only the outcome
    figures' cells, from the talks, meetings and answers (after a bulk load of scores or answers)."""
    if district_ids is None:
        district_ids = list(District.objects.order_by("pk").values_list("pk", flat=True))
    contacts, dimensions = Contact.objects, None
    if outcomes_only:
        contacts = contacts.filter(Q(talk_number__isnull=False) | Q(meeting_id__isnull=False))
        dimensions = OUTCOME_DIMENSIONS
    cells = sum(
        facts_rebuild_district(
            d,
            chain(_occasions_of_district(contacts, d), answer_occasions(FollowUpAnswer.objects.filter(district_id=d))),
            dimensions=dimensions,
        )
        for d in district_ids
    )
    if outcomes_only:
        return cells
    rows = Caregiver.objects.values_list("pk", *CAREGIVER_ATTRIBUTES).order_by().iterator(chunk_size=20_000)
    attributes_rebuild(
        (name, str(value), pk) for pk, *values in rows for name, value in zip(CAREGIVER_ATTRIBUTES, values, strict=True)
    )
    return cells
