import tempfile

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import formats, timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Role
from accounts.scoping import user_municipality_id
from approvals.selectors import dashboard_months, report_reopenings
from collaboration.selectors import collaboration_city, collaboration_dashboard
from districts.access import access_district_by_code
from districts.models import District, TargetGroup
from figures.moment_cache import kept_while_unchanged
from goals.selectors import city_goals, dashboard_goals
from operations.selectors import Liveness, liveness
from outcomes.selectors import outcome_city, outcome_dashboard

from .access import access_report, reports_visible_to
from .csv_files import csv_response
from .forms import PeriodForm, ReportOrderForm
from .models import ReportStatus
from .publication import suppress_tables_for_publication
from .report_files import FORMATS, WRITERS, report_about, report_file_name
from .reports import report_tables
from .selectors import CITY_FIGURES, city_overview, consultant_facts, district_dashboard
from .services import report_is_orphaned, report_order, report_recover, report_reorder, report_sweep
from .tables import HEADLINE_LABELS, city_tables, dashboard_links, dashboard_tables


@login_required
def overview(request):
    """The start page: the figures of the user's scope (a regional analyst's is the benchmark alone)."""
    if request.user.role == Role.ANALYST:
        return redirect("benchmark:page")
    return render(request, "followup/overview.html", {"facts": consultant_facts(user=request.user)})


@login_required
def start(request):
    """Where a login lands: consultants on the quick contact form, everyone else on the overview."""
    if getattr(request.user, "consultant", None) is not None:
        return redirect("interventions:log")
    if request.user.role == Role.ANALYST:
        return redirect("benchmark:page")
    return redirect("followup:overview")


@login_required
def dashboard_home(request):
    """A manager's (or consultant's) first district; strategists choose among all districts."""
    district = District.objects.visible_to(request.user).order_by("name").first()
    if district is None:
        return redirect("districts:list")
    return redirect("followup:dashboard", code=district.code)


def _period_form(request) -> PeriodForm:
    """The dashboards' period form: the query's, or today's defaults."""
    return PeriodForm(request.GET or PeriodForm.initial_for_today())


def _dashboard_figures(district: District, form: PeriodForm) -> tuple[dict, list]:
    """The dashboard's figures and tables for a valid period form."""
    period, target_group = form.cleaned_data["period"], form.cleaned_data["target_group"] or None
    data = district_dashboard(district=district, period=period, target_group=target_group)
    return data, dashboard_tables(data=data, period=period)


def _dashboard_body(request, district: District, form: PeriodForm) -> str:
    """Everything the dashboard shows below its period form (the same for every reader of the district)."""
    data, tables = _dashboard_figures(district, form)
    period, target_group = form.cleaned_data["period"], form.cleaned_data["target_group"]
    context = {
        "district": district,
        "period": period,
        "previous": period.previous(),
        "target_label": dict(TargetGroup.choices).get(target_group) if target_group else None,
        "headline": [row | {"label": HEADLINE_LABELS[row["name"]]} for row in data["headline"]],
        "tables": tables,
        "profile": data["profile"],
        "as_of": data["as_of"],
        "approval_months": dashboard_months(district=district, months=period.months()),
        "outcomes": outcome_dashboard(district=district, period=period),
        # A custom range may span two years: its goals are those of the year it ends in.
        "goals_year": period.end.year,
        "goals": dashboard_goals(district=district, year=period.end.year),
        "collaboration": collaboration_dashboard(district=district, period=period),
    }
    return render_to_string("followup/_dashboard_body.html", context, request=request)


@login_required
def dashboard(request, code: str):
    """A district's figures. The part below the form is kept while the data is unchanged
    (``kept_while_unchanged``): readers of the same district, period and query share it."""
    district = access_district_by_code(request.user, code)
    form = _period_form(request)
    body = ""
    if form.is_valid():
        body = kept_while_unchanged(
            "dashboard", (district.pk, request.GET.urlencode()), lambda: _dashboard_body(request, district, form)
        )
    return render(request, "followup/dashboard.html", {"district": district, "form": form, "body": mark_safe(body)})  # noqa: S308 - our own template's output


