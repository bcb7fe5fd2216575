"""Reproducible demo data for the follow-up cycle, on top of the demo contacts (reference.demo_contacts).

For every district with contacts: ORS/SRS scores of guidance talks and follow-up answers, the monthly
approvals (with a reopening and a live entry exception), the year's goals (and a few city-wide ones),
a register of caregiver representatives with two trainings, partners, collaboration and outreach
activities, and the case officers' measurements. Rows are written with bulk_create; only the
trainings go through their service, so that the representatives' dates move as they do in use.
Nothing is dated after ``today``, and every row obeys its model's rules.
"""

from __future__ import annotations

import datetime
import random
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Max, Min
from django.utils import timezone

from accounts.models import Role, User
from approvals.models import EntryException, MonthApproval, MonthReopening, MonthStatus, MonthSubmission
from approvals.selectors import closes_on, lock_days, month_end, month_of
from collaboration.models import (
    ActivityKind,
    ActivityParticipants,
    CaseOfficerMeasurement,
    CollaborationActivity,
    OutreachActivity,
    OutreachKind,
    ParticipantKind,
    Partner,
    PartnerKind,
)
from consultants.models import Consultant
from districts.models import District, Network, TargetGroup
from figures.periods import Period
from followup.occasions import facts_rebuild
from goals.models import Goal, Measure, Status, Unit
from goals.selectors import goal_figures
from interventions.models import Contact, GroupMeeting, InterventionCode, InterventionType
from outcomes.models import SCORE_MAX, SCORE_MIN, FollowUpAnswer, FollowUpResult, TalkScore
from representatives.models import Representative, TrainingKind, UnitKind, default_next_refresher
from representatives.services import representative_training_record

# The models whose rows mean the cycle's demo data is there (``--if-empty``).
CYCLE_MODELS = (TalkScore, FollowUpAnswer, MonthApproval, Goal, Representative, Partner, CollaborationActivity)

SCORED_SERIES_SHARE = 0.65  # series with scores; with SRS on most talks about 60 % of talks are scored
SRS_SHARE = 0.7
ENDED_SERIES_FOLLOWED_UP = 0.5
GROUP_PARTICIPANTS_FOLLOWED_UP = 0.35
RESULT_WEIGHTS = {FollowUpResult.YES: 66, FollowUpResult.PARTLY: 24, FollowUpResult.NO: 10}
# A series without a talk for this long has ended, even below the cap.
SERIES_ENDED_AFTER_DAYS = 60
NETWORK_ACTIVITIES = {
    "sydost": ("Gemensam anhörigdag i Sydost", 45, 4),
    "innerstaden": ("Föreläsning och samtal om demens, Nätverket Innerstaden", 60, 5),
}
UNITS = {
    UnitKind.CARE_HOME: ("Vård- och omsorgsboendet Tallen", "Vård- och omsorgsboendet Björken"),
    UnitKind.HOME_CARE: ("Hemtjänsten norra", "Hemtjänsten södra"),
    UnitKind.DAY_CARE: ("Dagverksamheten Solrosen",),
    UnitKind.SERVICE_HOUSING: ("Servicehuset Linden",),
    UnitKind.LSS_HOUSING: ("Gruppbostaden Ekbacken",),
}
LABELS = ("Undersköterska", "Vårdbiträde", "Sjuksköterska", "Aktivitetsledare", "Boendestödjare")


