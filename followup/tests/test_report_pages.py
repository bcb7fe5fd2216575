"""The report pages: ordering, following, reading and downloading; who may see which report."""

import datetime
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from accounts.models import Role
from accounts.tests.factories import UserFactory
from consultants.tests.factories import ConsultantFactory
from districts.tests.factories import DistrictFactory, NetworkFactory
from followup.models import FollowupReport, ReportScope, ReportStatus
from interventions.tests.factories import ContactFactory


@pytest.fixture
def city(db):
    bromma, farsta = DistrictFactory(code="bromma", name="Bromma"), DistrictFactory(code="farsta", name="Farsta")
    for district, n in ((bromma, 3), (farsta, 2)):
        consultant = ConsultantFactory(home_district=district)
        for day in range(n):
            ContactFactory(district=district, consultant=consultant, date=datetime.date(2025, 2, 1 + day))
    return bromma, farsta


@pytest.fixture
def strategist(city, login):
    return login(UserFactory(role=Role.STRATEGIST, first_name="Sara", last_name="Strateg"))


def _order(client, capture, **data):
    form = {"kind": "year", "year": 2025, "scope": "city"} | data
    with capture(execute=True):
        return client.post("/reports/", form)


def test_a_strategist_orders_a_city_report_and_reads_it(strategist, django_capture_on_commit_callbacks):
    response = _order(strategist, django_capture_on_commit_callbacks)
    report = FollowupReport.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/reports/{report.pk}/"
    assert (report.status, report.ordered_by.get_full_name(), report.districts.count()) == (
        ReportStatus.DONE, "Sara Strateg", 2
    )  # fmt: skip
    page = strategist.get(response["Location"]).content.decode()
    assert "Rapporten är beställd. Den sammanställs i bakgrunden." in page
    assert '<tr><th scope="row">Totalt: Hela staden</th><td class="text-end">5</td><td class="text-end">0</td>' in page
    assert "Sara Strateg" in page
    for file_format in ("xlsx", "csv", "pdf", "json"):
        assert f'href="/reports/{report.pk}/report.{file_format}"' in page


def test_the_status_is_followed_without_a_reload(strategist, city):
    from accounts.scoping import SYSTEM
    from figures.periods import Period
    from followup.services import report_order

    report = report_order(user=SYSTEM, period=Period.year(2025), scope=ReportScope.CITY, enqueue=False)
    assert strategist.get(f"/reports/{report.pk}/status/").json() == {
        "status": "queued", "status_label": "I kö", "progress": 0, "error": "", "pending": True,
        "restarts": 0, "interrupted_at": None, "interruption": "", "notice": "",
    }  # fmt: skip
    page = strategist.get(f"/reports/{report.pk}/").content.decode()
    assert 'data-pending="true"' in page and "js/report-status.js" in page
    FollowupReport.objects.filter(pk=report.pk).update(
        status=ReportStatus.RUNNING, progress=55, heartbeat_at=timezone.now()
    )  # a live worker's heartbeat
    assert strategist.get(f"/reports/{report.pk}/status/").json()["progress"] == 55


def test_downloads(strategist, django_capture_on_commit_callbacks):
    _order(strategist, django_capture_on_commit_callbacks)
    report = FollowupReport.objects.get()
    response = strategist.get(f"/reports/{report.pk}/report.xlsx")
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"] == 'attachment; filename="uppfoljning-2025-city.xlsx"'
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert workbook["Översikt"]["B4"].value == 5
    csv = strategist.get(f"/reports/{report.pk}/report.csv")
    assert b"".join(csv.streaming_content).startswith(b"\xef\xbb\xbf")
    assert strategist.get(f"/reports/{report.pk}/report.doc").status_code == 404


def test_bad_orders_are_refused_on_the_right_field(strategist, django_capture_on_commit_callbacks, in_english):
    response = _order(strategist, django_capture_on_commit_callbacks, scope="network")
    assert response.context["form"].errors == {"network": ["Choose a network."]}
    response = _order(strategist, django_capture_on_commit_callbacks, scope="districts")
    assert response.context["form"].errors == {"districts": ["Choose at least one district."]}
    response = _order(
        strategist, django_capture_on_commit_callbacks, kind="custom", start="2025-05-01", end="2025-01-01"
    )
    assert response.context["form"].errors == {"end": ["The end must not be before the start."]}
    assert FollowupReport.objects.count() == 0


def test_a_network_report_from_the_form(strategist, city, django_capture_on_commit_callbacks):
    network = NetworkFactory(code="sydost", name="Sydost", districts=[city[1]])
    _order(strategist, django_capture_on_commit_callbacks, scope="network", network=network.pk,
           target_groups=["65_plus", "under_65"])  # fmt: skip
    report = FollowupReport.objects.get()
    assert (report.scope, report.network, list(report.districts.all())) == ("network", network, [city[1]])
    assert report.target_groups == ["65_plus", "under_65"]
    assert report.content["figures"]["scope"]["contacts"] == 2


