"""Realistic, reproducible demo data for every district, written in bulk.

The mix follows the source reports: most contacts by phone (Nacka 2022: 1,809 of 2,089), most
caregivers women, dementia the largest condition, groups and circles with meetings, and the
guidance-talk cap of each district respected. Rows get explicit ids and are written with COPY
on PostgreSQL (batched INSERTs on SQLite), never a save per row.
"""

from __future__ import annotations

import datetime
import random
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from caregivers.models import AgeBand, Caregiver, Condition, Gender, Relation, SupportContactOffer
from consultants.models import Allocation, Consultant
from districts.models import District, TargetGroup
from interventions.models import (
    HEALTHCARE_DESTINATIONS,
    Channel,
    Contact,
    Group,
    GroupKind,
    GroupMeeting,
    GroupTopic,
    InterventionCode,
    InterventionType,
    Organiser,
    Referral,
    ReferralDestination,
)
from interventions.selectors import talk_cap

CHANNEL_WEIGHTS = {  # Nacka 2022 without group meetings, plus e-mail/SMS
    Channel.PHONE: 80,
    Channel.INDIVIDUAL_MEETING: 11,
    Channel.HOME_VISIT: 3,
    Channel.EMAIL_SMS: 6,
}
DURATIONS = {
    Channel.PHONE: (5, 10, 15, 20, 30),
    Channel.INDIVIDUAL_MEETING: (45, 60, 60, 75, 90),
    Channel.HOME_VISIT: (60, 90, 120),
    Channel.EMAIL_SMS: (5, 5, 10),
}
CONDITION_WEIGHTS = {
    Condition.DEMENTIA: 34,
    Condition.OLD_AGE: 18,
    Condition.MENTAL_ILLNESS: 16,
    Condition.LONG_TERM_ILLNESS: 12,
    Condition.DISABILITY: 11,
    Condition.SUBSTANCE_ABUSE: 5,
    Condition.OTHER: 4,
}
# The care recipient's condition and the caregiver's relation follow the target group.
CONDITION_BY_TARGET = {
    TargetGroup.OVER_65: {
        Condition.DEMENTIA: 45, Condition.OLD_AGE: 25, Condition.LONG_TERM_ILLNESS: 15, Condition.MENTAL_ILLNESS: 6,
        Condition.DISABILITY: 4, Condition.OTHER: 5,
    },
    TargetGroup.UNDER_65: {
        Condition.MENTAL_ILLNESS: 35, Condition.DISABILITY: 30, Condition.LONG_TERM_ILLNESS: 20,
        Condition.SUBSTANCE_ABUSE: 10, Condition.OTHER: 5,
    },
}  # fmt: skip
RELATION_BY_TARGET = {
    TargetGroup.OVER_65: {Relation.PARTNER: 50, Relation.CHILD: 40, Relation.SIBLING: 4, Relation.OTHER_RELATIVE: 3,
                          Relation.FRIEND: 3},
    TargetGroup.UNDER_65: {Relation.PARENT: 40, Relation.PARTNER: 30, Relation.CHILD: 10, Relation.SIBLING: 10,
                           Relation.FRIEND: 5, Relation.OTHER: 5},
}  # fmt: skip
TARGET_WEIGHTS = {
    TargetGroup.OVER_65: 6, TargetGroup.UNDER_65: 3, TargetGroup.ALL: 5, TargetGroup.ALL_EXCEPT_SUBSTANCE_ABUSE: 5,
    TargetGroup.YOUNG_CARERS: 1,
}  # fmt: skip
GENDER_WEIGHTS = {Gender.WOMAN: 72, Gender.MAN: 26, Gender.OTHER: 1, Gender.UNKNOWN: 1}
RELATION_WEIGHTS = {
    Relation.PARTNER: 40,
    Relation.CHILD: 32,
    Relation.PARENT: 14,
    Relation.SIBLING: 4,
    Relation.OTHER_RELATIVE: 4,
    Relation.FRIEND: 4,
    Relation.OTHER: 2,
}
AGE_BY_RELATION = {
    Relation.PARTNER: {AgeBand.FROM_65: 55, AgeBand.FROM_80: 35, AgeBand.FROM_45: 10},
    Relation.CHILD: {AgeBand.FROM_45: 60, AgeBand.FROM_30: 25, AgeBand.FROM_65: 15},
    Relation.PARENT: {AgeBand.FROM_30: 45, AgeBand.FROM_45: 50, AgeBand.FROM_65: 5},
}
DEFAULT_AGES = {AgeBand.FROM_30: 20, AgeBand.FROM_45: 40, AgeBand.FROM_65: 30, AgeBand.FROM_18: 10}
REFERRAL_WEIGHTS = {
    ReferralDestination.DOCTOR: 15,
    ReferralDestination.PSYCHOLOGIST: 15,
    ReferralDestination.OTHER_HEALTHCARE: 10,
    ReferralDestination.RESPITE: 20,
    ReferralDestination.SHORT_TERM_CARE: 15,
    ReferralDestination.OTHER_NEEDS_ASSESSED: 5,
    ReferralDestination.ASSOCIATION: 15,
    ReferralDestination.OTHER: 5,
}
CONTACTS_PER_CAREGIVER = 6
ANONYMOUS_SHARE = 0.22
TALK_SHARE = 0.22
REFERRAL_SHARE = 0.04
SUPPORT_CONTACT_SHARE = 0.3
TOPIC_WEIGHTS = {
    GroupTopic.DEMENTIA: 5,
    GroupTopic.MENTAL_ILLNESS: 2,
    GroupTopic.NEUROPSYCHIATRIC: 1,
    GroupTopic.GENERAL: 2,
}
MEETINGS_PER_GROUP = 8
CONTACTS_PER_GROUP = 600  # a group or circle a year for every 600 contacts, at least two


