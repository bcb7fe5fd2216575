"""The approval pages, the contact form's lock message, the dashboard section and the report's parts."""

import datetime

import pytest

from approvals.models import EntryException, MonthApproval, MonthReopening, MonthStatus, MonthSubmission
from approvals.reports import approval_tables, report_approvals
from figures.periods import Period
from followup.models import FollowupReport, ReportStatus
from interventions.models import Contact
from interventions.tests.factories import ContactFactory

from .conftest import MARCH
from .factories import MonthApprovalFactory
from .test_entry_lock import APPROVED_MESSAGE, CLOSED_MESSAGE

MARCH_URL = "/approvals/farsta/2026-03/"


def _contact_form(types, farsta, day):
    return {
        "caregiver": "", "intervention_type": types["advice"].pk, "channel": "phone", "duration_minutes": "15",
        "date": day.isoformat(), "district": farsta.pk, "target_group": "65_plus", "referral_destination": "",
    }  # fmt: skip


def test_the_contact_form_shows_the_lock_on_the_date_field(me, farsta, types, login, in_english):
    client = login(me)

    refused = client.post("/log/", _contact_form(types, farsta, datetime.date(2026, 3, 20)))
    saved = client.post("/log/", _contact_form(types, farsta, datetime.date(2026, 4, 14)))

    assert refused.status_code == 200
    assert refused.context["form"].errors == {"date": [CLOSED_MESSAGE]}
    assert saved.status_code == 302
    assert list(Contact.objects.values_list("date", flat=True)) == [datetime.date(2026, 4, 14)]


def test_editing_a_contact_of_an_approved_month_shows_the_lock_on_the_date_field(me, farsta, types, login, in_english):
    MonthApprovalFactory(district=farsta, month=MARCH, status=MonthStatus.APPROVED)
    contact = ContactFactory(consultant=me.consultant, district=farsta, created_by=me, date=datetime.date(2026, 3, 20))

    response = login(me).post(f"/contacts/{contact.pk}/edit/", _contact_form(types, farsta, datetime.date(2026, 4, 14)))

    assert response.context["form"].errors == {"date": [APPROVED_MESSAGE]}
    contact.refresh_from_db()
    assert contact.date == datetime.date(2026, 3, 20)


def test_deleting_a_contact_of_a_closed_month_says_why_on_the_page(me, farsta, types, login, in_english):
    contact = ContactFactory(consultant=me.consultant, district=farsta, created_by=me, date=datetime.date(2026, 3, 20))

    response = login(me).post(f"/contacts/{contact.pk}/delete/")

    assert (response.status_code, response.context["error"]) == (200, CLOSED_MESSAGE)
    contact.refresh_from_db()
    assert contact.deleted_at is None


def test_the_month_goes_from_consultant_to_manager_to_strategist_through_the_pages(
    me, manager, strategist, farsta, login, in_english
):
    client = login(me)
    assert client.post(f"{MARCH_URL}submit/").status_code == 302
    assert client.post(f"{MARCH_URL}approve/").status_code == 403
    client = login(manager)
    assert client.post(f"{MARCH_URL}approve/").status_code == 302
    client = login(strategist)
    response = client.post(f"{MARCH_URL}accept/", follow=True)

    approval = MonthApproval.objects.get(district=farsta, month=MARCH)
    assert (approval.status, approval.approved_by, approval.accepted_by) == ("accepted", manager, strategist)
    assert [str(m) for m in response.context["messages"]] == [
        "Your part of the month is submitted.", "The month is approved and locked.", "The month is accepted.",
    ]  # fmt: skip
    assert list(MonthSubmission.objects.values_list("consultant__user", flat=True)) == [me.pk]


@pytest.mark.parametrize("step", ["submit", "approve", "accept", "reopen", "exception"])
def test_another_districts_month_answers_404_and_steps_answer_post_only(other_manager, login, step, farsta):
    client = login(other_manager)

    assert client.get(MARCH_URL).status_code == 404
    assert client.post(f"{MARCH_URL}{step}/", {"reason": "x"}).status_code == 404
    assert client.get(f"{MARCH_URL}{step}/").status_code == 405
    assert MonthApproval.objects.count() == 0