def test_managers_order_and_see_reports_of_their_own_districts_only(city, login, django_capture_on_commit_callbacks):
    bromma, farsta = city
    manager = login(UserFactory(role=Role.MANAGER, districts=[bromma]))
    form = manager.get("/reports/").context["form"]
    assert [c[0] for c in form.fields["scope"].choices] == ["districts"]
    assert list(form.fields["districts"].queryset) == [bromma]
    response = _order(manager, django_capture_on_commit_callbacks, scope="districts", districts=[farsta.pk])
    assert list(response.context["form"].errors) == ["districts"]
    response = _order(manager, django_capture_on_commit_callbacks, scope="city")
    assert list(response.context["form"].errors) == ["scope"]
    assert FollowupReport.objects.count() == 0
    _order(manager, django_capture_on_commit_callbacks, scope="districts", districts=[bromma.pk])
    own = FollowupReport.objects.get()
    assert own.content["figures"]["scope"]["contacts"] == 3

    strategist = UserFactory(role=Role.STRATEGIST)
    from accounts.scoping import SYSTEM
    from figures.periods import Period
    from followup.services import report_order

    city_report = report_order(user=SYSTEM, period=Period.year(2025), scope=ReportScope.CITY, enqueue=False)
    both = report_order(user=strategist, period=Period.year(2025), scope="districts", districts=[bromma, farsta],
                        enqueue=False)  # fmt: skip
    listed = [r.pk for r in manager.get("/reports/").context["reports"]]
    assert listed == [own.pk]
    for report in (city_report, both):
        assert manager.get(f"/reports/{report.pk}/").status_code == 404
        assert manager.get(f"/reports/{report.pk}/status/").status_code == 404
        assert manager.get(f"/reports/{report.pk}/report.csv").status_code == 404
    assert manager.get(f"/reports/{own.pk}/").status_code == 200


def test_consultants_have_no_reports(city, login):
    consultant = login(UserFactory(role=Role.CONSULTANT, districts=[city[0]]))
    assert consultant.get("/reports/").status_code == 404
    assert consultant.post("/reports/", {"kind": "year", "year": 2025, "scope": "city"}).status_code == 404
    assert FollowupReport.objects.count() == 0


@pytest.fixture
def broker_down(monkeypatch):
    """The task queue unreachable: nothing listens on port 1."""
    from anhorigstod.celery import app

    saved = app.conf.broker_url, app.conf.task_always_eager
    monkeypatch.setenv("CELERY_BROKER_URL", "redis://127.0.0.1:1/0")  # Celery reads this before its conf
    app.conf.broker_url, app.conf.task_always_eager = "redis://127.0.0.1:1/0", False
    app._pool = None
    app.amqp._producer_pool = None
    yield
    app.conf.broker_url, app.conf.task_always_eager = saved
    app._pool = None
    app.amqp._producer_pool = None


def test_with_the_broker_down_ordering_says_so(strategist, broker_down, django_capture_on_commit_callbacks):
    response = _order(strategist, django_capture_on_commit_callbacks)
    report = FollowupReport.objects.get()
    assert response.status_code == 302
    page = strategist.get(response["Location"]).content.decode()
    assert report.status == ReportStatus.FAILED
    assert report.error.startswith("Rapporten kunde inte läggas i kö: jobbkön går inte att nå just nu.")
    assert report.error in page  # the message, and on the page
    assert "Beställ den igen" in page


def test_a_failed_report_is_ordered_again_from_its_page(strategist, city, django_capture_on_commit_callbacks):
    from accounts.scoping import SYSTEM
    from figures.periods import Period
    from followup.services import report_fail, report_order

    failed = report_order(user=SYSTEM, period=Period.year(2025), scope=ReportScope.CITY, enqueue=False)
    report_fail(failed.pk, reason="The worker was gone.")
    with django_capture_on_commit_callbacks(execute=True):
        response = strategist.post(f"/reports/{failed.pk}/again/")
    again = FollowupReport.objects.exclude(pk=failed.pk).get()
    assert response["Location"] == f"/reports/{again.pk}/"
    assert again.status == ReportStatus.DONE
    assert again.content["figures"]["scope"]["contacts"] == 5


def test_report_pages_take_a_fixed_number_of_queries(strategist, django_capture_on_commit_callbacks,
                                                     django_assert_num_queries):  # fmt: skip
    for _ in range(3):
        _order(strategist, django_capture_on_commit_callbacks)
    report = FollowupReport.objects.first()
    strategist.get("/reports/")  # renews the session the login made
    with django_assert_num_queries(7):  # one of them the scope: the strategist's municipality's districts
        strategist.get("/reports/")
    with django_assert_num_queries(5):  # 3, the scope, and 1 for the reopenings that affected it
        strategist.get(f"/reports/{report.pk}/")


def test_strategists_change_the_report_schedules_in_the_admin(db, login):
    from django_celery_beat.models import IntervalSchedule, PeriodicTask

    every = IntervalSchedule.objects.create(every=60, period=IntervalSchedule.SECONDS)
    PeriodicTask.objects.create(name="prune-tokens", task="operations.prune_submission_tokens", interval=every)
    strategist = login(UserFactory(role=Role.STRATEGIST))
    listed = strategist.get("/admin/django_celery_beat/periodictask/").context["cl"].queryset
    assert sorted(t.task for t in listed) == ["followup.compile_scheduled_report"] * 2
    yearly = PeriodicTask.objects.get(kwargs='{"kind": "year"}')
    assert strategist.get(f"/admin/django_celery_beat/periodictask/{yearly.pk}/change/").status_code == 200
    prune = PeriodicTask.objects.get(name="prune-tokens")
    assert strategist.get(f"/admin/django_celery_beat/periodictask/{prune.pk}/change/").status_code == 404
    admin = login(UserFactory(role=Role.ADMIN))
    assert admin.get("/admin/django_celery_beat/periodictask/").context["cl"].queryset.count() == 3
