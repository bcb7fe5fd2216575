"""A municipality's published contact table replayed as logged work (Nacka 2022, report 003).

For each cell of the table (report role x channel) exactly that many contacts, by the dataset's
consultant of that role, on the workdays of the year: pseudonymous caregivers (labels only) with a
realistic repeat pattern, a few anonymous callers, guidance talks within the talk cap numbered in
date order. Written in bulk with the demo generator's machinery (``reference.demo_contacts``); the
district's facts are then rebuilt, as after any bulk load, so the dashboards count the contacts.
"""

from __future__ import annotations

import datetime
import random
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from caregivers.models import Caregiver, Condition
from consultants.models import Consultant
from districts.models import District, Municipality
from figures.definitions import ReportRole, report_role
from followup.occasions import facts_rebuild
from interventions.models import Channel, Contact, InterventionCode, InterventionType
from interventions.selectors import talk_cap

from .demo_contacts import (
    AGE_BY_RELATION,
    CAREGIVER_COLUMNS,
    CAREGIVER_DISTRICT_COLUMNS,
    CONDITION_BY_TARGET,
    CONDITION_WEIGHTS,
    CONTACT_COLUMNS,
    DEFAULT_AGES,
    DURATIONS,
    GENDER_WEIGHTS,
    RELATION_BY_TARGET,
    RELATION_WEIGHTS,
    BulkWriter,
    RowIds,
    check_catalogue,
    pick,
    workdays,
)
from .schema import REFERENCE_DIR, ConsultantRow, ReferenceData, read_reference_data

# Callers who give no name: a small share of the phone calls (contacts without a caregiver).
ANONYMOUS_PHONE_SHARE = 0.08
# Phone calls that are a guidance talk (the rest are advice); talks in person are guidance talks.
PHONE_TALK_SHARE = 0.15
# How many contacts a caregiver has in the year: most once or a few times, a few call every week or two.
REPEAT_WEIGHTS = {1: 40, 2: 18, 3: 11, 4: 7, 5: 5, 6: 4, 8: 4, 10: 3, 12: 3, 16: 2, 20: 2, 30: 1}
# A caregiver's contacts fall within a stretch of about this many workdays per contact.
WORKDAYS_PER_CONTACT = 12
# The hour a replayed contact is taken as recorded on its day.
RECORDED_AT = datetime.time(15, 0)


@dataclass
class ReplaySummary:
    contacts: int = 0
    caregivers: int = 0
    anonymous: int = 0
    talks: int = 0
    facts: int = 0
    # (report role, channel) -> contacts
    cells: Counter = field(default_factory=Counter)


@dataclass(frozen=True)
class _Staff:
    """The dataset's consultant of one report role, as stored."""

    consultant_id: int
    user_id: int | None
    district: District
    target_group: str


def replay_year_has_contacts(*, dataset: str, directory: Path = REFERENCE_DIR) -> bool:
    """Whether the dataset's municipality has contacts in the table's year already (``--if-empty``)."""
    data = read_reference_data(dataset, directory=directory)
    if data.contact_table is None:
        return False
    return Contact.objects.filter(
        district__municipality__code=data.municipality.code, date__year=data.contact_table.year
    ).exists()


@transaction.atomic
def replay_published_contacts(
    *, dataset: str, seed: int, directory: Path = REFERENCE_DIR, today: datetime.date | None = None
) -> ReplaySummary:
    """Log the dataset's published contact table as contacts of its year; raise ValueError if the
    dataset has no table, is not loaded, or its municipality has contacts in that year already."""
    data = read_reference_data(dataset, directory=directory)
    table = data.contact_table
    if table is None:
        raise ValueError(f"{dataset} publishes no contact table to replay.")
    check_catalogue()
    municipality = Municipality.objects.filter(code=data.municipality.code).first()
    staff = _staff(data, table.contacts)
    if municipality is None or staff is None:
        raise ValueError(f"Load the reference data first: load_reference_data {dataset}.")
    if Contact.objects.filter(district__municipality=municipality, date__year=table.year).exists():
        raise ValueError(f"{municipality} has contacts in {table.year} already: a replay would add the table twice.")
    until = min(datetime.date(table.year, 12, 31), today or timezone.localdate())
    days = workdays(datetime.date(table.year, 1, 1), until)
    if not days:
        raise ValueError(f"{table.year} has not begun: nothing to replay.")
    replay = _Replay(seed=seed, municipality=municipality, days=days)
    for role, cells in table.contacts.items():
        replay.role(role, staff[role], cells)
    return replay.write()


def _staff(data: ReferenceData, contacts: dict[str, dict[str, int]]) -> dict[str, _Staff] | None:
    """The consultant of each report role in the table, from the dataset's staff; None if not loaded."""
    by_role: dict[str, list[ConsultantRow]] = defaultdict(list)
    for row in data.consultants:
        by_role[report_role(row.role, row.target_group)].append(row)
    for role in contacts:
        if len(by_role[role]) != 1:
            raise ValueError(f"{data.dataset} must name exactly one consultant for the table's role {role}.")
    refs = {by_role[role][0].ref: role for role in contacts}
    stored = Consultant.objects.filter(ref__in=refs).select_related("home_district")
    staff = {
        refs[c.ref]: _Staff(
            consultant_id=c.pk, user_id=c.user_id, district=c.home_district, target_group=c.target_group
        )
        for c in stored
    }
    return staff if len(staff) == len(refs) else None


