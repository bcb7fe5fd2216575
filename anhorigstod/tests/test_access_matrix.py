"""Every URL of the app, for every role, against its own and another district's objects.

The table of expected statuses and the URL discovery are in ``access_matrix.py`` (run it as a module
to print the table). Here: the two districts' data, the URL built for each pattern, and the tests.
"""

import datetime
import re

import pytest
from django.contrib.auth.models import Group as AuthGroup
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from accounts.scoping import SYSTEM, forget_scope
from accounts.tests.factories import UserFactory
from approvals.models import CycleSettings, EntryException, MonthApproval, MonthReopening, MonthSubmission
from benchmark.models import BenchmarkPublication, PublishedFigures
from caregivers.models import Caregiver, CaregiverErasure, RetentionRun, SupportContactOffer
from caregivers.tests.factories import CaregiverFactory
from collaboration.models import CollaborationActivity
from collaboration.tests.factories import (
    CaseOfficerUnitFactory,
    CollaborationActivityFactory,
    MeasurementFactory,
    OutreachActivityFactory,
)
from consultants.tests.factories import (
    AllocationFactory,
    AssignmentDescriptionFactory,
    ConsultantFactory,
    DescriptionAssignmentFactory,
    MethodFactory,
)
from districts.tests.factories import (
    BudgetFactory,
    DistrictFactory,
    NetworkFactory,
    RepresentativeCountFactory,
    SupportPurchaseFactory,
)
from figures.periods import Period
from followup.models import FollowupReport, ReportScope
from followup.services import report_compile, report_order
from goals.models import Goal
from goals.tests.factories import GoalFactory
from interventions.models import Contact, GroupMeeting, Referral
from interventions.tests.factories import (
    ContactFactory,
    DistrictOfferingFactory,
    GroupFactory,
    GuidanceTalksTypeFactory,
    InterventionTypeFactory,
    OrganiserFactory,
)
from outcomes.models import FollowUpAnswer, TalkScore
from representatives.tests.factories import RepresentativeFactory, RepresentativeTrainingFactory

from .access_matrix import ADMIN_LOGIN, LOGIN, ROLES, discover_patterns, expectations, expected_keys

MISSING_ID = 987_654_321
REPORT_FORMATS = ("xlsx", "csv", "pdf", "json")
EXTRACT_FORMATS = ("json", "pdf")


# --- The two districts ----------------------------------------------------------------------------


def _pair(make):
    return {"own": make("own"), "other": make("other")}


