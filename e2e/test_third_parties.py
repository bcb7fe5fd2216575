"""No page asks another host for anything, and none breaks the Content-Security-Policy.

For each role the test logs in through the login page and opens every page of the app it may see:
every URL pattern without arguments, every pattern whose arguments name a kind of object we have
one of (a district, consultant, description, caregiver, group, contact, report of the user's own
district), and in the admin the index, every app page, every changelist and the first change page
and history of each. The pages are found from the URLconf and the admin index, so a page added
later is checked without touching this file. Every request the browser makes (scripts, styles,
images, fonts, fetches, redirects) must go to the live server itself (data: images are fine),
every form must post there, and the browser must report no CSP violation.
"""

import datetime
import pprint
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import pytest
from django.urls import URLResolver, get_resolver, reverse
from django.utils import timezone, translation
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from accounts.models import Role
from accounts.scoping import SYSTEM
from accounts.services import user_create
from caregivers.models import Caregiver
from collaboration.models import CaseOfficerMeasurement, CollaborationActivity, Partner, PartnerKind
from collaboration.tests.factories import (
    CaseOfficerUnitFactory,
    CollaborationActivityFactory,
    MeasurementFactory,
    OutreachActivityFactory,
    PartnerFactory,
)
from consultants.models import AssignmentDescription, Consultant
from consultants.services import consultant_link_user
from districts.models import District
from figures.periods import Period
from figures.snapshots import figures_rebuild
from followup.models import ReportScope
from followup.services import report_compile, report_order
from goals.models import Goal
from goals.tests.factories import GoalFactory
from interventions.models import Contact, Group, GroupMeeting
from reference.demo_contacts import generate
from representatives.models import Representative
from representatives.tests.factories import RepresentativeFactory

PASSWORD = "a-long-e2e-password"
DISTRICT = "farsta"
# Not pages: logging out ends the session the rest of the walk needs; downloads are files.
SKIPPED_NAMES = {"logout"}
DOWNLOAD_ARGUMENTS = {"table", "file_format"}
# Pages each role must reach, so that a broken discovery (or login) cannot pass by visiting nothing.
MUST_VISIT = {
    Role.CONSULTANT: {
        "interventions:log",
        "interventions:contacts",
        "interventions:contact_edit",
        "interventions:group",
        "caregivers:list",
        "caregivers:detail",
        "caregivers:edit",
        "districts:detail",
        "consultants:detail",
        "consultants:description",
        "outcomes:talk_scores",
        "outcomes:talk_followup",
        "outcomes:group_followup",
        "approvals:month",
        "collaboration:activity_edit",
        "collaboration:outreach_edit",
    },
    Role.MANAGER: {
        "followup:dashboard",
        "followup:reports",
        "followup:report",
        "caregivers:detail",
        "interventions:contact_edit",
        "consultants:description",
        "admin:index",
        "approvals:month",
        "goals:edit",
        "representatives:edit",
        "representatives:training_new",
        "collaboration:partner_edit",
        "collaboration:measurement_edit",
    },
    Role.STRATEGIST: {
        "followup:city",
        "followup:report",
        "caregivers:detail",
        "admin:index",
        "admin change page",
        "benchmark:page",
    },
    Role.ADMIN: {"followup:city", "followup:report", "caregivers:detail", "admin:index", "admin change page"},
    # The regional analyst: the benchmark and its catalogue, nothing of any district.
    Role.ANALYST: {"benchmark:page", "benchmark:indicators"},
}
# Records the violations the page itself sees (console messages are listened to as well).
VIOLATION_LISTENER = """
document.addEventListener('securitypolicyviolation', (event) => {
  const seen = JSON.parse(sessionStorage.getItem('csp-violations') || '[]');
  const where = `${event.sourceFile}:${event.lineNumber}`;
  seen.push(`${event.violatedDirective} blocked ${event.blockedURI || 'inline'} at ${where}`);
  sessionStorage.setItem('csp-violations', JSON.stringify(seen));
});
"""
# Attributes, not the form.action property: a field named "action" (the admin's) shadows that.
FORM_TARGETS = """
() => [...document.querySelectorAll('form, [formaction]')].map(
  (element) => new URL(element.getAttribute(element.tagName === 'FORM' ? 'action' : 'formaction') || '',
                       document.baseURI).href
)
"""


