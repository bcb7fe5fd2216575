from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from anhorigstod.form_errors import apply_validation_error

from .access import access_goal_for_edit, may_add_goals
from .forms import GoalForm
from .models import FIRST_YEAR, YEARS_AHEAD
from .selectors import goal_list, goal_years
from .services import goal_create, goal_update


def _year(request) -> int:
    this_year = timezone.localdate().year
    try:
        year = int(request.GET.get("year", this_year))
    except ValueError:
        return this_year
    return year if FIRST_YEAR <= year <= this_year + YEARS_AHEAD else this_year


@login_required
def goal_list_view(request):
    """The year's goals of the user's districts and of the city, with their status."""
    year = _year(request)
    this_year = timezone.localdate().year
    years = sorted({*goal_years(user=request.user), this_year, year}, reverse=True)
    context = {
        "year": year,
        "years": years,
        "rows": goal_list(user=request.user, year=year),
        "may_add": may_add_goals(request.user),
    }
    return render(request, "goals/goal_list.html", context)


@login_required
def goal_new(request):
    if not may_add_goals(request.user):
        raise Http404
    form = GoalForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = {"district": None} | form.cleaned_data
        try:
            goal = goal_create(user=request.user, **data)
        except ValidationError as error:
            apply_validation_error(form, error)
        except PermissionDenied as error:
            form.add_error("district" if "district" in form.fields else None, str(error))
        else:
            messages.success(request, _("The goal was saved."))
            return redirect(f"{reverse('goals:list')}?year={goal.year}")
    return render(request, "goals/goal_form.html", {"form": form, "goal": None})


@login_required
def goal_edit(request, goal_id: int):
    goal = access_goal_for_edit(request.user, goal_id)
    form = GoalForm(request.POST or None, instance=goal, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            goal = goal_update(goal=goal, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        except PermissionDenied as error:
            form.add_error("district" if "district" in form.fields else None, str(error))
        else:
            messages.success(request, _("The goal was saved."))
            return redirect(f"{reverse('goals:list')}?year={goal.year}")
    return render(request, "goals/goal_form.html", {"form": form, "goal": goal})