def _world(other_municipality=None):
    """Everything a URL can point at, in district A (own) and district B (other); with
    ``other_municipality``, district B and everything of it belong to that municipality."""
    from auditlog.models import LogEntry
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from django.apps import apps
    from django_celery_beat.models import (
        ClockedSchedule,
        CrontabSchedule,
        IntervalSchedule,
        PeriodicTask,
        SolarSchedule,
    )
    from django_otp.plugins.otp_totp.models import TOTPDevice

    elsewhere = {"municipality": other_municipality} if other_municipality is not None else {}
    districts = {
        "own": DistrictFactory(code="matrix-a", name="Matrix A"),
        "other": DistrictFactory(code="matrix-b", **elsewhere),
    }
    sellers = {
        "own": DistrictFactory(code="matrix-seller"),
        "other": DistrictFactory(code="matrix-seller-b", **elsewhere),
    }
    users = {
        "consultant": UserFactory(username="m-consultant", role=Role.CONSULTANT, districts=[districts["own"]]),
        "manager": UserFactory(username="m-manager", role=Role.MANAGER, districts=[districts["own"]]),
        # A central strategist serves no district: city-wide figures, nobody's personal data.
        "strategist": UserFactory(username="m-strategist", role=Role.STRATEGIST),
        "admin": UserFactory(username="m-admin", role=Role.ADMIN, districts=[districts["own"]]),
        "analyst": UserFactory(username="m-analyst", role=Role.ANALYST, municipality=None),
    }
    consultant_b = UserFactory(username="m-consultant-b", role=Role.CONSULTANT, districts=[districts["other"]])
    user_of = {"own": users["consultant"], "other": consultant_b}

    consultant = _pair(lambda s: ConsultantFactory(home_district=districts[s], user=user_of[s]))
    allocation = _pair(lambda s: AllocationFactory(consultant=consultant[s]))
    description = _pair(lambda s: AssignmentDescriptionFactory(district=districts[s]))
    description_assignment = _pair(
        lambda s: DescriptionAssignmentFactory(consultant=consultant[s], description=description[s])
    )
    caregiver = _pair(lambda s: CaregiverFactory(districts=[districts[s]], label=f"CAREGIVER-{s.upper()}"))
    offer = _pair(
        lambda s: SupportContactOffer.objects.create(
            caregiver=caregiver[s], offered_on=datetime.date(2026, 2, 1), status="offered"
        )
    )
    contact = _pair(
        lambda s: ContactFactory(
            consultant=consultant[s], district=districts[s], caregiver=caregiver[s], created_by=user_of[s]
        )
    )
    talks = GuidanceTalksTypeFactory()
    talk = _pair(
        lambda s: ContactFactory(
            consultant=consultant[s],
            district=districts[s],
            caregiver=caregiver[s],
            intervention_type=talks,
            talk_number=1,
            talk_cap=4,
            created_by=user_of[s],
        )
    )
    own_groups = InterventionTypeFactory(code="own_groups")
    referral = _pair(lambda s: Referral.objects.create(contact=contact[s], destination="doctor"))
    group = _pair(lambda s: GroupFactory(district=districts[s], leader=consultant[s]))
    meeting = _pair(
        lambda s: GroupMeeting.objects.create(
            group=group[s],
            number=1,
            date=datetime.date(2026, 3, 3),
            duration_minutes=90,
            consultant=consultant[s],
            created_by=user_of[s],
        )
    )
    meeting["own"].attendees.add(caregiver["own"])
    meeting["other"].attendees.add(caregiver["other"])

    def report(s):
        ordered = report_order(
            user=SYSTEM,
            period=Period.year(2026),
            scope=ReportScope.DISTRICTS,
            districts=[districts[s].pk],
            enqueue=False,
        )
        report_compile(ordered.pk)
        return ordered

    reports = _pair(report)
    audit_model = apps.get_model(*__import__("django.conf").conf.settings.AUDITLOG_LOGENTRY_MODEL.split("."))
    caregiver_type = ContentType.objects.get_for_model(Caregiver)

    def audit_entry(s):
        entry = audit_model.objects.create(
            content_type=caregiver_type,
            object_pk=str(caregiver[s].pk),
            object_id=caregiver[s].pk,
            object_repr=f"Caregiver #{caregiver[s].pk}",
            action=LogEntry.Action.ACCESS,
        )
        if hasattr(entry, "districts"):
            entry.districts.set([districts[s]])
        return entry

    def crontab(s):
        return CrontabSchedule.objects.create(minute="15" if s == "own" else "45", hour="3")

    crontabs = _pair(crontab)
    cycle_settings = CycleSettings.objects.create(lock_days_after_month_end=10)
    approval = _pair(lambda s: MonthApproval.objects.create(district=districts[s], month=datetime.date(2026, 3, 1)))
    submission = _pair(
        lambda s: MonthSubmission.objects.create(
            approval=approval[s], consultant=consultant[s], submitted_by=user_of[s], submitted_at=timezone.now()
        )
    )
    exception = _pair(
        lambda s: EntryException.objects.create(
            district=districts[s],
            month=datetime.date(2026, 3, 1),
            granted_to=user_of[s],
            granted_by=users["manager"],
            granted_at=timezone.now(),
            # Live: it lets each district's consultant change their March entries (the posts below),
            # which the automatic closing would otherwise refuse.
            valid_until=timezone.localdate() + datetime.timedelta(days=7),
            reason="late notes",
        )
    )
    reopening = _pair(
        lambda s: MonthReopening.objects.create(
            district=districts[s],
            month=datetime.date(2026, 2, 1),
            from_status="accepted",
            reopened_by=users["strategist"],
            reopened_at=timezone.now(),
            reason="a correction",
        )
    )
    goal = _pair(lambda s: GoalFactory(district=districts[s], title=f"Goal of {s}"))
    representative = _pair(lambda s: RepresentativeFactory(district=districts[s]))
    collaboration = _pair(lambda s: CollaborationActivityFactory(districts=[districts[s]]))
    outreach = _pair(lambda s: OutreachActivityFactory(districts=[districts[s]]))
    units = _pair(lambda s: CaseOfficerUnitFactory(districts=[districts[s]]))
    measurements = _pair(lambda s: MeasurementFactory(unit=units[s]))
    objects = {
        "district": {"own": districts["own"], "other": districts["other"]},
        "consultant": consultant,
        "description": description,
        "caregiver": caregiver,
        "contact": contact,
        "talk": talk,
        "group": group,
        "meeting": meeting,
        "report": reports,
        "goal": goal,
        "collaboration_activity": collaboration,
        "outreach_activity": outreach,
        "partner": units,
        "measurement": measurements,
        "collaboration.collaborationactivity": collaboration,
        "collaboration.outreachactivity": outreach,
        "collaboration.partner": units,
        "collaboration.caseofficermeasurement": measurements,
        # The admin's objects, by model label.
        "auth.group": _pair(lambda s: AuthGroup.objects.create(name=f"matrix-{s}")),
        "accounts.user": {"own": users["consultant"], "other": consultant_b},
        "django_celery_beat.clockedschedule": _pair(
            lambda s: ClockedSchedule.objects.create(
                clocked_time=datetime.datetime(2030, 1, 1 if s == "own" else 2, tzinfo=datetime.UTC)
            )
        ),
        "django_celery_beat.crontabschedule": crontabs,
        "django_celery_beat.solarschedule": _pair(
            lambda s: SolarSchedule.objects.create(
                event="sunrise", latitude=59.3, longitude=18.0 if s == "own" else 18.1
            )
        ),
        "django_celery_beat.intervalschedule": _pair(
            lambda s: IntervalSchedule.objects.create(every=10 if s == "own" else 20, period="minutes")
        ),
        # Own: a report schedule (strategists' to see); other: a scheduled task of another kind.
        "django_celery_beat.periodictask": {
            "own": PeriodicTask.objects.create(
                name="matrix report", task="followup.compile_scheduled_report", crontab=crontabs["own"]
            ),
            "other": PeriodicTask.objects.create(
                name="matrix other", task="caregivers.erase_expired_caregivers", crontab=crontabs["other"]
            ),
        },
        "districts.district": {"own": districts["own"], "other": districts["other"]},
        "districts.municipality": {"own": districts["own"].municipality, "other": districts["other"].municipality},
        # Of each side's municipality (one and the same in the one-municipality world: two years then).
        "benchmark.publishedfigures": _pair(
            lambda s: PublishedFigures.objects.create(
                municipality=districts[s].municipality, year=2022 if s == "own" else 2023, source="Rapport 003"
            )
        ),
        "benchmark.benchmarkpublication": _pair(
            lambda s: BenchmarkPublication.objects.create(
                municipality=districts[s].municipality,
                year=2022 if s == "own" else 2023,
                published_at=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC),
            )
        ),
        "districts.network": _pair(lambda s: NetworkFactory(districts=[districts[s]])),
        "districts.supportpurchase": _pair(lambda s: SupportPurchaseFactory(buyer=districts[s], seller=sellers[s])),
        "districts.budget": _pair(lambda s: BudgetFactory(district=districts[s])),
        "districts.caregiverrepresentativecount": _pair(lambda s: RepresentativeCountFactory(district=districts[s])),
        "representatives.representative": representative,
        "representatives.representativetraining": _pair(
            lambda s: RepresentativeTrainingFactory(districts=[districts[s]], representatives=[representative[s]])
        ),
        "interventions.interventiontype": _pair(lambda s: InterventionTypeFactory(code=f"matrix-{s}")),
        "interventions.districtoffering": _pair(lambda s: DistrictOfferingFactory(district=districts[s])),
        "interventions.organiser": _pair(lambda s: OrganiserFactory(name=f"Organiser {s}")),
        "interventions.contact": contact,
        "interventions.group": group,
        "interventions.groupmeeting": meeting,
        "interventions.referral": referral,
        "outcomes.talkscore": _pair(lambda s: TalkScore.objects.create(talk=talk[s], ors=20)),
        "outcomes.followupanswer": _pair(
            lambda s: FollowUpAnswer.objects.create(
                district=districts[s],
                intervention_type=own_groups,
                group=group[s],
                consultant=consultant[s],
                date=datetime.date(2026, 3, 10),
                result="yes",
            )
        ),
        "consultants.consultant": consultant,
        "consultants.allocation": allocation,
        "consultants.method": _pair(lambda s: MethodFactory(code=f"matrix-{s}")),
        "consultants.assignmentdescription": description,
        "consultants.descriptionassignment": description_assignment,
        "caregivers.caregiver": caregiver,
        "caregivers.supportcontactoffer": offer,
        "followup.followupreport": reports,
        "audit.auditentry": _pair(audit_entry),
        "approvals.cyclesettings": {"own": cycle_settings, "other": cycle_settings},
        "approvals.monthapproval": approval,
        "approvals.monthsubmission": submission,
        "approvals.entryexception": exception,
        "approvals.monthreopening": reopening,
        "goals.goal": goal,
        "axes.accessattempt": _pair(
            lambda s: AccessAttempt.objects.create(
                username=f"someone-{s}",
                ip_address="10.0.0.1",
                user_agent="ua",
                http_accept="*/*",
                path_info="/login/",
                get_data="",
                post_data="",
                failures_since_start=1,
            )
        ),
        "axes.accesslog": _pair(
            lambda s: AccessLog.objects.create(
                username=f"someone-{s}", ip_address="10.0.0.1", user_agent="ua", http_accept="*/*", path_info="/login/"
            )
        ),
        "axes.accessfailurelog": _pair(
            lambda s: AccessFailureLog.objects.create(
                username=f"someone-{s}",
                ip_address="10.0.0.1",
                user_agent="ua",
                http_accept="*/*",
                path_info="/login/",
                locked_out=False,
            )
        ),
        "caregivers.caregivererasure": _pair(
            lambda s: CaregiverErasure.objects.create(
                caregiver=CaregiverFactory(districts=[districts[s]]), erased_at=timezone.now(), reason="request"
            )
        ),
        "caregivers.retentionrun": _pair(
            lambda s: RetentionRun.objects.create(
                started_at=timezone.now(),
                run_on=datetime.date(2026, 1, 1),
                retention_years=3,
                cutoff=datetime.date(2023, 1, 1),
            )
        ),
        "otp_totp.totpdevice": _pair(
            lambda s: TOTPDevice.objects.create(user=UserFactory(districts=[districts[s]]), name=f"phone {s}")
        ),
    }
    return users, objects