@pytest.mark.parametrize("month", ["2026-13", "26-03", "2026-3", "march"])
def test_a_month_that_is_no_month_answers_404(manager, login, month):
    assert login(manager).get(f"/approvals/farsta/{month}/").status_code == 404


def test_reopening_on_the_page_needs_a_reason_and_is_listed(strategist, farsta, login, in_english):
    MonthApprovalFactory(district=farsta, month=MARCH, status=MonthStatus.ACCEPTED)
    client = login(strategist)

    refused = client.post(f"{MARCH_URL}reopen/", {"reason": ""})
    done = client.post(f"{MARCH_URL}reopen/", {"reason": "Contacts logged twice."}, follow=True)

    assert refused.context["reopen_form"].errors == {"reason": ["This field is required."]}
    assert [str(m) for m in done.context["messages"]] == ["The month is reopened. Reports marked as affected: 0."]
    assert [r.reason for r in done.context["reopenings"]] == ["Contacts logged twice."]
    assert MonthReopening.objects.get().from_status == "accepted"


def test_the_exception_form_offers_only_the_districts_consultants(
    me, colleague, manager, farsta, bromma, login, in_english
):
    from .conftest import _consultant

    outsider = _consultant(bromma, "K09", "ola")
    client = login(manager)

    page = client.get(MARCH_URL)
    refused = client.post(
        f"{MARCH_URL}exception/", {"granted_to": outsider.pk, "valid_until": "2026-04-24", "reason": "late"}
    )
    granted = client.post(
        f"{MARCH_URL}exception/", {"granted_to": me.pk, "valid_until": "2026-04-24", "reason": "late"}
    )

    assert list(page.context["exception_form"].fields["granted_to"].queryset) == [colleague, me]
    assert list(refused.context["exception_form"].errors) == ["granted_to"]
    assert granted.status_code == 302
    assert list(EntryException.objects.values_list("granted_to", "valid_until")) == [
        (me.pk, datetime.date(2026, 4, 24))
    ]


def test_a_consultant_sees_no_manager_actions(me, farsta, login):
    response = login(me).get(MARCH_URL)

    flags = [response.context[k] for k in ("can_submit", "can_approve", "can_accept", "can_reopen", "can_grant")]
    assert flags == [True, False, False, False, False]


def test_the_overview_lists_recent_months_of_the_users_districts(
    me, manager, strategist, farsta, bromma, login, in_english
):
    approval = MonthApprovalFactory(district=farsta, month=MARCH, status=MonthStatus.APPROVED, approved_by=manager)

    mine = login(manager).get("/approvals/")
    everyone = login(strategist).get("/approvals/")

    assert [row["district"].code for row in mine.context["rows"]] == ["farsta"]
    assert [row["district"].code for row in everyone.context["rows"]] == ["bromma", "farsta"]
    cells = mine.context["rows"][0]["months"]
    assert [(c["key"], c["status"], c["lock"]) for c in cells] == [
        ("2026-04", "open", None),
        ("2026-03", "approved", "approved"),
        ("2026-02", "open", "closed"),
        ("2026-01", "open", "closed"),
        ("2025-12", "open", "closed"),
        ("2025-11", "open", "closed"),
    ]
    assert cells[1]["approval"] == approval
    assert "Approved by maja" in mine.content.decode()


def test_the_pages_take_a_fixed_number_of_queries(me, colleague, manager, farsta, login, django_assert_num_queries):
    approval = MonthApprovalFactory(district=farsta, month=MARCH, status=MonthStatus.SUBMITTED)
    for user in (me, colleague):
        MonthSubmission.objects.create(
            approval=approval, consultant=user.consultant, submitted_by=user, submitted_at=approval_time()
        )
    client = login(manager)

    # The first with the session's 5 (read, user, scope, and its renewal: update in a savepoint), the
    # second without the renewal (at most once a minute).
    with django_assert_num_queries(11):
        client.get("/approvals/")
    with django_assert_num_queries(13):
        client.get(MARCH_URL)