def _pick(rng: random.Random, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


@dataclass
class CycleSummary:
    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def __str__(self) -> str:
        return ", ".join(f"{n} {name}" for name, n in self.counts.items())


def cycle_data_exists() -> bool:
    return any(model.objects.exists() for model in CYCLE_MODELS)


class CycleGenerator:
    def __init__(self, *, seed: int, today: datetime.date):
        self.rng = random.Random(seed)  # noqa: S311 - reproducible demo data, not security
        self.today = today
        self.now = timezone.now()
        self.summary = CycleSummary()
        self.districts = list(
            District.objects.filter(pk__in=Contact.objects.values("district_id")).order_by("code").distinct()
        )
        self.district_ids = {d.pk for d in self.districts}
        self.consultants: dict[int, list[tuple[int, int | None]]] = defaultdict(list)
        for district_id, consultant_id, user_id in (
            Contact.objects.filter(district_id__in=self.district_ids)
            .values_list("district_id", "consultant_id", "consultant__user_id")
            .distinct()
            .order_by("district_id", "consultant_id")
        ):
            self.consultants[district_id].append((consultant_id, user_id))
        self.managers: dict[int, int] = {}
        for district_id, user_id in (
            User.objects.filter(role=Role.MANAGER, is_active=True, districts__in=self.district_ids)
            .values_list("districts", "pk")
            .order_by("pk")
        ):
            self.managers.setdefault(district_id, user_id)
        # Each municipality's months and goals are its own strategists' (the first of them here).
        self.strategists: dict[int, int] = {}
        for municipality_id, user_id in (
            User.objects.filter(role=Role.STRATEGIST, is_active=True)
            .values_list("municipality_id", "pk")
            .order_by("pk")
        ):
            self.strategists.setdefault(municipality_id, user_id)

    def _day_within(self, days_back: int, *, at_least: int = 0) -> datetime.date:
        return self.today - datetime.timedelta(days=self.rng.randint(at_least, days_back))

    def _at(self, day: datetime.date, hour: int = 10) -> datetime.datetime:
        moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, self.rng.randint(0, 59))))
        return min(moment, self.now)

    # --- Outcomes -------------------------------------------------------------------------------

    def outcomes(self) -> None:
        rng, scores, answers = self.rng, [], []
        talks_type = InterventionType.objects.get(code=InterventionCode.GUIDANCE_TALKS)
        series: dict[tuple[int, int], list[tuple]] = defaultdict(list)
        for row in (
            Contact.objects.filter(
                deleted_at__isnull=True,
                talk_number__isnull=False,
                caregiver__isnull=False,
                district_id__in=self.district_ids,
                date__lte=self.today,
            )
            .values_list("pk", "district_id", "caregiver_id", "talk_number", "talk_cap", "date", "consultant_id")
            .order_by("district_id", "caregiver_id", "talk_number")
        ):
            series[(row[1], row[2])].append(row)
        users = dict(Consultant.objects.values_list("pk", "user_id"))
        for (district_id, caregiver_id), talks in series.items():
            if rng.random() < SCORED_SERIES_SHARE:
                baseline = rng.randint(10, 28)
                for position, (pk, *_rest, consultant_id) in enumerate(talks):
                    first, last = position == 0, position == len(talks) - 1 and position > 0
                    ors = None
                    if first:
                        ors = baseline
                    elif last:
                        # Mostly better by a few points, now and then worse.
                        change = rng.choice((-3, -1, 0, 2, 3, 4, 5, 6, 8))
                        ors = min(SCORE_MAX, max(SCORE_MIN, baseline + change))
                    srs = rng.randint(28, 40) if rng.random() < SRS_SHARE else None
                    if ors is None and srs is None:
                        continue
                    scores.append(TalkScore(talk_id=pk, ors=ors, srs=srs, recorded_by_id=users.get(consultant_id)))
            last_talk = talks[-1]
            last_date = max(t[5] for t in talks)
            cap = last_talk[4]
            ended = (cap and last_talk[3] >= cap) or (self.today - last_date).days > SERIES_ENDED_AFTER_DAYS
            if ended and rng.random() < ENDED_SERIES_FOLLOWED_UP:
                day = min(self.today, last_date + datetime.timedelta(days=rng.randint(14, 45)))
                answers.append(
                    FollowUpAnswer(
                        district_id=district_id,
                        intervention_type=talks_type,
                        caregiver_id=caregiver_id,
                        consultant_id=last_talk[6],
                        date=day,
                        result=_pick(rng, RESULT_WEIGHTS),
                        recorded_by_id=users.get(last_talk[6]),
                    )
                )
        answers += self._group_answers(users)
        self.summary.counts["talk scores"] = len(TalkScore.objects.bulk_create(scores, batch_size=2000))
        self.summary.counts["follow-up answers"] = len(FollowUpAnswer.objects.bulk_create(answers, batch_size=2000))

    def _group_answers(self, users: dict) -> list[FollowUpAnswer]:
        """Some participants of the groups and circles that met their last time a week ago or more."""
        rng, answers = self.rng, []
        types = dict(InterventionType.objects.values_list("code", "pk"))
        meetings = (
            GroupMeeting.objects.filter(deleted_at__isnull=True, group__district_id__in=self.district_ids)
            .values("group_id", "group__district_id", "group__kind", "group__leader_id")
            .annotate(last=Max("date"), unnamed=Max("unnamed_count"))
            .order_by("group_id")
        )
        attendees: dict[int, list[int]] = defaultdict(list)
        for group_id, caregiver_id in (
            GroupMeeting.attendees.through.objects.filter(groupmeeting__group__district_id__in=self.district_ids)
            .values_list("groupmeeting__group_id", "caregiver_id")
            .distinct()
            .order_by("groupmeeting__group_id", "caregiver_id")
        ):
            attendees[group_id].append(caregiver_id)
        for group in meetings:
            if group["last"] is None or (self.today - group["last"]).days < 7:
                continue
            code = InterventionCode.CIRCLES if group["group__kind"] == "circle" else InterventionCode.OWN_GROUPS
            people = [c for c in attendees[group["group_id"]] if rng.random() < GROUP_PARTICIPANTS_FOLLOWED_UP]
            people += [None] * min(group["unnamed"] or 0, rng.randint(0, 2))
            for caregiver_id in people:
                day = min(self.today, group["last"] + datetime.timedelta(days=rng.randint(7, 30)))
                answers.append(
                    FollowUpAnswer(
                        district_id=group["group__district_id"],
                        intervention_type_id=types[code],
                        caregiver_id=caregiver_id,
                        group_id=group["group_id"],
                        consultant_id=group["group__leader_id"],
                        date=day,
                        result=_pick(rng, RESULT_WEIGHTS),
                        recorded_by_id=users.get(group["group__leader_id"]),
                    )
                )
        return answers

    # --- The monthly cycle ----------------------------------------------------------------------

    def approvals(self) -> None:
        rng, days = self.rng, lock_days()
        current = month_of(self.today)
        previous = month_of(current - datetime.timedelta(days=1))
        # Each municipality's months from its first contact (Nacka's replayed 2022 is not Stockholm's).
        firsts = dict(
            Contact.objects.filter(district_id__in=self.district_ids)
            .values_list("district__municipality_id")
            .annotate(m=Min("date"))
            .order_by()
        )

        def months_of(district: District) -> list[datetime.date]:
            first = firsts.get(district.municipality_id) or previous
            return Period.custom(month_of(first), previous).months()[:-1] if month_of(first) < previous else []

        # The live exception: a consultant with a login in a district with a manager, for a closed month
        # that is not approved yet (the month before, once it has closed; else the one before that).
        exception_at = exception_month = None
        for district in self.districts:
            logins = [user for _c, user in self.consultants[district.pk] if user]
            months = months_of(district)
            month = previous if self.today > closes_on(previous, days) else months[-1] if months else None
            if month and logins and district.pk in self.managers:
                exception_at, exception_month = (district, logins[0]), month
                break
        rows, submissions, reopened = [], [], None
        for district in self.districts:
            manager, months = self.managers.get(district.pk), months_of(district)
            strategist = self.strategists.get(district.municipality_id)
            own_rows = []
            for month in months:
                closing = closes_on(month, days)
                row = MonthApproval(district=district, month=month, status=MonthStatus.ACCEPTED)
                if exception_at and exception_at[0] == district and month == exception_month:
                    row.status = MonthStatus.OPEN  # closed, not approved: what an exception is for
                elif month == months[-1] and rng.random() < 0.6:
                    row.status = MonthStatus.APPROVED  # waiting for the strategists
                if row.status in (MonthStatus.APPROVED, MonthStatus.ACCEPTED):
                    row.approved_by_id = manager
                    row.approved_at = self._at(closing + datetime.timedelta(days=rng.randint(-6, 3)), 14)
                if row.status == MonthStatus.ACCEPTED:
                    row.accepted_by_id = strategist
                    row.accepted_at = self._at(closing + datetime.timedelta(days=rng.randint(5, 15)), 15)
                own_rows.append(row)
            rows += own_rows
            # The previous month: submitted by the consultants who have logins, when there are any.
            logins = [(c, u) for c, u in self.consultants[district.pk] if u]
            if logins:
                rows.append(MonthApproval(district=district, month=previous, status=MonthStatus.SUBMITTED))
                submissions.append((len(rows) - 1, logins))
            if reopened is None and manager and len(months) >= 4:
                # One reopened month: accepted, reopened by a strategist (or the manager), approved again.
                reopened = (district, own_rows[-3], manager)
        MonthApproval.objects.bulk_create(rows, batch_size=2000)
        submitted = []
        for index, logins in submissions:
            # Some consultants: all but one where there are several.
            for consultant_id, user_id in logins[: max(1, len(logins) - 1)]:
                day = min(self.today, month_end(previous) + datetime.timedelta(days=rng.randint(0, 5)))
                submitted.append(
                    MonthSubmission(
                        approval=rows[index],
                        consultant_id=consultant_id,
                        submitted_by_id=user_id,
                        submitted_at=self._at(day),
                    )
                )
        MonthSubmission.objects.bulk_create(submitted)
        self.summary.counts["submissions"] += len(submitted)
        if reopened:
            district, row, manager = reopened
            strategist = self.strategists.get(district.municipality_id)
            by = strategist or manager
            reopened_at = row.accepted_at + datetime.timedelta(days=20) if row.accepted_at else self._at(self.today)
            reopened_at = min(reopened_at, self.now)
            MonthReopening.objects.create(
                district=district,
                month=row.month,
                # A strategist reopens an accepted month; without one, the manager an approved one.
                from_status=MonthStatus.ACCEPTED if strategist else MonthStatus.APPROVED,
                reopened_by_id=by,
                reopened_at=reopened_at,
                reason="Två samtalsserier var registrerade på fel stadsdel; rättade efter återöppning.",
            )
            row.status, row.reopened_at = MonthStatus.APPROVED, reopened_at
            row.approved_at, row.approved_by_id = min(reopened_at + datetime.timedelta(days=3), self.now), manager
            row.accepted_at = row.accepted_by_id = None
            row.save()
            self.summary.counts["reopenings"] += 1
        if exception_at:
            district, user_id = exception_at
            EntryException.objects.create(
                district=district,
                month=exception_month,
                granted_to_id=user_id,
                granted_by_id=self.managers[district.pk],
                granted_at=self._at(self.today, 8),
                valid_until=self.today + datetime.timedelta(days=7),
                reason="Konsulenten var sjukskriven vid månadsskiftet och har samtal kvar att registrera.",
            )
            self.summary.counts["entry exceptions"] += 1
        self.summary.counts["district months"] = len(rows)

    # --- Goals ----------------------------------------------------------------------------------

    def goals(self) -> None:
        rng, year = self.rng, self.today.year
        measured = (
            (Measure.CAREGIVERS_REACHED, "Nå fler anhöriga än i fjol"),
            (Measure.TALKS_SCORED_SHARE, "Följa upp stödsamtalen med ORS och SRS"),
            (Measure.DESCRIPTIONS_SHARE, "Aktuell uppdragsbeskrivning för alla konsulenter"),
            (Measure.COMPONENTS_OFFERED, "Erbjuda grundnivåns insatser"),
            (Measure.SUPPORT_CONTACTS_OFFERED, "Erbjuda stödkontakt"),
        )
        goals = [
            Goal(district=district, municipality_id=district.municipality_id, year=year, title=title, measure=measure)
            for district in self.districts
            for measure, title in measured
        ]
        for municipality_id in sorted({d.municipality_id for d in self.districts}):  # each city's own goals
            goals += [
                Goal(municipality_id=municipality_id, year=year, title="Nå fler anhöriga i hela staden",
                     measure=Measure.CAREGIVERS_REACHED),
                Goal(municipality_id=municipality_id, year=year, title="Hälften av stödsamtalen följs upp",
                     measure=Measure.TALKS_SCORED_SHARE),
            ]  # fmt: skip
        figures = goal_figures(goals, today=self.today)
        components = InterventionType.objects.count()
        for goal in goals:
            value = figures.get((goal.measure, goal.year, goal.municipality_id, goal.district_id))
            if goal.measure == Measure.DESCRIPTIONS_SHARE:
                goal.target = rng.choice((75, 100))  # few consultants have one yet: a goal to work towards
            elif goal.unit == Unit.PERCENT:
                share = round(100 * value[0] / value[1]) if isinstance(value, tuple) and value[1] else 50
                goal.target = min(100, max(30, share + rng.choice((-10, -5, 5, 10, 15))))
            else:
                count = value if isinstance(value, int) else 0
                goal.target = max(1, round(count * rng.uniform(0.85, 1.25)))
                if goal.measure == Measure.COMPONENTS_OFFERED:
                    goal.target = max(1, min(components, count + rng.choice((0, 0, 1))))
            if goal.district is None:
                goal.changed_by_id = self.strategists.get(goal.municipality_id)
            else:
                goal.changed_by_id = self.managers.get(goal.district.pk)
        for district in self.districts:
            goals.append(
                Goal(
                    district=district,
                    municipality_id=district.municipality_id,
                    year=year,
                    title="Samverkan med biståndshandläggarna",
                    measure=Measure.BY_HAND,
                    assessed_status=rng.choice((Status.IN_PROGRESS, Status.IN_PROGRESS, Status.MET)),
                    comment="Gemensamma möten varje tertial; handläggarna informerar oftare om anhörigstödet.",
                    changed_by_id=self.managers.get(district.pk),
                )
            )
        goals += [
            Goal(
                district=None,
                municipality_id=municipality_id,
                year=year,
                title="Anhörigombud på alla vård- och omsorgsboenden",
                measure=Measure.BY_HAND,
                assessed_status=Status.IN_PROGRESS,
                comment="Ombud finns på de flesta boenden; några stadsdelar saknar ännu ombud i hemtjänsten.",
                changed_by_id=self.strategists.get(municipality_id),
            )
            for municipality_id in sorted({d.municipality_id for d in self.districts})
        ]
        self.summary.counts["goals"] = len(Goal.objects.bulk_create(goals))

    # --- Representatives ------------------------------------------------------------------------

    def representatives(self) -> None:
        rng, rows = self.rng, []
        for district in self.districts:
            kinds = rng.sample(list(UNITS), k=rng.randint(3, 5))
            for kind in kinds:
                unit = f"{rng.choice(UNITS[kind])}, {district.name}"
                for label in rng.sample(LABELS, k=rng.randint(1, 2)):
                    trained_on = ended_on = None
                    when = rng.random()
                    if when < 0.35:
                        trained_on = self._day_within(300, at_least=30)  # refresher later
                    elif when < 0.55:
                        trained_on = self._day_within(360, at_least=340)  # refresher due soon
                    elif when < 0.85:
                        trained_on = self._day_within(650, at_least=380)  # refresher overdue
                    if trained_on and rng.random() < 0.08:
                        ended_on = min(self.today, trained_on + datetime.timedelta(days=rng.randint(60, 300)))
                    rows.append(
                        Representative(
                            district=district,
                            unit_kind=kind,
                            unit_name=unit,
                            label=label,
                            target_group=TargetGroup.UNDER_65 if kind == UnitKind.LSS_HOUSING else TargetGroup.OVER_65,
                            trained_on=trained_on,
                            next_refresher=default_next_refresher(trained_on) if trained_on else None,
                            ended_on=ended_on,
                        )
                    )
        Representative.objects.bulk_create(rows)
        self.summary.counts["representatives"] = len(rows)
        self._trainings()

    def _trainings(self) -> None:
        """Two trainings through the service: a network's refresher and one district's initial training."""
        active = Representative.objects.filter(ended_on__isnull=True).order_by("district__code", "pk")
        network = Network.objects.filter(code="innerstaden").first()
        members = list(network.districts.filter(pk__in=self.district_ids).order_by("code")) if network else []
        if not members:
            network, members = None, self.districts[:1]
        overdue = list(active.filter(district__in=members, next_refresher__lt=self.today)[:8])
        if overdue:
            representative_training_record(
                user=None,
                districts=members,
                network=network,
                date=self.today - datetime.timedelta(days=21),
                kind=TrainingKind.REFRESHER,
                title="Repetitionsutbildning för anhörigombud",
                representatives=overdue,
                participants=len(overdue) + 6,
            )
            self.summary.counts["trainings"] += 1
        for district in self.districts:
            untrained = list(active.filter(district=district, trained_on__isnull=True)[:5])
            if len(untrained) >= 2 or (untrained and district == self.districts[-1]):
                representative_training_record(
                    user=None,
                    districts=[district],
                    date=self.today - datetime.timedelta(days=45),
                    kind=TrainingKind.INITIAL,
                    title=f"Grundutbildning för nya anhörigombud i {district.name}",
                    representatives=untrained,
                    participants=len(untrained) + 3,
                )
                self.summary.counts["trainings"] += 1
                break

    # --- Collaboration --------------------------------------------------------------------------

    def collaboration(self) -> None:
        rng = self.rng
        # The partners the districts share are each municipality's own rows: a partner belongs to the
        # districts of one municipality, whose users alone see and change it.
        members: dict[int, list[District]] = defaultdict(list)
        for district in self.districts:
            members[district.municipality_id].append(district)
        shared: dict[int, dict] = {
            municipality_id: {
                # The second clinic serves the second half of the districts: none where there is one.
                "clinics": [
                    Partner(name="Minnesmottagningen Nord", kind=PartnerKind.MEMORY_CLINIC),
                    Partner(name="Minnesmottagningen Syd", kind=PartnerKind.MEMORY_CLINIC),
                ][: min(2, len(members[municipality_id]))],
                "psychiatry": Partner(name="Psykiatri Stockholm, öppenvården", kind=PartnerKind.PSYCHIATRY),
                "association": Partner(name="Demensförbundet, Stockholmsföreningen", kind=PartnerKind.ASSOCIATION),
            }
            for municipality_id in sorted(members)
        }

        def clinic_of(district: District) -> Partner:
            mine = members[district.municipality_id]
            clinics = shared[district.municipality_id]["clinics"]
            return clinics[0] if mine.index(district) < len(mine) / 2 else clinics[1]

        own: dict[int, dict[str, Partner]] = {}
        for district in self.districts:
            own[district.pk] = {
                "unit": Partner(name=f"Biståndsenheten {district.name}", kind=PartnerKind.CASE_OFFICER_UNIT),
                "church": Partner(name=f"{district.name} församling", kind=PartnerKind.CHURCH),
                "study": Partner(name=f"Vuxenskolan {district.name}", kind=PartnerKind.STUDY_ASSOCIATION),
            }
        partners = [
            *(p for m in shared.values() for p in (*m["clinics"], m["psychiatry"], m["association"])),
            *(p for d in own.values() for p in d.values()),
        ]
        Partner.objects.bulk_create(partners)
        links = []
        Through = Partner.districts.through
        for district in self.districts:
            municipality = shared[district.municipality_id]
            for partner in (
                clinic_of(district),
                municipality["psychiatry"],
                municipality["association"],
                *own[district.pk].values(),
            ):
                links.append(Through(partner_id=partner.pk, district_id=district.pk))
        Through.objects.bulk_create(links)
        self.summary.counts["partners"] = len(partners)

        activities: list[tuple[CollaborationActivity, list[int], list[Partner], dict[str, int]]] = []
        outreach: list[tuple[OutreachActivity, list[int]]] = []
        carers_day = datetime.date(self.today.year, 10, 6)
        if carers_day > self.today:
            carers_day = carers_day.replace(year=self.today.year - 1)
        for district in self.districts:
            clinic, association = clinic_of(district), shared[district.municipality_id]["association"]
            mine, by = own[district.pk], self.managers.get(district.pk)

            def add(kind, title, partners, participants, days=340, district=district, by=by):
                activity = CollaborationActivity(
                    kind=kind, date=self._day_within(days, at_least=3), title=title, created_by_id=by
                )
                activities.append((activity, [district.pk], partners, participants))

            for _n in range(2):
                add(
                    ActivityKind.MEETING,
                    "Samverkansmöte med biståndshandläggarna",
                    [mine["unit"]],
                    {ParticipantKind.CONSULTANTS: rng.randint(1, 3), ParticipantKind.PARTNER_STAFF: rng.randint(4, 9)},
                )
            add(
                ActivityKind.MEETING,
                "Samverkan kring personer med demenssjukdom",
                [clinic],
                {ParticipantKind.CONSULTANTS: rng.randint(1, 2), ParticipantKind.PARTNER_STAFF: rng.randint(2, 4)},
            )
            add(
                ActivityKind.JOINT_ACTIVITY,
                "Anhörigcafé i församlingshemmet",
                [mine["church"], association],
                {
                    ParticipantKind.CAREGIVERS: rng.randint(8, 25),
                    ParticipantKind.CONSULTANTS: 1,
                    ParticipantKind.PARTNER_STAFF: rng.randint(1, 3),
                },
            )
            add(
                ActivityKind.TRAINING,
                "Utbildning för hemtjänstens personal om anhörigperspektivet",
                [],
                {
                    ParticipantKind.STAFF: rng.randint(10, 30),
                    ParticipantKind.REPRESENTATIVES: rng.randint(1, 5),
                    ParticipantKind.MANAGERS: rng.randint(1, 3),
                },
            )
            reached = [
                (OutreachKind.NEWSLETTER, "Nyhetsbrev till anhöriga", rng.randint(250, 900), 330),
                (OutreachKind.THEME_EVENING, "Temakväll: att vara anhörig till någon med psykisk ohälsa",
                 rng.randint(15, 60), 330),
                (OutreachKind.PUBLIC_LECTURE, "Föreläsning för allmänheten om demens", rng.randint(40, 150), 330),
                (OutreachKind.WEB_UPDATE, "Uppdaterad information om anhörigstöd på webben", None, 200),
            ]  # fmt: skip
            for kind, title, reach, days in reached:
                row = OutreachActivity(
                    kind=kind, title=title, reach=reach, date=self._day_within(days, at_least=2), created_by_id=by
                )
                outreach.append((row, [district.pk]))
            row = OutreachActivity(
                kind=OutreachKind.CARERS_DAY,
                title="Anhörigdagen: öppet hus och informationsbord",
                reach=rng.randint(60, 250),
                date=carers_day,
                created_by_id=by,
            )
            outreach.append((row, [district.pk]))
        networks = Network.objects.filter(code__in=NETWORK_ACTIVITIES).prefetch_related("districts").order_by("code")
        for network in networks:
            in_network = sorted(d.pk for d in network.districts.all())
            if not set(in_network) & self.district_ids:
                continue
            network_municipality = next(d.municipality_id for d in network.districts.all() if d.pk in self.district_ids)
            title, caregivers, consultants = NETWORK_ACTIVITIES[network.code]
            activity = CollaborationActivity(
                kind=ActivityKind.JOINT_ACTIVITY,
                date=self._day_within(200, at_least=10),
                title=title,
                network=network,
                created_by_id=next((self.managers[d] for d in in_network if d in self.managers), None),
            )
            participants = {ParticipantKind.CAREGIVERS: caregivers, ParticipantKind.CONSULTANTS: consultants}
            association = shared[network_municipality]["association"]
            activities.append((activity, in_network, [association], participants))

        CollaborationActivity.objects.bulk_create([a for a, *_rest in activities])
        OutreachActivity.objects.bulk_create([a for a, _d in outreach])
        ActivityDistricts = CollaborationActivity.districts.through
        ActivityPartners = CollaborationActivity.partners.through
        OutreachDistricts = OutreachActivity.districts.through
        ActivityDistricts.objects.bulk_create(
            ActivityDistricts(collaborationactivity_id=a.pk, district_id=d) for a, ds, *_rest in activities for d in ds
        )
        ActivityPartners.objects.bulk_create(
            ActivityPartners(collaborationactivity_id=a.pk, partner_id=p.pk) for a, _d, ps, _p in activities for p in ps
        )
        ActivityParticipants.objects.bulk_create(
            ActivityParticipants(activity_id=a.pk, kind=kind, count=count)
            for a, _d, _ps, participants in activities
            for kind, count in participants.items()
        )
        OutreachDistricts.objects.bulk_create(
            OutreachDistricts(outreachactivity_id=a.pk, district_id=d) for a, ds in outreach for d in ds
        )
        self.summary.counts["collaboration activities"] = len(activities)
        self.summary.counts["outreach activities"] = len(outreach)
        self._measurements([own[d.pk]["unit"] for d in self.districts])

    def _measurements(self, units: list[Partner]) -> None:
        """Each case-officer unit's check of its new cases, for the ended tertials of this year and the last."""
        tertials = [
            (period.start, period.end)
            for year in (self.today.year - 1, self.today.year)
            for period in (Period.tertial(year, number) for number in (1, 2, 3))
            if period.end < self.today
        ]
        rows = []
        for unit in units:
            for start, end in tertials:
                new_cases = self.rng.randint(30, 110)
                rows.append(
                    CaseOfficerMeasurement(
                        unit=unit,
                        starts_on=start,
                        ends_on=end,
                        new_cases=new_cases,
                        informed_cases=round(new_cases * self.rng.uniform(0.3, 0.6)),
                        note="Genomgång av nya ärenden där kunden har anhöriga.",
                    )
                )
        self.summary.counts["case officers' measurements"] = len(CaseOfficerMeasurement.objects.bulk_create(rows))


@transaction.atomic
def generate_cycle(seed: int, today: datetime.date | None = None) -> CycleSummary:
    """Generate the follow-up cycle's demo data for every district that has contacts."""
    today = min(today or timezone.localdate(), timezone.localdate())
    if not Contact.objects.exists():
        raise ValueError("Generate the demo contacts first (generate_demo_contacts).")
    generator = CycleGenerator(seed=seed, today=today)
    generator.outcomes()
    # Scores and answers were bulk-written, past the upkeep: the goals below read their facts.
    facts_rebuild(district_ids=generator.district_ids, outcomes_only=True)
    generator.approvals()
    generator.representatives()
    generator.collaboration()
    generator.goals()
    return generator.summary