@dataclass
class Walk:
    """What the browser did while one user went through the pages."""

    origin: str
    visited: dict[str, str] = field(default_factory=dict)  # URL -> what it is (URL name or admin page)
    not_pages: dict[str, str] = field(default_factory=dict)  # URL -> why it was not counted
    foreign_requests: list[str] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)
    foreign_forms: list[str] = field(default_factory=list)
    missing_csp: list[str] = field(default_factory=list)
    requests: int = 0

    def record_request(self, page_url: str, url: str) -> None:
        self.requests += 1
        if url.startswith("data:"):
            return
        parts = urlsplit(url)
        if f"{parts.scheme}://{parts.netloc}" != self.origin:
            self.foreign_requests.append(f"{page_url} -> {url}")

    def summary(self) -> str:
        admin = sum(what.startswith("admin") for what in self.visited.values())
        return (
            f"{len(self.visited)} pages visited ({len(self.visited) - admin} of the app, {admin} of the admin), "
            f"{self.requests} requests; not counted as pages: "
            f"{sorted(f'{url} ({why})' for url, why in self.not_pages.items())}"
        )


@pytest.fixture
def world(transactional_db, reference_data):
    """Demo data in every district, dashboards built, and one report of the users' own district."""
    generate(years=1, per_district=20, seed=11, until=datetime.date(2026, 11, 20))
    figures_rebuild()
    district = District.objects.get(code=DISTRICT)
    report = report_order(
        user=SYSTEM, period=Period.year(2026), scope=ReportScope.DISTRICTS, districts=[district], enqueue=False
    )
    report_compile(report.pk)
    # A report schedule, as followup's migration writes it (the flush between tests removed that one;
    # run first on a fresh database, the migration's own is still there).
    PeriodicTask.objects.update_or_create(
        name="Uppföljningsrapport för året (hela staden)",
        defaults={
            "task": "followup.compile_scheduled_report",
            "crontab": CrontabSchedule.objects.create(minute="0", hour="4", day_of_month="10", month_of_year="1"),
            "kwargs": '{"kind": "year"}',
        },
    )
    # One object of each kind the follow-up cycle's pages take (issue 7): the walk opens their pages.
    GoalFactory(district=district, year=timezone.localdate().year)
    RepresentativeFactory(district=district)
    activity = CollaborationActivityFactory(districts=[district])
    # The same id for both kinds of activity: the URL argument activity_id names either.
    OutreachActivityFactory(pk=activity.pk, districts=[district])
    PartnerFactory(districts=[district])
    MeasurementFactory(unit=CaseOfficerUnitFactory(districts=[district]))
    return district, report


def _user(role: str, district: District) -> tuple[object, Contact]:
    """A user of the role serving the district, and a contact of theirs (contacts are edited by their writer)."""
    codes = [] if role == Role.ANALYST else [district.code]  # an analyst serves no district
    user = user_create(username=f"e2e-{role}", role=role, password=PASSWORD, district_codes=codes)
    if role == Role.CONSULTANT:
        consultant = Consultant.objects.filter(contacts__district=district).distinct().order_by("ref").first()
        consultant_link_user(consultant=consultant, user=user)
        contacts = Contact.objects.alive().filter(consultant=consultant, district=district, meeting=None)
        # A guidance talk: its outcome pages (ORS/SRS, the follow-up question) take its id too.
        contact = contacts.filter(talk_number__isnull=False).order_by("pk").first()
    else:
        contacts = Contact.objects.alive().filter(district=district, meeting=None, talk_number__isnull=False)
        contact = contacts.order_by("pk").first()
        Contact.objects.filter(pk=contact.pk).update(created_by=user)
    return user, contact


def _arguments(district: District, report, contact: Contact) -> dict[str, object]:
    """A real object of the district for each kind of URL argument."""
    group = Group.objects.alive().filter(district=district).order_by("pk").first()
    description = (
        AssignmentDescription.objects.filter(district=district).order_by("pk").first()
        or AssignmentDescription.objects.filter(district=None).order_by("pk").first()
    )
    caregiver = Caregiver.objects.filter(districts=district).order_by("pk").first()
    return {
        "code": district.code,
        "consultant_id": Consultant.objects.filter(home_district=district).order_by("ref").first().pk,
        "description_id": description.pk,
        "caregiver_id": caregiver.pk,
        "contact_id": contact.pk,
        "group_id": group.pk,
        "meeting_id": GroupMeeting.objects.filter(group=group).order_by("pk").first().pk,
        "pk": report.pk,
        "month": timezone.localdate().strftime("%Y-%m"),
        "goal_id": Goal.objects.filter(district=district).get().pk,
        "representative_id": Representative.objects.get(district=district).pk,
        "activity_id": CollaborationActivity.objects.get(districts=district).pk,
        "partner_id": Partner.objects.filter(districts=district, kind=PartnerKind.ASSOCIATION).get().pk,
        "measurement_id": CaseOfficerMeasurement.objects.get(unit__districts=district).pk,
    }