def approval_time():
    return datetime.datetime(2026, 4, 2, 9, tzinfo=datetime.UTC)


def test_the_dashboard_shows_each_begun_month_of_the_period(manager, farsta, login):
    MonthApprovalFactory(district=farsta, month=datetime.date(2026, 1, 1), status=MonthStatus.ACCEPTED)

    response = login(manager).get("/dashboard/farsta/", {"kind": "year", "year": 2026})

    months = response.context["approval_months"]
    assert [(c["key"], c["status"], c["lock"]) for c in months] == [
        ("2026-01", "accepted", "accepted"),
        ("2026-02", "open", "closed"),
        ("2026-03", "open", "closed"),
        ("2026-04", "open", None),
    ]
    assert 'data-month="2026-01"' in response.content.decode()


def test_the_report_lists_each_months_status_and_its_table(farsta, bromma):
    MonthApprovalFactory(district=farsta, month=datetime.date(2026, 1, 1), status=MonthStatus.ACCEPTED)
    MonthApprovalFactory(district=farsta, month=datetime.date(2026, 2, 1), status=MonthStatus.APPROVED)
    MonthApprovalFactory(district=bromma, month=datetime.date(2026, 1, 1), status=MonthStatus.SUBMITTED)
    period = Period.tertial(2026, 1)

    approvals = report_approvals(period=period, district_ids=[farsta.pk, bromma.pk])
    content = {"districts": [{"code": "bromma", "name": "Bromma"}, {"code": "farsta", "name": "Farsta"}]}
    [table] = approval_tables(content | {"approvals": approvals})

    assert approvals == {
        "months": ["2026-01-01", "2026-02-01", "2026-03-01", "2026-04-01"],
        "districts": {
            "farsta": {"2026-01-01": "accepted", "2026-02-01": "approved", "2026-03-01": "open", "2026-04-01": "open"},
            "bromma": {"2026-01-01": "submitted", "2026-02-01": "open", "2026-03-01": "open", "2026-04-01": "open"},
        },
    }
    assert (table.id, table.caption, table.person_columns) == ("approvals", "Approval of the months", frozenset())
    assert table.columns == ["District", "January 2026", "February 2026", "March 2026", "April 2026"]
    assert table.rows == [
        ["Bromma", "Submitted", "Open", "Open", "Open"],
        ["Farsta", "Accepted", "Approved", "Open", "Open"],
    ]
    assert approval_tables(content) == []  # a report compiled before the monthly approval


def test_a_compiled_report_carries_the_approvals_and_shows_the_affected_notice(strategist, farsta, login, in_english):
    from accounts.scoping import SYSTEM
    from approvals.services import month_reopen
    from followup.models import ReportScope
    from followup.reports import report_tables
    from followup.services import report_compile, report_order

    MonthApprovalFactory(district=farsta, month=MARCH, status=MonthStatus.ACCEPTED)
    report = report_order(
        user=SYSTEM, period=Period.month(2026, 3), scope=ReportScope.DISTRICTS, districts=[farsta.pk], enqueue=False
    )
    report_compile(report.pk)
    report.refresh_from_db()
    assert report.content["approvals"]["districts"] == {"farsta": {"2026-03-01": "accepted"}}
    (table,) = [t for t in report_tables(report.content) if t.id == "approvals"]
    assert table.rows == [["Farsta", "Accepted"]]

    month_reopen(user=strategist, district=farsta, month=MARCH, reason="Contacts logged twice.")
    page = login(strategist).get(f"/reports/{report.pk}/")

    assert [r.reason for r in page.context["reopenings"]] == ["Contacts logged twice."]
    assert "Affected by reopening: March 2026 in Farsta was reopened by stina" in page.content.decode()
    assert FollowupReport.objects.get(pk=report.pk).status == ReportStatus.DONE
