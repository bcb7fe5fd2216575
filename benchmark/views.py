import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from figures.moment_cache import kept_while_versions_unchanged
from figures.periods import Period
from followup.csv_files import csv_response

from .access import benchmark_scope, may_view_benchmark, publishing_municipality_id
from .exports import export_csv_rows, export_json, indicator_catalogue
from .forms import PublishForm, YearForm
from .selectors import BENCHMARK_READS, benchmark_rows, publication_history
from .services import benchmark_publish, benchmark_withdraw
from .tables import benchmark_content, benchmark_tables


def _year(request) -> int:
    form = YearForm(request.GET)
    if not form.is_valid():
        raise Http404
    return form.cleaned_data["year"]


def _kept(request, year: int) -> dict:
    """The benchmark of ``year`` as the user may see it (``access.benchmark_scope``): its rows
    (``content``) and its tables' markup (``body``: rendering 290 municipalities' rows costs more than
    reading them), kept together while what they read is unchanged (``BENCHMARK_READS`` and every
    district's facts). The same for every viewer of one municipality (or every analyst)."""
    own, others, publishing = benchmark_scope(request.user, year=year)

    def compute() -> dict:
        shared, published = benchmark_rows(
            period=Period.year(year), own_municipality_id=own, visible_ids=others, published_ids=publishing
        )
        content = benchmark_content(year=year, shared=shared, published=published)
        context = {"tables": benchmark_tables(content), "year": year}
        return {"content": content, "body": render_to_string("benchmark/_body.html", context)}

    return kept_while_versions_unchanged("benchmark", (year, own, tuple(sorted(others))), BENCHMARK_READS, compute)


@login_required
def benchmark(request):
    """Municipalities side by side on the shared definitions, and the figures others published themselves."""
    if not may_view_benchmark(request.user):
        raise Http404
    form = YearForm(request.GET)
    context = {"form": form}
    if form.is_valid():
        year = form.cleaned_data["year"]
        kept = _kept(request, year)
        context |= {"year": year, "content": kept["content"], "body": mark_safe(kept["body"])}  # noqa: S308 - our own template's output
        if request.user.has_perm("benchmark.publish_benchmark"):
            try:
                municipality_id = publishing_municipality_id(request.user)
            except Http404:
                municipality_id = None
            if municipality_id is not None:
                history = publication_history(municipality_id=municipality_id)
                context |= {
                    "publication": next((p for p in history if p.year == year and p.withdrawn_at is None), None),
                    "history": history,
                }
    return render(request, "benchmark/benchmark.html", context)


@login_required
@require_POST
def publish(request):
    """Publish the user's municipality's figures of a year, or withdraw them (strategists, administrators)."""
    municipality_id = publishing_municipality_id(request.user)
    form = PublishForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a year and whether to publish or withdraw."))
        return redirect("benchmark:page")
    year, action = form.cleaned_data["year"], form.cleaned_data["action"]
    try:
        if action == "publish":
            benchmark_publish(municipality_id=municipality_id, year=year, user=request.user)
            messages.success(request, _("The figures of %(year)s are published to the benchmark.") % {"year": year})
        else:
            withdrawn = benchmark_withdraw(municipality_id=municipality_id, year=year, user=request.user)
            if withdrawn is not None:
                messages.success(
                    request, _("The figures of %(year)s are withdrawn from the benchmark.") % {"year": year}
                )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    return redirect(f"{reverse('benchmark:page')}?year={year}")


@login_required
def benchmark_csv(request, table: str):
    """One of the benchmark's tables as CSV, exactly as the page shows it."""
    year = _year(request)
    content = _kept(request, year)["content"]
    chosen = next((t for t in benchmark_tables(content) if t.id == table), None)
    if chosen is None:
        raise Http404
    return csv_response(f"benchmark-{year}-{chosen.id}.csv", chosen.columns, chosen.rows, note=chosen.note)


@login_required
def export(request, file_format: str):
    """The benchmark as open data: one value per municipality code and indicator id (JSON or CSV)."""
    year = _year(request)
    content = _kept(request, year)["content"]
    if file_format == "json":
        response = JsonResponse(export_json(content), json_dumps_params={"ensure_ascii": False, "indent": 1})
        response["Content-Disposition"] = f'attachment; filename="benchmark-{year}.json"'
        return response
    if file_format != "csv":
        raise Http404
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="benchmark-{year}.csv"'
    writer = csv.writer(response, delimiter=";")
    for row in export_csv_rows(content):
        writer.writerow(row)
    return response


@login_required
def indicators(request):
    """The indicator catalogue: every benchmark figure's id, titles, numerator, denominator and unit."""
    if not may_view_benchmark(request.user):
        raise Http404
    return render(request, "benchmark/indicators.html", {"indicators": indicator_catalogue()})


@login_required
def indicators_json(request):
    if not may_view_benchmark(request.user):
        raise Http404
    return JsonResponse({"indicators": indicator_catalogue()}, json_dumps_params={"ensure_ascii": False, "indent": 1})