def _app_urls(resolver=None, namespace: str = "", arguments: frozenset = frozenset()):
    """(URL name, argument names) of every named pattern outside the admin."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        names = set(getattr(pattern.pattern, "converters", {})) | set(pattern.pattern.regex.groupindex)
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue
            inner = ":".join(filter(None, [namespace, pattern.namespace]))
            yield from _app_urls(pattern, inner, arguments | names)
        elif pattern.name:
            yield ":".join(filter(None, [namespace, pattern.name])), arguments | names


def _log_in(page, username: str) -> None:
    page.goto("/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/login/" not in page.url, f"{username} could not log in"


def _open(page, walk: Walk, url: str, what: str, *, settle: str = "load") -> bool:
    """Open a page in the browser if it is one: it answers 200 with HTML itself (no redirect).

    The answer is asked for first with the browser context's own cookies, so a redirect, an error,
    a JSON answer or a download is listed instead of being shown.
    """
    absolute = urljoin(walk.origin, url)
    answer = page.request.get(absolute, max_redirects=0)
    kind = answer.headers.get("content-type", "").split(";")[0]
    answer.dispose()
    if answer.status != 200 or kind != "text/html":
        walk.not_pages[url] = f"{answer.status} {kind}".strip()
        return False
    response = page.goto(absolute, wait_until=settle)
    seen = page.evaluate("JSON.parse(sessionStorage.getItem('csp-violations') || '[]')")
    walk.violations += [f"{url}: {violation}" for violation in seen]
    page.evaluate("sessionStorage.removeItem('csp-violations')")
    assert response.status == 200 and response.url == absolute, f"{url}: {response.status} at {response.url}"
    if "content-security-policy" not in response.headers:
        walk.missing_csp.append(url)
    for target in page.evaluate(FORM_TARGETS):
        if not target.startswith(walk.origin + "/"):
            walk.foreign_forms.append(f"{url}: form to {target}")
    walk.visited[url] = what
    return True


def _walk_app(page, walk: Walk, arguments: dict[str, object]) -> None:
    for name, needed in sorted(_app_urls()):
        if name in SKIPPED_NAMES or needed & DOWNLOAD_ARGUMENTS:
            continue
        if not needed <= set(arguments):
            walk.not_pages[name] = f"no object for {sorted(needed - set(arguments))}"
            continue
        # Until the network is idle: our scripts' own requests (the report status) are included.
        _open(page, walk, reverse(name, kwargs={key: arguments[key] for key in needed}), name, settle="networkidle")


def _walk_admin(page, walk: Walk) -> None:
    if not _open(page, walk, reverse("admin:index"), "admin:index"):
        return
    apps = page.eval_on_selector_all("#content-main caption a", "links => links.map(a => a.getAttribute('href'))")
    changelists = page.eval_on_selector_all(
        "#content-main tr[class^=model-] th a", "links => links.map(a => a.getAttribute('href'))"
    )
    for url in apps:
        _open(page, walk, url, "admin app")
    for url in changelists:
        if not _open(page, walk, url, "admin changelist"):
            continue
        first = page.query_selector("#result_list tbody tr a[href]:not([href^='#'])")
        if first is None:
            continue
        change = first.get_attribute("href")
        if _open(page, walk, change, "admin change page"):
            history = page.query_selector("a.historylink")
            if history is not None:
                _open(page, walk, history.get_attribute("href"), "admin history")


def _watch(page, walk: Walk) -> Walk:
    """Record the page's every request and every CSP violation, whether in the console or as an event."""
    page.on("request", lambda request: walk.record_request(page.url, request.url))
    page.on(
        "console",
        lambda message: (
            walk.violations.append(f"{page.url}: console: {message.text}")
            if "Content Security Policy" in message.text or "Refused to" in message.text
            else None
        ),
    )
    page.add_init_script(VIOLATION_LISTENER)
    return walk


