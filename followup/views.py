from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render

from districts.access import access_district_by_code
from districts.models import District, TargetGroup

from .csv_files import csv_response
from .forms import PeriodForm
from .selectors import CITY_FIGURES, city_overview, consultant_facts, district_dashboard
from .tables import HEADLINE_LABELS, city_tables, dashboard_tables


@login_required
def overview(request):
    """The start page: the figures of the user's scope."""
    return render(request, "followup/overview.html", {"facts": consultant_facts(user=request.user)})


@login_required
def start(request):
    """Where a login lands: consultants on the quick contact form, everyone else on the overview."""
    if getattr(request.user, "consultant", None) is not None:
        return redirect("interventions:log")
    return redirect("followup:overview")


@login_required
def dashboard_home(request):
    """A manager's (or consultant's) first district; strategists choose among all districts."""
    district = District.objects.visible_to(request.user).order_by("name").first()
    if district is None:
        return redirect("districts:list")
    return redirect("followup:dashboard", code=district.code)


def _dashboard_data(request, code: str):
    district = access_district_by_code(request.user, code)
    form = PeriodForm(request.GET or PeriodForm.initial_for_today())
    if not form.is_valid():
        return district, form, None, None
    period, target_group = form.cleaned_data["period"], form.cleaned_data["target_group"] or None
    data = district_dashboard(district=district, period=period, target_group=target_group)
    return district, form, data, dashboard_tables(data=data, period=period)


@login_required
def dashboard(request, code: str):
    district, form, data, tables = _dashboard_data(request, code)
    context = {"district": district, "form": form}
    if data is not None:
        period = form.cleaned_data["period"]
        target_group = form.cleaned_data["target_group"]
        context |= {
            "period": period,
            "previous": period.previous(),
            "target_label": dict(TargetGroup.choices).get(target_group) if target_group else None,
            "headline": [row | {"label": HEADLINE_LABELS[row["name"]]} for row in data["headline"]],
            "tables": tables,
            "profile": data["profile"],
            "as_of": data["as_of"],
            "precomputed": data["precomputed"],
        }
    return render(request, "followup/dashboard.html", context)


@login_required
def dashboard_csv(request, code: str, table: str):
    """One of the dashboard's tables as CSV: exactly the rows the page shows."""
    district, form, _data, tables = _dashboard_data(request, code)
    chosen = next((t for t in tables or () if t.id == table), None)
    if chosen is None:
        raise Http404
    name = f"{district.code}-{form.cleaned_data['period'].key}-{chosen.id}.csv"
    return csv_response(name, chosen.columns, chosen.rows)


def _city_data(request):
    if not request.user.is_city_wide:
        raise Http404
    form = PeriodForm(request.GET or PeriodForm.initial_for_today())
    figure_names = [(n, HEADLINE_LABELS[n]) for n in CITY_FIGURES]
    if not form.is_valid():
        return form, figure_names, None
    period, target_group = form.cleaned_data["period"], form.cleaned_data["target_group"] or None
    return form, figure_names, city_overview(period=period, target_group=target_group)


@login_required
def city_csv(request, table: str):
    """One of the city overview's tables as CSV, as the page shows it."""
    form, figure_names, overview = _city_data(request)
    tables = city_tables(overview=overview, figure_names=figure_names) if overview else []
    chosen = next((t for t in tables if t.id == table), None)
    if chosen is None:
        raise Http404
    return csv_response(f"city-{form.cleaned_data['period'].key}-{chosen.id}.csv", chosen.columns, chosen.rows)


@login_required
def city(request):
    """Every district side by side, for the strategists (and administrators)."""
    form, figure_names, overview = _city_data(request)
    context = {"form": form, "figure_names": figure_names}
    if overview is not None:
        context |= {"period": form.cleaned_data["period"], "overview": overview}
    return render(request, "followup/city.html", context)