def pick(rng: random.Random, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


@dataclass
class GenerationSummary:
    caregivers: int = 0
    contacts: int = 0
    meetings: int = 0
    referrals: int = 0
    groups: int = 0
    by_channel: dict = field(default_factory=lambda: defaultdict(int))


class RowIds:
    """Explicit primary keys, continuing after what the tables hold."""

    def __init__(self, model):
        self.next = (model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1

    def take(self) -> int:
        value, self.next = self.next, self.next + 1
        return value


class BulkWriter:
    def __init__(self):
        self.postgres = connection.vendor == "postgresql"

    def write(self, table: str, columns: tuple[str, ...], rows: Iterable[tuple]) -> int:
        count = 0
        with connection.cursor() as cursor:
            if self.postgres:
                sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
                with cursor.cursor.copy(sql) as copy:
                    for row in rows:
                        copy.write_row(row)
                        count += 1
            else:
                sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})"  # noqa: S608
                batch = []
                for row in rows:
                    batch.append(row)
                    if len(batch) == 5000:
                        cursor.executemany(sql, batch)
                        count, batch = count + len(batch), []
                if batch:
                    cursor.executemany(sql, batch)
                    count += len(batch)
        return count

    def reset_sequences(self, models) -> None:
        if not self.postgres:
            return
        with connection.cursor() as cursor:
            for model in models:
                table = model._meta.db_table
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence(%s, 'id'), COALESCE((SELECT MAX(id) FROM {table}), 1))",  # noqa: S608
                    [table],
                )
            cursor.execute("ANALYZE")


def _districts_with_consultants(
    municipality_code: str | None = None, district_ids: Iterable[int] | None = None
) -> list[tuple[District, list[int]]]:
    """Each district that has consultants (of one municipality, and of ``district_ids``, if given), with their ids."""
    consultants: dict[int, set[int]] = defaultdict(set)
    allocations, districts = Allocation.objects.all(), District.objects.select_related("municipality").order_by("code")
    if district_ids is not None:
        allocations, districts = allocations.filter(district_id__in=district_ids), districts.filter(pk__in=district_ids)
    for district_id, consultant_id in allocations.values_list("district_id", "consultant_id"):
        consultants[district_id].add(consultant_id)
    if municipality_code is not None:
        districts = districts.filter(municipality__code=municipality_code)
    return [(d, sorted(consultants[d.pk])) for d in districts if consultants[d.pk]]