@pytest.fixture
def world(db):
    return _world()


# --- Building the URL of a pattern ----------------------------------------------------------------

_ADMIN_OBJECT = re.compile(r"^admin:(?P<app>[a-z_]+?)_(?P<model>[a-z]+)_(change|history|delete)$")
_ADMIN_LEGACY = re.compile(r"^admin:\[admin/(?P<app>\w+)/(?P<model>\w+)/<path:object_id>/\]$")


def _pk(objects, kind, side):
    return MISSING_ID if side == "missing" else objects[kind][side].pk


def _code(objects, side):
    return "no-such-district" if side == "missing" else objects["district"][side].code


def urls_for(key: str, objects: dict, side: str) -> list[str]:
    """The addresses to request for one pattern: side is "own", "other" or "missing" (no such id)."""

    def pk(kind):
        return _pk(objects, kind, side)

    def name(url_name, **kwargs):
        return reverse(url_name, kwargs=kwargs)

    builders = {
        "followup:city_csv": lambda: [name(key, table="figures"), name(key, table="coverage")],
        "benchmark:csv": lambda: [name(key, table="benchmark") + "?year=2025", name(key, table="published")],
        "benchmark:export": lambda: [name(key, file_format=f) + "?year=2022" for f in ("json", "csv")],
        "followup:dashboard": lambda: [name(key, code=_code(objects, side))],
        "followup:dashboard_csv": lambda: [name(key, code=_code(objects, side), table="channel")],
        "followup:city_publication_csv": lambda: [name(key, table="figures"), name(key, table="coverage")],
        "followup:dashboard_publication_csv": lambda: [
            name(key, code=_code(objects, side), table=t) for t in ("headline", "gender")
        ],
        "followup:report": lambda: [name(key, pk=pk("report"))],
        "followup:report_status": lambda: [name(key, pk=pk("report"))],
        "followup:report_reorder": lambda: [name(key, pk=pk("report"))],
        "followup:report_download": lambda: [name(key, pk=pk("report"), file_format=f) for f in REPORT_FORMATS],
        "followup:report_publication": lambda: [name(key, pk=pk("report"), file_format=f) for f in REPORT_FORMATS],
        "districts:detail": lambda: [name(key, code=_code(objects, side))],
        "representatives:register": lambda: [name(key, code=_code(objects, side))],
        "representatives:new": lambda: [name(key, code=_code(objects, side))],
        "representatives:training_new": lambda: [name(key, code=_code(objects, side))],
        "representatives:edit": lambda: [
            name(key, code=_code(objects, side), representative_id=pk("representatives.representative"))
        ],
        "consultants:detail": lambda: [name(key, consultant_id=pk("consultant"))],
        "consultants:description": lambda: [name(key, description_id=pk("description"))],
        "caregivers:detail": lambda: [name(key, caregiver_id=pk("caregiver"))],
        "caregivers:edit": lambda: [name(key, caregiver_id=pk("caregiver"))],
        "caregivers:support_contact": lambda: [name(key, caregiver_id=pk("caregiver"))],
        "caregivers:extract": lambda: [name(key, caregiver_id=pk("caregiver"), file_format=f) for f in EXTRACT_FORMATS],
        "caregivers:erase": lambda: [name(key, caregiver_id=pk("caregiver"))],
        "interventions:contact_edit": lambda: [name(key, contact_id=pk("contact"))],
        "interventions:contact_delete": lambda: [name(key, contact_id=pk("contact"))],
        "interventions:group": lambda: [name(key, group_id=pk("group"))],
        **{
            f"approvals:{step}": (lambda: [name(key, code=_code(objects, side), month="2026-03")])
            for step in ("month", "submit", "approve", "accept", "reopen", "exception")
        },
        "goals:edit": lambda: [name(key, goal_id=pk("goal"))],
        "collaboration:activity_edit": lambda: [name(key, activity_id=pk("collaboration_activity"))],
        "collaboration:outreach_edit": lambda: [name(key, activity_id=pk("outreach_activity"))],
        "collaboration:partner_edit": lambda: [name(key, partner_id=pk("partner"))],
        "collaboration:measurement_edit": lambda: [name(key, measurement_id=pk("measurement"))],
        "interventions:meeting_delete": lambda: [name(key, group_id=pk("group"), meeting_id=pk("meeting"))],
        "outcomes:talk_scores": lambda: [name(key, contact_id=pk("talk"))],
        "outcomes:talk_followup": lambda: [name(key, contact_id=pk("talk"))],
        "outcomes:group_followup": lambda: [name(key, group_id=pk("group"))],
        "admin:view_on_site": lambda: [
            name(key, content_type_id=ContentType.objects.get_for_model(Caregiver).pk, object_id=pk("caregiver"))
        ],
        "admin:auth_user_password_change": lambda: [name(key, id=pk("accounts.user"))],
        "admin:otp_totp_totpdevice_config": lambda: [name(key, pk=pk("otp_totp.totpdevice"))],
        "admin:otp_totp_totpdevice_qrcode": lambda: [name(key, pk=pk("otp_totp.totpdevice"))],
        "admin:[admin/(?P<url>.*)$]": lambda: ["/admin/no-such-page/"],
        # A caregiver lookup as the support-contact offer form makes it.
        "admin:autocomplete": lambda: [
            name(key) + "?app_label=caregivers&model_name=supportcontactoffer&field_name=caregiver&term="
        ],
    }
    if key in builders:
        return builders[key]()
    match = _ADMIN_OBJECT.match(key) or _ADMIN_LEGACY.match(key)
    if match:
        label = f"{match['app']}.{match['model']}"
        if label not in objects:
            pytest.fail(f"No {label} objects for {key}: add them to _world()")
        object_id = pk(label)
        if key.startswith("admin:["):
            return [f"/admin/{match['app']}/{match['model']}/{object_id}/"]
        return [name(key, object_id=object_id)]
    if key.startswith("admin:app_list["):
        return [reverse("admin:app_list", kwargs={"app_label": key[len("admin:app_list[") : -1]})]
    return [reverse(key)]


