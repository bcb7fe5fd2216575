"""The follow-up cycle's demo data: every section of the dashboards and reports has something to show."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.models import User
from accounts.scoping import SYSTEM
from approvals.models import EntryException, MonthApproval, MonthReopening, MonthStatus, MonthSubmission
from collaboration.models import CaseOfficerMeasurement, CollaborationActivity, OutreachActivity, Partner
from districts.models import District
from figures.periods import Period
from followup.models import ReportScope, ReportStatus
from followup.services import report_order
from goals.models import Goal
from interventions.models import Contact
from outcomes.models import SCORE_MAX, SCORE_MIN, FollowUpAnswer, TalkScore
from reference.demo_contacts import generate
from reference.demo_cycle import CYCLE_MODELS, generate_cycle
from representatives.models import Representative, RepresentativeTraining


@pytest.fixture
def demo(reference_data):
    call_command("load_demo_users", "--allow-without-debug")
    generate(years=1, per_district=80, seed=1)
    return generate_cycle(seed=1)


def _last_year() -> dict:
    today = timezone.localdate()
    start = today - datetime.timedelta(days=364)
    return {"kind": "custom", "year": today.year, "start": start.isoformat(), "end": today.isoformat()}


def _snapshot() -> dict:
    """Every row of the cycle's models, without their own ids, links to each other and timestamps."""
    models = (*CYCLE_MODELS, MonthSubmission, EntryException, MonthReopening, OutreachActivity,
              CaseOfficerMeasurement, RepresentativeTraining)  # fmt: skip
    data = {}
    for model in models:
        fields = [
            f.attname
            for f in model._meta.concrete_fields
            if f.attname != "id" and not f.attname.endswith("_at") and not (f.is_relation and f.related_model in models)
        ]
        data[model.__name__] = sorted(map(repr, model.objects.values_list(*fields)))
    return data


def test_every_district_with_contacts_gets_scores_goals_representatives_partners_and_months(demo):
    districts = District.objects.count()
    talks = Contact.objects.filter(talk_number__isnull=False).count()
    assert 0.45 * talks < TalkScore.objects.count() < 0.8 * talks
    assert not TalkScore.objects.filter(ors__isnull=True, srs__isnull=True).exists()
    assert not TalkScore.objects.exclude(ors__isnull=True).exclude(ors__range=(SCORE_MIN, SCORE_MAX)).exists()
    today = timezone.localdate()
    assert not FollowUpAnswer.objects.filter(date__gt=today).exists()
    assert FollowUpAnswer.objects.filter(group__isnull=False).exists()
    assert FollowUpAnswer.objects.filter(group__isnull=True).exists()
    for model in (TalkScore, FollowUpAnswer, Goal, Representative, Partner, MonthApproval):
        for answer in model.objects.all()[:50]:
            answer.full_clean(validate_constraints=False)
    assert Goal.objects.filter(district__isnull=True).count() == 3
    assert Goal.objects.filter(district__isnull=False).values("district").distinct().count() == districts
    assert Goal.objects.filter(measure="by_hand", district__isnull=False).count() == districts
    assert Representative.objects.values("district").distinct().count() == districts
    assert RepresentativeTraining.objects.count() == 2
    assert Partner.objects.filter(kind="case_officer_unit").count() == districts
    assert CollaborationActivity.objects.filter(network__code__in=["sydost", "innerstaden"]).count() == 2
    assert OutreachActivity.objects.filter(kind="web_update", reach__isnull=True).count() == districts
    assert MonthApproval.objects.filter(status=MonthStatus.ACCEPTED).exists()
    assert MonthSubmission.objects.exists()
    assert MonthReopening.objects.count() == EntryException.objects.count() == 1
    assert EntryException.objects.get().valid_until > today


def test_the_dashboard_and_a_compiled_report_show_every_section_of_the_cycle(
    demo, login, django_capture_on_commit_callbacks
):
    manager = User.objects.get(username="chef.bromma")

    context = login(manager).get("/dashboard/bromma/", _last_year()).context

    assert context["outcomes"]["now"]["talks_scored"] > 0
    assert context["outcomes"]["now"]["answers"] > 0
    assert context["goals"] and all(row.status.status for row in context["goals"])
    assert {m["status"] for m in context["approval_months"]} & {"accepted", "approved"}
    assert context["profile"]["representatives"]["source"] == "register"
    assert context["profile"]["representatives"]["total"] > 0
    assert context["collaboration"]["figures"]["activities"] > 0
    assert context["collaboration"]["figures"]["case_officers"]["share"] is not None

    today = timezone.localdate()
    with django_capture_on_commit_callbacks(execute=True):
        report = report_order(
            user=SYSTEM, period=Period.custom(today - datetime.timedelta(days=364), today), scope=ReportScope.CITY
        )
    report.refresh_from_db()
    assert report.status == ReportStatus.DONE, report.error
    content = report.content
    assert content["outcomes"]["now"]["scope"]["talks_scored"] > 0
    assert content["outcomes"]["now"]["scope"]["followup"]["answers"] > 0
    assert len([g for g in content["goals"]["goals"] if g["district"] is None]) == 3
    assert {g["status"] for g in content["goals"]["goals"]} >= {"met", "in_progress"}
    assert sum(sum(v or 0 for v in counts.values()) for counts in content["representatives"].values()) > 0
    assert content["collaboration"]["scope"]["figures"]["outreach"] > 0
    assert "accepted" in {s for months in content["approvals"]["districts"].values() for s in months.values()}


def test_the_command_adds_nothing_when_the_data_exists_and_the_same_seed_gives_the_same_data(reference_data, capsys):
    call_command("load_demo_users", "--allow-without-debug")
    generate(years=1, per_district=40, seed=1)
    call_command("generate_demo_cycle", "--seed", "3", "--if-empty", "--allow-without-debug")
    first = _snapshot()
    call_command("generate_demo_cycle", "--seed", "3", "--if-empty", "--allow-without-debug")

    assert "exists already" in capsys.readouterr().out
    assert _snapshot() == first
    for model in reversed((*CYCLE_MODELS, OutreachActivity, CaseOfficerMeasurement, RepresentativeTraining)):
        model.objects.all().delete()
    MonthApproval.objects.all().delete()
    EntryException.objects.all().delete()
    MonthReopening.objects.all().delete()
    call_command("generate_demo_cycle", "--seed", "3", "--allow-without-debug")
    assert _snapshot() == first