class _Replay:
    def __init__(self, *, seed: int, municipality: Municipality, days: list[datetime.date]):
        self.rng = random.Random(seed)  # noqa: S311 - reproducible demo data, not security
        self.municipality, self.days = municipality, days
        self.types = dict(InterventionType.objects.values_list("code", "pk"))
        self.talk_type = InterventionType.objects.get(code=InterventionCode.GUIDANCE_TALKS)
        self.ids = {model: RowIds(model) for model in (Caregiver, Contact)}
        self.summary = ReplaySummary()
        self.caregivers: list[tuple] = []
        self.links: list[tuple[int, int]] = []
        # (date, consultant, channel, caregiver or None, district, target group, user): numbered at the end
        self.contacts: list[tuple] = []
        self.districts: set[int] = set()

    def role(self, role: str, staff: _Staff, cells: dict[str, int]) -> None:
        """The contacts of one row of the table: exactly its cells, named ones shared out among caregivers."""
        rng = self.rng
        self.districts.add(staff.district.pk)
        anonymous = round(cells.get(Channel.PHONE, 0) * ANONYMOUS_PHONE_SHARE)
        slots = [channel for channel, count in cells.items() for _n in range(count)]
        for _n in range(anonymous):
            slots.remove(Channel.PHONE)
        rng.shuffle(slots)
        for _n in range(anonymous):
            self._contact(rng.choice(self.days), role, staff, Channel.PHONE, None)
        position = 0
        while position < len(slots):
            count = min(pick(rng, REPEAT_WEIGHTS), len(slots) - position)
            caregiver_id = self._caregiver(role, staff)
            for day, channel in zip(self._dates(count), slots[position : position + count], strict=True):
                self._contact(day, role, staff, channel, caregiver_id)
            position += count

    def _caregiver(self, role: str, staff: _Staff) -> int:
        rng, pk = self.rng, self.ids[Caregiver].take()
        target = staff.target_group
        relation = pick(rng, RELATION_BY_TARGET.get(target, RELATION_WEIGHTS))
        if role == ReportRole.DEMENTIA_NURSE:
            condition = Condition.DEMENTIA  # the dementia nurse's callers are relatives of persons with dementia
        else:
            condition = pick(rng, CONDITION_BY_TARGET.get(target, CONDITION_WEIGHTS))
        label = f"{staff.district.code[:3].upper()}-{len(self.caregivers) + 1:04d}"
        recorded = self._recorded(self.days[0])
        self.caregivers.append((
            pk, self.municipality.pk, label, None, pick(rng, AGE_BY_RELATION.get(relation, DEFAULT_AGES)),
            pick(rng, GENDER_WEIGHTS), relation, condition, target, recorded, recorded,
        ))  # fmt: skip
        self.links.append((pk, staff.district.pk))
        self.summary.caregivers += 1
        return pk

    def _dates(self, count: int) -> list[datetime.date]:
        """``count`` different workdays within one stretch of the year, in order: a caregiver's contacts
        cluster. A stretch that runs past the year's end goes on from its start, so that every month
        gets its share of a year replayed as one."""
        rng, days = self.rng, self.days
        span = min(len(days), count * WORKDAYS_PER_CONTACT)
        first = rng.randrange(len(days))
        if count > span:  # a year of fewer workdays than the caregiver's contacts: some share a day
            return sorted(rng.choices(days, k=count))
        return sorted(days[(first + offset) % len(days)] for offset in rng.sample(range(span), k=count))

    def _contact(self, day, role: str, staff: _Staff, channel: str, caregiver_id: int | None) -> None:
        self.contacts.append((day, staff, role, channel, caregiver_id))
        self.summary.cells[(role, channel)] += 1

    def _recorded(self, day: datetime.date) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(day, RECORDED_AT))

    def write(self) -> ReplaySummary:
        rng = self.rng
        talks_used: dict[int, int] = defaultdict(int)
        rows = []
        # In date order, as they were logged: a caregiver's talks are numbered as they happened.
        for day, staff, _role, channel, caregiver_id in sorted(self.contacts, key=lambda c: c[0]):
            cap = talk_cap(district=staff.district, intervention_type=self.talk_type)
            code, talk_number, talk_cap_in_force = InterventionCode.ADVICE, None, None
            wants_talk = channel == Channel.INDIVIDUAL_MEETING or rng.random() < PHONE_TALK_SHARE
            if channel == Channel.HOME_VISIT:
                code = InterventionCode.HOME_VISITS
            elif caregiver_id is not None and wants_talk and talks_used[caregiver_id] < cap:
                # A guidance talk while the caregiver has talks left; past the cap, advice.
                talks_used[caregiver_id] += 1
                code, talk_number, talk_cap_in_force = InterventionCode.GUIDANCE_TALKS, talks_used[caregiver_id], cap
                self.summary.talks += 1
            if caregiver_id is None:
                self.summary.anonymous += 1
            recorded = self._recorded(day)
            rows.append((
                self.ids[Contact].take(), day, channel, rng.choice(DURATIONS[channel]), self.types[code],
                staff.consultant_id, staff.district.pk, staff.target_group, caregiver_id, talk_number,
                talk_cap_in_force, None, staff.user_id, recorded, recorded,
            ))  # fmt: skip
        writer = BulkWriter()
        writer.write(Caregiver._meta.db_table, CAREGIVER_COLUMNS, self.caregivers)
        writer.write(Caregiver.districts.through._meta.db_table, CAREGIVER_DISTRICT_COLUMNS, self.links)
        self.summary.contacts = writer.write(Contact._meta.db_table, CONTACT_COLUMNS, rows)
        writer.reset_sequences([Caregiver, Contact])
        # A bulk load bypasses the upkeep: recompute the facts the figures are summed from.
        self.summary.facts = facts_rebuild(district_ids=sorted(self.districts))
        return self.summary
