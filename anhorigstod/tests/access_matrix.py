"""The access-control matrix: every URL pattern of the app, and what each role must get from it.

``discover_patterns()`` walks the URL configuration (the admin's generated patterns included), so a
new page cannot be forgotten: ``test_access_matrix`` fails when a pattern has no entry in
``expectations()`` or an entry no longer has a pattern. Each entry gives, per role, the expected
status of a GET for an object of the role's own district ("own") and of another district ("other");
a pattern without an object has one status (the same in both columns).

Print the whole table (the URLs and roles the matrix covers)::

    DJANGO_SETTINGS_MODULE=anhorigstod.settings.test .venv/bin/python -m anhorigstod.tests.access_matrix

The users of the matrix: a consultant of district A (with a consultant record), a manager of A, a
strategist serving no district (city-wide figures, no personal data anywhere), an administrator
(superuser) serving A, and anonymous visitors.
"""

from __future__ import annotations

from dataclasses import dataclass

# The regional analyst (no district, no municipality) sees the benchmark alone: 404 wherever a row
# says nothing else (``page`` and ``obj``).
ROLES = ("anonymous", "consultant", "manager", "strategist", "admin", "analyst")
LOGGED_IN = ROLES[1:]
STAFF = ("manager", "strategist", "admin")
_LETTER = {"m": "manager", "s": "strategist", "x": "admin"}

# A 302 to the app's login page (with ?next=), and to the admin's login page.
LOGIN = "login"
ADMIN_LOGIN = "admin-login"


@dataclass(frozen=True)
class Pattern:
    key: str  # the qualified URL name, or "<namespace>:[<route>]" for an unnamed pattern
    route: str
    args: tuple[str, ...]
    callback: object = None


@dataclass(frozen=True)
class Row:
    """The expected status per role: ``cells[role] == (own, other)``."""

    cells: dict
    has_object: bool
    # The roles that may see the other district's object (its id is no secret to them); by default
    # those whose GET of it answers 200.
    sees_other: frozenset = frozenset()

    def may_see_other(self, role: str) -> bool:
        return role in self.sees_other or self.cells[role][1] == 200


# --- Discovery -------------------------------------------------------------------------------------

# Served outside the URL configuration's normal pages: static files (django.views.static.serve, only
# added with DEBUG; WhiteNoise serves them in every environment without a pattern) are public and
# carry no data, so they are left out of the matrix on purpose.
STATIC_VIEW_MODULES = ("django.views.static", "django.contrib.staticfiles.views")


def discover_patterns() -> list[Pattern]:
    """Every URL pattern of the project, recursively, as (qualified name, full route, argument names)."""
    from django.urls import URLPattern, URLResolver, get_resolver

    found: list[Pattern] = []

    def walk(resolver, prefix: str, namespace: str | None) -> None:
        for entry in resolver.url_patterns:
            route = prefix + str(entry.pattern)
            if isinstance(entry, URLResolver):
                inner = namespace
                if entry.namespace:
                    inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
                walk(entry, route, inner)
                continue
            assert isinstance(entry, URLPattern)
            callback = entry.callback
            if getattr(callback, "__module__", "") in STATIC_VIEW_MODULES:
                continue
            if entry.name:
                key = f"{namespace}:{entry.name}" if namespace else entry.name
            else:
                key = f"{namespace or ''}:[{route}]"
            args = tuple(entry.pattern.regex.groupindex)
            found.append(Pattern(key, route, args, callback))

    walk(get_resolver(), "", None)
    return found


# --- Rules -----------------------------------------------------------------------------------------


def _cells(own: dict, other: dict | None = None) -> dict:
    other = own if other is None else other
    return {role: (own[role], other[role]) for role in ROLES}


def page(status=200, *, anonymous=LOGIN, **by_role) -> Row:
    """A page without an object: anonymous visitors go to the login page unless said otherwise."""
    statuses = {"anonymous": anonymous} | {
        role: by_role.get(role, 404 if role == "analyst" else status) for role in LOGGED_IN
    }
    return Row(_cells(statuses), has_object=False)