def _dashboard_csv(request, code: str, table: str, *, publication: bool):
    district = access_district_by_code(request.user, code)
    form = _period_form(request)
    data, tables = _dashboard_figures(district, form) if form.is_valid() else (None, None)
    if tables and publication:
        # Over all the dashboard's tables at once: a breakdown's hidden cell must not be given away
        # by the headline's total in another download.
        tables = suppress_tables_for_publication(tables, dashboard_links(tables, data))
    chosen = next((t for t in tables or () if t.id == table), None)
    if chosen is None:
        raise Http404
    suffix = "-publication" if publication else ""
    name = f"{district.code}-{form.cleaned_data['period'].key}-{chosen.id}{suffix}.csv"
    return csv_response(name, chosen.columns, chosen.rows, note=chosen.note)


@login_required
def dashboard_csv(request, code: str, table: str):
    """One of the dashboard's tables as CSV: exactly the rows the page shows."""
    return _dashboard_csv(request, code, table, publication=False)


@login_required
def dashboard_publication_csv(request, code: str, table: str):
    """One of the dashboard's tables as CSV for a public committee document: small person counts hidden."""
    return _dashboard_csv(request, code, table, publication=True)


def _city_form(request) -> PeriodForm:
    """The city page's period form, for the city-wide only (others get a 404)."""
    if not request.user.is_city_wide:
        raise Http404
    return _period_form(request)


def _city_overview(request, form: PeriodForm) -> dict:
    period, target_group = form.cleaned_data["period"], form.cleaned_data["target_group"] or None
    municipality_id = user_municipality_id(request.user)
    return city_overview(period=period, municipality_id=municipality_id, target_group=target_group)


def _city_figure_names() -> list[tuple[str, str]]:
    return [(n, HEADLINE_LABELS[n]) for n in CITY_FIGURES]


def _city_csv(request, table: str, *, publication: bool):
    form = _city_form(request)
    tables = (
        city_tables(overview=_city_overview(request, form), figure_names=_city_figure_names())
        if form.is_valid()
        else []
    )
    if publication:
        tables = suppress_tables_for_publication(tables)
    chosen = next((t for t in tables if t.id == table), None)
    if chosen is None:
        raise Http404
    suffix = "-publication" if publication else ""
    name = f"city-{form.cleaned_data['period'].key}-{chosen.id}{suffix}.csv"
    return csv_response(name, chosen.columns, chosen.rows, note=chosen.note)


@login_required
def city_csv(request, table: str):
    """One of the city overview's tables as CSV, as the page shows it."""
    return _city_csv(request, table, publication=False)


@login_required
def city_publication_csv(request, table: str):
    """One of the city overview's tables as CSV for a public committee document: small person counts hidden."""
    return _city_csv(request, table, publication=True)


def _city_body(request, form: PeriodForm) -> str:
    """Everything the city page shows below its period form (the same for every strategist)."""
    period = form.cleaned_data["period"]
    overview = _city_overview(request, form)
    districts = [r["district"] for r in overview["rows"]]  # read once, for every section
    context = {
        "figure_names": _city_figure_names(),
        "period": period,
        "overview": overview,
        "outcomes": outcome_city(period=period, districts=districts),
        "city_goals": city_goals(
            year=period.end.year, municipality_id=user_municipality_id(request.user), districts=districts
        ),
        "collaboration": collaboration_city(period=period, districts=districts),
    }
    return render_to_string("followup/_city_body.html", context, request=request)


@login_required
def city(request):
    """Every district side by side, for the strategists (and administrators); the part below the
    form is kept while the data is unchanged, as the dashboard's is."""
    form = _city_form(request)
    body = ""
    if form.is_valid():
        # One municipality's page: its strategists share it, no other municipality's do.
        parts = (user_municipality_id(request.user), request.GET.urlencode())
        body = kept_while_unchanged("city", parts, lambda: _city_body(request, form))
    return render(request, "followup/city.html", {"form": form, "body": mark_safe(body)})  # noqa: S308 - our own template's output


# --- Follow-up reports -----------------------------------------------------------------------------