def workdays(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    days = (start + datetime.timedelta(days=n) for n in range((end - start).days + 1))
    return [day for day in days if day.weekday() < 5]


CONTACT_COLUMNS = (
    "id", "date", "channel", "duration_minutes", "intervention_type_id", "consultant_id", "district_id",
    "target_group", "caregiver_id", "talk_number", "talk_cap", "meeting_id", "created_by_id", "created_at",
    "updated_at",
)  # fmt: skip
CAREGIVER_COLUMNS = (
    "id", "municipality_id", "label", "birth_year", "age_band", "gender", "relation", "condition", "target_group",
    "created_at", "updated_at",
)  # fmt: skip
CAREGIVER_DISTRICT_COLUMNS = ("caregiver_id", "district_id")


class DemoGenerator:
    """Streams contact rows district by district and collects the rows they refer to.

    ``per_district`` is the contacts a year of every district, or of each district by id (a district
    missing from the mapping gets none); ``municipality_code`` and ``district_ids`` limit the run to
    those districts."""

    def __init__(
        self,
        *,
        years: int,
        per_district: int | Mapping[int, int],
        seed: int,
        until: datetime.date,
        municipality_code: str | None = None,
        district_ids: Iterable[int] | None = None,
    ):
        self.rng = random.Random(seed)  # noqa: S311 - reproducible demo data, not security
        self.years, self.per_district, self.until = years, per_district, until
        self.workdays = workdays(until.replace(year=until.year - years) + datetime.timedelta(days=1), until)
        self.types = {t.code: t.pk for t in InterventionType.objects.all()}
        self.cap_type = InterventionType.objects.filter(code=InterventionCode.GUIDANCE_TALKS).first()
        self.organisers = list(Organiser.objects.order_by("name").values_list("pk", flat=True))
        self.users = dict(Consultant.objects.values_list("pk", "user_id"))
        self.ids = {m: RowIds(m) for m in (Caregiver, Contact, Referral, Group, GroupMeeting, SupportContactOffer)}
        self.now = timezone.now()
        self.summary = GenerationSummary()
        self.rows: dict[str, list[tuple]] = defaultdict(list)
        self.talks_used: dict[int, int] = {}
        # Everything read from the database is read now: no query may run while COPY streams.
        self.plans = [
            (
                district,
                consultants,
                sorted(set(district.offerings.values_list("target_group", flat=True))) or [TargetGroup.ALL],
                talk_cap(district=district, intervention_type=self.cap_type),
            )
            for district, consultants in _districts_with_consultants(municipality_code, district_ids)
        ]

    def _per_year(self, district: District) -> int:
        if isinstance(self.per_district, int):
            return self.per_district
        return self.per_district.get(district.pk, 0)

    def contacts(self) -> Iterator[tuple]:
        for district, consultants, targets, cap in self.plans:
            quota = self._per_year(district) * self.years
            if quota <= 0:
                continue
            people = self._caregivers(district, consultants, targets)
            group_contacts = 0
            # Groups stay a minor share of the contacts, as in the reports.
            for row in self._group_contacts(district, consultants, targets, people, budget=quota // 4):
                group_contacts += 1
                yield row
            for _ in range(quota - group_contacts):
                yield self._contact(district, consultants, targets, people, cap)

    def _caregivers(self, district: District, consultants: list[int], targets: list[str]) -> list[tuple[int, str]]:
        rng, people = self.rng, []
        for _ in range(max(1, self._per_year(district) // CONTACTS_PER_CAREGIVER) * self.years):
            pk, target = self.ids[Caregiver].take(), pick(rng, {t: TARGET_WEIGHTS[t] for t in targets})
            relation = pick(rng, RELATION_BY_TARGET.get(target, RELATION_WEIGHTS))
            age = pick(rng, AGE_BY_RELATION.get(relation, DEFAULT_AGES))
            gender, condition = (
                pick(rng, GENDER_WEIGHTS),
                pick(rng, CONDITION_BY_TARGET.get(target, CONDITION_WEIGHTS)),
            )
            label = f"{district.code[:3].upper()}-{pk}"
            self.rows["caregivers"].append(
                (
                    pk,
                    district.municipality_id,
                    label,
                    None,
                    age,
                    gender,
                    relation,
                    condition,
                    target,
                    self.now,
                    self.now,
                )
            )
            self.rows["links"].append((pk, district.pk))
            if rng.random() < SUPPORT_CONTACT_SHARE:
                status, day = rng.choice(["offered", "accepted", "declined"]), rng.choice(self.workdays)
                answered = None if status == "offered" else day
                person = rng.choice(consultants) if status == "accepted" else None
                offer = (self.ids[SupportContactOffer].take(), pk, day, status, answered, person, self.now)
                self.rows["offers"].append(offer)
            people.append((pk, target))
        return people

    def _group_contacts(self, district, consultants, targets, people, budget: int) -> Iterator[tuple]:
        """Own groups and circles (every third) each year, each meeting giving a contact per attendee.

        No meeting starts once ``budget`` contacts are spent, so a meeting is always whole.
        """
        rng, spent = self.rng, 0
        for year in range(self.years):
            for g in range(max(2, self._per_year(district) // CONTACTS_PER_GROUP)):
                kind = GroupKind.CIRCLE if g % 3 == 1 else GroupKind.OWN_GROUP
                group_id, target = self.ids[Group].take(), rng.choice(targets)
                first_day = self.workdays[min(len(self.workdays) - 1, year * 250 + rng.randrange(0, 130))]
                prefix = "Cirkel" if kind == GroupKind.CIRCLE else "Grupp"
                organiser = self.organisers[g % len(self.organisers)] if kind == GroupKind.CIRCLE else None
                bounded = MEETINGS_PER_GROUP if kind == GroupKind.CIRCLE or g == 0 else None
                name, leader = f"{prefix} {district.name} {year + 1}:{g + 1}", rng.choice(consultants)
                self.rows["groups"].append((
                    group_id, kind, name, district.pk, target, pick(rng, TOPIC_WEIGHTS), organiser, bounded, leader,
                    first_day, self.now, self.now,
                ))  # fmt: skip
                code = InterventionCode.CIRCLES if kind == GroupKind.CIRCLE else InterventionCode.OWN_GROUPS
                members = rng.sample(people, k=min(len(people), rng.randint(3, 8)))
                for number in range(1, MEETINGS_PER_GROUP + 1):
                    day = first_day + datetime.timedelta(days=14 * (number - 1))
                    if day > self.until or spent >= budget:
                        break
                    meeting_id, unnamed, leader = (
                        self.ids[GroupMeeting].take(),
                        rng.randint(0, 3),
                        rng.choice(consultants),
                    )
                    self.rows["meetings"].append(
                        (meeting_id, group_id, number, day, 120, leader, unnamed, self.now, self.now)
                    )
                    present = [person for person, _target in members if rng.random() < 0.85]
                    self.rows["attendees"].extend((meeting_id, person) for person in present)
                    for person in [*present, *([None] * unnamed)]:
                        spent += 1
                        self.summary.by_channel[Channel.GROUP_MEETING] += 1
                        yield (
                            self.ids[Contact].take(), day, Channel.GROUP_MEETING, 120, self.types[code], leader,
                            district.pk, target, person, None, None, meeting_id, self.users.get(leader), self.now,
                            self.now,
                        )  # fmt: skip

    def _contact(self, district, consultants, targets, people, cap: int) -> tuple:
        rng = self.rng
        channel, consultant, day = pick(rng, CHANNEL_WEIGHTS), rng.choice(consultants), rng.choice(self.workdays)
        if rng.random() < ANONYMOUS_SHARE:
            person, target = None, rng.choice(targets)
        else:
            person, target = rng.choice(people)
        code = InterventionCode.HOME_VISITS if channel == Channel.HOME_VISIT else InterventionCode.ADVICE
        talk_number = talk_cap_in_force = None
        destination = pick(rng, REFERRAL_WEIGHTS) if rng.random() < REFERRAL_SHARE else None
        wants_talk = channel in (Channel.PHONE, Channel.INDIVIDUAL_MEETING) and rng.random() < TALK_SHARE
        if person is not None and wants_talk:
            used = self.talks_used[person] = self.talks_used.get(person, 0)
            if used < cap:
                self.talks_used[person] = talk_number = used + 1
                code, talk_cap_in_force = InterventionCode.GUIDANCE_TALKS, cap
            else:
                # Past the cap: advice with a referral to healthcare, as the form offers.
                destination = rng.choice(HEALTHCARE_DESTINATIONS)
        contact_id = self.ids[Contact].take()
        if destination:
            self.rows["referrals"].append((self.ids[Referral].take(), contact_id, destination, self.now))
        self.summary.by_channel[channel] += 1
        return (
            contact_id, day, channel, rng.choice(DURATIONS[channel]), self.types[code], consultant, district.pk,
            target, person, talk_number, talk_cap_in_force, None, self.users.get(consultant), self.now, self.now,
        )  # fmt: skip


def check_catalogue() -> None:
    """The base-level components and organisers the generators use; raise ValueError if any is missing."""
    required = {InterventionCode.ADVICE, InterventionCode.GUIDANCE_TALKS, InterventionCode.OWN_GROUPS}
    required |= {InterventionCode.CIRCLES, InterventionCode.HOME_VISITS}
    if not required <= set(InterventionType.objects.values_list("code", flat=True)) or not Organiser.objects.exists():
        raise ValueError("Load the reference data first: the base-level catalogue or the organisers are missing.")


@transaction.atomic
def generate(
    *,
    years: int,
    per_district: int | Mapping[int, int],
    seed: int,
    until: datetime.date | None = None,
    municipality_code: str | None = None,
    district_ids: Iterable[int] | None = None,
) -> GenerationSummary:
    """Generate ``per_district`` contacts a year for every district with consultants (of one
    municipality, and of ``district_ids``, if given), over ``years`` years; ``per_district`` may give
    each district's own number, by id."""
    check_catalogue()
    generator = DemoGenerator(
        years=years,
        per_district=per_district,
        seed=seed,
        until=until or timezone.localdate(),
        municipality_code=municipality_code,
        district_ids=district_ids,
    )
    writer, rows, summary = BulkWriter(), generator.rows, generator.summary
    # Contacts stream first and collect the rows they refer to; foreign keys are checked at commit.
    summary.contacts = writer.write(Contact._meta.db_table, CONTACT_COLUMNS, generator.contacts())
    summary.caregivers = writer.write(Caregiver._meta.db_table, CAREGIVER_COLUMNS, rows["caregivers"])
    writer.write(Caregiver.districts.through._meta.db_table, CAREGIVER_DISTRICT_COLUMNS, rows["links"])
    writer.write(
        SupportContactOffer._meta.db_table,
        ("id", "caregiver_id", "offered_on", "status", "answered_on", "support_person_id", "created_at"),
        rows["offers"],
    )
    summary.groups = writer.write(
        Group._meta.db_table,
        ("id", "kind", "name", "district_id", "target_group", "topic", "organiser_id", "max_meetings", "leader_id",
         "starts_on", "created_at", "updated_at"),
        rows["groups"],
    )  # fmt: skip
    summary.meetings = writer.write(
        GroupMeeting._meta.db_table,
        ("id", "group_id", "number", "date", "duration_minutes", "consultant_id", "unnamed_count", "created_at",
         "updated_at"),
        rows["meetings"],
    )  # fmt: skip
    writer.write(GroupMeeting.attendees.through._meta.db_table, ("groupmeeting_id", "caregiver_id"), rows["attendees"])
    summary.referrals = writer.write(
        Referral._meta.db_table, ("id", "contact_id", "destination", "created_at"), rows["referrals"]
    )
    writer.reset_sequences([Caregiver, Contact, Referral, Group, GroupMeeting, SupportContactOffer])
    return summary