def public(status=200, **by_role) -> Row:
    return page(status, anonymous=by_role.pop("anonymous", status), **by_role)


def obj(*, anonymous=LOGIN, **by_role) -> Row:
    """An object page: ``role=(own, other)``, or one status for both."""
    own = {"anonymous": anonymous}
    other = {"anonymous": anonymous}
    for role in LOGGED_IN:
        value = by_role.get(role, 404) if role == "analyst" else by_role[role]
        own[role], other[role] = value if isinstance(value, tuple) else (value, value)
    return Row(_cells(own, other), has_object=True)


# Visibility of the admin's objects: own = an object of district A, other = one of district B.
#   unscoped: no district (reference data, users, schedules): every staff role finds both;
#   district: aggregate data: managers find their district's, strategists and administrators all;
#   personal: personal data: only in the districts the user serves (the strategist serves none,
#             the administrator serves A);
#   report_tasks: the schedules admin: own = a report schedule, other = another scheduled task,
#             which only administrators see.
_VISIBLE = {
    "unscoped": {"manager": (True, True), "strategist": (True, True), "admin": (True, True)},
    "district": {"manager": (True, False), "strategist": (True, True), "admin": (True, True)},
    "personal": {"manager": (True, False), "strategist": (False, False), "admin": (True, False)},
    "report_tasks": {"manager": (True, False), "strategist": (True, False), "admin": (True, True)},
}


@dataclass(frozen=True)
class AdminModel:
    """Who may view, add, change and delete (m = manager, s = strategist, x = administrator)."""

    view: str
    add: str
    change: str
    delete: str
    scope: str

    def may(self, action: str, role: str) -> bool:
        letters = getattr(self, action)
        if action == "view":
            letters += self.change  # Django's admin shows the page to whoever may view or change
        return any(_LETTER[letter] == role for letter in letters)