# --- Requests -------------------------------------------------------------------------------------


def clients(users) -> dict[str, Client]:
    result = {"anonymous": Client(raise_request_exception=False)}
    for role, user in users.items():
        forget_scope(user)
        client = Client(raise_request_exception=False)
        client.force_login(user)
        result[role] = client
    return result


def _outcome(response, url: str, expected) -> tuple[bool, str]:
    """Whether ``response`` is what ``expected`` says, and what it was, for the message."""
    got = str(response.status_code)
    location = response.get("Location", "")
    if response.status_code in (301, 302):
        got += f" → {location}"
    if expected == LOGIN:
        return response.status_code == 302 and location.startswith(reverse("login") + "?next="), got
    if expected == ADMIN_LOGIN:
        return response.status_code == 302 and location.startswith(reverse("admin:login") + "?next="), got
    return response.status_code == expected, got


def _drain(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def _object_keys(rows):
    return [key for key, row in rows.items() if row.has_object]


# --- Tests ----------------------------------------------------------------------------------------


def test_every_url_pattern_has_an_expectation_and_every_expectation_a_pattern():
    needed = expected_keys(discover_patterns())
    table = set(expectations())

    assert sorted(needed - table) == [], "URL patterns without an entry in the access matrix"
    assert sorted(table - needed) == [], "Access-matrix entries whose URL pattern no longer exists"


def test_discovery_reaches_the_admin_and_every_app():
    keys = {p.key for p in discover_patterns()}

    assert {"admin:caregivers_caregiver_change", "admin:index", "caregivers:detail", "health", "set_language"} <= keys
    assert {k.split(":")[0] for k in keys if ":" in k} >= {
        "admin", "followup", "districts", "consultants", "caregivers", "interventions", "audit", "accounts",
    }  # fmt: skip


def test_every_role_gets_the_expected_status_from_every_url(world):
    users, objects = world
    rows = expectations()
    present = expected_keys(discover_patterns())
    by_role = clients(users)
    mismatches = []
    requests = 0
    for key, row in sorted(rows.items()):
        if key not in present:
            continue  # reported by the completeness test
        for role in ROLES:
            for side_index, side in enumerate(("own", "other") if row.has_object else ("own",)):
                expected = row.cells[role][side_index]
                for url in urls_for(key, objects, side):
                    response = by_role[role].get(url)
                    _drain(response)
                    requests += 1
                    ok, got = _outcome(response, url, expected)
                    if not ok:
                        mismatches.append(f"{key} {url} as {role} ({side}): expected {expected}, got {got}")

    assert requests > 1000
    assert mismatches == [], "\n" + "\n".join(mismatches)


_CSRF = re.compile(rb'(name="csrfmiddlewaretoken" value=|csrf-token" content=|"csrfToken": ?)"[^"]*"')


def _normalised(response, url: str) -> tuple[int, str, bytes]:
    body = _CSRF.sub(rb"\1CSRF", _drain(response)).replace(url.encode(), b"URL")
    return response.status_code, response.get("Location", "").replace(url, "URL"), body


def test_another_districts_ids_answer_exactly_like_ids_that_do_not_exist(world):
    """Enumerating ids reveals nothing: where a role may not see the other district's object, the
    answer (status, redirect, body) is the answer for an id that does not exist."""
    users, objects = world
    rows = expectations()
    present = expected_keys(discover_patterns())
    by_role = clients(users)
    differences = []
    compared = 0
    for key in _object_keys(rows):
        if key not in present:
            continue
        for role in ROLES[1:]:
            if rows[key].may_see_other(role):
                continue  # the other object's id is no secret to this role
            compared += _compare_other_with_missing(by_role[role], key, role, objects, differences)

    assert compared > 200
    assert differences == [], "\n" + "\n".join(differences)


def _compare_other_with_missing(client, key: str, role: str, objects, differences: list[str]) -> int:
    """Request the other district's object and a missing one at each address of ``key``; note where
    the answers (status, redirect, body) differ. Returns how many pairs were compared."""
    pairs = list(zip(urls_for(key, objects, "other"), urls_for(key, objects, "missing"), strict=True))
    for other_url, missing_url in pairs:
        other = _normalised(client.get(other_url), other_url)
        missing = _normalised(client.get(missing_url), missing_url)
        if other != missing:
            differences.append(
                f"{key} as {role}: {other_url} answers {other[0]} {other[1]}, "
                f"{missing_url} answers {missing[0]} {missing[1]}"
                + ("" if other[:2] != missing[:2] else " (bodies differ)")
            )
    return len(pairs)


def _state_of_b(objects) -> dict:
    """Everything a mutation of district B's objects could change."""
    caregiver = Caregiver.objects.get(pk=objects["caregiver"]["other"].pk)
    contact = Contact.objects.get(pk=objects["contact"]["other"].pk)
    meeting = GroupMeeting.objects.get(pk=objects["meeting"]["other"].pk)
    return {
        "caregiver": (caregiver.label, caregiver.birth_year, caregiver.gender, caregiver.erased_at),
        "caregiver_districts": list(caregiver.districts.values_list("pk", flat=True)),
        "offers": list(SupportContactOffer.objects.filter(caregiver=caregiver).values_list("pk", "status")),
        "contact": (contact.date, contact.channel, contact.duration_minutes, contact.deleted_at),
        "meeting": (meeting.deleted_at, list(meeting.attendees.values_list("pk", flat=True))),
        "contacts": Contact.objects.count(),
        "reports": FollowupReport.objects.count(),
        "outcomes": (TalkScore.objects.count(), FollowUpAnswer.objects.count()),
        "goal": tuple(Goal.objects.filter(pk=objects["goal"]["other"].pk).values_list("title", "target").get()),
        "collaboration": list(
            CollaborationActivity.objects.filter(pk=objects["collaboration_activity"]["other"].pk).values_list(
                "title", "date", "districts"
            )
        ),
    }


def _mutations(objects, side: str) -> list[tuple[str, dict]]:
    """The mutation addresses, each with the data that would succeed on one's own object."""
    district = objects["district"]["own"].pk
    caregiver = objects["caregiver"]["own"]
    contact = objects["contact"]["own"]
    posts = [
        # Before the meeting is deleted below: the group follow-up asks for one of its attendees.
        (
            reverse("outcomes:talk_scores", kwargs={"contact_id": _pk(objects, "talk", side)}),
            {"ors": "24", "srs": "33"},
        ),
        (
            reverse("outcomes:talk_followup", kwargs={"contact_id": _pk(objects, "talk", side)}),
            {"result": "yes", "date": "2026-03-20", "consultant": objects["consultant"]["own"].pk},
        ),
        (
            reverse("outcomes:group_followup", kwargs={"group_id": _pk(objects, "group", side)}),
            {
                "caregiver": caregiver.pk,
                "result": "partly",
                "date": "2026-03-20",
                "consultant": objects["consultant"]["own"].pk,
            },
        ),
        (
            reverse("caregivers:edit", kwargs={"caregiver_id": _pk(objects, "caregiver", side)}),
            {
                "label": caregiver.label,
                "age_band": "65-79",
                "gender": "man",
                "relation": "partner",
                "condition": "dementia",
                "target_group": "65_plus",
                "districts": [district],
            },
        ),
        (
            reverse("caregivers:support_contact", kwargs={"caregiver_id": _pk(objects, "caregiver", side)}),
            {
                "offered_on": "2026-03-01",
                "status": "accepted",
                "answered_on": "2026-03-02",
                "support_person": objects["consultant"]["own"].pk,
            },
        ),
        (
            reverse("interventions:contact_edit", kwargs={"contact_id": _pk(objects, "contact", side)}),
            {
                "caregiver": caregiver.label,
                "intervention_type": contact.intervention_type_id,
                "channel": "phone",
                "duration_minutes": 45,
                "date": "2026-03-02",
                "district": district,
                "target_group": "65_plus",
            },
        ),
        (reverse("interventions:contact_delete", kwargs={"contact_id": _pk(objects, "contact", side)}), {}),
        (
            reverse(
                "interventions:meeting_delete",
                kwargs={"group_id": _pk(objects, "group", side), "meeting_id": _pk(objects, "meeting", side)},
            ),
            {},
        ),
        (reverse("followup:report_reorder", kwargs={"pk": _pk(objects, "report", side)}), {}),
        (
            reverse("goals:edit", kwargs={"goal_id": _pk(objects, "goal", side)}),
            {"district": district, "year": 2026, "title": "Changed", "measure": "caregivers_reached", "target": 3},
        ),
        (
            reverse(
                "collaboration:activity_edit", kwargs={"activity_id": _pk(objects, "collaboration_activity", side)}
            ),
            {"kind": "meeting", "date": "2026-03-02", "title": "Changed", "districts": [district]},
        ),
    ]
    try:
        erase = reverse("caregivers:erase", kwargs={"caregiver_id": _pk(objects, "caregiver", side)})
    except Exception:
        erase = None
    if erase:
        posts.append((erase, {"confirm": "on", "reason": "request"}))
    return posts


def test_mutations_of_another_districts_objects_answer_404_and_change_nothing(world):
    users, objects = world
    by_role = clients(users)
    before = _state_of_b(objects)
    refused = []
    for role in ("consultant", "manager", "strategist", "admin"):
        for url, data in _mutations(objects, "other"):
            if "/reports/" in url and role in ("strategist", "admin"):
                continue  # they see (and may order again) every district's reports
            if "/goals/" in url and role == "admin":
                continue  # administrators change every goal
            if "/collaboration/" in url and role == "admin":
                continue  # administrators record collaboration for any district (no personal data)
            response = by_role[role].post(url, data)
            if response.status_code != 404:
                refused.append(f"POST {url} as {role}: expected 404, got {response.status_code}")

    assert refused == [], "\n" + "\n".join(refused)
    assert _state_of_b(objects) == before


def test_the_same_posts_on_ones_own_objects_succeed(world):
    """The refused posts above are refused for the district, not for their data: on district A's
    objects the consultant who logged them (and the manager, for the report) gets through."""
    users, objects = world
    by_role = clients(users)
    answers = {}
    for url, data in _mutations(objects, "own"):
        role = "manager" if "/reports/" in url or "/erase/" in url or "/goals/" in url else "consultant"
        response = by_role[role].post(url, data)
        form = (response.context or {}).get("form") or (response.context or {}).get("support_form")
        answers[url] = (response.status_code, dict(form.errors) if form is not None else None)

    caregiver = Caregiver.objects.get(pk=objects["caregiver"]["own"].pk)
    contact = Contact.objects.get(pk=objects["contact"]["own"].pk)
    assert {status for status, _errors in answers.values()} == {302}, answers
    assert (caregiver.gender, caregiver.erased_at is not None) == ("man", True)
    assert SupportContactOffer.objects.filter(caregiver=caregiver, status="accepted").count() == 1
    assert contact.deleted_at is not None
    assert GroupMeeting.objects.get(pk=objects["meeting"]["own"].pk).deleted_at is not None
    assert FollowupReport.objects.count() == 3
    assert TalkScore.objects.get(talk=objects["talk"]["own"]).ors == 24
    assert FollowUpAnswer.objects.filter(district=objects["district"]["own"], caregiver=caregiver).count() == 2
    assert Goal.objects.get(pk=objects["goal"]["own"].pk).title == "Changed"
    assert CollaborationActivity.objects.get(pk=objects["collaboration_activity"]["own"].pk).title == "Changed"


# --- Two municipalities ---------------------------------------------------------------------------

# What the installation shares, of no municipality: the base level and its organisers and methods,
# user groups, the task schedules, the lock setting, the retention runs and the log-in records.
INSTALLATION_WIDE = {
    "districts.municipality",  # which municipalities the installation serves is no secret
    "benchmark.publishedfigures",  # figures municipalities published themselves: public reports
    "auth.group",
    "django_celery_beat.clockedschedule",
    "django_celery_beat.crontabschedule",
    "django_celery_beat.solarschedule",
    "django_celery_beat.intervalschedule",
    "django_celery_beat.periodictask",
    "interventions.interventiontype",
    "interventions.organiser",
    "consultants.method",
    "approvals.cyclesettings",
    "caregivers.retentionrun",
    "axes.accessattempt",
    "axes.accesslog",
    "axes.accessfailurelog",
}


def _installation_wide(key: str) -> bool:
    match = _ADMIN_OBJECT.match(key) or _ADMIN_LEGACY.match(key)
    return match is not None and f"{match['app']}.{match['model']}" in INSTALLATION_WIDE


@pytest.fixture
def two_municipalities(db):
    """The same world, but district B is Nacka's: nobody of Stockholm, administrators included, may see
    anything of it."""
    from districts.tests.factories import MunicipalityFactory

    return _world(other_municipality=MunicipalityFactory(code="0182", name="Nacka"))


def test_another_municipalitys_ids_answer_like_missing_ones_for_every_role(two_municipalities):
    users, objects = two_municipalities
    rows = expectations()
    present = expected_keys(discover_patterns())
    by_role = clients(users)
    differences = []
    compared = 0
    for key in _object_keys(rows):
        if key not in present or _installation_wide(key):
            continue
        for role in ROLES[1:]:  # strategists and administrators too: their city is their municipality
            compared += _compare_other_with_missing(by_role[role], key, role, objects, differences)

    assert compared > 400
    assert differences == [], "\n" + "\n".join(differences)


def test_mutations_of_another_municipalitys_objects_answer_404_for_every_role(two_municipalities):
    users, objects = two_municipalities
    by_role = clients(users)
    before = _state_of_b(objects)
    refused = []
    for role in ("consultant", "manager", "strategist", "admin"):
        for url, data in _mutations(objects, "other"):
            response = by_role[role].post(url, data)
            if response.status_code != 404:
                refused.append(f"POST {url} as {role}: expected 404, got {response.status_code}")

    assert refused == [], "\n" + "\n".join(refused)
    assert _state_of_b(objects) == before


def test_no_row_of_another_municipality_is_in_anyones_scope(two_municipalities):
    """Model by model, through the one scoping function every view, admin and export uses: what each
    role of Stockholm may see reaches no district of Nacka, and no row of Nacka's own (a goal or a
    template of the whole municipality, an audit entry of one of its people)."""
    from django.apps import apps
    from django.db.models import Q

    from accounts.scoping import scope_to_user

    users, objects = two_municipalities
    nacka = objects["district"]["other"].municipality
    models = [m for m in apps.get_models() if hasattr(m, "district_scope_paths")]
    leaks = []
    with_rows = 0
    for model in models:
        theirs = Q(pk__in=[])
        for path in model.district_scope_paths:
            district = "" if path == "pk" else f"{path}__"
            theirs |= Q(**{f"{district}municipality": nacka}) if path != "pk" else Q(municipality=nacka)
        if getattr(model, "district_scope_includes_shared", False):
            within = getattr(model, "district_scope_shared_within", "municipality")
            theirs |= Q(**{within: nacka})
        with_rows += model._default_manager.filter(theirs).exists()
        for role, user in users.items():
            forget_scope(user)
            seen = scope_to_user(model._default_manager.all(), user).filter(theirs)
            if seen.exists():
                leaks.append(f"{model._meta.label} as {role}: {list(seen.values_list('pk', flat=True))}")

    assert (len(models), with_rows) >= (30, 25)  # the world has rows of Nacka in nearly every model
    assert leaks == []
