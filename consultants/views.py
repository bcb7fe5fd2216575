from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import render

from .access import access_consultant_by_id, access_description_by_id
from .selectors import (
    consultant_allocated_percent,
    consultant_allocations,
    consultant_current_description,
    description_versions,
)
from .selectors import (
    consultant_list as consultant_list_data,
)


@login_required
@permission_required("consultants.view_consultant", raise_exception=True)
def consultant_list(request):
    return render(request, "consultants/consultant_list.html", {"consultants": consultant_list_data(user=request.user)})


@login_required
@permission_required("consultants.view_consultant", raise_exception=True)
def consultant_detail(request, consultant_id: int):
    consultant = access_consultant_by_id(request.user, consultant_id)
    context = {
        "consultant": consultant,
        # The districts in scope only; the total covers every district the consultant serves.
        "allocations": list(consultant_allocations(consultant=consultant, user=request.user)),
        "allocated_percent": consultant_allocated_percent(consultant=consultant),
        "methods": list(consultant.methods.all()),
        "current": consultant_current_description(consultant=consultant),
    }
    return render(request, "consultants/consultant_detail.html", context)


@login_required
@permission_required("consultants.view_assignmentdescription", raise_exception=True)
def description_detail(request, description_id: int):
    description = access_description_by_id(request.user, description_id)
    context = {
        "description": description,
        "tasks": list(description.tasks.all()),
        "versions": list(description_versions(description=description, user=request.user)),
    }
    return render(request, "consultants/description_detail.html", context)