ADMIN_MODELS: dict[str, AdminModel] = {
    "auth.group": AdminModel("x", "x", "x", "x", "unscoped"),
    "accounts.user": AdminModel("x", "x", "x", "x", "unscoped"),
    "django_celery_beat.clockedschedule": AdminModel("x", "x", "x", "x", "unscoped"),
    "django_celery_beat.crontabschedule": AdminModel("sx", "sx", "sx", "x", "unscoped"),
    "django_celery_beat.solarschedule": AdminModel("x", "x", "x", "x", "unscoped"),
    "django_celery_beat.intervalschedule": AdminModel("x", "x", "x", "x", "unscoped"),
    "django_celery_beat.periodictask": AdminModel("sx", "x", "sx", "x", "report_tasks"),
    # Municipalities come with their reference data: nobody adds or deletes one in the admin.
    "districts.municipality": AdminModel("msx", "", "x", "", "unscoped"),
    # Figures municipalities published themselves: the installation's administrators correct them.
    "benchmark.publishedfigures": AdminModel("sx", "x", "x", "x", "unscoped"),
    # Publishing is decided on the benchmark page (who and when): the admin only reads it.
    "benchmark.benchmarkpublication": AdminModel("sx", "", "", "", "unscoped"),
    "districts.district": AdminModel("msx", "x", "mx", "x", "district"),
    "districts.network": AdminModel("msx", "sx", "sx", "x", "district"),
    "districts.supportpurchase": AdminModel("msx", "mx", "mx", "mx", "district"),
    "districts.budget": AdminModel("msx", "mx", "mx", "mx", "district"),
    "districts.caregiverrepresentativecount": AdminModel("msx", "mx", "mx", "mx", "district"),
    "representatives.representative": AdminModel("msx", "mx", "mx", "x", "district"),
    # Trainings are recorded on the register's page (which moves the representatives' dates).
    "representatives.representativetraining": AdminModel("msx", "", "", "", "district"),
    "interventions.interventiontype": AdminModel("msx", "sx", "sx", "x", "unscoped"),
    "interventions.districtoffering": AdminModel("msx", "mx", "mx", "mx", "district"),
    "interventions.organiser": AdminModel("msx", "sx", "sx", "x", "unscoped"),
    # Logged work is read in the admin and written through the app's own forms only.
    "interventions.contact": AdminModel("msx", "", "", "", "personal"),
    "interventions.group": AdminModel("msx", "", "", "", "district"),
    "interventions.groupmeeting": AdminModel("msx", "", "", "", "personal"),
    "interventions.referral": AdminModel("msx", "", "", "", "personal"),
    # Outcome measures: personal data; managers correct their districts' in the admin.
    "outcomes.talkscore": AdminModel("msx", "mx", "mx", "mx", "personal"),
    "outcomes.followupanswer": AdminModel("msx", "mx", "mx", "mx", "personal"),
    "consultants.consultant": AdminModel("msx", "mx", "mx", "x", "district"),
    "consultants.allocation": AdminModel("msx", "mx", "mx", "mx", "district"),
    "consultants.method": AdminModel("msx", "sx", "sx", "x", "unscoped"),
    # Change is per object (a district's own description is its managers'); viewing is enough here.
    "consultants.assignmentdescription": AdminModel("msx", "msx", "x", "x", "district"),
    "consultants.descriptionassignment": AdminModel("msx", "mx", "mx", "mx", "district"),
    "caregivers.caregiver": AdminModel("msx", "x", "mx", "x", "personal"),
    "caregivers.supportcontactoffer": AdminModel("msx", "mx", "mx", "x", "personal"),
    # Records of erasures (no personal data: strategists see every district's) and retention runs.
    "caregivers.caregivererasure": AdminModel("msx", "", "", "", "district"),
    "caregivers.retentionrun": AdminModel("sx", "", "", "", "unscoped"),
    "followup.followupreport": AdminModel("msx", "", "", "x", "district"),
    # The audit log: read-only for everyone, administrators included.
    "audit.auditentry": AdminModel("msx", "", "", "", "district"),
    # The monthly cycle: its steps are taken on the app's pages, the admin reads them; the city's lock
    # setting is one row (already there: nobody adds another or deletes it).
    "approvals.cyclesettings": AdminModel("msx", "", "sx", "", "unscoped"),
    "approvals.monthapproval": AdminModel("msx", "", "", "", "district"),
    "approvals.monthsubmission": AdminModel("msx", "", "", "", "district"),
    "approvals.entryexception": AdminModel("msx", "", "", "", "district"),
    "approvals.monthreopening": AdminModel("msx", "", "", "", "district"),
    # Goals: own and other are district goals, the managers' to change (strategists change city-wide
    # ones, which everyone sees: goals.access.may_edit_goal).
    "goals.goal": AdminModel("msx", "msx", "mx", "mx", "district"),
    "axes.accessattempt": AdminModel("x", "", "x", "x", "unscoped"),
    "axes.accesslog": AdminModel("x", "", "x", "x", "unscoped"),
    "axes.accessfailurelog": AdminModel("x", "", "x", "x", "unscoped"),
    "otp_totp.totpdevice": AdminModel("x", "x", "x", "x", "unscoped"),
    # Collaboration: managers keep their districts' partners, activities and case officers' measurements.
    "collaboration.partner": AdminModel("msx", "mx", "mx", "mx", "district"),
    "collaboration.collaborationactivity": AdminModel("msx", "mx", "mx", "mx", "district"),
    "collaboration.outreachactivity": AdminModel("msx", "mx", "mx", "mx", "district"),
    "collaboration.caseofficermeasurement": AdminModel("msx", "mx", "mx", "mx", "district"),
}

# The admin's app index pages: 200 for a role that may view a model of the app, 404 otherwise.
ADMIN_APPS = sorted({label.split(".")[0] for label in ADMIN_MODELS})


