from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from caregivers.models import AgeBand, Condition, Gender, Relation
from consultants.models import Consultant, ConsultantRole
from districts.access import access_district_by_code
from districts.models import District, TargetGroup
from interventions.models import Channel, ReferralDestination

from .forms import PeriodForm
from .selectors import CITY_FIGURES, city_overview, consultant_facts, district_dashboard

HEADLINE_LABELS = {
    "contacts": _("Contact occasions"),
    "caregivers": _("Caregivers reached (unique)"),
    "anonymous": _("Anonymous contacts"),
    "minutes": _("Minutes of contact"),
    "talks": _("Guidance talks"),
    "talk_caregivers": _("Caregivers in guidance talks"),
    "at_cap": _("Caregivers who reached the cap"),
    "referrals_after_cap": _("Referrals after the cap"),
    "meetings": _("Group and circle meetings"),
    "attendance": _("Attendance at meetings"),
    "circles_at_max": _("Circles at their maximum"),
}


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


def _rows(counts: dict, labels: dict, ordered: bool = True) -> list[dict]:
    """Figures keyed by code as table rows with their labels, in the choices' order."""
    keys = [k for k in labels if k in counts] + [k for k in counts if k not in labels] if ordered else sorted(counts)
    return [{"label": labels.get(k, k), "value": counts[k]} for k in keys]


@login_required
def dashboard(request, code: str):
    district = access_district_by_code(request.user, code)
    form = PeriodForm(request.GET or None, initial=PeriodForm.initial_for_today())
    if not request.GET:
        form = PeriodForm(PeriodForm.initial_for_today())
    context = {"district": district, "form": form}
    if form.is_valid():
        period, target_group = form.cleaned_data["period"], form.cleaned_data["target_group"] or None
        data = district_dashboard(district=district, period=period, target_group=target_group)
        figures = data["figures"]
        consultants = {
            str(pk): ref
            for pk, ref in Consultant.objects.filter(pk__in=[int(k) for k in figures["by_consultant"]]).values_list(
                "pk", "ref"
            )
        }
        context |= {
            "period": period,
            "previous": period.previous(),
            "target_label": dict(TargetGroup.choices).get(target_group) if target_group else None,
            "headline": [row | {"label": HEADLINE_LABELS[row["name"]]} for row in data["headline"]],
            "by_channel": _rows(figures["by_channel"], dict(Channel.choices)),
            "by_month": _rows(figures["by_month"], {}, ordered=False),
            "by_consultant": _rows(figures["by_consultant"], consultants),
            "by_role": _rows(figures["by_role"], dict(ConsultantRole.choices)),
            "caregivers_by": [
                (_("Gender"), _rows(figures["caregivers_by"]["gender"], dict(Gender.choices))),
                (_("Age band"), _rows(figures["caregivers_by"]["age_band"], dict(AgeBand.choices))),
                (_("Relation"), _rows(figures["caregivers_by"]["relation"], dict(Relation.choices))),
                (_("Condition"), _rows(figures["caregivers_by"]["condition"], dict(Condition.choices))),
            ],
            "talks_used": sorted(figures["talks"]["used"].items(), key=lambda item: int(item[0])),
            "referrals": _rows(figures["referrals"], dict(ReferralDestination.choices)),
            "profile": data["profile"],
            "as_of": data["as_of"],
            "precomputed": data["precomputed"],
        }
    return render(request, "followup/dashboard.html", context)


@login_required
def city(request):
    """Every district side by side, for the strategists (and administrators)."""
    if not request.user.is_city_wide:
        raise Http404
    form = PeriodForm(request.GET or PeriodForm.initial_for_today())
    context = {"form": form, "figure_names": [(n, HEADLINE_LABELS[n]) for n in CITY_FIGURES]}
    if form.is_valid():
        period, target_group = form.cleaned_data["period"], form.cleaned_data["target_group"] or None
        context |= {"period": period, "overview": city_overview(period=period, target_group=target_group)}
    return render(request, "followup/city.html", context)