def _walk(browser, origin: str, role: str, district: District, report) -> Walk:
    """Log in as a new user of the role in a fresh browser and go through every page."""
    user, contact = _user(role, district)
    context = browser.new_context(base_url=origin, viewport={"width": 1280, "height": 900}, locale="sv-SE")
    page = context.new_page()
    page.set_default_timeout(15_000)
    walk = Walk(origin=origin)
    page.on("request", lambda request: walk.record_request(page.url, request.url))
    page.on(
        "console",
        lambda message: (
            walk.violations.append(f"{page.url}: {message.text}")
            if "Content Security Policy" in message.text or "Refused to" in message.text
            else None
        ),
    )
    page.add_init_script(VIOLATION_LISTENER)
    try:
        _log_in(page, user.username)
        _walk_app(page, walk, _arguments(district, report, contact))
        if user.is_staff:
            _walk_admin(page, walk)
    finally:
        context.close()
    return walk


def test_every_page_of_every_role_talks_only_to_its_own_host_within_the_policy(browser, live_server, world):
    district, report = world
    walks = {role: _walk(browser, live_server.url, role, district, report) for role in Role.values}

    summaries = "\n".join(f"{role}: {walk.summary()}" for role, walk in walks.items())
    print(summaries)  # the count per role, shown with -s
    problems = {
        role: {
            "pages it should have reached": sorted(MUST_VISIT[role] - set(walk.visited.values())),
            "requests to another host": walk.foreign_requests,
            "CSP violations": walk.violations,
            "forms posting elsewhere": walk.foreign_forms,
            "pages without a CSP header": walk.missing_csp,
        }
        for role, walk in walks.items()
    }
    problems = {role: {k: v for k, v in found.items() if v} for role, found in problems.items()}
    problems = {role: found for role, found in problems.items() if found}
    assert problems == {}, f"{pprint.pformat(problems, width=200)}\n{summaries}"


def test_the_walk_catches_inline_styles_inline_scripts_other_hosts_and_forms_posting_elsewhere(
    browser, live_server, transactional_db, reference_data
):
    """The checks above can fail: a page altered on its way to the browser trips every one of them."""
    district = District.objects.get(code=DISTRICT)
    user = user_create(username="e2e-check", role=Role.MANAGER, password=PASSWORD, district_codes=[district.code])
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    walk = _watch(page, Walk(origin=live_server.url))
    altered = (
        '<p style="color: red">inline</p><script>document.title = "inline";</script>'
        '<img src="http://127.0.0.2:9/pixel.png" alt=""><form action="https://elsewhere.example/"></form></main>'
    )

    def alter(route):
        response = route.fetch()
        route.fulfill(response=response, body=response.text().replace("</main>", altered, 1))

    try:
        _log_in(page, user.username)
        page.route(f"{live_server.url}/districts/", alter)
        assert _open(page, walk, "/districts/", "districts:list", settle="networkidle")
    finally:
        context.close()

    assert walk.foreign_requests == [f"{live_server.url}/districts/ -> http://127.0.0.2:9/pixel.png"]
    assert walk.foreign_forms == ["/districts/: form to https://elsewhere.example/"]
    events = sorted(v.split(" blocked ")[0] for v in walk.violations if ": console: " not in v)
    assert events == ["/districts/: img-src", "/districts/: script-src-elem", "/districts/: style-src-attr"]
    console = [v for v in walk.violations if ": console: " in v]
    assert len(console) == 3 and all("Content Security Policy" in v for v in console), console


def test_the_periodic_task_form_says_the_crontab_in_words_without_an_inline_script(
    browser, live_server, transactional_db, reference_data
):
    """django-celery-beat's inline script, moved to static/js/periodic-task-form.js, still does its work."""
    user = user_create(username="e2e-admin", role=Role.ADMIN, password=PASSWORD)
    schedule = CrontabSchedule.objects.create(minute="0", hour="4", day_of_month="10", month_of_year="1")
    task = PeriodicTask.objects.create(name="Årsrapport", task="followup.compile_scheduled_report", crontab=schedule)
    context = browser.new_context(base_url=live_server.url, locale="sv-SE")
    page = context.new_page()
    walk = _watch(page, Walk(origin=live_server.url))
    try:
        _log_in(page, user.username)
        assert _open(page, walk, reverse("admin:django_celery_beat_periodictask_change", args=[task.pk]), "task")
        help_text = page.inner_text(".field-crontab .help")
        row_hidden = page.is_hidden(".field-crontab_translation")
    finally:
        context.close()

    with translation.override("sv"):
        assert help_text.splitlines()[-1] == f"{translation.gettext('In words:')} {schedule.human_readable}"
    assert row_hidden
    assert walk.violations == [] and walk.foreign_requests == []