def _admin_model_rows(label: str, spec: AdminModel) -> dict[str, Row]:
    app, model = label.split(".")
    base = f"admin:{app}_{model}"

    def listing(action: str) -> Row:
        return page(anonymous=ADMIN_LOGIN, consultant=404, **{r: 200 if spec.may(action, r) else 403 for r in STAFF})

    def on_object(action: str, *, permission_first: bool = False) -> Row:
        cells = {}
        for role in STAFF:
            allowed = 200 if spec.may(action, role) else 403
            if permission_first and allowed == 403:
                cells[role] = 403
            else:
                cells[role] = tuple(allowed if seen else 404 for seen in _VISIBLE[spec.scope][role])
        row = obj(anonymous=ADMIN_LOGIN, consultant=404, **cells)
        sees = frozenset(r for r in STAFF if _VISIBLE[spec.scope][r][1] and spec.may("view", r))
        return Row(row.cells, row.has_object, sees)

    return {
        f"{base}_changelist": listing("view"),
        f"{base}_add": listing("add"),
        f"{base}_change": on_object("view"),
        # The history asks for the permission before the object (anhorigstod.admin_site).
        f"{base}_history": on_object("view", permission_first=True),
        f"{base}_delete": on_object("delete"),
        # The pre-1.9 change address redirects to the change page without looking the object up.
        f"admin:[admin/{app}/{model}/<path:object_id>/]": obj(
            anonymous=ADMIN_LOGIN, consultant=404, manager=302, strategist=302, admin=302
        ),
    }


def _admin_rows() -> dict[str, Row]:
    staff_page = {"anonymous": ADMIN_LOGIN, "consultant": 404, "manager": 200, "strategist": 200, "admin": 200}
    rows = {
        "admin:index": page(**staff_page),
        # A consultant sees the login form with "not authorised"; staff are sent on to the index.
        "admin:login": public(anonymous=200, consultant=200, manager=302, strategist=302, admin=302),
        # Anonymous logout goes to the index (then the login); staff must POST.
        "admin:logout": page(anonymous=302, consultant=404, manager=405, strategist=405, admin=405),
        "admin:password_change": page(**staff_page),
        "admin:password_change_done": page(**staff_page),
        # With a caregiver lookup's parameters (see URL_ARGUMENTS): results come from the scoped admin.
        "admin:autocomplete": page(**staff_page),
        "admin:jsi18n": page(**staff_page),
        # No model has an address outside the admin: "view on site" is 404 for every object.
        "admin:view_on_site": obj(anonymous=ADMIN_LOGIN, consultant=404, manager=404, strategist=404, admin=404),
        # Any address under /admin/ that is not a page; anonymous visitors go to the login first.
        "admin:[admin/(?P<url>.*)$]": page(
            anonymous=ADMIN_LOGIN, consultant=404, manager=404, strategist=404, admin=404
        ),
        # A user's password in the admin: administrators only, for every user.
        "admin:auth_user_password_change": obj(
            anonymous=ADMIN_LOGIN, consultant=404, manager=403, strategist=403, admin=200
        ),
        # A TOTP device's secret and QR code are shown to nobody, administrators included
        # (OTP_ADMIN_HIDE_SENSITIVE_DATA): a lost phone is handled by deleting the device.
        "admin:otp_totp_totpdevice_config": obj(
            anonymous=ADMIN_LOGIN, consultant=404, manager=403, strategist=403, admin=403
        ),
        "admin:otp_totp_totpdevice_qrcode": obj(
            anonymous=ADMIN_LOGIN, consultant=404, manager=403, strategist=403, admin=403
        ),
    }
    # One row per app index (the pattern is one regular expression over every app label).
    for app in ADMIN_APPS:
        models = [spec for label, spec in ADMIN_MODELS.items() if label.startswith(app + ".")]
        statuses = {r: 200 if any(m.may("view", r) for m in models) else 404 for r in STAFF}
        rows[f"admin:app_list[{app}]"] = page(anonymous=ADMIN_LOGIN, consultant=404, **statuses)
    for label, spec in ADMIN_MODELS.items():
        rows |= _admin_model_rows(label, spec)
    return rows