@login_required
def reports(request):
    """The user's reports (scheduled ones too) and the form to order a new one."""
    visible = reports_visible_to(request.user)
    can_order = request.user.has_perm("followup.add_followupreport")
    form = None
    if can_order:
        form = ReportOrderForm(request.POST or None, user=request.user, initial=ReportOrderForm.initial_for_today())
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                report = report_order(
                    user=request.user,
                    period=data["period"],
                    scope=data["scope"],
                    network=data.get("network"),
                    districts=data["districts"],
                    target_groups=data["target_groups"],
                )
            except PermissionDenied as exc:
                form.add_error("districts", str(exc))
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                return _ordered(request, report, _("The report is ordered. It is compiled in the background."))
    elif request.method == "POST":
        raise Http404
    recent = timezone.now() - timezone.timedelta(days=7)
    listed = visible.select_related("network", "ordered_by").prefetch_related("districts")[:100]
    orphaned = [r.pk for r in listed if report_is_orphaned(r)]
    if orphaned:  # never "running" while nobody runs it
        report_sweep(report_ids=orphaned)
        listed = listed.all()  # read again, as the sweep left them
    context = {"form": form, "reports": listed, "new_since": recent, "worker_notice": _worker_notice(liveness())}
    return render(request, "followup/reports.html", context)


def _ordered(request, report, success: str):
    """To the new report's page, saying it is ordered, or why it could not be queued."""
    report.refresh_from_db()
    if report.status == ReportStatus.FAILED:
        messages.error(request, report.error)
    else:
        messages.success(request, success)
    return redirect("followup:report", pk=report.pk)


def _when(moment) -> str:
    return formats.date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")


def _worker_notice(alive: Liveness) -> str:
    """What to say when no worker has beaten for HEARTBEAT_STALE_SECONDS (nothing in-process)."""
    if alive.worker_alive:
        return ""
    if alive.worker_at is None:
        return _(
            "No background worker has answered yet; the report is compiled once one is running. Contact IT support."
        )
    return _(
        "No background worker has answered since %(time)s; the report is compiled once one is running "
        "again. Contact IT support."
    ) % {"time": _when(alive.worker_at)}


def _report_status(report) -> dict:
    """The report's status as it truly is: one whose worker died is interrupted and requeued first;
    a report waiting for a worker says when none is there."""
    report = report_recover(report)
    waiting = report.status in (ReportStatus.QUEUED, ReportStatus.INTERRUPTED)
    interruption = ""
    if report.status == ReportStatus.INTERRUPTED:
        interruption = _(
            "The worker compiling the report stopped at %(time)s; the report starts again (restart %(n)d)."
        ) % {"time": _when(report.interrupted_at), "n": report.restarts}
    return {
        "status": report.status,
        "status_label": str(report.get_status_display()),
        "progress": report.progress,
        "error": report.error,
        "pending": report.is_pending,
        "restarts": report.restarts,
        "interrupted_at": report.interrupted_at.isoformat() if report.interrupted_at else None,
        "interruption": interruption,
        "notice": _worker_notice(liveness()) if waiting else "",
    }


@login_required
def report(request, pk: int):
    report = access_report(request.user, pk)
    context = {"report": report, "status": _report_status(report), "reopenings": report_reopenings(report=report)}
    if report.status == ReportStatus.DONE:
        context |= {
            "tables": report_tables(report.content),
            "about": report_about(report.content, report),
            "formats": list(FORMATS),
        }
    return render(request, "followup/report.html", context)


@login_required
def report_status(request, pk: int):
    """The report's progress, for the page to follow without reloading."""
    return JsonResponse(_report_status(access_report(request.user, pk)))


def _report_file(request, pk: int, file_format: str, publication: bool):
    report = access_report(request.user, pk)
    if report.status != ReportStatus.DONE or file_format not in WRITERS:
        raise Http404
    # Written to a temporary file that spills to disk beyond 2 MB, then streamed.
    out = tempfile.SpooledTemporaryFile(max_size=2 * 1024 * 1024)  # noqa: SIM115 - FileResponse closes it
    WRITERS[file_format](report.content, out, report, publication=publication)
    out.seek(0)
    name = report_file_name(report.content, file_format, publication=publication)
    response = FileResponse(out, as_attachment=True, filename=name)
    response["Content-Type"] = FORMATS[file_format]
    return response


@login_required
def report_download(request, pk: int, file_format: str):
    """The report as a file, with the true numbers: for the district's and the city's own work."""
    return _report_file(request, pk, file_format, publication=False)


@login_required
def report_publication(request, pk: int, file_format: str):
    """The report as a file for a public committee document: small person counts hidden."""
    return _report_file(request, pk, file_format, publication=True)


@login_required
@require_POST
def report_reorder_view(request, pk: int):
    report = access_report(request.user, pk)
    if not request.user.has_perm("followup.add_followupreport"):
        raise Http404
    try:
        again = report_reorder(user=request.user, report=report)
    except PermissionDenied:
        raise Http404 from None
    return _ordered(request, again, _("The report is ordered again."))