# Own and other per role for an object every logged-in role may reach within its scope:
# consultants and managers in their district only, strategists and administrators everywhere.
_AGGREGATE = {"consultant": (200, 404), "manager": (200, 404), "strategist": 200, "admin": 200}
# Personal data: only in the districts the user serves (strategist: none; administrator: A).
_PERSONAL = {"consultant": (200, 404), "manager": (200, 404), "strategist": 404, "admin": (200, 404)}
# A report: managers of its districts, strategists and administrators; consultants never.
_REPORT = {"consultant": 404, "manager": (200, 404), "strategist": 200, "admin": 200}
# Data subjects' rights: managers (and administrators) of the caregiver's district.
_RIGHTS = {"consultant": 404, "manager": (200, 404), "strategist": 404, "admin": (200, 404)}
_POST_ONLY = dict.fromkeys(LOGGED_IN, 405) | {"analyst": 404}  # the analyst's boundary answers first
# The register of caregiver representatives is maintained by the district's managers (and administrators).
_REGISTER_CHANGE = {"consultant": 404, "manager": (200, 404), "strategist": 404, "admin": 200}
_CITY_WIDE_ONLY = {"consultant": 404, "manager": 404, "strategist": 200, "admin": 200}
_BENCHMARK = _CITY_WIDE_ONLY | {"analyst": 200}
# Recording collaboration and outreach: consultants and managers in their districts, administrators
# anywhere; strategists read the lists (aggregates) but record nothing.
_RECORD = {"consultant": (200, 404), "manager": (200, 404), "strategist": 404, "admin": 200}
# Partners and the case officers' measurements: the district's managers (and administrators).
_MANAGE = {"consultant": 404, "manager": (200, 404), "strategist": 404, "admin": 200}


def _app_rows() -> dict[str, Row]:
    return {
        "followup:overview": page(analyst=302),  # the analyst's start is the benchmark
        "followup:start": page(302, analyst=302),
        "followup:dashboard_home": page(302),
        "followup:city": page(**_CITY_WIDE_ONLY),
        # The benchmark of municipalities: strategists and administrators (and regional analysts).
        "benchmark:page": page(**_BENCHMARK),
        "benchmark:publish": page(**_POST_ONLY | {"analyst": 405}),
        "benchmark:csv": page(**_BENCHMARK),
        "benchmark:export": page(**_BENCHMARK),
        "benchmark:indicators": page(**_BENCHMARK),
        "benchmark:indicators_json": page(**_BENCHMARK),
        "followup:city_csv": page(**_CITY_WIDE_ONLY),
        "followup:city_publication_csv": page(**_CITY_WIDE_ONLY),  # the same table, small counts hidden
        "followup:dashboard": obj(**_AGGREGATE),
        "followup:dashboard_csv": obj(**_AGGREGATE),
        "followup:dashboard_publication_csv": obj(**_AGGREGATE),
        "followup:reports": page(consultant=404),
        "followup:report": obj(**_REPORT),
        "followup:report_status": obj(**_REPORT),
        "followup:report_reorder": obj(**_POST_ONLY),
        "followup:report_download": obj(**_REPORT),
        "followup:report_publication": obj(**_REPORT),  # the same report, its small counts hidden
        "representatives:register": obj(**_AGGREGATE),
        "representatives:new": obj(**_REGISTER_CHANGE),
        "representatives:edit": obj(**_REGISTER_CHANGE),
        "representatives:training_new": obj(**_REGISTER_CHANGE),
        "districts:list": page(),
        "districts:detail": obj(**_AGGREGATE),
        "consultants:list": page(),
        "consultants:detail": obj(**_AGGREGATE),
        "consultants:description": obj(**_AGGREGATE),
        "caregivers:list": page(),
        "caregivers:new": page(),
        "caregivers:detail": obj(**_PERSONAL),
        "caregivers:edit": obj(**_PERSONAL),
        "caregivers:support_contact": obj(**_POST_ONLY),
        "caregivers:extract": obj(**_RIGHTS),
        "caregivers:erase": obj(**_RIGHTS),
        "interventions:log": page(),
        "interventions:talk_status": page(),
        "interventions:contacts": page(),
        # Only one's own entries are editable: the district's contact was logged by its consultant.
        "interventions:contact_edit": obj(consultant=(200, 404), manager=404, strategist=404, admin=404),
        "interventions:contact_delete": obj(consultant=(200, 404), manager=404, strategist=404, admin=404),
        "interventions:groups": page(),
        "interventions:group_new": page(),
        "interventions:group": obj(**_AGGREGATE),
        "interventions:meeting_delete": obj(**_POST_ONLY),
        # Recording outcomes: the talks and groups of one's own districts (personal data).
        "outcomes:talk_scores": obj(**_PERSONAL),
        "outcomes:talk_followup": obj(**_PERSONAL),
        "outcomes:group_followup": obj(**_PERSONAL),
        "collaboration:activities": page(),
        "collaboration:activity_new": page(strategist=404),
        "collaboration:activity_edit": obj(**_RECORD),
        "collaboration:outreach": page(),
        "collaboration:outreach_new": page(strategist=404),
        "collaboration:outreach_edit": obj(**_RECORD),
        "collaboration:partners": page(),
        "collaboration:partner_new": page(consultant=404, strategist=404),
        "collaboration:partner_edit": obj(**_MANAGE),
        "collaboration:measurements": page(),
        "collaboration:measurement_new": page(consultant=404, strategist=404),
        "collaboration:measurement_edit": obj(**_MANAGE),
        "audit:log": page(consultant=404),
        "approvals:overview": page(),
        "approvals:month": obj(**_AGGREGATE),
        # The steps answer POST only; who may take which is the services' (see approvals/tests).
        "approvals:submit": obj(**_POST_ONLY),
        "approvals:approve": obj(**_POST_ONLY),
        "approvals:accept": obj(**_POST_ONLY),
        "approvals:reopen": obj(**_POST_ONLY),
        "approvals:exception": obj(**_POST_ONLY),
        # Goals: everyone sees their districts' and the city's; managers change their districts',
        # strategists the city's (a district's goal is not theirs to change: 404 like a missing one).
        "goals:list": page(),
        "goals:new": page(consultant=404),
        "goals:edit": obj(consultant=404, manager=(200, 404), strategist=404, admin=200),
        # One's own account: every role, the regional analyst included.
        "accounts:security": page(analyst=200),
        "accounts:password_change": page(analyst=200),
        "accounts:municipality": page(analyst=200),
        "accounts:two_factor_setup": page(analyst=200),
        # Nothing to verify without a confirmed device: sent on.
        "accounts:two_factor_verify": page(302, analyst=302),
        # POST only (it asks for a current code).
        "accounts:two_factor_disable": page(405, analyst=405),
        "login": public(200, analyst=200),
        "logout": public(405, analyst=405),
        # Without "next" the language switch sends everyone back to the start page.
        "set_language": public(302, analyst=302),
        "health": public(200, analyst=200),
    }


def expectations() -> dict[str, Row]:
    return _app_rows() | _admin_rows()


def expected_keys(patterns: list[Pattern]) -> set[str]:
    """The keys the discovered patterns need: the admin's app index is one key per app."""
    keys = set()
    for pattern in patterns:
        if pattern.key == "admin:app_list":
            keys |= {f"admin:app_list[{app}]" for app in _registered_apps()}
        else:
            keys.add(pattern.key)
    return keys


def _registered_apps() -> list[str]:
    from django.contrib import admin

    return sorted({model._meta.app_label for model in admin.site._registry})


def table() -> list[tuple[str, str, str, str]]:
    """The matrix as rows of (URL name, role, own, other), for the closing note."""
    rows = []
    for key, row in sorted(expectations().items()):
        for role in ROLES:
            own, other = row.cells[role]
            rows.append((key, role, str(own), str(other) if row.has_object else "-"))
    return rows


if __name__ == "__main__":
    import django

    django.setup()
    routes = {p.key: p.route for p in discover_patterns()}
    width = max(len(key) for key in expectations())
    print(f"{'URL name':<{width}}  {'route':<60}  " + "  ".join(f"{r:>16}" for r in ROLES))
    for key, row in sorted(expectations().items()):
        route = routes.get(key.split("[")[0] if key.startswith("admin:app_list[") else key, "(not in the URLconf)")
        cells = [f"{o}/{t}" if row.has_object else str(o) for o, t in (row.cells[r] for r in ROLES)]
        print(f"{key:<{width}}  {route:<60}  " + "  ".join(f"{c:>16}" for c in cells))
